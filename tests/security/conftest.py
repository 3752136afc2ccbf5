"""Fixtures for the security tests: settings with fresh keys, and the real app served on loopback."""

from __future__ import annotations

import base64
import contextlib
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


def fast_config_dir(folder: Path) -> Path:
    """The shipped config with bcrypt cost 4 (the policy minimum), so tests that create users stay fast."""
    import shutil

    import yaml

    target = folder / "config"
    if not target.exists():
        shutil.copytree(CONFIG_DIR, target)
        policy_path = target / "security_policies.yaml"
        policies = yaml.safe_load(policy_path.read_text(encoding="utf-8"))
        policies["password"]["bcrypt_rounds"] = 4
        policy_path.write_text(yaml.safe_dump(policies), encoding="utf-8")
    return target


def settings_builder(folder: Path) -> Callable[..., Any]:
    from electroanalyzer.core.settings import load_settings

    def build(**overrides: Any) -> Any:
        values: dict[str, Any] = {
            **fresh_keys(),
            "config_dir": fast_config_dir(folder),
            "data_dir": folder / "data",
        }
        values.update(overrides)
        return load_settings(**values)

    return build


@pytest.fixture
def make_settings(tmp_path: Path) -> Callable[..., Any]:
    """Build real Settings from the shipped config folder, with generated keys and a tmp data dir."""
    return settings_builder(tmp_path)


