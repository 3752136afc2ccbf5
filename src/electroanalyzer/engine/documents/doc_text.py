"""Text of a legacy Word 97-2003 (.doc) file, read from its OLE2 streams in pure Python.

The layout follows Microsoft's [MS-DOC] specification. The File Information Block (FIB) at the
start of the WordDocument stream locates the piece table (the CLX) in the 0Table or 1Table
stream. Each piece maps a run of character positions to bytes in the WordDocument stream, either
8-bit "compressed" Windows-1252 text or UTF-16LE. Only the main document story is read, so
footnotes, headers, comments and text boxes, which follow it in character positions, are left out.
"""

from __future__ import annotations

import re
import struct

import olefile

from electroanalyzer.engine.errors import EncryptedDocument, ExtractionFailed, UnsupportedDocumentType

from .doc_ole import WORD_STREAM, open_ole, reject_macros
from .model import DocumentLimits

_FIB_IDENTIFIER = 0xA5EC
# Word 97 wrote nFib 0x00C1; later versions keep it there and put their own value further on.
_MIN_WORD97_NFIB = 0x00C1
_FLAG_ENCRYPTED = 0x0100
_FLAG_TABLE_STREAM_1 = 0x0200
_FLAG_OBFUSCATED = 0x8000
_FIB_BASE_BYTES = 32
# Index of ccpText in FibRgLw97 and of the fcClx/lcbClx pair in FibRgFcLcb97.
_CCP_TEXT_INDEX = 3
_CLX_PAIR_INDEX = 33
_CLX_PRC = 0x01
_CLX_PCDT = 0x02
_PCD_BYTES = 8
_FC_COMPRESSED_BIT = 0x40000000
_FC_MASK = 0x3FFFFFFF

# Special characters of the main story. Field codes sit between 0x13 and 0x14 and the shown
# field result between 0x14 and 0x15.
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

# Compressed pieces store Windows-1252 bytes; the five bytes cp1252 leaves undefined map to the
# same code points, as [MS-DOC] 2.4.1 specifies.
_CP1252_TABLE = {
    byte: bytes([byte]).decode("cp1252", errors="ignore") or chr(byte) for byte in range(0x80, 0xA0)
}

_DAMAGED = "The Word (.doc) file is damaged. Open it in Word, save it as .docx and upload that."


def _read_stream(ole: olefile.OleFileIO, name: str) -> bytes:
    if not ole.exists(name):
        raise ExtractionFailed(_DAMAGED)
    try:
        with ole.openstream(name) as stream:
            data: bytes = stream.read()
    except (OSError, ValueError, IndexError, olefile.olefile.OleFileError):
        raise ExtractionFailed(_DAMAGED) from None
    return data


def _unpack(layout: str, data: bytes, offset: int) -> tuple[int, ...]:
    try:
        return struct.unpack_from(layout, data, offset)
    except struct.error:
        raise ExtractionFailed(_DAMAGED) from None


def _read_fib(word: bytes) -> tuple[int, int, int, int]:
    """Return (flags, ccpText, fcClx, lcbClx) from the FIB, after version and encryption checks."""
    identifier, n_fib = _unpack("<HH", word, 0)
    if identifier != _FIB_IDENTIFIER:
        raise ExtractionFailed(_DAMAGED)
    if n_fib < _MIN_WORD97_NFIB:
        raise UnsupportedDocumentType(
            "The file was saved by Word 95 or earlier, which is not accepted. Open it in a current "
            "version of Word, save it as .docx and upload that."
        )
    (flags,) = _unpack("<H", word, 0x0A)
    if flags & (_FLAG_ENCRYPTED | _FLAG_OBFUSCATED):
        raise EncryptedDocument()

    position = _FIB_BASE_BYTES
    (word_count,) = _unpack("<H", word, position)
    position += 2 + 2 * word_count
    (long_count,) = _unpack("<H", word, position)
    long_start = position + 2
    if long_count <= _CCP_TEXT_INDEX:
        raise ExtractionFailed(_DAMAGED)
    (ccp_text,) = _unpack("<i", word, long_start + 4 * _CCP_TEXT_INDEX)
    position = long_start + 4 * long_count
    (pair_count,) = _unpack("<H", word, position)
    if pair_count <= _CLX_PAIR_INDEX:
        raise ExtractionFailed(_DAMAGED)
    fc_clx, lcb_clx = _unpack("<II", word, position + 2 + 8 * _CLX_PAIR_INDEX)
    return flags, max(ccp_text, 0), fc_clx, lcb_clx


def _piece_table(table: bytes, fc_clx: int, lcb_clx: int) -> bytes:
    """Return the PlcPcd inside the CLX, skipping the property-modifier blocks before it."""
    end = fc_clx + lcb_clx
    if lcb_clx == 0 or end > len(table):
        raise ExtractionFailed(_DAMAGED)
    position = fc_clx
    while position < end:
        kind = table[position]
        if kind == _CLX_PRC:
            (size,) = _unpack("<h", table, position + 1)
            if size < 0:
                raise ExtractionFailed(_DAMAGED)
            position += 3 + size
        elif kind == _CLX_PCDT:
            (size,) = _unpack("<I", table, position + 1)
            start = position + 5
            if start + size > end:
                raise ExtractionFailed(_DAMAGED)
            return table[start : start + size]
        else:
            raise ExtractionFailed(_DAMAGED)
    raise ExtractionFailed(_DAMAGED)


def _decode_pieces(word: bytes, plc: bytes, ccp_text: int) -> str:
    piece_count = (len(plc) - 4) // (4 + _PCD_BYTES)
    if piece_count <= 0:
        raise ExtractionFailed(_DAMAGED)
    positions = _unpack(f"<{piece_count + 1}I", plc, 0)
    descriptors_start = 4 * (piece_count + 1)

    pieces: list[str] = []
    for index in range(piece_count):
        start_cp, end_cp = positions[index], min(positions[index + 1], ccp_text)
        count = end_cp - start_cp
        if count <= 0:
            continue
        (fc_value,) = _unpack("<I", plc, descriptors_start + index * _PCD_BYTES + 2)
        offset = fc_value & _FC_MASK
        if fc_value & _FC_COMPRESSED_BIT:
            raw = word[offset // 2 : offset // 2 + count]
            if len(raw) != count:
                raise ExtractionFailed(_DAMAGED)
            pieces.append(raw.decode("latin-1").translate(_CP1252_TABLE))
        else:
            raw = word[offset : offset + 2 * count]
            if len(raw) != 2 * count:
                raise ExtractionFailed(_DAMAGED)
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


def extract_doc(data: bytes, limits: DocumentLimits) -> str:
    """Check a .doc file for macros and encryption and return its main text."""
    with open_ole(data) as ole:
        reject_macros(ole)
        word = _read_stream(ole, WORD_STREAM)
        flags, ccp_text, fc_clx, lcb_clx = _read_fib(word)
        table_name = "1Table" if flags & _FLAG_TABLE_STREAM_1 else "0Table"
        table = _read_stream(ole, table_name)

    plc = _piece_table(table, fc_clx, lcb_clx)
    return _clean_story(_decode_pieces(word, plc, min(ccp_text, limits.max_text_chars + 1)))
