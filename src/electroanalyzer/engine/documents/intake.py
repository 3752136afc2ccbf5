"""Extraction entry points: detect the format, check sizes, extract text in or out of process."""

from __future__ import annotations

import logging
import stat
from pathlib import Path

from electroanalyzer.engine.errors import DocumentTooLarge, EmptyDocument, UnsupportedDocumentType

from .model import DocumentFormat, DocumentLimits, ExtractedDocument
from .sizes import check_declared_size
from .sniff import ACCEPTED_FORMATS_HINT, SNIFF_PREFIX_BYTES, sniff_format, sniff_prefix

logger = logging.getLogger(__name__)


def _extract_format_text(
    data: bytes, document_format: DocumentFormat, limits: DocumentLimits
) -> tuple[str, int | None]:
    # Parser modules are imported on first use so that importing the engine stays cheap.
    if document_format is DocumentFormat.PDF:
        from .pdf_text import extract_pdf

        return extract_pdf(data, limits)
    if document_format is DocumentFormat.DOCX:
        from .docx_text import extract_docx

        return extract_docx(data, limits), None
    if document_format is DocumentFormat.DOC:
        from .doc_text import extract_doc

        return extract_doc(data, limits), None

    from .text_file import decode_text_file

    return decode_text_file(data), None


def extract_in_process(data: bytes, limits: DocumentLimits) -> ExtractedDocument:
    """Detect, check and extract ``data`` in the calling process, with no resource limits.

    Only the isolated worker and callers that trust the document should use this directly.
    """
    check_declared_size(sniff_prefix(data[:SNIFF_PREFIX_BYTES]), len(data), limits)
    document_format = sniff_format(data)
    check_declared_size(document_format, len(data), limits)

    text, page_count = _extract_format_text(data, document_format, limits)
    # isspace() allocates nothing, unlike strip(), which matters for a 10 MB text.
    if not text or text.isspace():
        raise EmptyDocument()
    if len(text) > limits.max_text_chars:
        raise DocumentTooLarge(
            f"The document contains more than {limits.max_text_chars} characters of text. Split it into "
            "smaller documents and upload them separately."
        )
    return ExtractedDocument(text=text, format=document_format, byte_size=len(data), page_count=page_count)


def extract_text(
    data: bytes, *, limits: DocumentLimits | None = None, isolated: bool = True
) -> ExtractedDocument:
    """Extract the text of an untrusted document.

    The signature and size are checked here, from the first bytes. With ``isolated`` (the
    default), everything else runs in a worker process under the CPU, memory and wall-clock
    limits of ``limits``. Raises an EngineError subclass for every rejected document.
    """
    limits = limits or DocumentLimits.default()
    check_declared_size(sniff_prefix(data[:SNIFF_PREFIX_BYTES]), len(data), limits)
    if not isolated:
        return extract_in_process(data, limits)

    from .isolation import get_worker_pool

    return get_worker_pool().extract(data, limits)


def read_document(path: Path, *, limits: DocumentLimits | None = None) -> ExtractedDocument:
    """Read and extract a document file, checking its size with stat() before reading it.

    The read is bounded by the format's limit as well, in case the file grows after the check.
    """
    limits = limits or DocumentLimits.default()
    status = path.stat()
    if not stat.S_ISREG(status.st_mode):
        raise UnsupportedDocumentType(f"The path is not a regular file. {ACCEPTED_FORMATS_HINT}")
    with path.open("rb") as handle:
        prefix = handle.read(SNIFF_PREFIX_BYTES)
        provisional = sniff_prefix(prefix)
        check_declared_size(provisional, status.st_size, limits)
        remaining = limits.max_bytes(provisional) - len(prefix) + 1
        data = prefix + handle.read(max(remaining, 0))
    check_declared_size(provisional, len(data), limits)

    logger.debug("document_read", extra={"byte_size": len(data), "format": provisional.value})
    return extract_text(data, limits=limits)
