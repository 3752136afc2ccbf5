"""Checks on a legacy Word (.doc) OLE2 compound file: Word stream present, no VBA, not encrypted."""

from __future__ import annotations

import io

import olefile

from electroanalyzer.engine.errors import ExtractionFailed, MacroEnabledDocument, UnsupportedDocumentType

from .sniff import ACCEPTED_FORMATS_HINT

WORD_STREAM = "WordDocument"
# Storages that hold a VBA project: Word 97-2003 uses "Macros"; "_VBA_PROJECT_CUR" and "VBA" occur
# in Excel files and in objects embedded under ObjectPool.
_MACRO_STORAGES = frozenset({"macros", "_vba_project_cur", "vba"})


def open_ole(data: bytes) -> olefile.OleFileIO:
    """Open the OLE2 directory of ``data``; raises ExtractionFailed when it is damaged."""
    try:
        # A BytesIO, never the bytes themselves: olefile treats a short bytes value as a file path.
        return olefile.OleFileIO(io.BytesIO(data))
    except (OSError, ValueError, IndexError, KeyError, TypeError, olefile.olefile.OleFileError):
        raise ExtractionFailed(
            "The Word (.doc) file is damaged. Open it in Word, save it as .docx and upload that."
        ) from None


def require_word_ole(data: bytes) -> None:
    """Raise unless the OLE2 file ``data`` contains a WordDocument stream."""
    with open_ole(data) as ole:
        if ole.exists(WORD_STREAM):
            return
    raise UnsupportedDocumentType(
        "The file is an Office file but not a Word document (for example a spreadsheet or a "
        f"presentation). {ACCEPTED_FORMATS_HINT}"
    )


def reject_macros(ole: olefile.OleFileIO) -> None:
    """Raise MacroEnabledDocument when any storage on any path is a VBA project storage."""
    for path in ole.listdir(streams=True, storages=True):
        if any(segment.lower() in _MACRO_STORAGES for segment in path):
            raise MacroEnabledDocument(
                "The Word (.doc) file contains macros (VBA), which are not accepted. Save it as a "
                "macro-free .docx or as PDF and upload that."
            )
