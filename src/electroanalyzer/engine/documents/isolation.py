"""A pool of extraction worker processes that parse untrusted documents under resource limits.

Workers are reused, so a request pays for a pipe round trip instead of a Python start-up and the
parser imports. Each worker sets its own RLIMIT_CPU and RLIMIT_AS per request (see ``worker``).
This module enforces the wall-clock limit by killing a worker that has not responded in time, and
turns a worker that dies into a typed error. A worker is replaced after any crash, timeout,
memory error or ``max_jobs_per_worker`` requests.
"""

from __future__ import annotations

import atexit
import json
import logging
import os
import selectors
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from electroanalyzer.engine import errors
from electroanalyzer.engine.errors import EngineError, ExtractionFailed, ExtractionTimedOut

from .model import DocumentFormat, DocumentLimits, ExtractedDocument
from .protocol import LENGTH, encode_frame, encode_json, limits_to_json

logger = logging.getLogger(__name__)

WORKER_MODULE = "electroanalyzer.engine.documents.worker"
_STARTUP_SECONDS = 60.0
_MAX_MESSAGE_CHARS = 1_000
_READ_CHUNK = 1 << 20

# Errors a worker may report, by code. Anything else becomes ExtractionFailed.
_ERROR_TYPES: dict[str, type[EngineError]] = {
    cls.code: cls
    for cls in (
        errors.UnsupportedDocumentType,
        errors.DocumentTooLarge,
        errors.EncryptedDocument,
        errors.UnsafeDocument,
        errors.MacroEnabledDocument,
        errors.ArchiveBomb,
        errors.EmptyDocument,
        errors.NoTextLayer,
        errors.ExtractionTimedOut,
        errors.ExtractionFailed,
        errors.UndecodableText,
    )
}


@dataclass(frozen=True, slots=True)
class WorkerReport:
    """Resource figures a worker sent with its response; peak RSS covers its whole life."""

    pid: int
    peak_rss_kb: int
    cpu_seconds: float


class _WorkerDied(Exception):
    pass


class _WorkerTimedOut(Exception):
    pass


def _worker_environment() -> dict[str, str]:
    # A minimal environment: the parser needs no secrets, proxies or credentials from ours.
    # NOTE: the worker still runs as the caller's user with its network access, so a parser
    # exploit could read files the service can read. Run the service under a dedicated user or
    # container when that matters.
    package_root = Path(__file__).resolve().parents[3]
    return {
        "PATH": os.defpath,
        "PYTHONPATH": str(package_root),
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONNOUSERSITE": "1",
        "LC_ALL": "C.UTF-8",
    }


