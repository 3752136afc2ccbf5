"""The TOTP step of the web sign-in: only a random challenge id travels in the cookie, never the
password. Expired, exhausted and replayed steps send the user back to the password form."""

import io
import logging
import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
import yaml
from fastapi.testclient import TestClient

from electroanalyzer.core.logging import JsonFormatter

from .conftest import PASSWORDS, REPO_ROOT, WebSite, csrf_of, fast_config_dir, fresh_keys

CHALLENGE_COOKIE = re.compile(r"^(__Host-)?ea_mfa_challenge=([A-Za-z0-9_-]{43});")


def password_step(client: TestClient, username: str, role: str) -> httpx.Response:
    page = client.get("/login")
    response = client.post(
        "/login",
        data={"username": username, "password": PASSWORDS[role], "csrf_token": csrf_of(page.text)},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text[:300]
    assert response.headers["location"].startswith("/login/mfa")
    return response


def code_step(client: TestClient, code: str) -> httpx.Response:
    page = client.get("/login/mfa", follow_redirects=False)
    token = csrf_of(page.text) if page.status_code == 200 else csrf_of(client.get("/login").text)
    return client.post("/login/mfa", data={"code": code, "csrf_token": token}, follow_redirects=False)


@pytest.fixture
def json_logs() -> Iterator[io.StringIO]:
    """Every log record, with its extra fields, as JSON lines."""
    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    previous = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    yield buffer
    root.removeHandler(handler)
    root.setLevel(previous)


def test_no_password_in_cookies_or_logs(site: WebSite, json_logs: io.StringIO) -> None:
    secret = site.create_user("cookiewatch", "therapist", mfa=True)
    assert secret is not None
    client = site.client()

    first = password_step(client, "cookiewatch", "therapist")
    done = code_step(client, site.authenticator(secret).code())

    assert done.status_code == 303
    cookies = first.headers.get_list("set-cookie") + done.headers.get_list("set-cookie")
    password = PASSWORDS["therapist"]
    for cookie in cookies:
        assert password not in cookie
        assert password.encode().hex() not in cookie
    challenge = [cookie for cookie in first.headers.get_list("set-cookie") if "ea_mfa_challenge=" in cookie]
    assert len(challenge) == 1
    assert CHALLENGE_COOKIE.match(challenge[0])
    assert "HttpOnly" in challenge[0]
    assert "SameSite=strict" in challenge[0]
    assert "Max-Age=300" in challenge[0]
    assert not any(name.startswith("ea_login_pending") for name in client.cookies)
    assert json_logs.getvalue() != ""  # the capture saw the requests
    assert password not in json_logs.getvalue()


def test_challenge_cookie_is_secure_under_tls(site: WebSite) -> None:
    site.create_user("tlsuser", "therapist", mfa=True)
    client = TestClient(site.app, base_url="https://127.0.0.1")

    first = password_step(client, "tlsuser", "therapist")

    challenge = [c for c in first.headers.get_list("set-cookie") if "ea_mfa_challenge=" in c]
    assert len(challenge) == 1
    assert challenge[0].startswith("__Host-ea_mfa_challenge=")
    assert "Secure" in challenge[0]
    assert "Path=/" in challenge[0]


def test_used_challenge_cookie_is_cleared(site: WebSite) -> None:
    secret = site.create_user("oneshot", "therapist", mfa=True)
    assert secret is not None
    client = site.client()
    first = password_step(client, "oneshot", "therapist")
    stolen = client.cookies.get("ea_mfa_challenge")

    done = code_step(client, site.authenticator(secret).code())

    assert done.status_code == 303
    assert client.cookies.get("ea_mfa_challenge") is None
    assert stolen is not None and first.status_code == 303
    replay = site.client()
    replay.cookies.set("ea_mfa_challenge", stolen)
    again = code_step(replay, "123456")
    assert again.status_code == 303
    assert again.headers["location"].startswith("/login?reason=mfa_restart")


def test_expired_step_returns_to_password(site: WebSite) -> None:
    secret = site.create_user("dawdler", "therapist", mfa=True)
    assert secret is not None
    client = site.client()
    password_step(client, "dawdler", "therapist")
    site.ctx.clock.advance(timedelta(minutes=6))

    response = code_step(client, site.authenticator(secret).code())

    assert response.status_code == 303
    assert response.headers["location"].startswith("/login?reason=mfa_restart")
    assert "verification step expired" in client.get(response.headers["location"]).text


def test_third_wrong_code_returns_to_password(site: WebSite) -> None:
    secret = site.create_user("mistyper", "therapist", mfa=True)
    assert secret is not None
    client = site.client()
    password_step(client, "mistyper", "therapist")
    wrong = "000000" if site.authenticator(secret).totp.now() != "000000" else "111111"

    first = code_step(client, wrong)
    second = code_step(client, wrong)
    third = code_step(client, wrong)

    assert first.status_code == 401
    assert "That code is not valid" in first.text
    assert second.status_code == 401
    assert third.status_code == 303
    assert third.headers["location"].startswith("/login?reason=mfa_restart")


def test_replayed_code_is_rejected_on_page(site: WebSite) -> None:
    secret = site.create_user("echo", "therapist", mfa=True)
    assert secret is not None
    code = site.authenticator(secret).code()
    first_browser = site.client()
    password_step(first_browser, "echo", "therapist")
    assert code_step(first_browser, code).status_code == 303

    second_browser = site.client()
    password_step(second_browser, "echo", "therapist")
    replayed = code_step(second_browser, code)

    assert replayed.status_code == 401
    assert "already used" in replayed.text


def test_recovery_code_on_page_works_once(site: WebSite) -> None:
    from electroanalyzer.auth.permissions import Role
    from electroanalyzer.users import service as users

    created = users.create_user(site.ctx, username="spare", password=PASSWORDS["viewer"], role=Role.VIEWER)
    secret, _ = users.begin_mfa_enrolment(site.ctx, created.id)
    codes = users.confirm_mfa_enrolment(site.ctx, created.id, site.authenticator(secret).code())
    first_browser = site.client()
    password_step(first_browser, "spare", "viewer")
    assert code_step(first_browser, codes[0]).status_code == 303

    second_browser = site.client()
    password_step(second_browser, "spare", "viewer")
    reused = code_step(second_browser, codes[0])

    assert reused.status_code == 401


def test_shipped_policy_limits_sign_in_pages() -> None:
    policy = yaml.safe_load((REPO_ROOT / "config" / "security_policies.yaml").read_text(encoding="utf-8"))
    limits = policy["rate_limits"]

    token_limits = limits["endpoints"]["/api/v2/auth/token"]
    assert token_limits == {"per_minute": 10, "per_hour": 100, "burst": 5}
    assert limits["endpoints"]["/login"] == token_limits
    assert limits["endpoints"]["/login/mfa"] == token_limits
    assert "/login" in limits["account_endpoints"]
    assert limits["submit_only_endpoints"] == ["/login", "/login/mfa"]


def test_sign_in_pages_are_rate_limited(tmp_path: Path) -> None:
    from electroanalyzer.api import create_app
    from electroanalyzer.core.migrate import upgrade
    from electroanalyzer.core.settings import load_settings

    settings = load_settings(
        **fresh_keys(),
        config_dir=fast_config_dir(tmp_path / "config"),
        data_dir=tmp_path / "data",
        retention_purge_interval_minutes=0,
        enable_rate_limiting=True,
        enable_threat_detection=False,
    )
    upgrade(settings)
    app = create_app(settings)
    with TestClient(app, base_url="http://127.0.0.1") as client:
        page_statuses = [client.get("/login").status_code for _ in range(12)]
        assert page_statuses == [200] * 12
        token = csrf_of(client.get("/login").text)
        for path in ("/login", "/login/mfa"):
            statuses = [
                client.post(
                    path,
                    data={
                        "username": "limited",
                        "password": "Wrong!Guess1234",
                        "code": "1",
                        "csrf_token": token,
                    },
                    follow_redirects=False,
                ).status_code
                for _ in range(11)
            ]
            # Showing the form does not count toward the sign-in limits, so the burst of 5 is whole.
            assert 429 not in statuses[:5], path
            assert 429 in statuses, path
    app.state.context.engine.dispose()
