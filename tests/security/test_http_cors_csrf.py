"""CORS allowlist and CSRF double submit, Origin and Sec-Fetch-Site checks."""

import uuid
from contextlib import closing
from typing import Any

import pytest

from .conftest import THERAPIST_PASSWORD


@pytest.fixture(scope="module")
def app(module_app: Any) -> Any:
    # Rate limiting is off here so the many sign-ins of this module are not throttled;
    # the rate-limit tests run with it on.
    return module_app(enable_rate_limiting=False)


# CORS ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "origin", ["https://evil.example", "null", "http://127.0.0.1.evil.example", "http://localhost:4000"]
)
def test_disallowed_origin_gets_no_allow_header(app: Any, origin: str) -> None:
    with app.client() as client:
        response = client.get("/api/v2/health", headers={"Origin": origin, "Cookie": "ea_access=x"})
    assert response.status_code == 200
    assert "access-control-allow-origin" not in response.headers
    assert "access-control-allow-credentials" not in response.headers


@pytest.mark.parametrize("origin", ["http://localhost:3000", "https://127.0.0.1", "app://."])
def test_allowed_origin_gets_credentials(app: Any, origin: str) -> None:
    with app.client() as client:
        response = client.get("/api/v2/health", headers={"Origin": origin})
    assert response.headers["access-control-allow-origin"] == origin
    assert response.headers["access-control-allow-credentials"] == "true"
    assert "Origin" in response.headers["vary"]


def test_preflight_allowed(app: Any) -> None:
    with app.client() as client:
        response = client.options(
            "/api/v2/auth/token",
            headers={
                "Origin": "http://localhost:3000",
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "content-type, x-csrf-token",
            },
        )
    assert response.status_code == 204
    assert response.headers["access-control-allow-origin"] == "http://localhost:3000"
    assert "POST" in response.headers["access-control-allow-methods"]


@pytest.mark.parametrize(
    ("origin", "method", "headers"),
    [
        ("https://evil.example", "POST", "content-type"),
        ("null", "POST", ""),
        ("http://localhost:3000", "TRACE", ""),
        ("http://localhost:3000", "PROPFIND", ""),
        ("http://localhost:3000", "POST", "x-evil-header"),
        ("http://localhost:3000", "DELETE", "authorization, x-forwarded-for"),
    ],
)
def test_preflight_rejected(app: Any, origin: str, method: str, headers: str) -> None:
    request_headers = {"Origin": origin, "Access-Control-Request-Method": method}
    if headers:
        request_headers["Access-Control-Request-Headers"] = headers
    with app.client() as client:
        response = client.options("/api/v2/auth/token", headers=request_headers)
    assert response.status_code == 403
    assert not any(name.startswith("access-control-allow") for name in response.headers)


# CSRF ----------------------------------------------------------------------------------------


def cookie_session(app: Any, username: str) -> Any:
    """Sign in like a browser: fetch a page (CSRF cookie), then log in asking for the session cookie."""
    username = f"{username}{uuid.uuid4().hex[:8]}"
    app.create_user(username, "therapist", THERAPIST_PASSWORD)
    client = app.client()
    client.get("/api/v2/health")
    token = client.cookies["ea_csrf"]
    response = client.post(
        "/api/v2/auth/token",
        json={"username": username, "password": THERAPIST_PASSWORD, "set_cookie": True},
        headers={"X-CSRF-Token": token},
    )
    assert response.status_code == 200, response.text
    assert "ea_access" in client.cookies
    return client


def test_login_form_without_token_rejected_when_cookies_present(app: Any) -> None:
    with app.client() as client:
        client.get("/api/v2/health")
        response = client.post("/api/v2/auth/token", json={"username": "a", "password": "b"})
    assert response.status_code == 403
    assert response.json()["code"] == "csrf_failed"


def test_csrf_missing_token_rejected(app: Any) -> None:
    client = cookie_session(app, "carol")
    with closing(client):
        response = client.post("/api/v2/auth/logout")
        me = client.get("/api/v2/auth/me")
    assert response.status_code == 403
    assert response.json()["code"] == "csrf_failed"
    assert me.status_code == 200  # the session survived the forged logout


def test_csrf_valid_token_accepted(app: Any) -> None:
    client = cookie_session(app, "dave")
    with closing(client):
        token = client.cookies["ea_csrf"]
        response = client.post("/api/v2/auth/logout", headers={"X-CSRF-Token": token})
    assert response.status_code == 204


def test_csrf_cookie_rotates_at_login(app: Any) -> None:
    app.create_user("erin", "therapist", THERAPIST_PASSWORD)
    with app.client() as client:
        client.get("/api/v2/health")
        before = client.cookies["ea_csrf"]
        client.post(
            "/api/v2/auth/token",
            json={"username": "erin", "password": THERAPIST_PASSWORD, "set_cookie": True},
            headers={"X-CSRF-Token": before},
        )
        after = client.cookies["ea_csrf"]
        stale = client.post("/api/v2/auth/logout", headers={"X-CSRF-Token": before})
    assert before != after
    assert stale.status_code == 403


