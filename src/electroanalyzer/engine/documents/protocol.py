"""Framing between the caller and the extraction worker: an 8-byte big-endian length, then bytes.

A request is two frames: a JSON header with the limits, then the document. A response is two
frames too: a JSON header with the outcome, then the UTF-8 text, which is empty on error.
"""

from __future__ import annotations

import dataclasses
import json
import struct
from typing import Any, BinaryIO

from .model import DocumentLimits

LENGTH = struct.Struct(">Q")


def encode_frame(payload: bytes) -> bytes:
    return LENGTH.pack(len(payload))


def encode_json(value: dict[str, Any]) -> bytes:
    return json.dumps(value, separators=(",", ":")).encode("utf-8")


def limits_to_json(limits: DocumentLimits) -> dict[str, Any]:
    return dataclasses.asdict(limits)


def limits_from_json(value: dict[str, Any]) -> DocumentLimits:
    known = {item.name for item in dataclasses.fields(DocumentLimits)}
    return DocumentLimits(**{key: item for key, item in value.items() if key in known})


def _read_exactly(stream: BinaryIO, size: int) -> bytes | None:
    buffer = bytearray(size)
    view = memoryview(buffer)
    received = 0
    while received < size:
        count = stream.readinto(view[received:])  # type: ignore[attr-defined]
        if not count:
            return None
        received += count
    return bytes(buffer)


def read_frame(stream: BinaryIO) -> bytes | None:
    """Read one frame from a blocking stream; return None at a clean end of stream."""
    header = _read_exactly(stream, LENGTH.size)
    if header is None:
        return None
    (size,) = LENGTH.unpack(header)
    return _read_exactly(stream, size)


def write_frames(stream: BinaryIO, *payloads: bytes) -> None:
    for payload in payloads:
        stream.write(encode_frame(payload))
        stream.write(payload)
    stream.flush()
