"""Body, header and multipart limits enforced while streaming."""

import shutil
import socket
import threading
import time
from pathlib import Path
from typing import Any

import pytest
import yaml

from .conftest import CONFIG_DIR, THERAPIST_PASSWORD, http_bytes, raw_request


@pytest.fixture(scope="module")
def app(module_app: Any) -> Any:
    return module_app(enable_rate_limiting=False, enable_threat_detection=False)


@pytest.fixture(scope="module")
def therapist(app: Any) -> dict[str, str]:
    """Bearer header of a therapist, so the upload route reads the body instead of rejecting with 401."""
    app.create_user("uploader", "therapist", THERAPIST_PASSWORD)
    with app.client() as client:
        response = client.post(
            "/api/v2/auth/token", json={"username": "uploader", "password": THERAPIST_PASSWORD}
        )
    assert response.status_code == 200, response.text
    return {"Authorization": "Bearer " + response.json()["access_token"]}


def send(app: Any, method: str, path: str, headers: dict[str, str], body: bytes = b"", **options: Any) -> Any:
    return raw_request(app.url, http_bytes(method, path, app.server.port, headers, body), **options)


@pytest.mark.parametrize("length", ["10737418240", "53477377"])
def test_huge_content_length_rejected_before_body(app: Any, length: str) -> None:
    started = time.monotonic()
    response = send(
        app,
        "POST",
        "/api/v2/analysis/analyze",
        {"Content-Length": length, "Content-Type": "multipart/form-data; boundary=x"},
    )
    assert response.status_code == 413
    assert response.headers["content-type"] == "application/problem+json"
    assert "request_too_large" in response.text
    assert time.monotonic() - started < 5  # responded without waiting for a body that never comes


@pytest.mark.parametrize("length", ["-1", "abc", "1e3", "10, 20", "999999999999999999999"])
def test_invalid_content_length_rejected(app: Any, length: str) -> None:
    response = send(
        app, "POST", "/api/v2/auth/token", {"Content-Length": length, "Content-Type": "application/json"}
    )
    assert response.status_code == 400


def test_json_body_over_limit_rejected(app: Any) -> None:
    body = b'{"username": "' + b"a" * 1_100_000 + b'"}'
    with app.client() as client:
        response = client.post(
            "/api/v2/auth/token", content=body, headers={"Content-Type": "application/json"}
        )
    assert response.status_code == 413


def test_chunked_body_counted_while_streaming(app: Any) -> None:
    """Stream a chunked JSON body with no Content-Length; the 413 must arrive near the 1 MB limit."""
    head = http_bytes(
        "POST",
        "/api/v2/auth/token",
        app.server.port,
        {"Transfer-Encoding": "chunked", "Content-Type": "application/json"},
    )
    chunk = b"a" * 65536
    framed = f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n"
    sent = 0
    reply = b""
    with socket.create_connection(("127.0.0.1", app.server.port), timeout=10) as sock:
        sock.sendall(head)
        sock.setblocking(False)
        for _ in range(400):  # up to 26 MB if the server never stopped us
            try:
                sock.sendall(framed)
                sent += len(chunk)
            except (BlockingIOError, BrokenPipeError, ConnectionResetError):
                time.sleep(0.01)
            try:
                reply += sock.recv(65536)
            except BlockingIOError:
                continue
            if b"\r\n\r\n" in reply:
                break
    assert reply.startswith(b"HTTP/1.1 413")
    assert (
        sent < 8 * 1024 * 1024
    )  # responded long before the 26 MB stream ended (1 MB limit plus socket buffers)


def multipart(parts: list[tuple[str, str | None, bytes]], boundary: str = "ea-boundary") -> bytes:
    out = b""
    for name, filename, data in parts:
        disposition = f'form-data; name="{name}"' + (f'; filename="{filename}"' if filename else "")
        out += f"--{boundary}\r\nContent-Disposition: {disposition}\r\n\r\n".encode() + data + b"\r\n"
    return out + f"--{boundary}--\r\n".encode()


