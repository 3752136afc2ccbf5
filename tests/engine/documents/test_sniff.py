import io
import zipfile

import pytest

from electroanalyzer.engine.documents import DocumentFormat, extract_text, sniff_format, sniff_prefix
from electroanalyzer.engine.errors import EmptyDocument, UnsupportedDocumentType

from .builders import DocxParts, OleEntry, ole_file, text_pdf, word97_doc

PE_HEADER = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48
PROGRAMS = {
    "windows_exe": PE_HEADER + b"This program cannot be run in DOS mode.",
    "elf": b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 56,
    "mach_o_64": bytes.fromhex("CFFAEDFE07000001") + b"\x00" * 24,
    "mach_o_32_big_endian": bytes.fromhex("FEEDFACE00000007") + b"\x00" * 24,
    "mach_o_universal": bytes.fromhex("CAFEBABE00000002") + b"\x00" * 24,
    "shell_script": b"#!/bin/sh\ncurl http://127.0.0.1/x | sh\n",
    "python_script": b"#!/usr/bin/env python3\nimport os\n",
}


@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_program_rejected_whatever_its_name(name: str) -> None:
    with pytest.raises(UnsupportedDocumentType) as caught:
        sniff_format(PROGRAMS[name])

    assert caught.value.code == "unsupported_document_type"
    assert caught.value.http_status == 415
    assert "program" in caught.value.message
    assert (
        "PDF" in caught.value.message and ".docx" in caught.value.message and ".txt" in caught.value.message
    )


@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_program_rejected_by_isolated_extract(name: str) -> None:
    with pytest.raises(UnsupportedDocumentType):
        extract_text(PROGRAMS[name])


def test_text_starting_with_mz_is_text() -> None:
    assert sniff_format(b"MZ was seen for a follow-up visit.\n") is DocumentFormat.TXT


def test_pdf_marker_within_first_kilobyte() -> None:
    pdf = text_pdf([["Session note"]])

    assert sniff_format(b" " * 1000 + pdf) is DocumentFormat.PDF
    assert sniff_prefix(b"junk" * 300 + pdf) is DocumentFormat.TXT


def test_docx_and_doc_detected() -> None:
    assert sniff_format(DocxParts().build()) is DocumentFormat.DOCX
    assert sniff_format(word97_doc([("Note\r", True)])) is DocumentFormat.DOC


def test_zip_without_word_parts_rejected() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("payload.exe", PROGRAMS["windows_exe"])

    with pytest.raises(UnsupportedDocumentType) as caught:
        sniff_format(buffer.getvalue())

    assert "zip archive but not a Word document" in caught.value.message


def test_spreadsheet_package_rejected() -> None:
    workbook = DocxParts(extra={"xl/workbook.xml": b"<workbook/>"}).build()
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(workbook)) as source, zipfile.ZipFile(buffer, "w") as target:
        for info in source.infolist():
            if info.filename != "word/document.xml":
                target.writestr(info, source.read(info))

    with pytest.raises(UnsupportedDocumentType):
        sniff_format(buffer.getvalue())


def test_ole_without_word_stream_rejected() -> None:
    workbook = ole_file([OleEntry("Workbook", b"\x09\x08" + b"\x00" * 100)])

    with pytest.raises(UnsupportedDocumentType) as caught:
        sniff_format(workbook)

    assert "not a Word document" in caught.value.message


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        (b"{\\rtf1\\ansi Patient note}", "RTF"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "image"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "image"),
        (b"GIF89a\x01\x00\x01\x00", "image"),
    ],
)
def test_known_non_documents_rejected(data: bytes, fragment: str) -> None:
    with pytest.raises(UnsupportedDocumentType) as caught:
        sniff_format(data)

    assert fragment in caught.value.message


def test_binary_data_rejected() -> None:
    with pytest.raises(UnsupportedDocumentType):
        sniff_format(bytes(range(256)) * 4)


def test_empty_input_is_empty_document() -> None:
    with pytest.raises(EmptyDocument) as caught:
        sniff_format(b"")

    assert caught.value.code == "empty_document"
    assert caught.value.http_status == 422