class _Worker:
    def __init__(self) -> None:
        self.jobs_done = 0
        self.process = subprocess.Popen(  # noqa: S603 - fixed argument list, no shell
            [sys.executable, "-s", "-m", WORKER_MODULE],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=_worker_environment(),
            cwd="/",
            close_fds=True,
            start_new_session=True,
        )
        assert self.process.stdin is not None and self.process.stdout is not None
        self._requests = self.process.stdin.fileno()
        self._responses = self.process.stdout.fileno()
        os.set_blocking(self._requests, False)
        os.set_blocking(self._responses, False)
        try:
            frames = self._exchange(
                [], time.monotonic() + _STARTUP_SECONDS, expected_frames=1, max_frame=4096
            )
        except (_WorkerDied, _WorkerTimedOut):
            self.kill()
            logger.error("document_worker_start_failed", extra={"return_code": self.process.returncode})
            raise RuntimeError(
                f"The document extraction worker failed to start; check that `{sys.executable} -m "
                f"{WORKER_MODULE}` runs on this machine."
            ) from None
        self.pid = int(json.loads(frames[0])["pid"])
        logger.info("document_worker_started", extra={"worker_pid": self.pid})

    def alive(self) -> bool:
        return self.process.poll() is None

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        for stream in (self.process.stdin, self.process.stdout):
            if stream is not None:
                stream.close()

    def _exchange(
        self, payloads: list[bytes], deadline: float, *, expected_frames: int, max_frame: int
    ) -> list[bytes]:
        """Write request frames and read response frames, both bounded by ``deadline``."""
        outgoing = [piece for payload in payloads for piece in (encode_frame(payload), payload)]
        views = [memoryview(piece) for piece in outgoing if piece]
        received = bytearray()
        frames: list[bytes] = []

        with selectors.DefaultSelector() as selector:
            if views:
                selector.register(self._requests, selectors.EVENT_WRITE)
            selector.register(self._responses, selectors.EVENT_READ)
            while len(frames) < expected_frames:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise _WorkerTimedOut()
                for key, _ in selector.select(remaining):
                    if key.fd == self._requests:
                        views = self._write_some(views)
                        if not views:
                            selector.unregister(self._requests)
                    else:
                        chunk = self._read_some()
                        received += chunk
                        frames.extend(_take_frames(received, max_frame))
        return frames

    def _write_some(self, views: list[memoryview]) -> list[memoryview]:
        try:
            written = os.write(self._requests, views[0])
        except BlockingIOError:
            return views
        except BrokenPipeError:
            raise _WorkerDied() from None
        if written < len(views[0]):
            return [views[0][written:], *views[1:]]
        return views[1:]

    def _read_some(self) -> bytes:
        try:
            chunk = os.read(self._responses, _READ_CHUNK)
        except BlockingIOError:
            return b""
        if not chunk:
            raise _WorkerDied()
        return chunk

    def request(self, data: bytes, limits: DocumentLimits) -> tuple[dict[str, Any], bytes]:
        header = encode_json({"limits": limits_to_json(limits)})
        # The text may use up to 4 UTF-8 bytes per character; the JSON header is small.
        max_frame = max(limits.max_text_chars * 4, 1 << 16)
        deadline = time.monotonic() + limits.wall_seconds
        frames = self._exchange([header, data], deadline, expected_frames=2, max_frame=max_frame)
        self.jobs_done += 1
        return json.loads(frames[0]), frames[1]


def _take_frames(buffer: bytearray, max_frame: int) -> list[bytes]:
    """Remove and return every complete frame at the start of ``buffer``."""
    frames: list[bytes] = []
    while len(buffer) >= LENGTH.size:
        (size,) = LENGTH.unpack_from(buffer)
        if size > max_frame:
            raise _WorkerDied()
        if len(buffer) < LENGTH.size + size:
            break
        frames.append(bytes(buffer[LENGTH.size : LENGTH.size + size]))
        del buffer[: LENGTH.size + size]
    return frames


def _error_from(outcome: dict[str, Any]) -> EngineError:
    error_type = _ERROR_TYPES.get(str(outcome.get("code")), ExtractionFailed)
    message = str(outcome.get("message") or "")[:_MAX_MESSAGE_CHARS]
    return error_type(message or None)


def _document_from(outcome: dict[str, Any], body: bytes) -> ExtractedDocument:
    page_count = outcome.get("page_count")
    return ExtractedDocument(
        text=body.decode("utf-8", "surrogatepass"),
        format=DocumentFormat(outcome["format"]),
        byte_size=int(outcome["byte_size"]),
        page_count=int(page_count) if page_count is not None else None,
    )


