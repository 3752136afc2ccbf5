"""The File Information Block (FIB) at the start of a Word 97-2003 WordDocument stream.

Offsets follow Microsoft's [MS-DOC] specification: FibBase (32 bytes), then counted arrays of
16-bit values (FibRgW97), 32-bit values (FibRgLw97) and 64-bit offset/length pairs (FibRgFcLcb97).
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

from electroanalyzer.engine.errors import EncryptedDocument, ExtractionFailed, UnsupportedDocumentType

DAMAGED_MESSAGE = "The Word (.doc) file is damaged. Open it in Word, save it as .docx and upload that."

_FIB_IDENTIFIER = 0xA5EC
# Word 97 wrote nFib 0x00C1; later versions keep it there and put their own value further on.
_MIN_WORD97_NFIB = 0x00C1
_FLAG_ENCRYPTED = 0x0100
_FLAG_TABLE_STREAM_1 = 0x0200
_FLAG_OBFUSCATED = 0x8000
_FIB_BASE_BYTES = 32
# Indexes of ccpText, ccpFtn and ccpHdd in FibRgLw97.
_CCP_TEXT_INDEX, _CCP_FOOTNOTE_INDEX, _CCP_HEADER_INDEX = 3, 4, 5
# Indexes of the fcPlcfHdd/lcbPlcfHdd and fcClx/lcbClx pairs in FibRgFcLcb97.
_HEADER_PLC_PAIR_INDEX, _CLX_PAIR_INDEX = 11, 33


@dataclass(frozen=True, slots=True)
class Fib:
    """The FIB fields the text reader needs. Lengths are in characters, offsets in bytes."""

    table_stream: str
    main_length: int
    footnote_length: int
    header_length: int
    clx_offset: int
    clx_length: int
    header_plc_offset: int
    header_plc_length: int


def unpack(layout: str, data: bytes, offset: int) -> tuple[int, ...]:
    """Unpack ``layout`` at ``offset``; raises ExtractionFailed when ``data`` is too short."""
    try:
        return struct.unpack_from(layout, data, offset)
    except struct.error:
        raise ExtractionFailed(DAMAGED_MESSAGE) from None


def read_fib(word: bytes) -> Fib:
    """Read the FIB after checking the identifier, the Word version and the encryption flags."""
    identifier, n_fib = unpack("<HH", word, 0)
    if identifier != _FIB_IDENTIFIER:
        raise ExtractionFailed(DAMAGED_MESSAGE)
    if n_fib < _MIN_WORD97_NFIB:
        raise UnsupportedDocumentType(
            "The file was saved by Word 95 or earlier, which is not accepted. Open it in a current "
            "version of Word, save it as .docx and upload that."
        )
    (flags,) = unpack("<H", word, 0x0A)
    if flags & (_FLAG_ENCRYPTED | _FLAG_OBFUSCATED):
        raise EncryptedDocument()

    position = _FIB_BASE_BYTES
    (word_count,) = unpack("<H", word, position)
    position += 2 + 2 * word_count
    (long_count,) = unpack("<H", word, position)
    if long_count <= _CCP_HEADER_INDEX:
        raise ExtractionFailed(DAMAGED_MESSAGE)
    main_length, footnote_length, header_length = unpack("<iii", word, position + 2 + 4 * _CCP_TEXT_INDEX)

    position += 2 + 4 * long_count
    (pair_count,) = unpack("<H", word, position)
    if pair_count <= _CLX_PAIR_INDEX:
        raise ExtractionFailed(DAMAGED_MESSAGE)
    pairs = position + 2
    clx_offset, clx_length = unpack("<II", word, pairs + 8 * _CLX_PAIR_INDEX)
    header_plc_offset, header_plc_length = unpack("<II", word, pairs + 8 * _HEADER_PLC_PAIR_INDEX)

    return Fib(
        table_stream="1Table" if flags & _FLAG_TABLE_STREAM_1 else "0Table",
        main_length=max(main_length, 0),
        footnote_length=max(footnote_length, 0),
        header_length=max(header_length, 0),
        clx_offset=clx_offset,
        clx_length=clx_length,
        header_plc_offset=header_plc_offset,
        header_plc_length=header_plc_length,
    )
