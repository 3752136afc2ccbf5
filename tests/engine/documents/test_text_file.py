import pytest

from electroanalyzer.engine.documents import (
    DocumentFormat,
    DocumentLimits,
    ExtractionWorkerPool,
    extract_text,
)
from electroanalyzer.engine.errors import EmptyDocument, UndecodableText, UnsupportedDocumentType

NOTE = "Patient: reports pain 6/10.\nPlan: 3x/week for 6 weeks.\n"


def extract(data: bytes, limits: DocumentLimits | None = None) -> str:
    return extract_text(data, limits=limits, isolated=False).text


def test_utf8_decoded_unchanged() -> None:
    note = "Müller, café — ROM 0–90°\n"

    assert extract(note.encode("utf-8")) == note


def test_utf8_bom_dropped() -> None:
    assert extract(b"\xef\xbb\xbf" + NOTE.encode()) == NOTE


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_with_bom(encoding: str) -> None:
    bom = "\ufeff".encode(encoding)
    note = "Zoë Ålund seen today.\r\nNo pain.\r\n"

    document = extract_text(bom + note.encode(encoding), isolated=False)

    assert document.text == note
    assert document.format is DocumentFormat.TXT


def test_utf32_with_bom() -> None:
    assert extract("\ufeff".encode("utf-32-le") + NOTE.encode("utf-32-le")) == NOTE


def test_cp1252_fallback() -> None:
    data = b"Caf\xe9 visit \x93quoted\x94 \x80" + b"20 copay\r\n"

    assert extract(data) == "Café visit “quoted” €20 copay\r\n"


def test_byte_undefined_in_cp1252_rejected() -> None:
    with pytest.raises(UndecodableText) as caught:
        extract(b"Invalid UTF-8 \xc3 and cp1252 \x81 byte\n")

    assert caught.value.code == "undecodable_text"
    assert "UTF-8" in caught.value.message


def test_invalid_utf16_rejected() -> None:
    # An odd number of bytes after the mark cannot be UTF-16.
    with pytest.raises(UndecodableText):
        extract(b"\xff\xfeA\x00B")


def test_nul_bytes_without_bom_rejected() -> None:
    utf16_without_bom = NOTE.encode("utf-16-le")

    with pytest.raises(UnsupportedDocumentType) as caught:
        extract(utf16_without_bom)

    assert "byte-order mark" in caught.value.message


def test_nul_byte_after_prefix_rejected() -> None:
    # The NUL sits beyond the bytes the cheap prefix check looks at.
    with pytest.raises(UnsupportedDocumentType):
        extract(b"a" * 20_000 + b"\x00" + b"b\n")


def test_mixed_line_endings_preserved() -> None:
    note = "line one\r\nline two\nline three\rline four\r\n\r\nend"

    assert extract(note.encode()) == note


@pytest.mark.parametrize("content", [b"", b" ", b"\r\n\t \n", "\u00a0\u2003\n".encode()])
def test_blank_text_is_empty_document(content: bytes) -> None:
    with pytest.raises(EmptyDocument):
        extract(content)


def test_ten_megabyte_single_line(worker_pool: ExtractionWorkerPool) -> None:
    limits = DocumentLimits.default()
    line = b"a" * limits.max_txt_bytes

    document = worker_pool.extract(line, limits)

    assert len(document.text) == limits.max_txt_bytes
    assert document.text.count("\n") == 0
    assert document.byte_size == limits.max_txt_bytes
