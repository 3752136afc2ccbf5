"""Server benchmark: start time, memory, login time at the configured bcrypt cost, authenticated read
latency and throughput (50 concurrent clients, loopback), and upload-to-result time for an MTSamples
note. The same load runs against a bare FastAPI endpoint without authentication for comparison.

Run: .venv/bin/python -m bench.server  (a separate server process on a free loopback port, SQLite).
"""

import asyncio
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

from bench.record import shared_data_dir, write_section

CONCURRENCY = 50
LOAD_REQUESTS = 4000
LATENCY_REQUESTS = 300
LOGINS = 5
PASSWORD = "Harbor!Maple47Quill"  # noqa: S105 - the benchmark account in a throwaway folder
BARE_APP = """
from fastapi import FastAPI
app = FastAPI()

@app.get("/ping")
def ping() -> dict[str, str]:
    return {"status": "ok"}
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def executable(name: str) -> str:
    return str(Path(sys.executable).parent / name)


def wait_until_up(url: str, timeout: float = 60.0) -> float:
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return time.perf_counter() - started
        except httpx.TransportError:
            pass
        time.sleep(0.02)
    raise RuntimeError(f"{url} did not come up")


def resident_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def _client(host: str, port: int, request: bytes, counter: list[int], failures: list[int]) -> None:
    """One keep-alive HTTP/1.1 connection sending requests until the shared budget is spent."""
    reader, writer = await asyncio.open_connection(host, port)
    try:
        while counter[0] > 0:
            counter[0] -= 1
            writer.write(request)
            await writer.drain()
            status_line = await reader.readline()
            length = 0
            while True:
                line = await reader.readline()
                if line in (b"\r\n", b""):
                    break
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"content-length":
                    length = int(value.strip())
            await reader.readexactly(length)
            if b" 200 " not in status_line:
                failures[0] += 1
    finally:
        writer.close()


async def load(url: str, headers: dict[str, str], total: int, concurrency: int) -> tuple[float, int]:
    """Return requests per second and the count of non-200 answers for `total` GETs over `concurrency`
    keep-alive connections. A raw asyncio client: httpx itself saturated one core at ~200 requests/s."""
    parsed = httpx.URL(url)
    header_lines = "".join(f"{name}: {value}\r\n" for name, value in headers.items())
    host_line = f"Host: {parsed.host}:{parsed.port}\r\n"
    request = f"GET {parsed.raw_path.decode()} HTTP/1.1\r\n{host_line}{header_lines}\r\n".encode()
    counter, failures = [total], [0]
    started = time.perf_counter()
    await asyncio.gather(
        *(_client(parsed.host, parsed.port or 80, request, counter, failures) for _ in range(concurrency))
    )
    return total / (time.perf_counter() - started), failures[0]


def median_latency_ms(url: str, headers: dict[str, str], count: int) -> float:
    timings: list[float] = []
    with httpx.Client(timeout=30) as client:
        for _ in range(count):
            started = time.perf_counter()
            client.get(url, headers=headers).raise_for_status()
            timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


def prepare_instance(folder: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("EA_", "DATABASE_"))}
    for variable in ("SECRET_KEY", "FILE_ENCRYPTION_KEY", "DATABASE_ENCRYPTION_KEY"):
        env.pop(variable, None)
    config = folder / "config"
    config.mkdir()
    # Default policy (bcrypt cost 12) except MFA, which a benchmark user cannot complete by hand.
    (config / "security_policies.yaml").write_text("mfa:\n  required_for_roles: []\n")
    env.update(
        EA_CONFIG_DIR=str(config),
        EA_DATA_DIR=str(folder / "var"),
        # The per-client limits would cap one load generator long before the server's capacity.
        ENABLE_RATE_LIMITING="false",
        EA_LOG_LEVEL="WARNING",
    )
    for arguments in (["keys", "generate"], ["db", "upgrade"]):
        subprocess.run(
            [executable("electroanalyzer"), *arguments], env=env, cwd=folder, check=True, capture_output=True
        )
    subprocess.run(
        [executable("electroanalyzer"), "users", "create", "bench"],
        env=env,
        cwd=folder,
        input=f"{PASSWORD}\n{PASSWORD}\n",
        text=True,
        check=True,
        capture_output=True,
    )
    return env


def measure_app(folder: Path) -> dict[str, Any]:
    env = prepare_instance(folder)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    process = subprocess.Popen(
        [executable("electroanalyzer"), "serve", "--port", str(port)],
        env=env,
        cwd=folder,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        figures: dict[str, Any] = {"start_seconds": wait_until_up(f"{base}/api/v2/health/live")}
        login_times = []
        token = ""
        for _ in range(LOGINS):
            started = time.perf_counter()
            response = httpx.post(
                f"{base}/api/v2/auth/token", json={"username": "bench", "password": PASSWORD}
            )
            login_times.append(time.perf_counter() - started)
            token = response.json()["access_token"]
        figures["login_ms"] = statistics.median(login_times) * 1000
        headers = {"Authorization": f"Bearer {token}"}
        figures["read_ms"] = median_latency_ms(f"{base}/api/v2/auth/me", headers, LATENCY_REQUESTS)
        rps, failures = asyncio.run(load(f"{base}/api/v2/auth/me", headers, LOAD_REQUESTS, CONCURRENCY))
        figures["read_rps"], figures["read_failures"] = rps, failures
        public_rps, _ = asyncio.run(load(f"{base}/api/v2/health/live", {}, LOAD_REQUESTS, CONCURRENCY))
        figures["public_rps"] = public_rps

        note = shared_data_dir() / "mtsamples_therapy" / "notes" / "PT_physical-therapy-ankle-sprain_1612.txt"
        started = time.perf_counter()
        upload = httpx.post(
            f"{base}/api/v2/analysis/analyze",
            headers=headers,
            files={"file": (note.name, note.read_bytes())},
            timeout=60,
        )
        analysis_id = upload.json()["id"]
        while True:
            status = httpx.get(f"{base}/api/v2/analysis/{analysis_id}", headers=headers).json()["status"]
            if status in ("succeeded", "failed"):
                break
            time.sleep(0.05)
        httpx.get(f"{base}/api/v2/analysis/{analysis_id}/result", headers=headers).raise_for_status()
        figures["upload_to_result_seconds"] = time.perf_counter() - started
        figures["analysis_status"] = status
        figures["rss_mb"] = resident_mb(process.pid)
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=30)
    return figures


def measure_bare(folder: Path) -> dict[str, Any]:
    (folder / "bare_app.py").write_text(BARE_APP)
    port = free_port()
    process = subprocess.Popen(
        [
            executable("uvicorn"),
            "bare_app:app",
            "--port",
            str(port),
            "--log-level",
            "warning",
            "--no-access-log",
        ],
        cwd=folder,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        url = f"http://127.0.0.1:{port}/ping"
        figures: dict[str, Any] = {"start_seconds": wait_until_up(url)}
        figures["read_ms"] = median_latency_ms(url, {}, LATENCY_REQUESTS)
        figures["read_rps"], figures["read_failures"] = asyncio.run(load(url, {}, LOAD_REQUESTS, CONCURRENCY))
        figures["rss_mb"] = resident_mb(process.pid)
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=30)
    return figures


def verdict(ok: bool) -> str:
    return "met" if ok else "NOT met"


def main() -> int:
    with tempfile.TemporaryDirectory() as app_folder, tempfile.TemporaryDirectory() as bare_folder:
        app = measure_app(Path(app_folder))
        bare = measure_bare(Path(bare_folder))
    rows = [
        (
            "Server start to first answer (s)",
            f"{app['start_seconds']:.2f}",
            f"{bare['start_seconds']:.2f}",
            f"< 3 s: {verdict(app['start_seconds'] < 3)}",
        ),
        (
            "Resident memory after the run (MB)",
            f"{app['rss_mb']:.0f}",
            f"{bare['rss_mb']:.0f}",
            f"< 400 MB: {verdict(app['rss_mb'] < 400)}",
        ),
        ("Login, bcrypt cost 12 (median ms)", f"{app['login_ms']:.0f}", "-", "recorded"),
        (
            "Authenticated read, median latency (ms)",
            f"{app['read_ms']:.2f}",
            f"{bare['read_ms']:.2f}",
            "recorded",
        ),
        (
            f"Reads/s, {CONCURRENCY} concurrent clients",
            f"{app['read_rps']:.0f}",
            f"{bare['read_rps']:.0f}",
            f">= 500: {verdict(app['read_rps'] >= 500)}",
        ),
        (
            "Public reads/s through every layer (/health/live)",
            f"{app['public_rps']:.0f}",
            f"{bare['read_rps']:.0f}",
            "recorded",
        ),
        (
            "Upload to result, MTSamples PT note (s)",
            f"{app['upload_to_result_seconds']:.2f}",
            "-",
            f"analysis {app['analysis_status']}",
        ),
    ]
    lines = [
        "## Server",
        "",
        "`python -m bench.server`: `electroanalyzer serve` (SQLite, defence layers on except rate limits) "
        "in a separate process, and an asyncio keep-alive load generator on loopback. "
        f"{LOAD_REQUESTS} reads of `GET /api/v2/auth/me` (JWT check, server-side session lookup) "
        "are compared with a bare FastAPI `/ping` without auth, both on one uvicorn worker. "
        f"Failed reads: {app['read_failures']} (app), {bare['read_failures']} (bare). "
        "Other work ran on the same 2 cores during the run, so the figures vary between runs.",
        "",
        "| figure | ElectroAnalyzer | bare FastAPI | target |",
        "|---|---|---|---|",
        *[f"| {name} | {ours} | {theirs} | {target} |" for name, ours, theirs, target in rows],
    ]
    markdown = "\n".join(lines)
    print(markdown)
    write_section("server", markdown)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
