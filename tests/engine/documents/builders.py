"""Builders of small real documents (DOCX, PDF, OLE2 and Word 97 files) for the intake tests.

Each builder writes the file format byte by byte, so tests can produce exactly the hostile
structure they need without any converter.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from dataclasses import dataclass, field

# --- DOCX -----------------------------------------------------------------------------------

W_NAMESPACE = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_DOCUMENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
_MACRO_DOCUMENT_TYPE = "application/vnd.ms-word.document.macroEnabled.main+xml"
_RELS_NAMESPACE = "http://schemas.openxmlformats.org/package/2006/relationships"
_OFFICE_DOCUMENT_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
_REL_BASE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"


def paragraph(text: str) -> str:
    return f"<w:p><w:r><w:t xml:space='preserve'>{text}</w:t></w:r></w:p>"


def document_xml(body: str, *, prologue: str = "") -> bytes:
    xml = (
        f"<?xml version='1.0' encoding='UTF-8' standalone='yes'?>{prologue}"
        f"<w:document xmlns:w='{W_NAMESPACE}'><w:body>{body}</w:body></w:document>"
    )
    return xml.encode("utf-8")


@dataclass
class DocxParts:
    """Parts of a DOCX package; ``build`` writes them as a zip."""

    document: bytes = field(
        default_factory=lambda: document_xml(paragraph("Patient tolerated treatment well."))
    )
    headers: list[bytes] = field(default_factory=list)
    footers: list[bytes] = field(default_factory=list)
    macro_enabled_type: bool = False
    content_types_prologue: str = ""
    extra: dict[str, bytes] = field(default_factory=dict)
    compression: int = zipfile.ZIP_DEFLATED

    def _content_types(self) -> bytes:
        main_type = _MACRO_DOCUMENT_TYPE if self.macro_enabled_type else _DOCUMENT_TYPE
        xml = (
            f"<?xml version='1.0' encoding='UTF-8'?>{self.content_types_prologue}"
            "<Types xmlns='http://schemas.openxmlformats.org/package/2006/content-types'>"
            "<Default Extension='rels' "
            "ContentType='application/vnd.openxmlformats-package.relationships+xml'/>"
            "<Default Extension='xml' ContentType='application/xml'/>"
            f"<Override PartName='/word/document.xml' ContentType='{main_type}'/>"
            "</Types>"
        )
        return xml.encode("utf-8")

    def _document_rels(self) -> bytes:
        relationships = [
            f"<Relationship Id='rIdH{index}' Type='{_REL_BASE}header' Target='header{index}.xml'/>"
            for index in range(len(self.headers))
        ] + [
            f"<Relationship Id='rIdF{index}' Type='{_REL_BASE}footer' Target='footer{index}.xml'/>"
            for index in range(len(self.footers))
        ]
        return f"<Relationships xmlns='{_RELS_NAMESPACE}'>{''.join(relationships)}</Relationships>".encode()

    def build(self) -> bytes:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", self.compression) as package:
            package.writestr("[Content_Types].xml", self._content_types())
            package.writestr(
                "_rels/.rels",
                f"<Relationships xmlns='{_RELS_NAMESPACE}'><Relationship Id='rId1' "
                f"Type='{_OFFICE_DOCUMENT_REL}' Target='word/document.xml'/></Relationships>",
            )
            package.writestr("word/document.xml", self.document)
            package.writestr("word/_rels/document.xml.rels", self._document_rels())
            for index, header in enumerate(self.headers):
                package.writestr(f"word/header{index}.xml", header)
            for index, footer in enumerate(self.footers):
                package.writestr(f"word/footer{index}.xml", footer)
            for name, content in self.extra.items():
                package.writestr(name, content)
        return buffer.getvalue()


def header_xml(text: str, root: str = "hdr") -> bytes:
    return f"<w:{root} xmlns:w='{W_NAMESPACE}'>{paragraph(text)}</w:{root}>".encode()


# --- PDF ------------------------------------------------------------------------------------


def pdf_from_objects(objects: list[bytes], *, trailer_extra: bytes = b"", header_padding: int = 0) -> bytes:
    """Write objects 1..n with a correct xref table; object 1 must be the catalog."""
    output = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    if header_padding:
        # A comment line right after the header pads the file without touching any object.
        output += b"%" + b"x" * max(header_padding - 2, 0) + b"\n"
    offsets: list[int] = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(output))
        output += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref_at = len(output)
    output += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    output += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    output += b"trailer\n<< /Size %d /Root 1 0 R %s>>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        trailer_extra,
        xref_at,
    )
    return bytes(output)


def stream_object(content: bytes, dictionary: bytes = b"") -> bytes:
    return b"<< /Length %d %s>>\nstream\n" % (len(content), dictionary) + content + b"\nendstream"


def _escape_pdf_text(text: str) -> bytes:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)").encode("latin-1")


def page_content(lines: list[str]) -> bytes:
    commands = [b"BT /F1 11 Tf 14 TL 50 780 Td"]
    commands += [b"(" + _escape_pdf_text(line) + b") Tj T*" for line in lines]
    commands.append(b"ET")
    return b"\n".join(commands)


def text_pdf(
    pages: list[list[str]],
    *,
    catalog_extra: bytes = b"",
    page_extra: bytes = b"",
    extra_objects: list[bytes] | None = None,
    header_padding: int = 0,
) -> bytes:
    """A PDF with one page per entry of ``pages``, each line drawn in Helvetica.

    Objects: 1 catalog, 2 page tree, 3 font, then per page a page and its content stream, then
    ``extra_objects`` (numbered from 4 + 2 * len(pages)).
    """
    page_numbers = [4 + 2 * index for index in range(len(pages))]
    kids = b" ".join(b"%d 0 R" % number for number in page_numbers)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R %s>>" % catalog_extra,
        b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, len(pages)),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    for number, lines in zip(page_numbers, pages, strict=True):
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> "
            b"/Contents %d 0 R %s>>" % (number + 1, page_extra)
        )
        objects.append(stream_object(page_content(lines)))
    objects.extend(extra_objects or [])
    return pdf_from_objects(objects, header_padding=header_padding)


def image_only_pdf() -> bytes:
    """A one-page PDF that draws a 2x2 grey image and no text, like a scan without OCR."""
    image = stream_object(b"\x00\x80\x80\x00", b"/Type /XObject /Subtype /Image /Width 2 /Height 2 "
                          b"/ColorSpace /DeviceGray /BitsPerComponent 8 ")  # fmt: skip
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /XObject << /Im1 5 0 R >> >> "
        b"/Contents 4 0 R >>",
        stream_object(b"q 500 0 0 700 50 50 cm /Im1 Do Q"),
        image,
    ]
    return pdf_from_objects(objects)


def object_stream_pdf(hidden_object: bytes) -> bytes:
    """A PDF whose catalog's /OpenAction is object 6, stored compressed inside object stream 5.

    The file has no valid cross-reference data, so a reader recovers it by scanning, which is
    how pdfminer finds the compressed object. The object's names never appear in the raw bytes.
    """
    index = b"6 0 "
    packed = zlib.compress(index + hidden_object)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R /OpenAction 6 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 7 0 R >> >> "
        b"/Contents 4 0 R >>",
        stream_object(page_content(["Visible text"])),
        stream_object(packed, b"/Type /ObjStm /N 1 /First %d /Filter /FlateDecode " % len(index)),
    ]
    output = bytearray(b"%PDF-1.5\n")
    for number, body in enumerate(objects, start=1):
        output += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    output += b"7 0 obj\n<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>\nendobj\n"
    output += b"trailer\n<< /Size 8 /Root 1 0 R >>\nstartxref\n999999\n%%EOF\n"
    return bytes(output)


# --- OLE2 compound files and Word 97 documents ----------------------------------------------

_SECTOR = 512
_FREE, _END_OF_CHAIN, _FAT_SECTOR, _NO_STREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF
_MINI_STREAM_CUTOFF = 4096
_STORAGE, _STREAM, _ROOT = 1, 2, 5


@dataclass
class OleEntry:
    """A stream (``data`` set) or a storage (``children`` set) of an OLE2 compound file."""

    name: str
    data: bytes | None = None
    children: list[OleEntry] = field(default_factory=list)


def _directory_entry(name: str, kind: int, right: int, child: int, start: int, size: int) -> bytes:
    encoded = name.encode("utf-16-le") + b"\x00\x00"
    entry = bytearray(128)
    entry[: len(encoded)] = encoded
    struct.pack_into("<HBB", entry, 64, len(encoded), kind, 1)
    struct.pack_into("<III", entry, 68, _NO_STREAM, right, child)
    struct.pack_into("<IQ", entry, 116, start, size)
    return bytes(entry)


def ole_file(entries: list[OleEntry]) -> bytes:
    """Write a version-3 compound file; streams are padded to the mini-stream cutoff so every
    stream lives in regular sectors. Siblings are chained through their right pointers."""
    flat: list[tuple[OleEntry, int]] = []  # (entry, parent index) in directory order, root first

    def add(children: list[OleEntry], parent: int) -> None:
        for child in children:
            flat.append((child, parent))
            add(child.children, len(flat))  # index of this child in the directory (root is 0)

    add(entries, 0)
    streams = [(entry, (entry.data or b"").ljust(_MINI_STREAM_CUTOFF, b"\x00")) for entry, _ in flat]

    directory_count = len(flat) + 1
    directory_sectors = -(-directory_count * 128 // _SECTOR)
    data_sectors = [
        (-(-len(padded) // _SECTOR) if entry.data is not None else 0) for entry, padded in streams
    ]
    fat_sectors = 1
    while fat_sectors * 128 < fat_sectors + directory_sectors + sum(data_sectors):
        fat_sectors += 1

    fat = [_FAT_SECTOR] * fat_sectors
    directory_start = len(fat)
    fat += [*range(directory_start + 1, directory_start + directory_sectors), _END_OF_CHAIN]
    starts: list[int] = []
    for count in data_sectors:
        start = len(fat)
        starts.append(start if count else _END_OF_CHAIN)
        if count:
            fat += [*range(start + 1, start + count), _END_OF_CHAIN]
    fat += [_FREE] * (fat_sectors * 128 - len(fat))

    children_of: dict[int, list[int]] = {}
    for index, (_, parent) in enumerate(flat, start=1):
        children_of.setdefault(parent, []).append(index)

    def right_sibling(index: int, parent: int) -> int:
        siblings = children_of[parent]
        position = siblings.index(index)
        return siblings[position + 1] if position + 1 < len(siblings) else _NO_STREAM

    directory = bytearray(
        _directory_entry(
            "Root Entry", _ROOT, _NO_STREAM, children_of.get(0, [_NO_STREAM])[0], _END_OF_CHAIN, 0
        )
    )
    for index, ((entry, parent), (_, padded), start) in enumerate(
        zip(flat, streams, starts, strict=True), start=1
    ):
        child = children_of.get(index, [_NO_STREAM])[0]
        if entry.data is None:
            directory += _directory_entry(entry.name, _STORAGE, right_sibling(index, parent), child, 0, 0)
        else:
            size = len(padded)
            directory += _directory_entry(
                entry.name, _STREAM, right_sibling(index, parent), _NO_STREAM, start, size
            )
    directory = directory.ljust(directory_sectors * _SECTOR, b"\x00")
    for position in range(directory_count * 128, len(directory), 128):
        struct.pack_into("<III", directory, position + 68, _NO_STREAM, _NO_STREAM, _NO_STREAM)

    header = bytearray(_SECTOR)
    header[:8] = bytes.fromhex("D0CF11E0A1B11AE1")
    struct.pack_into("<HHHHH", header, 24, 0x003E, 0x0003, 0xFFFE, 9, 6)
    struct.pack_into("<IIII", header, 44, fat_sectors, directory_start, 0, _MINI_STREAM_CUTOFF)
    struct.pack_into("<IIII", header, 60, _END_OF_CHAIN, 0, _END_OF_CHAIN, 0)
    difat = list(range(fat_sectors)) + [_FREE] * (109 - fat_sectors)
    struct.pack_into("<109I", header, 76, *difat)

    body = struct.pack(f"<{len(fat)}I", *fat) + bytes(directory)
    for (entry, padded), count in zip(streams, data_sectors, strict=True):
        if entry.data is not None:
            body += padded.ljust(count * _SECTOR, b"\x00")
    return bytes(header) + body


_FIB_LONGS = 22
_FIB_PAIRS = 93
_TEXT_OFFSET = 1024


def _compress(text: str) -> bytes:
    # Compressed pieces hold Latin-1 plus the Windows-1252 punctuation that [MS-DOC] lists; the
    # euro sign and Z/z with caron are not in that list, so Word stores them as UTF-16.
    if any(character in text for character in "\u20ac\u017d\u017e"):
        raise ValueError("text needs a UTF-16 piece")
    return text.encode("cp1252")


def word97_streams(
    pieces: list[tuple[str, bool]],
    *,
    flags: int = 0x0200,
    n_fib: int = 0x00C1,
    footnotes: str = "",
    header_stories: list[str] | None = None,
) -> list[OleEntry]:
    """WordDocument and table streams of a Word 97 file whose main text is ``pieces``.

    Each piece is (text, compressed): compressed pieces are stored as 8-bit bytes, the others as
    UTF-16LE, exactly as the piece table's fCompressed bit describes. ``footnotes`` and
    ``header_stories`` (per section: even header, odd header, even footer, odd footer, first-page
    header, first-page footer) follow the main text in one more compressed piece.
    """
    stories = header_stories or []
    main_length = sum(len(text) for text, _ in pieces)
    extra = footnotes + "".join(stories)
    if extra:
        pieces = [*pieces, (extra, True)]

    text_area = bytearray()
    positions = [0]
    descriptors = bytearray()
    for text, compressed in pieces:
        offset = _TEXT_OFFSET + len(text_area)
        if compressed:
            text_area += _compress(text)
            fc_value = (offset * 2) | 0x40000000
        else:
            text_area += text.encode("utf-16-le")
            fc_value = offset
        positions.append(positions[-1] + len(text))
        descriptors += struct.pack("<HIH", 0, fc_value, 0)

    plc = struct.pack(f"<{len(positions)}I", *positions) + bytes(descriptors)
    # One property-modifier block first, which the reader must skip.
    clx = b"\x01" + struct.pack("<h", 2) + b"\x00\x00" + b"\x02" + struct.pack("<I", len(plc)) + plc
    story_starts = [0] * 6
    for story in stories:
        story_starts.append(story_starts[-1] + len(story))
    header_plc = (
        struct.pack(f"<{len(story_starts) + 1}I", *story_starts, story_starts[-1]) if stories else b""
    )

    fib = bytearray(_TEXT_OFFSET)
    struct.pack_into("<HH", fib, 0, 0xA5EC, n_fib)
    struct.pack_into("<H", fib, 0x0A, flags)
    position = 32
    struct.pack_into("<H", fib, position, 14)
    position += 2 + 28
    struct.pack_into("<H", fib, position, _FIB_LONGS)
    longs = position + 2
    struct.pack_into("<iii", fib, longs + 4 * 3, main_length, len(footnotes), len("".join(stories)))
    position = longs + 4 * _FIB_LONGS
    struct.pack_into("<H", fib, position, _FIB_PAIRS)
    struct.pack_into("<II", fib, position + 2 + 8 * 11, len(clx), len(header_plc))
    struct.pack_into("<II", fib, position + 2 + 8 * 33, 0, len(clx))

    table_name = "1Table" if flags & 0x0200 else "0Table"
    return [OleEntry("WordDocument", bytes(fib) + bytes(text_area)), OleEntry(table_name, clx + header_plc)]


def word97_doc(
    pieces: list[tuple[str, bool]],
    *,
    flags: int = 0x0200,
    n_fib: int = 0x00C1,
    footnotes: str = "",
    header_stories: list[str] | None = None,
    extra: list[OleEntry] | None = None,
) -> bytes:
    streams = word97_streams(
        pieces, flags=flags, n_fib=n_fib, footnotes=footnotes, header_stories=header_stories
    )
    return ole_file(streams + (extra or []))
