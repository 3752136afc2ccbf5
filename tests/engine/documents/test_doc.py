import struct

import pytest

from electroanalyzer.engine.documents import DocumentFormat, extract_text
from electroanalyzer.engine.errors import (
    EncryptedDocument,
    ExtractionFailed,
    MacroEnabledDocument,
    UnsupportedDocumentType,
)

from .builders import OleEntry, ole_file, word97_doc, word97_streams


def extract(data: bytes) -> str:
    return extract_text(data, isolated=False).text


def test_compressed_and_unicode_pieces() -> None:
    pieces = [
        ("Caf\u00e9 visit \u2019quoted\u2019\r", True),
        ("Unicode piece \u0416\u5b57 \u20ac20 copay\r", False),
        ("Back to 8-bit\r", True),
    ]

    document = extract_text(word97_doc(pieces), isolated=False)

    assert document.text == "Café visit ’quoted’\nUnicode piece Ж字 €20 copay\nBack to 8-bit\n"
    assert document.format is DocumentFormat.DOC


def test_compressed_punctuation_exceptions() -> None:
    punctuation = "‚ƒ„…†‡ˆ‰Š‹Œ‘’“”•–—˜™š›œŸ"

    assert extract(word97_doc([(punctuation + "\r", True)])) == punctuation + "\n"


def test_compressed_euro_byte_is_latin1() -> None:
    # 0x80 is not among the exceptions, so it is U+0080, not the euro sign of Windows-1252.
    word, table = word97_streams([("Fee: x20\r", True)])
    assert word.data is not None
    patched = word.data.replace(b"Fee: x20", b"Fee: \x8020")

    assert extract(ole_file([OleEntry("WordDocument", patched), table])) == "Fee: \x8020\n"


def test_headers_footers_and_footnotes() -> None:
    stories = [
        "",
        "Clinic letterhead\r",
        "",
        "Page footer\r",
        "",
        "",
        "",
        "Clinic letterhead\r",
        "",
        "",
        "",
        "",
    ]
    document = word97_doc([("Body text\r", True)], footnotes="\x02 See prior note.\r", header_stories=stories)

    assert extract(document) == "Clinic letterhead\nBody text\n\nSee prior note.\nPage footer"


def test_damaged_header_table_ignored() -> None:
    word, table = word97_streams([("Body\r", True)], header_stories=["", "Header\r", "", "", "", ""])
    assert word.data is not None
    damaged = bytearray(word.data)
    # lcbPlcfHdd: FibBase (32), 14 shorts, 22 longs, then the 12th offset/length pair's length.
    struct.pack_into("<I", damaged, 32 + 2 + 28 + 2 + 88 + 2 + 8 * 11 + 4, 0x7FFFFFF0)

    assert extract(ole_file([OleEntry("WordDocument", bytes(damaged)), table])) == "Body\n"


def test_table_zero_stream_used_when_flag_clear() -> None:
    assert extract(word97_doc([("From 0Table\r", True)], flags=0)) == "From 0Table\n"


def test_field_codes_dropped_results_kept() -> None:
    link = '\x13 HYPERLINK "http://example.org" \x14the site\x15'
    nested = "\x13 PAGE \x14\x13 NESTED \x14 3\x15\x15"
    text = f"See {link} and {nested}.\r"

    assert extract(word97_doc([(text, True)])) == "See the site and  3.\n"


def test_special_characters_mapped() -> None:
    text = "a\x0bb\x0cc\x07d\x1ee\x1ff\x01g\x08h\r"

    assert extract(word97_doc([(text, True)])) == "a\nb\nc\nd-ef" + "gh\n"


def test_macros_storage_rejected() -> None:
    vba = OleEntry("Macros", children=[OleEntry("VBA", children=[OleEntry("dir", b"\x01compressed vba")])])

    with pytest.raises(MacroEnabledDocument) as caught:
        extract(word97_doc([("Looks harmless\r", True)], extra=[vba]))

    assert caught.value.code == "macro_enabled_document"
    assert "VBA" in caught.value.message


def test_vba_in_embedded_object_rejected() -> None:
    embedded = OleEntry(
        "ObjectPool", children=[OleEntry("_1234", children=[OleEntry("_VBA_PROJECT_CUR", children=[])])]
    )

    with pytest.raises(MacroEnabledDocument):
        extract(word97_doc([("Note\r", True)], extra=[embedded]))


def test_encrypted_flag_rejected() -> None:
    with pytest.raises(EncryptedDocument):
        extract(word97_doc([("Secret\r", True)], flags=0x0200 | 0x0100))


def test_word95_rejected() -> None:
    with pytest.raises(UnsupportedDocumentType) as caught:
        extract(word97_doc([("Old\r", True)], n_fib=0x0065))

    assert "Word 95" in caught.value.message


def test_damaged_piece_table_fails() -> None:
    streams = word97_streams([("Note\r", True)])
    streams[1] = OleEntry("1Table", b"\x07garbage")

    with pytest.raises(ExtractionFailed):
        extract(ole_file(streams))


def test_piece_beyond_stream_fails() -> None:
    word, table = word97_streams([("Note\r", False)])
    assert table.data is not None
    damaged = bytearray(table.data)
    # The first piece descriptor's fc sits after the property block (5 bytes), the PCDT header
    # (5 bytes), two character positions (8 bytes) and the descriptor's 2 flag bytes.
    struct.pack_into("<I", damaged, 5 + 5 + 8 + 2, 0x3FFFFFF0)

    with pytest.raises(ExtractionFailed):
        extract(ole_file([word, OleEntry("1Table", bytes(damaged))]))


def test_bad_fib_identifier_fails() -> None:
    word, table = word97_streams([("Note\r", True)])
    assert word.data is not None

    with pytest.raises(ExtractionFailed):
        extract(ole_file([OleEntry("WordDocument", b"\x00\x00" + word.data[2:]), table]))


def test_truncated_ole_fails() -> None:
    with pytest.raises(ExtractionFailed):
        extract(word97_doc([("Note\r", True)])[:700])
