"""Size checks that run before a document is read in full."""

from __future__ import annotations

from electroanalyzer.engine.errors import DocumentTooLarge

from .model import MEBIBYTE, DocumentFormat, DocumentLimits

_FORMAT_NAMES = {
    DocumentFormat.PDF: "PDF",
    DocumentFormat.DOCX: "Word (.docx)",
    DocumentFormat.DOC: "Word (.doc)",
    DocumentFormat.TXT: "text",
}


def describe_size(byte_count: int) -> str:
    if byte_count >= MEBIBYTE and byte_count % MEBIBYTE == 0:
        return f"{byte_count // MEBIBYTE} MB"
    if byte_count >= MEBIBYTE:
        return f"{byte_count / MEBIBYTE:.1f} MB"
    return f"{byte_count} bytes"


def check_declared_size(document_format: DocumentFormat, size: int, limits: DocumentLimits) -> None:
    """Raise DocumentTooLarge when ``size`` bytes exceed the limit for ``document_format``.

    The server may call this repeatedly with the running byte count while it streams an upload,
    so an oversized body is rejected at the limit instead of after it has been buffered.
    """
    limit = limits.max_bytes(document_format)
    if size <= limit:
        return
    raise DocumentTooLarge(
        f"The {_FORMAT_NAMES[document_format]} file is larger than the {describe_size(limit)} limit "
        f"for that format. Split it into smaller files or remove embedded images, then upload again."
    )


def check_upload_size(size: int, limits: DocumentLimits) -> None:
    """Raise DocumentTooLarge when ``size`` exceeds the largest limit of any format."""
    limit = limits.max_upload_bytes()
    if size <= limit:
        return
    raise DocumentTooLarge(
        f"The file is larger than {describe_size(limit)}, the largest size accepted for any document. "
        f"Split it into smaller files and upload again."
    )
