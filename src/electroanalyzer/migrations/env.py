"""Alembic environment: the engine comes from the Settings passed in `config.attributes["settings"]`
(by `electroanalyzer db upgrade`), or from the environment when run through the `alembic` tool."""

from alembic import context

from electroanalyzer.core import models  # noqa: F401  (registers every table on Base.metadata)
from electroanalyzer.core.database import Base, create_engine_for
from electroanalyzer.core.settings import load_settings

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    settings = config.attributes.get("settings") or load_settings()
    engine = create_engine_for(settings)
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    raise SystemExit("offline (SQL script) migrations are not supported; run `electroanalyzer db upgrade`")
run_migrations_online()
