"""Text of a legacy Word 97-2003 (.doc) file, read from its OLE2 streams in pure Python.

The layout follows Microsoft's [MS-DOC] specification. The FIB (see ``doc_fib``) locates the
piece table (the CLX) in the 0Table or 1Table stream. Each piece maps a run of character
positions to bytes in the WordDocument stream, either 8-bit "compressed" text or UTF-16LE. The
main story comes first in character positions, then the footnotes, then the headers and footers,
whose story boundaries the PlcfHdd table gives. Comments, endnotes and text boxes are left out.
"""

from __future__ import annotations

import re
import struct

import olefile

from electroanalyzer.engine.errors import ExtractionFailed

from .doc_fib import DAMAGED_MESSAGE, Fib, read_fib, unpack
from .doc_ole import WORD_STREAM, open_ole, reject_macros
from .model import DocumentLimits

_CLX_PRC = 0x01
_CLX_PCDT = 0x02
_PCD_BYTES = 8
_FC_COMPRESSED_BIT = 0x40000000
_FC_MASK = 0x3FFFFFFF

# Compressed text is 8-bit Unicode (Latin-1) except for these bytes, per [MS-DOC] 2.9.73
# FcCompressed. They match Windows-1252, but 0x80, 0x8E and 0x9E are not among them.
_COMPRESSED_EXCEPTIONS = {
    0x82: "\u201a", 0x83: "\u0192", 0x84: "\u201e", 0x85: "\u2026", 0x86: "\u2020", 0x87: "\u2021",
    0x88: "\u02c6", 0x89: "\u2030", 0x8A: "\u0160", 0x8B: "\u2039", 0x8C: "\u0152", 0x91: "\u2018",
    0x92: "\u2019", 0x93: "\u201c", 0x94: "\u201d", 0x95: "\u2022", 0x96: "\u2013", 0x97: "\u2014",
    0x98: "\u02dc", 0x99: "\u2122", 0x9A: "\u0161", 0x9B: "\u203a", 0x9C: "\u0153", 0x9F: "\u0178",
}  # fmt: skip

# Special characters of a story. Field codes sit between 0x13 and 0x14 and the shown field
# result between 0x14 and 0x15.
_FIELD_BEGIN, _FIELD_SEPARATOR, _FIELD_END = "\x13", "\x14", "\x15"
_FIELD_MARK = re.compile("([\x13\x14\x15])")
_CHARACTER_MAP = {
    0x0D: "\n",  # paragraph mark
    0x0B: "\n",  # manual line break
    0x0C: "\n",  # page or section break
    0x07: "\n",  # table cell or row end mark
    0x1E: "-",  # non-breaking hyphen
    0x1F: None,  # optional hyphen
    **{code: None for code in (0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x08)},  # anchors, pictures
    **{code: None for code in range(0x0E, 0x13)},
    **{code: None for code in (0x16, 0x17, 0x18, 0x19, 0x1A, 0x1B, 0x1C, 0x1D)},
}

# PlcfHdd contains six note-separator stories, then six stories per section in this order: even
# header, odd header, even footer, odd footer, first-page header, first-page footer.
_SEPARATOR_STORIES = 6
_FOOTER_KINDS = frozenset({2, 3, 5})


def _read_stream(ole: olefile.OleFileIO, name: str) -> bytes:
    if not ole.exists(name):
        raise ExtractionFailed(DAMAGED_MESSAGE)
    try:
        with ole.openstream(name) as stream:
            data: bytes = stream.read()
    except (OSError, ValueError, IndexError, olefile.olefile.OleFileError):
        raise ExtractionFailed(DAMAGED_MESSAGE) from None
    return data


def _piece_table(table: bytes, fib: Fib) -> bytes:
    """Return the PlcPcd inside the CLX, skipping the property-modifier blocks before it."""
    end = fib.clx_offset + fib.clx_length
    if fib.clx_length == 0 or end > len(table):
        raise ExtractionFailed(DAMAGED_MESSAGE)
    position = fib.clx_offset
    while position < end:
        kind = table[position]
        if kind == _CLX_PRC:
            (size,) = unpack("<h", table, position + 1)
            if size < 0:
                raise ExtractionFailed(DAMAGED_MESSAGE)
            position += 3 + size
        elif kind == _CLX_PCDT:
            (size,) = unpack("<I", table, position + 1)
            start = position + 5
            if start + size > end:
                raise ExtractionFailed(DAMAGED_MESSAGE)
            return table[start : start + size]
        else:
            raise ExtractionFailed(DAMAGED_MESSAGE)
    raise ExtractionFailed(DAMAGED_MESSAGE)


