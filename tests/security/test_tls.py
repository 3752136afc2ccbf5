"""HTTPS with TLS 1.3 only: a TLS 1.2 client is refused, a TLS 1.3 client served with HSTS."""

import socket
import ssl
from pathlib import Path
from typing import Any

import httpx
import pytest

from electroanalyzer.security.tls import server_context

from .conftest import self_signed_certificate


@pytest.fixture
def tls_app(tmp_path: Path, live_app: Any) -> tuple[Any, Path]:
    cert, key = self_signed_certificate(tmp_path)
    app = live_app(ssl={"ssl_certfile": str(cert), "ssl_keyfile": str(key)})
    return app, cert


def handshake(port: int, cert: Path, version: ssl.TLSVersion) -> str:
    context = ssl.create_default_context(cafile=str(cert))
    context.minimum_version = version
    context.maximum_version = version
    with (
        socket.create_connection(("127.0.0.1", port), timeout=10) as raw,
        context.wrap_socket(raw, server_hostname="127.0.0.1") as tls,
    ):
        return str(tls.version())


def test_tls12_refused(tls_app: tuple[Any, Path]) -> None:
    app, cert = tls_app
    with pytest.raises(ssl.SSLError):
        handshake(app.server.port, cert, ssl.TLSVersion.TLSv1_2)


def test_tls13_accepted(tls_app: tuple[Any, Path]) -> None:
    app, cert = tls_app
    assert handshake(app.server.port, cert, ssl.TLSVersion.TLSv1_3) == "TLSv1.3"


def test_https_response_has_hsts_and_secure_cookie(tls_app: tuple[Any, Path]) -> None:
    app, cert = tls_app
    with httpx.Client(base_url=app.url, verify=ssl.create_default_context(cafile=str(cert))) as client:
        response = client.get("/api/v2/health")
    assert response.status_code == 200
    hsts = response.headers["strict-transport-security"]
    assert "includeSubDomains" in hsts
    assert int(hsts.split("max-age=")[1].split(";")[0]) >= 31536000
    cookie = response.headers["set-cookie"]
    assert cookie.startswith("__Host-ea_csrf=")
    assert "Secure" in cookie
    assert "SameSite=Strict" in cookie


def test_server_context_is_tls13_only(tmp_path: Path) -> None:
    cert, key = self_signed_certificate(tmp_path)
    context = server_context(str(cert), str(key))
    assert context.minimum_version == ssl.TLSVersion.TLSv1_3


def test_serve_command_config_is_tls13_only(tmp_path: Path, make_settings: Any) -> None:
    from electroanalyzer.commands.server import build_uvicorn_config
    from electroanalyzer.core.migrate import upgrade

    cert, key = self_signed_certificate(tmp_path)
    settings = make_settings()
    upgrade(settings)
    config = build_uvicorn_config(settings, "127.0.0.1", 0, cert, key)
    config.load()
    assert config.ssl is not None
    assert config.ssl.minimum_version == ssl.TLSVersion.TLSv1_3
