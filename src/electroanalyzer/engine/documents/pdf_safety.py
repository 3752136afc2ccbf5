"""Detection of encryption and active content in a PDF.

Two passes. A byte scan finds the names of encryption and active content outside stream data,
including escaped spellings such as ``/J#61vaScript``. It is fast, runs before any decryption is
attempted, and covers objects that no cross-reference table lists. Then every object that the
cross-reference tables (or pdfminer's fallback scan of a damaged file) list is parsed and walked,
which finds names inside compressed object streams. The walk also notes whether the file has
images, to tell a scan from an empty page.
"""

from __future__ import annotations

import re
import struct
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from pdfminer.pdfdocument import PDFDocument
from pdfminer.pdftypes import PDFObjRef, PDFStream
from pdfminer.psexceptions import PSException
from pdfminer.psparser import PSLiteral
from pdfminer.utils import decode_text

from electroanalyzer.engine.errors import EncryptedDocument, UnsafeDocument

# Names whose presence outside stream data rejects the file. Stream data is skipped because
# uncompressed page content may show text such as "Co-signed /Launch team". "/JS" is left out
# because initials such as "PT/JS" occur in metadata strings; the object walk finds the key.
_RAW_ACTIVE_NAMES = frozenset(
    {"JavaScript", "Launch", "EmbeddedFile", "EmbeddedFiles", "SubmitForm", "RichMedia"}
)
# Either the start of a stream's data (after its dictionary) or a name token.
_RAW_TOKEN = re.compile(rb"(>>\s{0,64}stream(?:\r\n|\n|\r))|/((?:[A-Za-z0-9_.+-]|#[0-9A-Fa-f]{2}){2,40})")
_END_STREAM = b"endstream"
_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")

# Dictionary keys that only active content or attachments use.
_ACTIVE_KEYS = frozenset({"JS", "JavaScript", "EmbeddedFile", "EmbeddedFiles", "EF", "RichMediaContent"})
# Action types (the /S entry of an action dictionary) that run code, start programs or send data.
_ACTIVE_ACTIONS = frozenset({"JavaScript", "Launch", "SubmitForm", "ImportData", "RichMediaExecute"})
_ACTIVE_TYPES = frozenset({"EmbeddedFile", "RichMedia", "Sound", "Movie"})

# Errors that pdfminer raises, directly or from the standard library, on malformed input.
PARSER_ERRORS = (
    PSException,
    ValueError,
    TypeError,
    KeyError,
    IndexError,
    AttributeError,
    AssertionError,
    RecursionError,
    ArithmeticError,
    struct.error,
    zlib.error,
)

_EXPORT_HINT = (
    "Print or export the note to a plain PDF without forms, scripts or attachments and upload that."
)


@dataclass(slots=True)
class PdfInventory:
    """Images and form-field values found by the object walk."""

    has_images: bool = False
    form_fields: list[tuple[str, str]] = field(default_factory=list)


def _decode_name(raw: bytes) -> str:
    return _ESCAPE.sub(lambda match: bytes([int(match.group(1), 16)]), raw).decode("latin-1")


def scan_raw_bytes(data: bytes) -> None:
    """Reject encryption and active content found by name in the raw bytes outside streams."""
    position = 0
    while (match := _RAW_TOKEN.search(data, position)) is not None:
        if match.group(1) is not None:
            end = data.find(_END_STREAM, match.end())
            if end < 0:
                return
            position = end + len(_END_STREAM)
            continue

        position = match.end()
        name = _decode_name(match.group(2))
        if name == "Encrypt":
            raise EncryptedDocument()
        if name in _RAW_ACTIVE_NAMES:
            raise _unsafe(name)


def _unsafe(name: str) -> UnsafeDocument:
    descriptions = {
        "JavaScript": "JavaScript",
        "JS": "JavaScript",
        "Launch": "an action that launches a program",
        "SubmitForm": "a form that submits data to a server",
        "ImportData": "an action that imports data",
        "EmbeddedFile": "an attached file",
        "EmbeddedFiles": "attached files",
        "EF": "an attached file",
        "RichMedia": "embedded media",
        "RichMediaContent": "embedded media",
        "RichMediaExecute": "embedded media",
        "Sound": "embedded media",
        "Movie": "embedded media",
    }
    return UnsafeDocument(f"The PDF contains {descriptions.get(name, 'active content')}. {_EXPORT_HINT}")


def _literal_name(value: Any) -> str | None:
    return value.name if isinstance(value, PSLiteral) and isinstance(value.name, str) else None


def _text_value(value: Any) -> str | None:
    if isinstance(value, bytes):
        return decode_text(value)
    if isinstance(value, str):
        return value
    return None


def _check_dictionary(dictionary: dict[str, Any], inventory: PdfInventory) -> None:
    for key in dictionary:
        if key in _ACTIVE_KEYS:
            raise _unsafe(key)
    action = _literal_name(dictionary.get("S"))
    if action in _ACTIVE_ACTIONS:
        raise _unsafe(action)
    for key in ("Type", "Subtype"):
        kind = _literal_name(dictionary.get(key))
        if kind in _ACTIVE_TYPES:
            raise _unsafe(kind)
        if key == "Subtype" and kind == "Image":
            inventory.has_images = True

    # Filled-in form fields keep their values here, not in the page content.
    if _literal_name(dictionary.get("FT")) in ("Tx", "Ch"):
        value = _text_value(dictionary.get("V"))
        if value and value.strip():
            inventory.form_fields.append((_text_value(dictionary.get("T")) or "", value))


def _walk(root: Any, inventory: PdfInventory) -> None:
    # An explicit stack, because direct objects may nest deeper than Python's recursion limit.
    stack: list[Any] = [root]
    while stack:
        item = stack.pop()
        if isinstance(item, PDFStream):
            item = item.attrs
        if isinstance(item, dict):
            _check_dictionary(item, inventory)
            stack.extend(value for value in item.values() if not isinstance(value, PDFObjRef))
        elif isinstance(item, list):
            stack.extend(value for value in item if not isinstance(value, PDFObjRef))


def _object_ids(document: PDFDocument) -> Iterable[int]:
    seen: set[int] = set()
    for xref in document.xrefs:
        for object_id in xref.get_objids():
            if object_id not in seen:
                seen.add(object_id)
                yield object_id


def inspect_objects(document: PDFDocument) -> PdfInventory:
    """Walk every listed object; raise UnsafeDocument on active content or attachments."""
    inventory = PdfInventory()
    if document.encryption is not None:
        raise EncryptedDocument()
    for xref in document.xrefs:
        if "Encrypt" in xref.get_trailer():
            raise EncryptedDocument()
    for object_id in _object_ids(document):
        try:
            item = document.getobj(object_id)
        except PARSER_ERRORS:
            # NOTE: an object that pdfminer cannot parse is skipped, so its content is not checked
            # here; the raw byte scan still finds its names unless they sit in a compressed stream.
            continue
        _walk(item, inventory)
    return inventory
