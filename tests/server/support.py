"""Helpers shared by the server tests: the API client wrapper, a live uvicorn server and polling."""

import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from fastapi.testclient import TestClient

from electroanalyzer.api import create_app
from electroanalyzer.auth.permissions import Role
from electroanalyzer.core.context import ServerContext
from electroanalyzer.core.migrate import upgrade
from electroanalyzer.core.settings import Settings
from electroanalyzer.users import service as users
from server.totp import Authenticator

PASSWORD = "Quartz!Meadow7Lantern"


class Api:
    """The real app through Starlette's TestClient. Cookies are dropped after every request, so bearer
    calls never carry a cookie (the CSRF layer applies to cookie-carrying requests only)."""

    def __init__(self, client: TestClient, ctx: ServerContext) -> None:
        self.client = client
        self.ctx = ctx
        self.authenticators: dict[str, Authenticator] = {}

    def authenticator(self, secret: str) -> Authenticator:
        """The one authenticator of `secret`, so its codes never repeat a time step."""
        return self.authenticators.setdefault(secret, Authenticator(secret, self.ctx.clock))

    def request(self, method: str, url: str, *, token: str | None = None, **kwargs: Any) -> httpx.Response:
        headers = dict(kwargs.pop("headers", None) or {})
        if token:
            headers["Authorization"] = f"Bearer {token}"
        response = self.client.request(method, url, headers=headers, **kwargs)
        self.client.cookies.clear()
        return response

    def get(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("GET", url, **kwargs)

    def post(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("POST", url, **kwargs)

    def patch(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("PATCH", url, **kwargs)

    def delete(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("DELETE", url, **kwargs)

    def create_user(self, username: str, role: Role = Role.THERAPIST, password: str = PASSWORD) -> int:
        return users.create_user(self.ctx, username=username, password=password, role=role).id

    def login(self, username: str, password: str = PASSWORD, **extra: Any) -> dict[str, Any]:
        response = self.post("/api/v2/auth/token", json={"username": username, "password": password, **extra})
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    def token(self, username: str, password: str = PASSWORD) -> str:
        return str(self.login(username, password)["access_token"])

    def enrol_mfa(self, token: str) -> str:
        secret = self.post("/api/v2/auth/mfa/enroll", token=token).json()["secret"]
        response = self.post(
            "/api/v2/auth/mfa/verify", token=token, json={"otp": self.authenticator(secret).code()}
        )
        assert response.status_code == 200, response.text
        return str(secret)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class LiveServer:
    """The app under a real uvicorn server on a free loopback port, in a thread."""

    def __init__(self, settings: Settings) -> None:
        upgrade(settings)
        self.app = create_app(settings)
        self.port = free_port()
        self.server = uvicorn.Server(
            uvicorn.Config(self.app, host="127.0.0.1", port=self.port, log_config=None)
        )
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> "LiveServer":
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=20)


def wait_for_analysis(api: Api, analysis_id: str, token: str, timeout: float = 120.0) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        body: dict[str, Any] = api.get(f"/api/v2/analysis/{analysis_id}", token=token).json()
        if body.get("status") in ("succeeded", "failed"):
            return body
        time.sleep(0.1)
    raise AssertionError(f"analysis {analysis_id} did not finish")


def cli_environment(settings: Settings, **extra: str) -> dict[str, str]:
    """Environment for running the `electroanalyzer` command against the same instance as `settings`."""
    import os

    env = {key: value for key, value in os.environ.items() if not key.startswith(("EA_", "DATABASE_"))}
    for variable in ("SECRET_KEY", "FILE_ENCRYPTION_KEY", "DATABASE_ENCRYPTION_KEY"):
        env.pop(variable, None)
        env[variable] = settings.secret(variable)
    env["EA_DATA_DIR"] = str(settings.data_dir)
    env["EA_CONFIG_DIR"] = str(settings.config_dir)
    if settings.database_url:
        env["DATABASE_URL"] = settings.database_url
    env.update(extra)
    return env


def run_cli(
    arguments: list[str], env: dict[str, str], cwd: Path, *, stdin: str | None = None
) -> "subprocess.CompletedProcess[str]":
    executable = Path(sys.executable).parent / "electroanalyzer"
    return subprocess.run(
        [str(executable), *arguments],
        env=env,
        cwd=cwd,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
