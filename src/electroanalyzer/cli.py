"""The `electroanalyzer` command-line tool.

Each module in COMMAND_MODULES defines `register(app: typer.Typer) -> None`, which adds its
commands or command groups. Modules keep heavy imports (Presidio, SQLAlchemy, FastAPI) inside
the command bodies, so that `--help` and short commands start quickly.
"""

import importlib

import typer

COMMAND_MODULES: tuple[str, ...] = (
    "electroanalyzer.commands.analyze",
    "electroanalyzer.commands.phi",
    "electroanalyzer.commands.server",
    "electroanalyzer.commands.security",
)

app = typer.Typer(
    name="electroanalyzer",
    help="Check PT, OT and SLP therapy notes against Medicare documentation rules.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def build_app() -> typer.Typer:
    """Register every command module's commands on the root app."""
    for module_name in COMMAND_MODULES:
        importlib.import_module(module_name).register(app)
    return app


def main() -> None:
    build_app()()
