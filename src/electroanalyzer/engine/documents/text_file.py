"""Decoding of plain-text documents.

The decoded text is the file content unchanged: line endings (LF, CRLF, lone CR) are kept, so
character offsets found in the text index the file's own characters. Only a leading byte-order
mark is dropped, because it marks the encoding and is not part of the content.
"""

from __future__ import annotations

from electroanalyzer.engine.errors import UndecodableText, UnsupportedDocumentType

from .sniff import ACCEPTED_FORMATS_HINT, UTF8_BOM, looks_binary

_UTF32_BOMS = (b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


def _decode_with_bom(data: bytes) -> str | None:
    # UTF-32 goes first because its little-endian mark starts with the UTF-16 one.
    encoding = None
    if data.startswith(_UTF32_BOMS):
        encoding = "utf-32"
    elif data.startswith(_UTF16_BOMS):
        encoding = "utf-16"
    elif data.startswith(UTF8_BOM):
        encoding = "utf-8-sig"
    if encoding is None:
        return None

    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        name = encoding.upper().removesuffix("-SIG")
        raise UndecodableText(
            f"The text file starts with a {name} byte-order mark but is not valid {name} at byte "
            f"{error.start}. Save it again as UTF-8 and upload it."
        ) from None


def decode_text_file(data: bytes) -> str:
    """Decode a text document: a byte-order mark decides, else UTF-8, else Windows-1252.

    Raises UnsupportedDocumentType for binary content (NUL bytes outside UTF-16/32, or many
    control bytes) and UndecodableText when no accepted encoding fits.
    """
    text = _decode_with_bom(data)
    if text is not None:
        if "\x00" in text:
            raise UnsupportedDocumentType(f"The text file contains NUL characters. {ACCEPTED_FORMATS_HINT}")
        return text

    if looks_binary(data):
        raise UnsupportedDocumentType(
            "The file contains binary data (such as NUL bytes) and is not a text document. A UTF-16 text "
            f"file needs a byte-order mark. {ACCEPTED_FORMATS_HINT}"
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError as error:
        raise UndecodableText(
            f"The text file is neither UTF-8 nor Windows-1252 (byte 0x{data[error.start]:02X} at offset "
            f"{error.start} is undefined in both). Save it as UTF-8 and upload it again."
        ) from None
