"""Size limits: exactly at each format's limit is accepted, one byte more is rejected."""

import os
import random
import zipfile
from pathlib import Path

import pytest

from electroanalyzer.engine.documents import (
    DocumentFormat,
    DocumentLimits,
    check_declared_size,
    extract_text,
    read_document,
)
from electroanalyzer.engine.errors import DocumentTooLarge, UnsupportedDocumentType

from .builders import DocxParts, text_pdf, word97_doc

LIMITS = DocumentLimits.default()


def pdf_of_size(size: int) -> bytes:
    # Two rounds, because the startxref offset gains digits as the padding grows.
    document = text_pdf([["Sized PDF note"]])
    padding = 0
    for _ in range(2):
        padding += size - len(document)
        document = text_pdf([["Sized PDF note"]], header_padding=padding)
    return document


def docx_of_size(size: int) -> bytes:
    filler = random.Random(0).randbytes(size)

    def build(length: int) -> bytes:
        parts = DocxParts(extra={"word/media/image1.jpg": filler[:length]})
        parts.compression = zipfile.ZIP_STORED
        return parts.build()

    first = build(1000)
    return build(1000 + size - len(first))


def doc_of_size(size: int) -> bytes:
    # Unused sectors after the last stream are zeros, which readers ignore.
    document = word97_doc([("Sized legacy note\r", True)])
    return document + b"\x00" * (size - len(document))


BUILDERS = {
    DocumentFormat.PDF: pdf_of_size,
    DocumentFormat.DOCX: docx_of_size,
    DocumentFormat.DOC: doc_of_size,
    DocumentFormat.TXT: lambda size: b"t" * size,
}


@pytest.mark.parametrize("document_format", list(DocumentFormat))
def test_declared_size_checked(document_format: DocumentFormat) -> None:
    limit = LIMITS.max_bytes(document_format)
    check_declared_size(document_format, limit, LIMITS)

    with pytest.raises(DocumentTooLarge) as caught:
        check_declared_size(document_format, limit + 1, LIMITS)

    assert caught.value.code == "document_too_large"
    assert caught.value.http_status == 413


@pytest.mark.slow
@pytest.mark.parametrize("document_format", list(DocumentFormat))
def test_exact_limit_accepted_one_more_rejected(document_format: DocumentFormat) -> None:
    limit = LIMITS.max_bytes(document_format)
    data = BUILDERS[document_format](limit)
    assert len(data) == limit

    document = extract_text(data, limits=LIMITS)

    assert document.format is document_format
    assert document.byte_size == limit
    with pytest.raises(DocumentTooLarge) as caught:
        extract_text(data + b" ", limits=LIMITS)
    assert f"{limit // (1024 * 1024)} MB" in caught.value.message


def test_limits_are_settings() -> None:
    limits = DocumentLimits(max_txt_bytes=100)

    assert extract_text(b"x" * 100, limits=limits, isolated=False).text == "x" * 100
    with pytest.raises(DocumentTooLarge) as caught:
        extract_text(b"x" * 101, limits=limits, isolated=False)
    assert "100 bytes" in caught.value.message


def test_invalid_limit_rejected() -> None:
    with pytest.raises(ValueError, match="max_pdf_bytes"):
        DocumentLimits(max_pdf_bytes=0)


TEXT_HEAD = b"Progress note. " * 1000


@pytest.mark.parametrize(
    ("suffix", "head"), [(".pdf", b"%PDF-1.7\n"), (".txt", TEXT_HEAD), (".docx", b"PK\x03\x04")]
)
def test_oversized_file_rejected_before_reading(tmp_path: Path, suffix: str, head: bytes) -> None:
    # Sparse files: reading one in full would take minutes, so a quick rejection shows that the
    # size came from stat() and the first bytes.
    path = tmp_path / f"huge{suffix}"
    with path.open("wb") as handle:
        handle.write(head)
        handle.truncate(64 * 1024**3)

    with pytest.raises(DocumentTooLarge):
        read_document(path)


@pytest.mark.parametrize("document_format", [DocumentFormat.PDF, DocumentFormat.TXT])
def test_file_one_byte_over_format_limit(tmp_path: Path, document_format: DocumentFormat) -> None:
    limit = LIMITS.max_bytes(document_format)
    head = b"%PDF-1.7\n" if document_format is DocumentFormat.PDF else TEXT_HEAD
    path = tmp_path / "note.bin"
    with path.open("wb") as handle:
        handle.write(head)
        handle.truncate(limit + 1)

    with pytest.raises(DocumentTooLarge) as caught:
        read_document(path)

    assert f"{limit // (1024 * 1024)} MB limit" in caught.value.message


def test_fifo_rejected_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "note.txt"
    os.mkfifo(fifo)

    with pytest.raises(UnsupportedDocumentType):
        read_document(fifo)


def test_read_document_extracts(tmp_path: Path) -> None:
    path = tmp_path / "misleading-name.pdf"
    path.write_bytes(b"Plain text despite the name.\r\n")

    document = read_document(path)

    assert document.format is DocumentFormat.TXT
    assert document.text == "Plain text despite the name.\r\n"
