"""Read a multipart upload from the raw request stream into memory, with every limit enforced while reading.

Starlette's `UploadFile` spools parts above 1 MB to a temporary file on disk, which would put plaintext
PHI on disk; this reader never touches the file system. The request is rejected with 413 as soon as the
running byte count passes the limit, so an oversized or endless chunked body is never fully buffered.
"""

import re
import unicodedata
from dataclasses import dataclass, field

from fastapi import Request
from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import MultipartParser, parse_options_header

from electroanalyzer.core.errors import InvalidInput, PayloadTooLarge
from electroanalyzer.core.policies import UploadPolicy

MAX_FILE_NAME_CHARS = 200
_UNSAFE_NAME_CHARS = re.compile(r"[\x00-\x1f\x7f<>:\"|?*]")


@dataclass
class UploadedFile:
    file_name: str
    data: bytes


@dataclass
class UploadForm:
    fields: dict[str, str] = field(default_factory=dict)
    files: dict[str, UploadedFile] = field(default_factory=dict)


def clean_file_name(raw: str) -> str:
    """Keep a display name only: the last path component, no control characters, at most 200 characters.

    The stored file gets a generated name, so this string never reaches a path.
    """
    name = unicodedata.normalize("NFC", raw).split("\x00", 1)[0]
    name = re.split(r"[\\/]", name)[-1]
    name = _UNSAFE_NAME_CHARS.sub("", name).strip().strip(".").strip()
    if len(name) > MAX_FILE_NAME_CHARS:
        stem, dot, extension = name.rpartition(".")
        extension = extension[:16] if dot else ""
        name = (stem if dot else name)[: MAX_FILE_NAME_CHARS - len(extension) - 1] + (
            dot + extension if dot else ""
        )
    return name or "upload"


class _FormCollector:
    def __init__(self, policy: UploadPolicy) -> None:
        self.policy = policy
        self.form = UploadForm()
        self.part_headers: dict[str, bytes] = {}
        self.header_field = b""
        self.header_value = b""
        self.buffer = bytearray()
        self.parts = 0

    def on_part_begin(self) -> None:
        self.part_headers, self.buffer = {}, bytearray()
        self.parts += 1
        if self.parts > self.policy.max_form_fields + self.policy.max_form_files:
            raise InvalidInput("The form has too many parts; send one file and the analysis options.")

    def on_header_field(self, data: bytes, start: int, end: int) -> None:
        self.header_field += data[start:end]

    def on_header_value(self, data: bytes, start: int, end: int) -> None:
        self.header_value += data[start:end]

    def on_header_end(self) -> None:
        self.part_headers[self.header_field.decode("latin-1").lower()] = self.header_value
        self.header_field, self.header_value = b"", b""

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        self.buffer.extend(data[start:end])
        if len(self.buffer) > self.policy.max_field_bytes and b"filename" not in self._disposition()[1]:
            raise InvalidInput("A form field is longer than allowed.")

    def _disposition(self) -> tuple[bytes, dict[bytes, bytes]]:
        return parse_options_header(self.part_headers.get("content-disposition", b""))

    def on_part_end(self) -> None:
        _kind, options = self._disposition()
        name = options.get(b"name", b"").decode("utf-8", "replace")
        if not name:
            raise InvalidInput("A form part has no name.")
        if b"filename" in options:
            if len(self.form.files) >= self.policy.max_form_files:
                raise InvalidInput("Send exactly one file per request.")
            raw_name = options[b"filename"].decode("utf-8", "replace")
            self.form.files[name] = UploadedFile(clean_file_name(raw_name), bytes(self.buffer))
        else:
            try:
                self.form.fields[name] = self.buffer.decode("utf-8")
            except UnicodeDecodeError:
                raise InvalidInput("Form fields must be UTF-8 text.") from None


async def read_multipart(request: Request, policy: UploadPolicy) -> UploadForm:
    content_type, options = parse_options_header(request.headers.get("content-type", ""))
    boundary = options.get(b"boundary")
    if content_type != b"multipart/form-data" or not boundary:
        raise InvalidInput("Send the upload as multipart/form-data with a `file` part.")
    limit = policy.max_request_bytes
    declared = request.headers.get("content-length")
    if declared is not None:
        if not declared.isdigit():
            raise InvalidInput("The Content-Length header is not a valid number.")
        if int(declared) > limit:
            raise PayloadTooLarge(f"The request is larger than {limit} bytes; upload a smaller file.")

    collector = _FormCollector(policy)
    callbacks = {
        "on_part_begin": collector.on_part_begin,
        "on_part_data": collector.on_part_data,
        "on_part_end": collector.on_part_end,
        "on_header_field": collector.on_header_field,
        "on_header_value": collector.on_header_value,
        "on_header_end": collector.on_header_end,
    }
    parser = MultipartParser(boundary, callbacks)  # type: ignore[arg-type]
    received = 0
    async for chunk in request.stream():
        received += len(chunk)
        if received > limit:
            raise PayloadTooLarge(f"The request is larger than {limit} bytes; upload a smaller file.")
        try:
            parser.write(chunk)
        except MultipartParseError:
            raise InvalidInput(
                "The multipart body is malformed; send a standard multipart/form-data upload."
            ) from None
    try:
        parser.finalize()
    except MultipartParseError:
        raise InvalidInput(
            "The multipart body is malformed; send a standard multipart/form-data upload."
        ) from None
    return collector.form
