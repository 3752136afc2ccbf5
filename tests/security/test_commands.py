"""The security commands: validate against a fresh server (HTTP and HTTPS), review and report."""

import ssl
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from electroanalyzer.cli import build_app
from electroanalyzer.security.validate import Validator

from .conftest import self_signed_certificate

EXPECTED_CHECKS = {
    "security headers",
    "CSRF protection",
    "upload restrictions",
    "session management",
    "error messages",
    "audit logging",
    "threat detection",
    "incident response",
    "rate limiting",
}


def test_validate_passes_on_fresh_server(live_app: Any) -> None:
    app = live_app()
    token = app.admin_token()
    results = Validator(app.url, token).run()
    assert {result.name for result in results} == EXPECTED_CHECKS
    failures = [result.line() for result in results if result.outcome != "PASS"]
    assert failures == []


def test_validate_over_https(tmp_path: Path, live_app: Any) -> None:
    cert, key = self_signed_certificate(tmp_path)
    app = live_app(ssl={"ssl_certfile": str(cert), "ssl_keyfile": str(key)})
    results = Validator(app.url, None, verify_tls=str(cert)).run()
    outcomes = {result.name: result.outcome for result in results}
    assert outcomes["security headers"] == "PASS"  # HSTS included
    assert outcomes["upload restrictions"] == "PASS"
    assert outcomes["session management"] == "SKIP"
    assert "FAIL" not in outcomes.values()


def test_validate_fails_when_layers_are_off(live_app: Any) -> None:
    app = live_app(
        enable_security_headers=False,
        enable_csrf_protection=False,
        enable_threat_detection=False,
        enable_rate_limiting=False,
    )
    outcomes = {result.name: result.outcome for result in Validator(app.url).run()}
    assert outcomes["security headers"] == "FAIL"
    assert outcomes["CSRF protection"] == "FAIL"
    assert outcomes["threat detection"] == "FAIL"
    assert outcomes["rate limiting"] == "FAIL"


def test_validate_command_exit_code(live_app: Any) -> None:
    app = live_app(enable_threat_detection=False)
    result = CliRunner().invoke(build_app(), ["security", "validate", "--url", app.url])
    assert result.exit_code == 1
    assert "FAIL threat detection" in result.output
    assert "SKIP audit logging" in result.output


@pytest.fixture
def attacked_environment(live_app: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    app = live_app(enable_rate_limiting=False)
    with app.client() as client:
        for payload in ("' OR '1'='1", "1 UNION SELECT 1", "x;DROP TABLE t"):
            client.get("/api/v2/health", params={"q": payload})
    app.flush_events()
    settings = app.context.settings
    for name in ("SECRET_KEY", "FILE_ENCRYPTION_KEY", "DATABASE_ENCRYPTION_KEY"):
        monkeypatch.setenv(name, settings.secret(name))
    monkeypatch.setenv("EA_CONFIG_DIR", str(settings.config_dir))
    monkeypatch.setenv("EA_DATA_DIR", str(settings.data_dir))
    return app


def test_review_command(attacked_environment: Any) -> None:
    result = CliRunner().invoke(build_app(), ["security", "review"])
    assert result.exit_code == 0, result.output
    assert "threat:sql_injection" in result.output
    assert "incidents opened in the period: 1" in result.output


def test_report_command(attacked_environment: Any, tmp_path: Path) -> None:
    out = tmp_path / "reports"
    result = CliRunner().invoke(build_app(), ["security", "report", "--out", str(out)])
    assert result.exit_code == 0, result.output
    html = next(out.glob("security-report-*.html")).read_text(encoding="utf-8")
    pdf = next(out.glob("security-report-*.pdf")).read_bytes()
    assert "threat:sql_injection" in html
    assert pdf.startswith(b"%PDF")
    assert "127.0.0.1" not in html


def test_review_rejects_reversed_period(attacked_environment: Any) -> None:
    result = CliRunner().invoke(
        build_app(),
        ["security", "review", "--since", "2026-01-02T00:00:00", "--until", "2026-01-01T00:00:00"],
    )
    assert result.exit_code == 2


def test_context_verify_modes(tmp_path: Path) -> None:
    cert, _ = self_signed_certificate(tmp_path)
    assert Validator("https://127.0.0.1:1", verify_tls=False)._context().verify_mode == ssl.CERT_NONE
    assert Validator("https://127.0.0.1:1", verify_tls=str(cert))._context().verify_mode == ssl.CERT_REQUIRED
