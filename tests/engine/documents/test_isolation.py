"""The worker pool enforces CPU, memory and wall-clock limits with real child processes."""

import math
import os
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from electroanalyzer.engine.documents import DocumentLimits, ExtractionWorkerPool
from electroanalyzer.engine.errors import ExtractionFailed, ExtractionTimedOut

from .builders import DocxParts, text_pdf, word97_doc

LINE = "Patient ambulated 150 ft with a rolling walker and stand-by assistance."


@pytest.fixture(scope="module")
def slow_pdf() -> bytes:
    """A 200-page PDF that takes pdfminer several CPU seconds (about 13 s on a 2-core VM)."""
    return text_pdf([[f"{LINE} Line {line} of page {page}." for line in range(50)] for page in range(200)])


@pytest.fixture
def pool() -> Iterator[ExtractionWorkerPool]:
    pool = ExtractionWorkerPool(max_workers=1)
    yield pool
    pool.close()


def worker_pid(pool: ExtractionWorkerPool) -> int:
    _, report = pool.extract_with_report(b"warm-up note", DocumentLimits.default())
    return report.pid


def proc_status(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    raise AssertionError(f"{field} missing from /proc/{pid}/status")


def cpu_ticks(pid: int) -> int:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


def wait_until_exited(pid: int) -> None:
    """Wait (at most 10 s) until ``pid`` is a zombie or gone."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except FileNotFoundError:
            return
        if state in ("Z", "X"):
            return
        time.sleep(0.01)
    raise AssertionError(f"process {pid} still running")


def test_cpu_limit_stops_worker(pool: ExtractionWorkerPool, slow_pdf: bytes) -> None:
    limits = DocumentLimits(cpu_seconds=1, wall_seconds=120)

    with pytest.raises(ExtractionTimedOut) as caught:
        pool.extract(slow_pdf, limits)

    assert caught.value.code == "extraction_timed_out"
    assert "1-second CPU time limit" in caught.value.message


def test_wall_clock_limit_stops_worker(pool: ExtractionWorkerPool, slow_pdf: bytes) -> None:
    first_pid = worker_pid(pool)
    limits = DocumentLimits(cpu_seconds=120, wall_seconds=1.0)

    with pytest.raises(ExtractionTimedOut) as caught:
        pool.extract(slow_pdf, limits)

    assert "1-second limit" in caught.value.message
    assert not Path(f"/proc/{first_pid}").exists()


def test_memory_limit_stops_parser(pool: ExtractionWorkerPool) -> None:
    pid = worker_pid(pool)
    # The limit leaves 4 MiB above what the idle worker maps, less than decoding 10 MB needs.
    memory_mb = math.ceil(proc_status(pid, "VmSize") / 1024) + 4
    limits = DocumentLimits(memory_mb=memory_mb)

    with pytest.raises(ExtractionFailed) as caught:
        pool.extract(b"a" * limits.max_txt_bytes, limits)

    assert f"{memory_mb} MB memory limit" in caught.value.message


def test_same_document_fits_default_memory(pool: ExtractionWorkerPool) -> None:
    limits = DocumentLimits.default()

    assert len(pool.extract(b"a" * limits.max_txt_bytes, limits).text) == limits.max_txt_bytes


def test_worker_replaced_after_failure(pool: ExtractionWorkerPool, slow_pdf: bytes) -> None:
    first_pid = worker_pid(pool)
    with pytest.raises(ExtractionTimedOut):
        pool.extract(slow_pdf, DocumentLimits(wall_seconds=0.5))

    second_pid = worker_pid(pool)

    assert second_pid != first_pid
    assert pool.extract(b"Still working.\n", DocumentLimits.default()).text == "Still working.\n"


def test_crash_mid_document_is_typed(pool: ExtractionWorkerPool, slow_pdf: bytes) -> None:
    pid = worker_pid(pool)
    outcome: list[BaseException] = []

    def run() -> None:
        try:
            pool.extract(slow_pdf, DocumentLimits(cpu_seconds=120, wall_seconds=120))
        except BaseException as error:  # the test inspects whatever the call raised
            outcome.append(error)

    thread = threading.Thread(target=run)
    start_ticks = cpu_ticks(pid)
    thread.start()
    # Wait until the worker is busy with the document, then crash it as a parser bug would.
    deadline = time.monotonic() + 30
    while cpu_ticks(pid) < start_ticks + 30 and time.monotonic() < deadline:
        time.sleep(0.05)
    os.kill(pid, signal.SIGSEGV)
    thread.join(60)

    assert len(outcome) == 1
    assert isinstance(outcome[0], ExtractionFailed)
    assert "stopped unexpectedly" in outcome[0].message


def test_idle_worker_death_is_survived(pool: ExtractionWorkerPool) -> None:
    pid = worker_pid(pool)
    os.kill(pid, signal.SIGKILL)
    wait_until_exited(pid)

    assert pool.extract(b"Next note.\n", DocumentLimits.default()).text == "Next note.\n"


def test_limits_applied_to_worker(pool: ExtractionWorkerPool) -> None:
    limits = DocumentLimits(memory_mb=900, cpu_seconds=7)
    _, report = pool.extract_with_report(b"note", limits)

    table = Path(f"/proc/{report.pid}/limits").read_text()
    address_space = next(line for line in table.splitlines() if line.startswith("Max address space"))
    cpu_time = next(line for line in table.splitlines() if line.startswith("Max cpu time"))

    assert address_space.split()[3] == str(900 * 1024 * 1024)
    # The CPU budget is added to the CPU time the worker had used before this request.
    assert 7 <= int(cpu_time.split()[3]) <= math.ceil(report.cpu_seconds) + 7


def test_worker_environment_has_no_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EA_TEST_SECRET_KEY", "do-not-pass-this")
    pool = ExtractionWorkerPool(max_workers=1)
    try:
        _, report = pool.extract_with_report(b"note", DocumentLimits.default())
        environment = Path(f"/proc/{report.pid}/environ").read_bytes()
    finally:
        pool.close()

    assert b"EA_TEST_SECRET_KEY" not in environment
    assert b"do-not-pass-this" not in environment


def test_concurrent_callers_share_pool() -> None:
    pool = ExtractionWorkerPool(max_workers=2)
    documents = {
        "txt": (b"Plain note.\n", "Plain note.\n"),
        "docx": (DocxParts().build(), "Patient tolerated treatment well.\n"),
        "doc": (word97_doc([("Legacy note\r", True)]), "Legacy note\n"),
        "pdf": (text_pdf([["PDF note"]]), "PDF note\n\n\f"),
    }
    results: dict[str, str] = {}
    lock = threading.Lock()

    def run(name: str) -> None:
        data, _ = documents[name]
        for _ in range(3):
            text = pool.extract(data, DocumentLimits.default()).text
            with lock:
                results[name] = text

    threads = [threading.Thread(target=run, args=(name,)) for name in documents]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
    finally:
        pool.close()

    assert results == {name: expected for name, (_, expected) in documents.items()}
