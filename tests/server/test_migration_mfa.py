"""The 0003 migration creates exactly the MFA challenge and TOTP step tables the models describe."""

from collections.abc import Callable

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect

from electroanalyzer.auth.models import MfaChallenge, TotpLastStep
from electroanalyzer.core.database import Base
from electroanalyzer.core.migrate import alembic_config, upgrade
from electroanalyzer.core.settings import Settings

MFA_TABLES = {MfaChallenge.__tablename__, TotpLastStep.__tablename__}


def test_mfa_migration_matches_models(make_settings: Callable[..., Settings]) -> None:
    settings = make_settings()
    upgrade(settings)
    engine = create_engine(settings.sqlalchemy_url)
    with engine.connect() as connection:
        assert set(inspect(connection).get_table_names()) >= MFA_TABLES
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    engine.dispose()
    ours = [diff for diff in differences if any(table in repr(diff) for table in MFA_TABLES)]
    assert ours == []


def test_mfa_downgrade_removes_tables(make_settings: Callable[..., Settings]) -> None:
    settings = make_settings()
    upgrade(settings)
    command.downgrade(alembic_config(settings), "0002")
    engine = create_engine(settings.sqlalchemy_url)
    with engine.connect() as connection:
        remaining = set(inspect(connection).get_table_names())
    engine.dispose()
    assert not MFA_TABLES & remaining
    assert "users" in remaining