@pytest.mark.parametrize("variant", ["mismatch", "garbage", "empty", "other_session"])
def test_csrf_wrong_token_rejected(app: Any, variant: str) -> None:
    victim = cookie_session(app, "frank")
    attacker = cookie_session(app, "grace")
    with closing(victim), closing(attacker):
        own = victim.cookies["ea_csrf"]
        tokens = {
            "mismatch": (own, attacker.cookies["ea_csrf"]),
            "garbage": (own, "not-a-token"),
            "empty": (own, ""),
            # Both copies from the attacker's session, replayed with the victim's session cookie.
            "other_session": (attacker.cookies["ea_csrf"], attacker.cookies["ea_csrf"]),
        }
        cookie_value, header_value = tokens[variant]
        victim.cookies.set("ea_csrf", cookie_value)
        response = victim.post("/api/v2/auth/logout", headers={"X-CSRF-Token": header_value})
    assert response.status_code == 403


def test_csrf_form_field_accepted(app: Any) -> None:
    client = cookie_session(app, "heidi")
    with closing(client):
        token = client.cookies["ea_csrf"]
        rejected = client.post("/api/v2/auth/logout", data={"csrf_token": "wrong"})
        accepted = client.post("/api/v2/auth/logout", data={"csrf_token": token})
    assert rejected.status_code == 403
    assert accepted.status_code == 204


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "https://evil.example"},
        {"Origin": "null"},
        {"Origin": "http://127.0.0.1.evil.example"},
        {"Sec-Fetch-Site": "cross-site"},
    ],
)
def test_cross_site_unsafe_request_rejected_even_with_token(app: Any, headers: dict[str, str]) -> None:
    client = cookie_session(app, "ivan")
    with closing(client):
        token = client.cookies["ea_csrf"]
        response = client.post("/api/v2/auth/logout", headers={"X-CSRF-Token": token, **headers})
    assert response.status_code == 403


def test_cross_site_rejected_for_bearer_clients_too(app: Any) -> None:
    with app.client() as client:
        response = client.post(
            "/api/v2/auth/token",
            json={"username": "x", "password": "y"},
            headers={"Origin": "https://evil.example"},
        )
    assert response.status_code == 403


def test_same_origin_and_same_site_allowed(app: Any) -> None:
    client = cookie_session(app, "judy")
    with closing(client):
        token = client.cookies["ea_csrf"]
        response = client.post(
            "/api/v2/auth/logout",
            headers={"X-CSRF-Token": token, "Origin": app.url, "Sec-Fetch-Site": "same-origin"},
        )
    assert response.status_code == 204


@pytest.mark.parametrize("content_type", ["text/plain", "text/plain; charset=utf-8"])
def test_text_plain_body_rejected(app: Any, content_type: str) -> None:
    with app.client() as client:
        response = client.post(
            "/api/v2/auth/token",
            content=b'{"username": "a", "password": "b"}',
            headers={"Content-Type": content_type},
        )
    assert response.status_code == 415


def test_get_to_state_changing_route_not_allowed(app: Any) -> None:
    client = cookie_session(app, "mallory")
    with closing(client):
        response = client.get("/api/v2/auth/logout")
        override = client.get("/api/v2/auth/me", headers={"X-HTTP-Method-Override": "DELETE"})
    assert response.status_code == 405
    assert override.status_code == 200


def test_csrf_cookie_attributes(app: Any) -> None:
    with app.client() as client:
        response = client.get("/api/v2/health")
    cookie = response.headers["set-cookie"]
    assert cookie.startswith("ea_csrf=")
    assert "SameSite=Strict" in cookie
    assert "Path=/" in cookie


def test_bearer_request_needs_no_csrf_token(app: Any) -> None:
    client = cookie_session(app, "oscar")
    with closing(client):
        me = client.get("/api/v2/auth/me")
        client.cookies.set("ea_csrf", "stale-value")
        # Log in again for a bearer token; the header, not the cookie, authenticates the logout.
        token = client.post(
            "/api/v2/auth/token",
            json={"username": me.json()["username"], "password": THERAPIST_PASSWORD},
            headers={"Authorization": "Bearer x"},
        ).json()["access_token"]
        response = client.post("/api/v2/auth/logout", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 204


def bearer_token(app: Any, username: str) -> str:
    username = f"{username}{uuid.uuid4().hex[:8]}"
    app.create_user(username, "therapist", THERAPIST_PASSWORD)
    with app.client() as client:
        response = client.post(
            "/api/v2/auth/token", json={"username": username, "password": THERAPIST_PASSWORD}
        )
    assert response.status_code == 200, response.text
    return str(response.json()["access_token"])


def test_bearer_request_gets_no_csrf_cookie(app: Any) -> None:
    token = bearer_token(app, "peggy")
    with app.client() as client:
        bearer = client.get("/api/v2/auth/me", headers={"Authorization": f"Bearer {token}"})
        client.cookies.clear()
        anonymous = client.get("/api/v2/health")
    assert bearer.status_code == 200
    assert "set-cookie" not in bearer.headers
    assert anonymous.headers["set-cookie"].startswith("ea_csrf=")


@pytest.mark.parametrize("headers", [{"Origin": "https://evil.example"}, {"Sec-Fetch-Site": "cross-site"}])
def test_cross_site_bearer_request_rejected(app: Any, headers: dict[str, str]) -> None:
    token = bearer_token(app, "quinn")
    with app.client() as client:
        response = client.post("/api/v2/auth/logout", headers={"Authorization": f"Bearer {token}", **headers})
        me = client.get("/api/v2/auth/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 403
    assert response.json()["code"] in {"cross_origin_request", "cross_site_request"}
    assert me.status_code == 200  # the rejected logout did not end the session
