"""Fixtures for the security tests: settings with fresh keys, and the real app served on loopback."""

from __future__ import annotations

import base64
import secrets
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
CONFIG_DIR = REPO_ROOT / "config"


def fresh_keys() -> dict[str, str]:
    return {
        "SECRET_KEY": secrets.token_urlsafe(48),
        "FILE_ENCRYPTION_KEY": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
        "DATABASE_ENCRYPTION_KEY": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
    }


@pytest.fixture
def make_settings(tmp_path: Path) -> Callable[..., Any]:
    """Build real Settings from the shipped config folder, with generated keys and a tmp data dir."""
    from electroanalyzer.core.settings import load_settings

    def build(**overrides: Any) -> Any:
        values: dict[str, Any] = {**fresh_keys(), "config_dir": CONFIG_DIR, "data_dir": tmp_path / "data"}
        values.update(overrides)
        return load_settings(**values)

    return build


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def redis_prefix() -> str:
    """A key prefix no other test uses, so parallel workers never share rate-limit counters."""
    return f"ea-test-{uuid.uuid4().hex[:12]}"


class LiveServer:
    """A uvicorn server in a thread on a free loopback port."""

    def __init__(self, app: Any, *, ssl: dict[str, Any] | None = None) -> None:
        import uvicorn

        self.app = app
        self.port = free_port()
        scheme = "https" if ssl else "http"
        self.url = f"{scheme}://127.0.0.1:{self.port}"
        config = uvicorn.Config(
            app,
            host="127.0.0.1",
            port=self.port,
            log_level="warning",
            proxy_headers=False,  # client addresses come only from the socket; forwarding is the app's job
            lifespan="on",
            **(ssl or {}),
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the test server did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


@pytest.fixture
def serve() -> Iterator[Callable[..., LiveServer]]:
    started: list[LiveServer] = []

    def start(app: Any, **options: Any) -> LiveServer:
        server = LiveServer(app, **options).__enter__()
        started.append(server)
        return server

    yield start
    for server in reversed(started):
        server.__exit__(None, None, None)
