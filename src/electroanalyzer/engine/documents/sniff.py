"""Decide a document's format from its bytes, never from its name or declared type."""

from __future__ import annotations

from electroanalyzer.engine.errors import EmptyDocument, UnsupportedDocumentType

from .model import DocumentFormat

ACCEPTED_FORMATS_HINT = "Upload a PDF, a Word document (.docx or .doc) or a plain-text file (.txt)."

PDF_MARKER = b"%PDF-"
# Acrobat accepts the header anywhere in the first 1024 bytes, so we do too.
PDF_MARKER_WINDOW = 1024
ZIP_MAGIC = b"PK\x03\x04"
EMPTY_ZIP_MAGIC = b"PK\x05\x06"
OLE2_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
UTF8_BOM = b"\xef\xbb\xbf"
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")

# Bytes examined by the cheap prefix checks; the full checks run on the whole document.
SNIFF_PREFIX_BYTES = 8192

_PROGRAM_MAGICS = (
    b"\x7fELF",
    bytes.fromhex("FEEDFACE"),
    bytes.fromhex("FEEDFACF"),
    bytes.fromhex("CEFAEDFE"),
    bytes.fromhex("CFFAEDFE"),
    # Mach-O universal binary; Java class files share this magic and are programs too.
    bytes.fromhex("CAFEBABE"),
    b"#!",
)

_KNOWN_NON_DOCUMENTS = (
    (b"{\\rtf", "an RTF file. Save it as .docx or PDF from your word processor and upload that."),
    (b"\x89PNG", "an image. Export the note as PDF with text or as .docx, or run OCR on the image first."),
    (
        b"\xff\xd8\xff",
        "an image. Export the note as PDF with text or as .docx, or run OCR on the image first.",
    ),
    (b"GIF8", "an image. Export the note as PDF with text or as .docx, or run OCR on the image first."),
    (b"II*\x00", "an image. Export the note as PDF with text or as .docx, or run OCR on the image first."),
    (b"MM\x00*", "an image. Export the note as PDF with text or as .docx, or run OCR on the image first."),
)

# C0 control bytes that never occur in ordinary text. Tab, LF, VT, FF, CR, SUB (the old DOS
# end-of-file mark) and ESC are allowed.
BINARY_CONTROL_BYTES = bytes([*range(0x00, 0x09), *range(0x0E, 0x1A), 0x1C, 0x1D, 0x1E, 0x1F])
# Share of binary control bytes above which a file is treated as binary rather than text.
_MAX_CONTROL_BYTE_SHARE = 0.01


def _reject_program(prefix: bytes) -> None:
    is_program = prefix.startswith(_PROGRAM_MAGICS)
    # A DOS or PE executable always has NUL bytes in its 64-byte header, which distinguishes it
    # from a text file that happens to start with the letters "MZ".
    if prefix.startswith(b"MZ") and b"\x00" in prefix[:512]:
        is_program = True
    if is_program:
        raise UnsupportedDocumentType(
            f"The file is a program or script, not a document. {ACCEPTED_FORMATS_HINT}"
        )


def _reject_known_non_document(prefix: bytes) -> None:
    for magic, description in _KNOWN_NON_DOCUMENTS:
        if prefix.startswith(magic):
            raise UnsupportedDocumentType(f"The file is {description}")


def looks_binary(sample: bytes) -> bool:
    """Return True when ``sample`` (without a UTF-16 byte-order mark) cannot be a text file."""
    if b"\x00" in sample:
        return True
    if not sample:
        return False
    # bytes.translate deletes the control bytes in C, which keeps a 10 MB check fast.
    control_count = len(sample) - len(sample.translate(None, BINARY_CONTROL_BYTES))
    return control_count / len(sample) > _MAX_CONTROL_BYTE_SHARE


def sniff_prefix(prefix: bytes) -> DocumentFormat:
    """Classify a document from its first bytes alone.

    Zip and OLE2 containers are reported as DOCX and DOC without opening them, so this is only
    a provisional result for size checks while a file streams in; ``sniff_format`` confirms it.
    Raises EmptyDocument for no bytes and UnsupportedDocumentType for programs and binary files.
    """
    prefix = prefix[:SNIFF_PREFIX_BYTES]
    if not prefix:
        raise EmptyDocument()

    _reject_program(prefix)
    if PDF_MARKER in prefix[:PDF_MARKER_WINDOW]:
        return DocumentFormat.PDF
    if prefix.startswith((ZIP_MAGIC, EMPTY_ZIP_MAGIC)):
        return DocumentFormat.DOCX
    if prefix.startswith(OLE2_MAGIC):
        return DocumentFormat.DOC

    _reject_known_non_document(prefix)
    if prefix.startswith((*UTF16_BOMS, UTF8_BOM)):
        return DocumentFormat.TXT
    if looks_binary(prefix):
        raise UnsupportedDocumentType(
            "The file contains binary data and is not a supported document. A UTF-16 text file needs "
            f"a byte-order mark. {ACCEPTED_FORMATS_HINT}"
        )
    return DocumentFormat.TXT


def sniff_format(data: bytes) -> DocumentFormat:
    """Return the format of ``data`` from its signature and container directory.

    A zip must contain the parts of a Word document and an OLE2 file a WordDocument stream;
    other containers (spreadsheets, presentations, plain archives) are unsupported. Only the
    zip central directory and the OLE2 directory are read here, never the content.
    """
    provisional = sniff_prefix(data)
    if provisional is DocumentFormat.DOCX:
        from .docx_package import require_word_package

        require_word_package(data)
    elif provisional is DocumentFormat.DOC:
        from .doc_ole import require_word_ole

        require_word_ole(data)
    return provisional
