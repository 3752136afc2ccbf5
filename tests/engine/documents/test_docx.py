import contextlib
import http.server
import io
import struct
import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import pytest
from lxml import etree

from electroanalyzer.engine.documents import DocumentLimits, extract_text, safe_xml
from electroanalyzer.engine.errors import (
    ArchiveBomb,
    EncryptedDocument,
    ExtractionFailed,
    MacroEnabledDocument,
    UnsafeDocument,
)

from .builders import W_NAMESPACE, DocxParts, document_xml, header_xml, paragraph


def extract(data: bytes, limits: DocumentLimits | None = None) -> str:
    return extract_text(data, limits=limits, isolated=False).text


def test_paragraphs_tables_headers_footers() -> None:
    table = (
        "<w:tbl><w:tr><w:tc>" + paragraph("Goal") + "</w:tc><w:tc>" + paragraph("Status") + "</w:tc></w:tr>"
        "<w:tr><w:tc>" + paragraph("Walk 150 ft") + "</w:tc><w:tc>"
        "<w:tbl><w:tr><w:tc>" + paragraph("Nested: met") + "</w:tc></w:tr></w:tbl>"
        "</w:tc></w:tr></w:tbl>"
    )
    parts = DocxParts(
        document=document_xml(paragraph("Before table") + table + paragraph("After table")),
        headers=[header_xml("Clinic letterhead"), header_xml("Clinic letterhead")],
        footers=[header_xml("Signed by the treating therapist", root="ftr")],
    )

    text = " ".join(extract(parts.build()).split())

    assert text == (
        "Clinic letterhead Before table Goal Status Walk 150 ft Nested: met After table "
        "Signed by the treating therapist"
    )


def test_tabs_breaks_and_deleted_text() -> None:
    body = (
        "<w:p><w:r><w:t>Pain</w:t><w:tab/><w:t>6/10</w:t><w:br/><w:t>Next line</w:t></w:r>"
        "<w:del><w:r><w:delText>removed words</w:delText></w:r></w:del>"
        '<w:r><w:instrText> HYPERLINK "x" </w:instrText></w:r></w:p>'
    )

    assert extract(DocxParts(document=document_xml(body)).build()) == "Pain\t6/10\nNext line\n"


def test_docm_renamed_docx_rejected() -> None:
    parts = DocxParts(
        macro_enabled_type=True, extra={"word/vbaProject.bin": b"\xd0\xcf\x11\xe0 macro project"}
    )

    with pytest.raises(MacroEnabledDocument) as caught:
        extract(parts.build())

    assert caught.value.code == "macro_enabled_document"
    assert caught.value.http_status == 415


def test_macro_content_type_alone_rejected() -> None:
    with pytest.raises(MacroEnabledDocument):
        extract(DocxParts(macro_enabled_type=True).build())


def test_vba_project_part_alone_rejected() -> None:
    with pytest.raises(MacroEnabledDocument):
        extract(DocxParts(extra={"word/vbaProject.bin": b"vba"}).build())