def free_port() -> int:
    """Return a loopback port that nothing listens on at the moment (it may be taken later)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def listening_socket() -> socket.socket:
    """Bind and listen on a free loopback port before the server starts.

    A port picked with free_port() and bound later can be taken in between by another test worker.
    """
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(128)
    return sock


def redis_prefix() -> str:
    """A key prefix no other test uses, so parallel workers never share rate-limit counters."""
    return f"ea-test-{uuid.uuid4().hex[:12]}"


class LiveServer:
    """A uvicorn server in a thread on a free loopback port."""

    def __init__(self, app: Any, *, ssl: dict[str, Any] | None = None) -> None:
        import uvicorn

        self.app = app
        self.socket = listening_socket()
        self.port = int(self.socket.getsockname()[1])
        scheme = "https" if ssl else "http"
        self.url = f"{scheme}://127.0.0.1:{self.port}"
        config = uvicorn.Config(
            app,
            host="127.0.0.1",
            port=self.port,
            log_level="warning",
            proxy_headers=False,  # client addresses come only from the socket; forwarding is the app's job
            lifespan="on",
            server_header=False,
            date_header=False,
            **(ssl or {}),
        )
        if ssl:
            from electroanalyzer.security.tls import Tls13Config

            config = Tls13Config(
                app,
                host="127.0.0.1",
                port=self.port,
                log_level="warning",
                proxy_headers=False,
                lifespan="on",
                server_header=False,
                date_header=False,
                **ssl,
            )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.socket]}, daemon=True)

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
        self.socket.close()


def _server_starter() -> tuple[Callable[..., LiveServer], Callable[[], None]]:
    started: list[LiveServer] = []

    def start(app: Any, **options: Any) -> LiveServer:
        server = LiveServer(app, **options).__enter__()
        started.append(server)
        return server

    def stop_all() -> None:
        for server in reversed(started):
            server.__exit__(None, None, None)
            server.app.state.security.monitor.stop()

    return start, stop_all


@pytest.fixture
def serve() -> Iterator[Callable[..., LiveServer]]:
    start, stop_all = _server_starter()
    yield start
    stop_all()


ADMIN_PASSWORD = "Zq7!vTr9#pLm2&wX"
THERAPIST_PASSWORD = "Hk4$nWq8^rTz6*yB"


class App:
    """The real application served on loopback, with helpers to create users and sign in."""

    def __init__(self, app: Any, server: LiveServer) -> None:
        self.app = app
        self.server = server
        self.url = server.url
        self.context = app.state.context
        self.security = app.state.security

    def client(self, **options: Any) -> Any:
        import httpx

        return httpx.Client(base_url=self.url, timeout=20, **options)

    def create_user(self, username: str, role: str, password: str) -> int:
        from electroanalyzer.auth.permissions import Role
        from electroanalyzer.users import service

        return int(
            service.create_user(self.context, username=username, password=password, role=Role(role)).id
        )

    def admin_token(self, username: str = "secadmin") -> str:
        """Create an admin enrolled in TOTP and sign in over HTTP; return the bearer token."""
        import pyotp

        from electroanalyzer.users import service

        user_id = self.create_user(username, "admin", ADMIN_PASSWORD)
        secret, _ = service.begin_mfa_enrolment(self.context, user_id)
        service.confirm_mfa_enrolment(self.context, user_id, pyotp.TOTP(secret).now())
        # Each time step is accepted once, so sign in with the next step's code (within the window).
        next_code = pyotp.TOTP(secret).at(self.context.clock.now(), counter_offset=1)
        with self.client() as client:
            response = client.post(
                "/api/v2/auth/token",
                json={"username": username, "password": ADMIN_PASSWORD, "otp": next_code},
            )
        assert response.status_code == 200, response.text
        return str(response.json()["access_token"])

    def flush_events(self) -> None:
        assert self.security.monitor.flush(timeout=20), "security events were not stored in time"


def _app_starter(make_settings: Callable[..., Any], serve: Callable[..., LiveServer]) -> Callable[..., App]:
    from electroanalyzer.api import create_app
    from electroanalyzer.core.migrate import upgrade

    def start(*, ssl: dict[str, Any] | None = None, **overrides: Any) -> App:
        overrides.setdefault("retention_purge_interval_minutes", 0)
        settings = make_settings(**overrides)
        upgrade(settings)
        app = create_app(settings)
        server = serve(app, ssl=ssl)
        return App(app, server)

    return start


@pytest.fixture
def live_app(make_settings: Callable[..., Any], serve: Callable[..., LiveServer]) -> Callable[..., App]:
    """Start the real app (migrated SQLite database) on a free loopback port; overrides go to Settings."""
    return _app_starter(make_settings, serve)


@pytest.fixture(scope="module")
def module_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[..., App]]:
    """Like live_app, but the servers live for the whole test module (one start for many tests)."""
    start, stop_all = _server_starter()
    folder = tmp_path_factory.mktemp("security-app")
    counter = iter(range(1000))
    yield lambda **overrides: _app_starter(settings_builder(folder / str(next(counter))), start)(**overrides)
    stop_all()


class RawResponse:
    def __init__(self, status: int, headers: dict[str, str], body: bytes) -> None:
        self.status_code = status
        self.headers = headers
        self.body = body

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


def raw_request(url: str, data: bytes, *, timeout: float = 10.0, send_delay: float = 0.0) -> RawResponse:
    """Send bytes as-is over a socket (for malformed requests httpx refuses to build) and parse the reply."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    with socket.create_connection((parts.hostname, parts.port), timeout=timeout) as sock:
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            sock.sendall(data)
        if send_delay:
            time.sleep(send_delay)
        received = b""
        while b"\r\n\r\n" not in received:
            chunk = sock.recv(65536)
            if not chunk:
                break
            received += chunk
        head, _, body = received.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1]) if lines and lines[0].startswith("HTTP/") else 0
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        length = int(headers.get("content-length", "0") or 0)
        while len(body) < length:
            chunk = sock.recv(65536)
            if not chunk:
                break
            body += chunk
    return RawResponse(status, headers, body)


def http_bytes(method: str, path: str, port: int, headers: dict[str, str], body: bytes = b"") -> bytes:
    lines = [f"{method} {path} HTTP/1.1", f"Host: 127.0.0.1:{port}", "Connection: close"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


def custom_config(folder: Path, sections: dict[str, dict[str, Any]]) -> Path:
    """A copy of the test config folder with some policy keys changed (section -> key -> value)."""
    import yaml

    target = fast_config_dir(folder / "custom")
    policy_path = target / "security_policies.yaml"
    policies = yaml.safe_load(policy_path.read_text(encoding="utf-8"))
    for section, values in sections.items():
        policies.setdefault(section, {}).update(values)
    policy_path.write_text(yaml.safe_dump(policies), encoding="utf-8")
    return target


@pytest.fixture
def therapist_note_path(therapy_notes_dir: Path) -> Path:
    """One real PT note from the shared public corpus."""
    return sorted(therapy_notes_dir.glob("PT_*.txt"))[0]


def self_signed_certificate(folder: Path) -> tuple[Path, Path]:
    """Write a self-signed certificate for 127.0.0.1 and localhost; return (cert, key) paths."""
    import datetime as dt
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.DNSName("localhost")]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return cert_path, key_path