def _decode_pieces(word: bytes, plc: bytes, length: int) -> str:
    """Decode character positions 0 to ``length`` from the pieces that cover them."""
    piece_count = (len(plc) - 4) // (4 + _PCD_BYTES)
    if piece_count <= 0:
        raise ExtractionFailed(DAMAGED_MESSAGE)
    positions = unpack(f"<{piece_count + 1}I", plc, 0)
    descriptors_start = 4 * (piece_count + 1)

    pieces: list[str] = []
    for index in range(piece_count):
        start_cp, end_cp = positions[index], min(positions[index + 1], length)
        count = end_cp - start_cp
        if count <= 0:
            continue
        (fc_value,) = unpack("<I", plc, descriptors_start + index * _PCD_BYTES + 2)
        offset = fc_value & _FC_MASK
        if fc_value & _FC_COMPRESSED_BIT:
            raw = word[offset // 2 : offset // 2 + count]
            if len(raw) != count:
                raise ExtractionFailed(DAMAGED_MESSAGE)
            pieces.append(raw.decode("latin-1").translate(_COMPRESSED_EXCEPTIONS))
        else:
            raw = word[offset : offset + 2 * count]
            if len(raw) != 2 * count:
                raise ExtractionFailed(DAMAGED_MESSAGE)
            pieces.append(raw.decode("utf-16-le", errors="replace"))
    return "".join(pieces)


def _clean_story(text: str) -> str:
    """Drop field codes and anchors, and map Word's control characters to plain text."""
    if _FIELD_BEGIN not in text:
        return text.translate(_CHARACTER_MAP)

    output: list[str] = []
    # One entry per open field: False while in its code, True once in its shown result.
    fields: list[bool] = []
    for item in _FIELD_MARK.split(text):
        if item == _FIELD_BEGIN:
            fields.append(False)
        elif item == _FIELD_SEPARATOR:
            if fields:
                fields[-1] = True
        elif item == _FIELD_END:
            if fields:
                fields.pop()
        elif all(fields):
            output.append(item)
    return "".join(output).translate(_CHARACTER_MAP)


def _header_stories(table: bytes, fib: Fib, header_text: str) -> tuple[list[str], list[str]]:
    """Split the header document into distinct header and footer texts.

    A missing or damaged PlcfHdd drops the headers and footers instead of failing the document.
    """
    count = fib.header_plc_length // 4
    end = fib.header_plc_offset + 4 * count
    if count < 2 or end > len(table):
        return [], []
    positions = struct.unpack_from(f"<{count}I", table, fib.header_plc_offset)

    headers: list[str] = []
    footers: list[str] = []
    for index in range(_SEPARATOR_STORIES, count - 1):
        story = _clean_story(header_text[positions[index] : positions[index + 1]]).strip()
        target = footers if (index - _SEPARATOR_STORIES) % 6 in _FOOTER_KINDS else headers
        # Sections repeat the same header; keep each text once.
        if story and story not in target:
            target.append(story)
    return headers, footers


def extract_doc(data: bytes, limits: DocumentLimits) -> str:
    """Check a .doc file for macros and encryption and return its text.

    Headers come first, then the main text, footnotes and footers, as for DOCX.
    """
    with open_ole(data) as ole:
        reject_macros(ole)
        word = _read_stream(ole, WORD_STREAM)
        fib = read_fib(word)
        table = _read_stream(ole, fib.table_stream)

    total = fib.main_length + fib.footnote_length + fib.header_length
    text = _decode_pieces(word, _piece_table(table, fib), min(total, limits.max_text_chars + 1))

    body = _clean_story(text[: fib.main_length])
    footnote_end = fib.main_length + fib.footnote_length
    footnotes = _clean_story(text[fib.main_length : footnote_end]).strip()
    headers, footers = _header_stories(table, fib, text[footnote_end : footnote_end + fib.header_length])
    return "\n".join([*headers, body, *([footnotes] if footnotes else []), *footers])