def test_external_entity_not_resolved(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-VALUE")
    prologue = f"<!DOCTYPE w:document [<!ENTITY xxe SYSTEM 'file://{secret}'>]>"
    body = "<w:p><w:r><w:t>&xxe;</w:t></w:r></w:p>"
    parts = DocxParts(document=document_xml(body, prologue=prologue))

    with pytest.raises(UnsafeDocument) as caught:
        extract(parts.build())

    assert "TOP-SECRET-VALUE" not in caught.value.message
    assert "entities" in caught.value.message


def test_billion_laughs_rejected() -> None:
    entities = "".join(f"<!ENTITY l{level} '{f'&l{level - 1};' * 10}'>" for level in range(1, 10))
    prologue = f"<!DOCTYPE w:document [<!ENTITY l0 'lol'>{entities}]>"
    parts = DocxParts(document=document_xml("<w:p><w:r><w:t>&l9;</w:t></w:r></w:p>", prologue=prologue))

    with pytest.raises(UnsafeDocument):
        extract(parts.build())


def test_dtd_in_content_types_rejected() -> None:
    parts = DocxParts(content_types_prologue="<!DOCTYPE Types [<!ENTITY e 'x'>]>")

    with pytest.raises(UnsafeDocument):
        extract(parts.build())


def test_utf16_part_with_dtd_rejected() -> None:
    xml = (
        f"<?xml version='1.0' encoding='UTF-16'?><!DOCTYPE d [<!ENTITY e 'x'>]>"
        f"<w:document xmlns:w='{W_NAMESPACE}'><w:body>{paragraph('&e;')}</w:body></w:document>"
    )
    parts = DocxParts(document=xml.encode("utf-16"))

    with pytest.raises(UnsafeDocument):
        extract(parts.build())


@pytest.mark.parametrize(
    "member",
    [
        "../evil.xml",
        "word/../../evil.xml",
        "/etc/evil.xml",
        "\\windows\\evil.xml",
        "C:/evil.xml",
        "word\\..\\..\\x",
    ],
)
def test_traversal_member_names_rejected(member: str) -> None:
    with pytest.raises(UnsafeDocument) as caught:
        extract(DocxParts(extra={member: b"<x/>"}).build())

    assert "'..' path" in caught.value.message


def test_high_ratio_entry_rejected() -> None:
    bomb = DocxParts(extra={"word/media/filler.xml": b"\x00" * (20 * 1024 * 1024)}).build()

    with pytest.raises(ArchiveBomb) as caught:
        extract(bomb)

    assert caught.value.code == "archive_bomb"
    assert len(bomb) < 100_000


def test_many_entries_rejected() -> None:
    limits = DocumentLimits.default()
    parts = DocxParts(
        extra={f"word/media/part{index}.xml": b"<x/>" for index in range(limits.max_zip_entries)}
    )

    with pytest.raises(ArchiveBomb) as caught:
        extract(parts.build(), limits)

    assert str(limits.max_zip_entries) in caught.value.message


def test_end_record_entry_count_checked_first() -> None:
    data = bytearray(DocxParts().build())
    end = data.rfind(b"PK\x05\x06")
    struct.pack_into("<HH", data, end + 8, 60_000, 60_000)

    with pytest.raises(ArchiveBomb):
        extract(bytes(data))


def test_total_uncompressed_size_limited() -> None:
    limits = DocumentLimits(max_zip_uncompressed_bytes=50_000)
    parts = DocxParts(extra={"word/media/a.bin": bytes(range(256)) * 200}, compression=zipfile.ZIP_STORED)

    with pytest.raises(ArchiveBomb) as caught:
        extract(parts.build(), limits)

    assert "50000" in caught.value.message


def test_overall_ratio_limited() -> None:
    # Many parts just under the per-part exemption still add up to a bomb.
    limits = DocumentLimits(max_zip_total_ratio=20.0, zip_ratio_exempt_bytes=600_000)
    filler = {f"word/media/f{index}.xml": b" " * 500_000 for index in range(4)}

    with pytest.raises(ArchiveBomb) as caught:
        extract(DocxParts(extra=filler).build(), limits)

    assert "20 times" in caught.value.message


@pytest.mark.parametrize("member", ["word/embeddings/Chart.xlsx", "word/media/archive.zip", "word/x.docm"])
def test_nested_archive_by_name_rejected(member: str) -> None:
    with pytest.raises(UnsafeDocument) as caught:
        extract(DocxParts(extra={member: b"not really an archive"}).build())

    assert "embeds another archive" in caught.value.message


def test_nested_archive_by_signature_rejected() -> None:
    inner = DocxParts().build()

    with pytest.raises(UnsafeDocument):
        extract(DocxParts(extra={"word/media/image1.png": inner}).build())


def test_activex_rejected() -> None:
    with pytest.raises(UnsafeDocument):
        extract(DocxParts(extra={"word/activeX/activeX1.xml": b"<ax/>"}).build())


def test_encrypted_zip_entry_rejected() -> None:
    data = bytearray(DocxParts().build())
    # Set the "encrypted" general-purpose flag on every central directory entry.
    position = data.find(b"PK\x01\x02")
    while position >= 0:
        (flags,) = struct.unpack_from("<H", data, position + 8)
        struct.pack_into("<H", data, position + 8, flags | 0x1)
        position = data.find(b"PK\x01\x02", position + 4)

    with pytest.raises(EncryptedDocument):
        extract(bytes(data))


def test_duplicate_part_names_rejected() -> None:
    buffer = io.BytesIO(DocxParts().build())
    with pytest.warns(UserWarning), zipfile.ZipFile(buffer, "a") as package:
        package.writestr("word/document.xml", document_xml(paragraph("second copy")))

    with pytest.raises(UnsafeDocument) as caught:
        extract(buffer.getvalue())

    assert "same part twice" in caught.value.message


def test_parser_leaves_entities_unresolved(tmp_path: Path) -> None:
    # The DTD check runs first; this checks the parser settings behind it on their own.
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-VALUE")
    xml = f"<!DOCTYPE d [<!ENTITY xxe SYSTEM 'file://{secret}'>]><d>&xxe;</d>".encode()

    root = etree.fromstring(xml, safe_xml._new_parser())

    assert "TOP-SECRET-VALUE" not in etree.tostring(root).decode()
    assert root.text is None
    assert isinstance(root[0], etree._Entity)


class _CountingHandler(http.server.BaseHTTPRequestHandler):
    requests_seen: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        self.requests_seen.append(self.path)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"<!ENTITY leaked 'REMOTE-VALUE'>")

    def log_message(self, format: str, *args: object) -> None:
        return


