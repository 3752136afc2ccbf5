"""Server commands: serve, worker, db upgrade, users create/reset-password, keys generate/rotate,
audit verify/export, retention purge. Heavy imports stay inside the command bodies so `--help` starts
quickly."""

import json
import os
import sys
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:
    from electroanalyzer.core.context import ServerContext
    from electroanalyzer.core.settings import Settings

ENV_FILE = Path(".env")


def _fail(message: str) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(code=2)


def _settings() -> "Settings":
    from electroanalyzer.core.settings import SettingsError, load_settings

    try:
        return load_settings()
    except SettingsError as error:
        raise _fail(str(error)) from None


def _context() -> "ServerContext":
    from electroanalyzer.core.context import build_context

    return build_context(_settings())


def read_env_file(path: Path) -> dict[str, str]:
    values: dict[str, str] = {}
    if not path.exists():
        return values
    for line in path.read_text(encoding="utf-8").splitlines():
        if "=" in line and not line.lstrip().startswith("#"):
            key, _, value = line.partition("=")
            values[key.strip()] = value.strip().strip('"').strip("'")
    return values


def write_env_file(path: Path, updates: dict[str, str]) -> None:
    """Set variables in a .env file (created owner-only, 0600), replacing them atomically."""
    lines = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
    remaining = dict(updates)
    output: list[str] = []
    for line in lines:
        key = line.partition("=")[0].strip()
        if key in remaining and not line.lstrip().startswith("#"):
            output.append(f"{key}={remaining.pop(key)}")
        else:
            output.append(line)
    output.extend(f"{key}={value}" for key, value in remaining.items())
    temporary = path.with_name(path.name + ".tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write("\n".join(output) + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    os.chmod(temporary, 0o600)
    os.replace(temporary, path)


def generate_keys_into(path: Path, *, overwrite: bool) -> list[str]:
    """Write fresh keys for the variables missing from `path` (all with `overwrite`); return their names."""
    from electroanalyzer.core.settings import generate_key_values

    existing = read_env_file(path)
    fresh = {key: value for key, value in generate_key_values().items() if overwrite or not existing.get(key)}
    if fresh:
        write_env_file(path, fresh)
    elif path.exists():
        os.chmod(path, 0o600)
    return sorted(fresh)


def build_uvicorn_config(
    settings: "Settings", host: str, port: int, tls_cert: Path | None, tls_key: Path | None
) -> Any:
    """Build the uvicorn Config; with a certificate and key the server speaks TLS 1.3 only."""
    from electroanalyzer.api import create_app
    from electroanalyzer.core.logging import uvicorn_log_config

    options: dict[str, Any] = {}
    if tls_cert is not None or tls_key is not None:
        if tls_cert is None or tls_key is None:
            raise _fail("give both --tls-cert and --tls-key")
        options.update(ssl_certfile=str(tls_cert), ssl_keyfile=str(tls_key))
    from electroanalyzer.security.tls import Tls13Config

    # Tls13Config is a uvicorn.Config whose TLS context accepts TLS 1.3 only.
    return Tls13Config(
        create_app(settings),
        host=host,
        port=port,
        log_config=uvicorn_log_config(settings.log_level),
        proxy_headers=False,
        server_header=False,
        date_header=False,
        **options,
    )


def serve(
    host: Annotated[str | None, typer.Option(help="Address to listen on (default 127.0.0.1).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default 8001).")] = None,
    prepare: Annotated[
        bool, typer.Option("--prepare", help="Create missing keys in .env (0600) and the database first.")
    ] = False,
    tls_cert: Annotated[Path | None, typer.Option(help="PEM certificate for HTTPS.")] = None,
    tls_key: Annotated[Path | None, typer.Option(help="PEM private key for HTTPS.")] = None,
) -> None:
    """Start the API server (and the web pages) under /api/v2."""
    import uvicorn

    from electroanalyzer.core.logging import configure_logging
    from electroanalyzer.core.migrate import upgrade

    if prepare:
        created = generate_keys_into(ENV_FILE, overwrite=False)
        if created:
            typer.echo(f"Generated {', '.join(created)} in {ENV_FILE.resolve()} (mode 0600).")
    settings = _settings()
    configure_logging(settings.log_level)
    if prepare:
        upgrade(settings)
        typer.echo("Database ready.")
    bind_host, bind_port = host or settings.host, port or settings.port
    scheme = "https" if tls_cert else "http"
    typer.echo(f"Web pages: {scheme}://{bind_host}:{bind_port}/ (sign in there)")
    typer.echo(f"API docs: {scheme}://{bind_host}:{bind_port}/api/v2/docs")
    typer.echo("Create the first admin with: electroanalyzer users create ADMIN_NAME --role admin")
    uvicorn.Server(build_uvicorn_config(settings, bind_host, bind_port, tls_cert, tls_key)).run()


def worker(
    max_jobs: Annotated[
        int | None, typer.Option(help="Stop after this many jobs (default: run until stopped).")
    ] = None,
) -> None:
    """Run analysis jobs from the Redis queue (job_backend: redis)."""
    from electroanalyzer.core.logging import configure_logging
    from electroanalyzer.jobs.runner import work_forever

    ctx = _context()
    configure_logging(ctx.settings.log_level)
    done = work_forever(ctx, max_jobs=max_jobs)
    typer.echo(f"Processed {done} job(s).")


def db_upgrade(revision: Annotated[str, typer.Argument(help="Target revision.")] = "head") -> None:
    """Apply the database migrations."""
    from electroanalyzer.core.migrate import upgrade

    upgrade(_settings(), revision)
    typer.echo(f"Database upgraded to {revision}.")


def users_create(
    username: Annotated[str, typer.Argument(help="Login name (letters, digits, . _ -).")],
    role: Annotated[str, typer.Option(help="admin, therapist or viewer.")] = "therapist",
    email: Annotated[str | None, typer.Option(help="Email address (optional).")] = None,
    generate: Annotated[
        bool,
        typer.Option(
            "--generate", help="Generate a password, show it once, and require a change at sign-in."
        ),
    ] = False,
) -> None:
    """Create an account. The password is typed twice, or generated and shown once."""
    from electroanalyzer.auth.permissions import Role
    from electroanalyzer.core.errors import DomainError
    from electroanalyzer.users import service
    from electroanalyzer.users.passwords import generate_password

    try:
        chosen_role = Role(role)
    except ValueError:
        raise _fail("--role must be admin, therapist or viewer") from None
    ctx = _context()
    if generate:
        password = generate_password(ctx.settings.policies.password, username=username.lower(), email=email)
    else:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        created = service.create_user(
            ctx,
            username=username,
            password=password,
            role=chosen_role,
            email=email,
            must_change_password=generate,
        )
    except DomainError as error:
        raise _fail(error.detail) from None
    typer.echo(f"Created {created.role.value} {created.username} (id {created.id}).")
    if generate:
        typer.echo(f"Password (shown once, store it safely): {password}")
        typer.echo("The user must choose a new password after signing in.")
    if chosen_role.value in ctx.settings.policies.mfa.required_for_roles:
        typer.echo(
            f"This role must set up MFA at first sign-in: sign in at the web pages "
            f"(http://{ctx.settings.host}:{ctx.settings.port}/), where MFA set-up starts. "
            "API clients enrol with POST /api/v2/auth/mfa/enroll."
        )


def users_reset_password(
    username: Annotated[str, typer.Argument(help="Login name of the account to reset.")],
    generate: Annotated[
        bool, typer.Option("--generate", help="Generate the new password and show it once.")
    ] = False,
) -> None:
    """Set a new password for an account, end all its sessions, and require a change at sign-in."""
    from electroanalyzer.core.errors import DomainError
    from electroanalyzer.users import service

    ctx = _context()
    new_password = (
        None if generate else typer.prompt("New password", hide_input=True, confirmation_prompt=True)
    )
    try:
        user_id = service.find_user_id(ctx, username)
        password = service.reset_password(ctx, user_id, actor_id=None, new_password=new_password)
    except DomainError as error:
        raise _fail(error.detail) from None
    typer.echo(f"Reset the password of {username.strip().lower()} (id {user_id}); its sessions have ended.")
    if generate:
        typer.echo(f"Password (shown once, store it safely): {password}")
    typer.echo("The user must choose a new password after signing in.")


def keys_generate(
    env_file: Annotated[Path, typer.Option(help="File to write.")] = ENV_FILE,
    force: Annotated[
        bool, typer.Option("--force", help="Replace existing keys (data encrypted with them is lost).")
    ] = False,
) -> None:
    """Write SECRET_KEY, FILE_ENCRYPTION_KEY and DATABASE_ENCRYPTION_KEY to .env (mode 0600)."""
    created = generate_keys_into(env_file, overwrite=force)
    if created:
        typer.echo(f"Wrote {', '.join(created)} to {env_file.resolve()} (mode 0600).")
    else:
        typer.echo(f"{env_file} already has every key; use `keys rotate` to change encryption keys.")


def keys_rotate(
    env_file: Annotated[Path, typer.Option(help="The .env holding the keys.")] = ENV_FILE,
    batch_size: Annotated[int, typer.Option(min=1, max=10000, help="Records per transaction.")] = 200,
    batch_pause: Annotated[
        float, typer.Option(min=0, max=60, help="Seconds to wait between batches (eases load).")
    ] = 0.0,
) -> None:
    """Add new field and file keys, re-encrypt every field and file, then retire the old keys.
    Safe to interrupt: rerun the command to resume."""
    from electroanalyzer.core.key_rotation import KeyRotationError, rotate_keys

    try:
        summary = rotate_keys(env_file, batch_size=batch_size, pause_seconds=batch_pause, echo=typer.echo)
    except KeyRotationError as error:
        raise _fail(str(error)) from None
    typer.echo(json.dumps(summary))


def audit_verify() -> None:
    """Check the audit chain; exit 1 and name the first bad entry when it was edited, removed or reordered."""
    from electroanalyzer.audit.service import verify_chain

    report = verify_chain(_context())
    if report.ok:
        typer.echo(f"Audit trail intact: {report.checked} entries verified.")
        return
    typer.echo(f"Audit trail broken at entry {report.first_bad_id}: {report.problem}", err=True)
    raise typer.Exit(code=1)


def _parse_time(value: str | None, option: str) -> datetime | None:
    from datetime import UTC

    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise _fail(f"{option} must be an ISO date or date-time, such as 2026-01-31") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def audit_export(
    since: Annotated[str | None, typer.Option(help="Start (inclusive), ISO date or date-time, UTC.")] = None,
    until: Annotated[str | None, typer.Option(help="End (exclusive), ISO date or date-time, UTC.")] = None,
    output: Annotated[Path | None, typer.Option(help="File to write (default: standard output).")] = None,
) -> None:
    """Write audit entries of a date range as JSON lines."""
    from electroanalyzer.audit.service import export_entries

    entries = export_entries(_context(), _parse_time(since, "--since"), _parse_time(until, "--until"))
    handle = output.open("w", encoding="utf-8") if output else sys.stdout
    count = 0
    try:
        for entry in entries:
            handle.write(json.dumps(entry, separators=(",", ":")) + "\n")
            count += 1
    finally:
        if output:
            handle.close()
    typer.echo(f"Exported {count} entries.", err=True)


def retention_purge() -> None:
    """Delete encrypted originals older than retention.original_days (results and audit entries stay)."""
    from electroanalyzer.analyses.service import purge_originals

    purged = purge_originals(_context())
    typer.echo(f"Purged {purged} original(s).")


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)
    app.command("worker")(worker)
    groups: dict[str, tuple[str, list[tuple[str, Any]]]] = {
        "db": ("Database migrations.", [("upgrade", db_upgrade)]),
        "users": (
            "User accounts.",
            [("create", users_create), ("reset-password", users_reset_password)],
        ),
        "keys": ("Encryption keys.", [("generate", keys_generate), ("rotate", keys_rotate)]),
        "audit": ("The audit trail.", [("verify", audit_verify), ("export", audit_export)]),
        "retention": ("Data retention.", [("purge", retention_purge)]),
    }
    for name, (help_text, commands) in groups.items():
        group = typer.Typer(help=help_text, no_args_is_help=True)
        for command_name, function in commands:
            group.command(command_name)(function)
        app.add_typer(group, name=name)
