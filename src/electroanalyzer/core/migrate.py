"""Run the packaged Alembic migrations programmatically."""

from importlib import resources

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from electroanalyzer.core.settings import Settings


def alembic_config(settings: Settings) -> Config:
    config = Config()
    config.set_main_option("script_location", str(resources.files("electroanalyzer") / "migrations"))
    config.set_main_option("path_separator", "os")
    config.attributes["settings"] = settings
    return config


def upgrade(settings: Settings, revision: str = "head") -> None:
    settings.data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    command.upgrade(alembic_config(settings), revision)


class DatabaseNotReady(RuntimeError):
    """The database is missing tables or migrations; the message says which command fixes it."""


def check_current(settings: Settings, engine: Engine) -> None:
    """Raise DatabaseNotReady unless the database is at the newest migration."""
    script = ScriptDirectory.from_config(alembic_config(settings))
    with engine.connect() as connection:
        current = set(MigrationContext.configure(connection).get_current_heads())
    if current != set(script.get_heads()):
        raise DatabaseNotReady(
            f"the database is at {sorted(current) or 'no revision'} but this version needs "
            f"{sorted(script.get_heads())}; run `electroanalyzer db upgrade` (or `serve --prepare`)"
        )
