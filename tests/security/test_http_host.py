"""Host header allowlist and the production refusal of plain HTTP outside loopback."""

from pathlib import Path
from typing import Any

import pytest

from .conftest import custom_config, http_bytes, raw_request


@pytest.fixture(scope="module")
def app(module_app: Any) -> Any:
    return module_app(enable_rate_limiting=False)


@pytest.mark.parametrize(
    "host", ["evil.example", "127.0.0.1.evil.example", "localhost.evil.example:80", "[::2]"]
)
def test_unknown_host_rejected(app: Any, host: str) -> None:
    with app.client() as client:
        response = client.get("/api/v2/health", headers={"Host": host})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_host"


def test_missing_host_rejected(app: Any) -> None:
    data = f"GET /api/v2/health HTTP/1.0\r\nX-Port: {app.server.port}\r\n\r\n".encode()
    response = raw_request(app.url, data)
    assert response.status_code == 400


@pytest.mark.parametrize("host", ["localhost", "127.0.0.1", "LOCALHOST:8001"])
def test_configured_hosts_accepted(app: Any, host: str) -> None:
    response = raw_request(
        app.url,
        http_bytes("GET", "/api/v2/health", app.server.port, {}).replace(
            f"Host: 127.0.0.1:{app.server.port}".encode(), f"Host: {host}".encode()
        ),
    )
    assert response.status_code == 200


@pytest.fixture(scope="module")
def production(module_app: Any, tmp_path_factory: pytest.TempPathFactory) -> Any:
    config = custom_config(
        tmp_path_factory.mktemp("production"), {"rate_limits": {"trusted_proxies": ["127.0.0.1/32"]}}
    )
    return module_app(config_dir=config, environment="production", enable_rate_limiting=False)


def test_production_refuses_plain_http_through_proxy(production: Any) -> None:
    with production.client() as client:
        response = client.get(
            "/api/v2/health", headers={"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "http"}
        )
    assert response.status_code == 403
    assert response.json()["code"] == "https_required"
    assert "location" not in response.headers  # refused, not redirected


def test_production_accepts_https_through_proxy(production: Any) -> None:
    with production.client() as client:
        response = client.get(
            "/api/v2/health", headers={"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https"}
        )
    assert response.status_code == 200
    assert "strict-transport-security" in response.headers


def test_production_accepts_loopback_plain_http(production: Any) -> None:
    with production.client() as client:
        response = client.get("/api/v2/health")
    assert response.status_code == 200


def test_development_allows_plain_http_through_proxy(tmp_path: Path, live_app: Any) -> None:
    config = custom_config(tmp_path, {"rate_limits": {"trusted_proxies": ["127.0.0.1/32"]}})
    app = live_app(config_dir=config)
    with app.client() as client:
        response = client.get(
            "/api/v2/health", headers={"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "http"}
        )
    assert response.status_code == 200
