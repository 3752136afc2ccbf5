"""`electroanalyzer security`: review security events, validate a deployment, write the report."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Annotated, Any

import typer

EXIT_OK = 0
EXIT_FAILED_CHECKS = 1
EXIT_USAGE = 2

VALIDATE_HELP = """Run the post-deployment checklist against a running server.

Prints PASS, FAIL or SKIP for each item: security headers, CSRF protection, upload
restrictions, session management, error messages, audit logging, threat detection,
incident response and rate limiting (last, because it spends the sign-in budget).

Session management, audit logging and incident response need an administrator's access
token (--admin-token or EA_ADMIN_TOKEN; get one from POST /api/v2/auth/token); without it
they are skipped. Run it from an address other than the administrators' own, because the
threat check is recorded as an attack. Exit code 0 when nothing failed, 1 when a check failed."""


def _context() -> Any:
    from electroanalyzer.core.context import build_context
    from electroanalyzer.core.settings import SettingsError, load_settings

    try:
        return build_context(load_settings())
    except (SettingsError, ValueError) as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(EXIT_USAGE) from None


def _moment(value: datetime | None, default: datetime) -> datetime:
    if value is None:
        return default
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def review(
    since: Annotated[
        datetime | None, typer.Option(help="Start of the period (ISO 8601; default 24 hours ago).")
    ] = None,
    until: Annotated[datetime | None, typer.Option(help="End of the period (ISO 8601; default now).")] = None,
) -> None:
    """Summarize security events and incidents for a period: counts per kind and the incidents opened."""
    from electroanalyzer.security import service
    from electroanalyzer.security.config import security_config

    now = datetime.now(UTC)
    end = _moment(until, now)
    start = _moment(since, end - timedelta(hours=24))
    if end <= start:
        typer.echo("error: --since must be before --until", err=True)
        raise typer.Exit(EXIT_USAGE)
    ctx = _context()
    window = service.Window(start, end)
    with ctx.session_factory() as db:
        metrics = service.metrics(db, window, security_config(ctx.settings))
        kinds = service.events_by_kind(db, window)
        incidents, total = service.list_incidents(db, status=None, severity=None, limit=50, offset=0)
    typer.echo(f"Security review {start.isoformat()} to {end.isoformat()}")
    typer.echo(
        f"threat level {metrics['threat_level']}, security score {metrics['security_score']}, "
        f"active incidents {metrics['incident_count']}, opened {metrics['incidents_opened']}"
    )
    typer.echo(f"failed logins {metrics['failed_logins']}, blocked attempts {metrics['blocked_attempts']}")
    typer.echo("events by kind:")
    for kind, count in sorted(kinds.items(), key=lambda item: (-item[1], item[0])):
        typer.echo(f"  {count:6}  {kind}")
    opened = [item for item in incidents if start.isoformat() <= item["opened_at"] < end.isoformat()]
    typer.echo(f"incidents opened in the period: {len(opened)} (of {total} in total)")
    for item in opened:
        actions = ", ".join(item["containment_actions"]) or "none"
        typer.echo(
            f"  #{item['id']} {item['severity']:8} {item['status']:9} {item['kind']} (containment: {actions})"
        )


def validate(
    url: Annotated[str, typer.Option(help="Base URL of the running server, e.g. https://127.0.0.1:8001.")],
    admin_token: Annotated[
        str | None,
        typer.Option(envvar="EA_ADMIN_TOKEN", help="Administrator bearer token for the admin checks."),
    ] = None,
    ca_file: Annotated[
        Path | None, typer.Option(help="CA certificate to verify the server's TLS certificate.")
    ] = None,
    insecure: Annotated[
        bool,
        typer.Option("--insecure", help="Do not verify the TLS certificate (self-signed test servers only)."),
    ] = False,
) -> None:
    from electroanalyzer.security.validate import Validator

    verify: bool | str = str(ca_file) if ca_file else not insecure
    results = Validator(url, admin_token or os.environ.get("EA_ADMIN_TOKEN"), verify_tls=verify).run()
    for result in results:
        typer.echo(result.line())
    failed = sum(1 for result in results if result.outcome == "FAIL")
    typer.echo(f"{len(results) - failed} of {len(results)} checks did not fail; {failed} failed.")
    raise typer.Exit(EXIT_FAILED_CHECKS if failed else EXIT_OK)


def report(
    out: Annotated[Path, typer.Option(help="Folder for security-report-DATE.html, .pdf and .json.")] = Path(
        "."
    ),
    day: Annotated[
        datetime | None, typer.Option("--date", formats=["%Y-%m-%d"], help="UTC day (default today).")
    ] = None,
) -> None:
    """Write the daily security report as HTML, PDF and JSON."""
    import json

    from electroanalyzer.security import reports, service
    from electroanalyzer.security.config import security_config

    ctx = _context()
    moment = day.replace(tzinfo=UTC) if day else datetime.now(UTC)
    with ctx.session_factory() as db:
        data = service.daily_report(db, moment, security_config(ctx.settings))
    out.mkdir(parents=True, exist_ok=True)
    stem = out / f"security-report-{data['date']}"
    stem.with_suffix(".html").write_text(reports.render_html(data), encoding="utf-8")
    stem.with_suffix(".pdf").write_bytes(reports.render_pdf(data))
    stem.with_suffix(".json").write_text(json.dumps(data, indent=2), encoding="utf-8")
    typer.echo(f"Wrote {stem}.html, {stem}.pdf and {stem}.json")


def register(app: typer.Typer) -> None:
    group = typer.Typer(
        help="Security monitoring: review, validate a deployment, report.", no_args_is_help=True
    )
    group.command("review")(review)
    group.command("validate", help=VALIDATE_HELP)(validate)
    group.command("report")(report)
    app.add_typer(group, name="security")
