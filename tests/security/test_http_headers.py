"""Security headers on every response, errors included; method allowlist."""

from typing import Any

import pytest

from .conftest import http_bytes, raw_request

EXPECTED = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "x-xss-protection": "1; mode=block",
    "referrer-policy": "no-referrer",
    "cross-origin-opener-policy": "same-origin",
    "cross-origin-resource-policy": "same-origin",
}


def assert_security_headers(response: Any, *, cache: str = "no-store") -> None:
    for name, value in EXPECTED.items():
        assert response.headers.get(name) == value, name
    csp = response.headers["content-security-policy"]
    for directive in ("frame-ancestors 'none'", "object-src 'none'", "base-uri 'none'", "script-src 'self'"):
        assert directive in csp
    assert "unsafe-inline" not in csp
    assert "permissions-policy" in response.headers
    assert response.headers.get("cache-control") == cache


@pytest.fixture
def app(live_app: Any) -> Any:
    return live_app()


def test_headers_on_success_and_errors(app: Any) -> None:
    with app.client() as client:
        responses = {
            "200": client.get("/api/v2/health"),
            "401": client.get("/api/v2/auth/me"),
            "404": client.get("/api/v2/no-such-endpoint"),
            "405": client.request("TRACE", "/api/v2/health"),
            "403": client.get("/api/v2/health", params={"q": "<script>alert(1)</script>"}),
            "400": client.get("/api/v2/health", headers={"host": "evil.example"}),
        }
    responses["413"] = raw_request(
        app.url,
        http_bytes(
            "POST", "/api/v2/auth/token", app.server.port, {"Content-Length": "10737418240"}, b"x" * 10
        ),
    )
    for status, response in responses.items():
        assert str(response.status_code) == status, (status, response.text)
        assert_security_headers(response)


def test_headers_on_429(live_app: Any) -> None:
    app = live_app()
    with app.client() as client:
        statuses = [
            client.post("/api/v2/auth/token", json={"username": "nobody", "password": "wrong"}).status_code
            for _ in range(7)
        ]
        limited = client.post("/api/v2/auth/token", json={"username": "nobody", "password": "wrong"})
    assert 429 in statuses
    assert limited.status_code == 429
    assert_security_headers(limited)
    assert int(limited.headers["retry-after"]) >= 1


def test_headers_on_500(live_app: Any) -> None:
    app = live_app()

    @app.app.get("/api/v2/test-failure", include_in_schema=False)
    def fail() -> None:
        raise RuntimeError("patient Jane Roe DOB 01/02/1950")

    with app.client() as client:
        response = client.get("/api/v2/test-failure")
    assert response.status_code == 500
    assert_security_headers(response)
    assert "Jane" not in response.text
    assert "Traceback" not in response.text
    assert "RuntimeError" not in response.text


def test_static_files_get_headers_and_cache(app: Any) -> None:
    with app.client() as client:
        page = client.get("/login")
        static = client.get("/static/favicon.svg")
        missing = client.get("/static/does-not-exist.css")
    assert page.status_code == 200
    assert_security_headers(page)
    assert static.status_code == 200
    assert_security_headers(static, cache="public, max-age=3600")
    assert missing.status_code == 404
    assert_security_headers(missing, cache="public, max-age=3600")


def test_no_hsts_over_plain_http(app: Any) -> None:
    with app.client() as client:
        response = client.get("/api/v2/health")
    assert "strict-transport-security" not in response.headers


@pytest.mark.parametrize("method", ["TRACE", "TRACK", "CONNECT", "PROPFIND", "FOO"])
def test_unknown_methods_rejected(app: Any, method: str) -> None:
    with app.client() as client:
        response = client.request(method, "/api/v2/health")
    assert response.status_code == 405
    assert "TRACE" not in response.headers["allow"]


def test_method_override_header_ignored(app: Any) -> None:
    with app.client() as client:
        response = client.get("/api/v2/health", headers={"X-HTTP-Method-Override": "DELETE"})
    assert response.status_code == 200


def test_header_injection_in_request_id_not_echoed(app: Any) -> None:
    with app.client() as client:
        response = client.get("/api/v2/health", headers={"X-Request-ID": "abc%0d%0aSet-Cookie:%20x=1"})
    assert "x=1" not in response.headers.get("set-cookie", "")
    assert "\n" not in response.headers["x-request-id"]
