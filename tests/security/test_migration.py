"""The 0002 migration creates exactly the security tables the models describe."""

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect

from electroanalyzer.core.database import Base
from electroanalyzer.core.migrate import upgrade
from electroanalyzer.security import models

SECURITY_TABLES = {models.SecurityEvent.__tablename__, models.SecurityIncident.__tablename__}


def test_migration_matches_models(make_settings: Any) -> None:
    settings = make_settings()
    upgrade(settings)
    engine = create_engine(settings.sqlalchemy_url)
    with engine.connect() as connection:
        assert set(inspect(connection).get_table_names()) >= SECURITY_TABLES
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    engine.dispose()
    ours = [diff for diff in differences if any(table in repr(diff) for table in SECURITY_TABLES)]
    assert ours == []


def test_downgrade_removes_security_tables(make_settings: Any) -> None:
    from alembic import command

    from electroanalyzer.core.migrate import alembic_config

    settings = make_settings()
    upgrade(settings)
    command.downgrade(alembic_config(settings), "0001")
    engine = create_engine(settings.sqlalchemy_url)
    with engine.connect() as connection:
        assert not SECURITY_TABLES & set(inspect(connection).get_table_names())
    engine.dispose()
