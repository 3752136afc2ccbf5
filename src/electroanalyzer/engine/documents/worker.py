"""Extraction worker: a long-lived child process that parses one untrusted document at a time.

Run as ``python -m electroanalyzer.engine.documents.worker`` by ``isolation``. Before each
document it lowers its own CPU-time and address-space limits to the request's budget, so the
kernel stops a hostile file that spins or allocates. The caller enforces the wall-clock limit by
killing the process.
"""

from __future__ import annotations

import json
import math
import os
import resource
import sys
from typing import Any, BinaryIO

from electroanalyzer.engine.errors import EngineError, ExtractionFailed

from .intake import extract_in_process
from .model import MEBIBYTE, DocumentLimits
from .protocol import encode_json, limits_from_json, read_frame, write_frames

_MEMORY_MESSAGE = (
    "Reading the document needed more than the {memory_mb} MB memory limit. Save it again from its "
    "source application, or split it into smaller files."
)


def _preload() -> None:
    # Import the parsers once, before the first request, so no request pays for the imports.
    from . import doc_text, docx_text, pdf_text, text_file

    del doc_text, docx_text, pdf_text, text_file


def _bounded(limit: int, hard: int) -> int:
    return limit if hard == resource.RLIM_INFINITY else min(limit, hard)


def apply_limits(limits: DocumentLimits) -> None:
    """Set the CPU-time soft limit to the time spent so far plus the budget, and the memory cap.

    RLIMIT_CPU counts the whole life of the process, so the budget is added to what earlier
    requests used. Hard limits stay where they are, so later requests can raise the soft ones.
    """
    usage = resource.getrusage(resource.RUSAGE_SELF)
    _, cpu_hard = resource.getrlimit(resource.RLIMIT_CPU)
    cpu_soft = math.ceil(usage.ru_utime + usage.ru_stime) + limits.cpu_seconds
    resource.setrlimit(resource.RLIMIT_CPU, (_bounded(cpu_soft, cpu_hard), cpu_hard))

    _, memory_hard = resource.getrlimit(resource.RLIMIT_AS)
    memory_soft = limits.memory_mb * MEBIBYTE
    resource.setrlimit(resource.RLIMIT_AS, (_bounded(memory_soft, memory_hard), memory_hard))


def _usage() -> dict[str, Any]:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return {"peak_rss_kb": usage.ru_maxrss, "cpu_seconds": usage.ru_utime + usage.ru_stime}


def _handle(header: dict[str, Any], data: bytes) -> tuple[dict[str, Any], bytes]:
    limits = limits_from_json(header["limits"])
    apply_limits(limits)
    try:
        document = extract_in_process(data, limits)
    except EngineError as error:
        return {"ok": False, "code": error.code, "message": error.message, "retire": False}, b""
    except MemoryError:
        message = _MEMORY_MESSAGE.format(memory_mb=limits.memory_mb)
        return {"ok": False, "code": ExtractionFailed.code, "message": message, "retire": True}, b""
    except RecursionError:
        failed = ExtractionFailed()
        return {"ok": False, "code": failed.code, "message": failed.message, "retire": True}, b""

    outcome = {
        "ok": True,
        "format": document.format.value,
        "page_count": document.page_count,
        "byte_size": document.byte_size,
    }
    return outcome, document.text.encode("utf-8", "surrogatepass")


def serve(requests: BinaryIO, responses: BinaryIO) -> None:
    """Serve requests until the caller closes the request stream or a request retires the worker."""
    write_frames(responses, encode_json({"ready": True, "pid": os.getpid()}))
    while True:
        header_bytes = read_frame(requests)
        data = read_frame(requests)
        if header_bytes is None or data is None:
            return

        outcome, body = _handle(json.loads(header_bytes), data)
        del data
        outcome.update(_usage())
        write_frames(responses, encode_json(outcome), body)
        if outcome.get("retire"):
            return


def main() -> int:
    # The protocol owns the original stdout; anything a library prints goes to stderr instead.
    responses = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    requests = sys.stdin.buffer
    _preload()
    serve(requests, responses)
    return 0


if __name__ == "__main__":
    sys.exit(main())