@pytest.mark.parametrize(
    ("parts", "code"),
    [
        ([(f"f{i}", None, b"v") for i in range(11)], "too_many_fields"),
        ([("a", "a.txt", b"x"), ("b", "b.txt", b"y")], "too_many_files"),
        ([("note", None, b"x" * 70_000)], "form_field_too_large"),
    ],
)
def test_multipart_limits_enforced_while_streaming(
    app: Any, therapist: dict[str, str], parts: list[Any], code: str
) -> None:
    body = multipart(parts)
    with app.client() as client:
        response = client.post(
            "/api/v2/analysis/analyze",
            content=body,
            headers={"Content-Type": "multipart/form-data; boundary=ea-boundary", **therapist},
        )
    assert response.status_code == 413, response.text
    assert response.json()["code"] == code


@pytest.mark.parametrize(
    "content_type",
    [
        "multipart/form-data",
        "multipart/form-data; boundary=" + "x" * 300,
        "multipart/form-data; boundary=" + ";" * 5000,
    ],
)
def test_malformed_multipart_header_rejected(app: Any, content_type: str) -> None:
    with app.client() as client:
        started = time.monotonic()
        response = client.post(
            "/api/v2/analysis/analyze", content=b"--x\r\n", headers={"Content-Type": content_type}
        )
    assert response.status_code in (400, 413, 431)
    assert time.monotonic() - started < 5


def test_multipart_preamble_flood_rejected_fast(app: Any, therapist: dict[str, str]) -> None:
    body = b"\r\n" * 300_000 + multipart([("a", "a.txt", b"x")])
    with app.client() as client:
        started = time.monotonic()
        response = client.post(
            "/api/v2/analysis/analyze",
            content=body,
            headers={"Content-Type": "multipart/form-data; boundary=ea-boundary", **therapist},
        )
    assert response.status_code in (400, 413, 415, 422)
    assert time.monotonic() - started < 5


def test_oversized_part_headers_rejected(app: Any, therapist: dict[str, str]) -> None:
    body = (
        b'--ea-boundary\r\nContent-Disposition: form-data; name="a"\r\nX-Pad: '
        + b"p" * 10_000
        + b"\r\n\r\nv\r\n--ea-boundary--\r\n"
    )
    with app.client() as client:
        response = client.post(
            "/api/v2/analysis/analyze",
            content=body,
            headers={"Content-Type": "multipart/form-data; boundary=ea-boundary", **therapist},
        )
    assert response.status_code == 400
    assert response.json()["code"] == "malformed_multipart"


@pytest.mark.parametrize(("count", "size"), [(150, 10), (20, 1200)])
def test_too_many_or_too_large_headers(app: Any, count: int, size: int) -> None:
    headers = {f"X-Extra-{i}": "v" * size for i in range(count)}
    response = send(app, "GET", "/api/v2/health", headers)
    assert response.status_code in (400, 431)


def test_slow_body_cut_off_while_others_served(tmp_path: Path, live_app: Any) -> None:
    folder = tmp_path / "slow-config"
    shutil.copytree(CONFIG_DIR, folder)
    policy_path = folder / "security_policies.yaml"
    policies = yaml.safe_load(policy_path.read_text(encoding="utf-8"))
    policies["network"] = {"body_timeout_seconds": 1.0}
    policy_path.write_text(yaml.safe_dump(policies), encoding="utf-8")
    app = live_app(config_dir=folder, enable_rate_limiting=False)

    result: dict[str, Any] = {}

    def slow_client() -> None:
        # Declares 1000 bytes, sends 10, then stalls: the server must give up after about a second.
        data = http_bytes(
            "POST",
            "/api/v2/auth/token",
            app.server.port,
            {"Content-Length": "1000", "Content-Type": "application/json"},
            b'{"username"',
        )
        result["response"] = raw_request(app.url, data, timeout=15)

    thread = threading.Thread(target=slow_client)
    started = time.monotonic()
    thread.start()
    time.sleep(0.3)
    with app.client() as client:
        healthy = client.get("/api/v2/health")
    thread.join(timeout=20)
    assert healthy.status_code == 200
    assert result["response"].status_code == 408
    assert time.monotonic() - started < 10