class ExtractionWorkerPool:
    """Up to ``max_workers`` worker processes, started on demand and safe to share between threads."""

    def __init__(self, max_workers: int = 2, max_jobs_per_worker: int = 200) -> None:
        if max_workers < 1 or max_jobs_per_worker < 1:
            raise ValueError("max_workers and max_jobs_per_worker must be at least 1")
        self.max_workers = max_workers
        self.max_jobs_per_worker = max_jobs_per_worker
        self._idle: list[_Worker] = []
        self._started = 0
        self._closed = False
        self._condition = threading.Condition()

    def _acquire(self) -> _Worker:
        with self._condition:
            while True:
                if self._closed:
                    raise RuntimeError("the document extraction pool is closed")
                while self._idle:
                    worker = self._idle.pop()
                    if worker.alive():
                        return worker
                    self._started -= 1
                    worker.kill()
                if self._started < self.max_workers:
                    self._started += 1
                    break
                self._condition.wait()
        try:
            return _Worker()
        except BaseException:
            with self._condition:
                self._started -= 1
                self._condition.notify()
            raise

    def _release(self, worker: _Worker, *, reusable: bool) -> None:
        keep = reusable and worker.alive() and worker.jobs_done < self.max_jobs_per_worker
        with self._condition:
            if keep and not self._closed:
                self._idle.append(worker)
            else:
                self._started -= 1
            self._condition.notify()
        if not keep or self._closed:
            worker.kill()

    def extract_with_report(
        self, data: bytes, limits: DocumentLimits
    ) -> tuple[ExtractedDocument, WorkerReport]:
        """Extract ``data`` in a worker; return the document and the worker's resource report."""
        worker = self._acquire()
        reusable = False
        try:
            outcome, body = worker.request(data, limits)
            reusable = not outcome.get("retire")
        except _WorkerTimedOut:
            logger.warning(
                "document_worker_timed_out", extra={"worker_pid": worker.pid, "byte_size": len(data)}
            )
            raise ExtractionTimedOut(
                f"Reading the document took longer than the {limits.wall_seconds:g}-second limit. Save it "
                "again from its source application, or split it into smaller files."
            ) from None
        except _WorkerDied:
            raise _death_error(worker, limits, len(data)) from None
        finally:
            self._release(worker, reusable=reusable)

        report = WorkerReport(
            pid=worker.pid,
            peak_rss_kb=int(outcome.get("peak_rss_kb", 0)),
            cpu_seconds=float(outcome.get("cpu_seconds", 0.0)),
        )
        if not outcome.get("ok"):
            raise _error_from(outcome)
        return _document_from(outcome, body), report

    def extract(self, data: bytes, limits: DocumentLimits) -> ExtractedDocument:
        return self.extract_with_report(data, limits)[0]

    def close(self) -> None:
        with self._condition:
            self._closed = True
            idle, self._idle = self._idle, []
            self._condition.notify_all()
        for worker in idle:
            worker.kill()


def _death_error(worker: _Worker, limits: DocumentLimits, byte_size: int) -> EngineError:
    try:
        return_code = worker.process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        worker.process.kill()
        return_code = worker.process.wait()
    logger.warning(
        "document_worker_died",
        extra={"worker_pid": worker.pid, "return_code": return_code, "byte_size": byte_size},
    )
    if return_code == -signal.SIGXCPU:
        return ExtractionTimedOut(
            f"Reading the document used more than the {limits.cpu_seconds}-second CPU time limit. Save it "
            "again from its source application, or split it into smaller files."
        )
    return ExtractionFailed(
        "The document parser stopped unexpectedly on this file, so it may be damaged or hostile. Save it "
        "again from its source application and upload the new copy."
    )


_default_pool: ExtractionWorkerPool | None = None
_default_pool_pid = 0
_default_pool_lock = threading.Lock()


def _default_worker_count() -> int:
    return max(1, min(4, os.cpu_count() or 1))


def get_worker_pool() -> ExtractionWorkerPool:
    """Return the process-wide pool, creating it on first use (and again after a fork)."""
    global _default_pool, _default_pool_pid
    with _default_pool_lock:
        if _default_pool is None or _default_pool_pid != os.getpid():
            _default_pool = ExtractionWorkerPool(max_workers=_default_worker_count())
            _default_pool_pid = os.getpid()
        return _default_pool


def configure_worker_pool(max_workers: int, max_jobs_per_worker: int = 200) -> ExtractionWorkerPool:
    """Replace the process-wide pool, closing the old one's idle workers."""
    global _default_pool, _default_pool_pid
    with _default_pool_lock:
        if _default_pool is not None and _default_pool_pid == os.getpid():
            _default_pool.close()
        _default_pool = ExtractionWorkerPool(max_workers, max_jobs_per_worker)
        _default_pool_pid = os.getpid()
        return _default_pool


def _close_default_pool() -> None:
    if _default_pool is not None and _default_pool_pid == os.getpid():
        _default_pool.close()


atexit.register(_close_default_pool)