@pytest.fixture
def listener() -> Iterator[tuple[str, list[str]]]:
    """A loopback HTTP server that records every request it receives."""
    _CountingHandler.requests_seen = []
    server = http.server.HTTPServer(("127.0.0.1", 0), _CountingHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", _CountingHandler.requests_seen
    finally:
        server.shutdown()
        server.server_close()


def test_network_entity_never_fetched(listener: tuple[str, list[str]]) -> None:
    base_url, requests_seen = listener
    prologue = f"<!DOCTYPE w:document [<!ENTITY % remote SYSTEM '{base_url}/dtd'> %remote;]>"
    parts = DocxParts(document=document_xml(paragraph("&leaked;"), prologue=prologue))

    with pytest.raises(UnsafeDocument):
        extract(parts.build())
    # The parser settings alone must not fetch it either. NOTE: libxml2 2.14, bundled with lxml
    # 6.2, has no HTTP client at all, so here this part only guards against an older libxml2.
    xml = f"<!DOCTYPE d [<!ENTITY % remote SYSTEM '{base_url}/dtd'> %remote;]><d>&leaked;</d>".encode()
    with contextlib.suppress(etree.XMLSyntaxError):
        etree.fromstring(xml, safe_xml._new_parser())

    assert requests_seen == []


def test_understated_part_size_fails_typed() -> None:
    data = bytearray(DocxParts(document=document_xml(paragraph("x" * 5_000))).build())
    name = b"word/document.xml"
    # Halve the declared uncompressed size in the local header and the central directory entry.
    for signature, size_offset, name_offset in ((b"PK\x03\x04", 22, 30), (b"PK\x01\x02", 24, 46)):
        position = data.find(signature)
        while position >= 0:
            if data[position + name_offset : position + name_offset + len(name)] == name:
                (size,) = struct.unpack_from("<I", data, position + size_offset)
                struct.pack_into("<I", data, position + size_offset, size // 2)
            position = data.find(signature, position + 4)

    with pytest.raises((ArchiveBomb, ExtractionFailed)):
        extract(bytes(data))
