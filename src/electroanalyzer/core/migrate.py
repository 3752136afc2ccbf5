"""Run the packaged Alembic migrations programmatically."""

from importlib import resources

from alembic import command
from alembic.config import Config

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
