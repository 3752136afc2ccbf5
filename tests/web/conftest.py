"""Fixtures for the web page tests: the real app (API, defence layers and pages) on a fresh SQLite
database in a temp folder, driven over HTTP with Starlette's test client."""

from __future__ import annotations

import base64
import re
import secrets
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from fastapi.testclient import TestClient

from server.totp import Authenticator

REPO_ROOT = Path(__file__).resolve().parents[2]
CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')
# Each test role gets a password that meets the standard policy.
PASSWORDS = {"admin": "Quartz!Harbor42", "therapist": "Maple!Compass73", "viewer": "Cedar!Lantern58"}


def fresh_keys() -> dict[str, str]:
    return {
        "SECRET_KEY": secrets.token_urlsafe(48),
        "FILE_ENCRYPTION_KEY": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
        "DATABASE_ENCRYPTION_KEY": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
    }


def fast_config_dir(target: Path) -> Path:
    """Copy the shipped config with the lowest bcrypt cost, so signing in takes milliseconds in tests."""
    shutil.copytree(REPO_ROOT / "config", target)
    policy_file = target / "security_policies.yaml"
    policies = yaml.safe_load(policy_file.read_text(encoding="utf-8"))
    policies["password"]["bcrypt_rounds"] = 4
    policy_file.write_text(yaml.safe_dump(policies), encoding="utf-8")
    return target


class WebSite:
    """The app under test with helpers to create users and sign in through the pages."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.ctx = app.state.context
        self.authenticators: dict[str, Authenticator] = {}

    def authenticator(self, secret: str) -> Authenticator:
        """The one authenticator of `secret`, so its codes never repeat a time step."""
        return self.authenticators.setdefault(secret, Authenticator(secret, self.ctx.clock))

    def client(self) -> TestClient:
        return TestClient(self.app, base_url="http://127.0.0.1")

    def create_user(self, username: str, role: str, *, mfa: bool = False) -> str | None:
        """Create an account through the users service; return its TOTP secret when MFA is on."""
        from electroanalyzer.auth.permissions import Role
        from electroanalyzer.users import service as users

        created = users.create_user(
            self.ctx,
            username=username,
            password=PASSWORDS[role],
            role=Role(role),
            email=f"{username}@clinic.test",
        )
        if not mfa:
            return None
        secret, _ = users.begin_mfa_enrolment(self.ctx, created.id)
        users.confirm_mfa_enrolment(self.ctx, created.id, self.authenticator(secret).code())
        return secret

    def sign_in(self, client: TestClient, username: str, role: str, *, secret: str | None = None) -> None:
        page = client.get("/login")
        response = client.post(
            "/login",
            data={
                "username": username,
                "password": PASSWORDS[role],
                "csrf_token": csrf_of(page.text),
                "next": "/",
            },
            follow_redirects=False,
        )
        assert response.status_code == 303, response.text[:500]
        if secret is not None:
            assert response.headers["location"].startswith("/login/mfa")
            page = client.get(response.headers["location"])
            response = client.post(
                "/login/mfa",
                data={
                    "code": self.authenticator(secret).code(),
                    "csrf_token": csrf_of(page.text),
                    "next": "/",
                },
                follow_redirects=False,
            )
            assert response.status_code == 303, response.text[:500]


def csrf_of(html: str) -> str:
    match = CSRF_FIELD.search(html)
    assert match, "the page has no CSRF field"
    return match.group(1)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebSite]:
    from electroanalyzer.api import create_app
    from electroanalyzer.core.migrate import upgrade
    from electroanalyzer.core.settings import load_settings

    root = tmp_path_factory.mktemp("web")
    settings = load_settings(
        **fresh_keys(),
        config_dir=fast_config_dir(root / "config"),
        data_dir=root / "data",
        retention_purge_interval_minutes=0,
        enable_rate_limiting=False,
    )
    upgrade(settings)
    app = create_app(settings)
    with TestClient(app):  # runs the lifespan: job runner start and shutdown
        yield WebSite(app)
