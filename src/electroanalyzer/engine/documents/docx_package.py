"""Checks on a DOCX zip package, made from its directory before any part is inflated.

Order matters: the end-of-central-directory record is read by hand first, so an archive that
claims a huge directory is rejected before ``zipfile`` builds one object per entry. Then every
entry's declared sizes, ratio, name and flags are checked, and only then is any part read, each
with a read bounded by its declared size.
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib
from dataclasses import dataclass

from electroanalyzer.engine.errors import (
    ArchiveBomb,
    EncryptedDocument,
    ExtractionFailed,
    MacroEnabledDocument,
    UnsafeDocument,
    UnsupportedDocumentType,
)

from .model import DocumentLimits
from .safe_xml import parse_part
from .sniff import ACCEPTED_FORMATS_HINT, ZIP_MAGIC

CONTENT_TYPES_PART = "[Content_Types].xml"
MAIN_DOCUMENT_PART = "word/document.xml"

_EOCD_SIGNATURE = b"PK\x05\x06"
_EOCD_SIZE = 22
_ZIP64_LOCATOR_SIGNATURE = b"PK\x06\x07"
_ZIP64_LOCATOR_SIZE = 20
_ZIP64_EOCD_SIGNATURE = b"PK\x06\x06"
_MAX_COMMENT_BYTES = 0xFFFF
# A central directory entry is at least 46 bytes, which bounds how many entries a directory of a
# given size can hold, whatever count the end record claims.
_MIN_CENTRAL_ENTRY_BYTES = 46

_ALLOWED_COMPRESSION = frozenset({zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED})
_MACRO_PART_NAMES = frozenset({"vbaproject.bin", "vbadata.xml"})
_NESTED_ARCHIVE_SUFFIXES = (
    ".zip", ".jar", ".docx", ".docm", ".dotm", ".xlsx", ".xlsm", ".xlsb", ".pptx", ".pptm",
    ".7z", ".rar", ".gz", ".tgz", ".bz2", ".xz", ".cab", ".tar",
)  # fmt: skip
_DRIVE_LETTER = re.compile(r"^[A-Za-z]:")
_MACRO_CONTENT_TYPE_MARKERS = ("macroenabled", "vbaproject", "vbadata", "activex")

_REPAIR_HINT = "Save the document again from Word and upload the new copy."
# What zipfile raises while inflating a damaged member: bad CRC or headers, corrupt deflate data,
# or a feature it does not implement.
_MEMBER_READ_ERRORS = (zipfile.BadZipFile, zlib.error, NotImplementedError, OSError, EOFError, ValueError)


@dataclass(frozen=True, slots=True)
class _EndOfDirectory:
    entry_count: int
    directory_bytes: int


def _read_end_of_directory(data: bytes) -> _EndOfDirectory:
    search_start = max(0, len(data) - _EOCD_SIZE - _MAX_COMMENT_BYTES)
    position = data.rfind(_EOCD_SIGNATURE, search_start)
    if position < 0 or position + _EOCD_SIZE > len(data):
        raise ExtractionFailed(f"The Word document is not a complete zip package. {_REPAIR_HINT}")

    entry_count, directory_bytes = struct.unpack_from("<HI", data, position + 10)
    if entry_count != 0xFFFF and directory_bytes != 0xFFFFFFFF:
        return _EndOfDirectory(entry_count, directory_bytes)

    # ZIP64: the real figures sit in the ZIP64 end record that the locator points to.
    locator = position - _ZIP64_LOCATOR_SIZE
    if locator < 0 or data[locator : locator + 4] != _ZIP64_LOCATOR_SIGNATURE:
        raise ExtractionFailed(f"The Word document has a damaged zip directory. {_REPAIR_HINT}")
    (record,) = struct.unpack_from("<Q", data, locator + 8)
    if record + 56 > len(data) or data[record : record + 4] != _ZIP64_EOCD_SIGNATURE:
        raise ExtractionFailed(f"The Word document has a damaged zip directory. {_REPAIR_HINT}")
    entry_count, directory_bytes = struct.unpack_from("<QQ", data, record + 32)
    return _EndOfDirectory(entry_count, directory_bytes)


def _too_many_entries(limits: DocumentLimits) -> ArchiveBomb:
    return ArchiveBomb(
        f"The Word document contains more than {limits.max_zip_entries} parts, far more than any real "
        f"document. {_REPAIR_HINT}"
    )


def open_package(data: bytes, limits: DocumentLimits) -> zipfile.ZipFile:
    """Open the zip directory of ``data`` after bounding its entry count."""
    end = _read_end_of_directory(data)
    if end.entry_count > limits.max_zip_entries:
        raise _too_many_entries(limits)
    if end.directory_bytes // _MIN_CENTRAL_ENTRY_BYTES > limits.max_zip_entries:
        raise _too_many_entries(limits)

    try:
        package = zipfile.ZipFile(io.BytesIO(data))
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        NotImplementedError,
        ValueError,
        struct.error,
        EOFError,
    ):
        raise ExtractionFailed(f"The Word document's zip directory is damaged. {_REPAIR_HINT}") from None
    if len(package.infolist()) > limits.max_zip_entries:
        raise _too_many_entries(limits)
    return package


def require_word_package(data: bytes, limits: DocumentLimits | None = None) -> None:
    """Raise unless the zip ``data`` has the two parts every Word document has."""
    with open_package(data, limits or DocumentLimits.default()) as package:
        names = set(package.namelist())
    if CONTENT_TYPES_PART in names and MAIN_DOCUMENT_PART in names:
        return
    raise UnsupportedDocumentType(
        "The file is a zip archive but not a Word document (spreadsheets, presentations and other "
        f"archives are not accepted). {ACCEPTED_FORMATS_HINT}"
    )


def _check_member_name(name: str) -> None:
    segments = re.split(r"[\\/]", name)
    unsafe = (
        name.startswith(("/", "\\"))
        or _DRIVE_LETTER.match(name) is not None
        or ".." in segments
        or "\x00" in name
    )
    if unsafe:
        raise UnsafeDocument(
            "The Word document contains a part with an absolute or '..' path, which is a path "
            f"traversal attempt. {_REPAIR_HINT}"
        )


def _check_member(info: zipfile.ZipInfo, limits: DocumentLimits) -> None:
    _check_member_name(info.filename)
    if info.flag_bits & 0x1:
        raise EncryptedDocument()
    if info.compress_type not in _ALLOWED_COMPRESSION:
        raise UnsafeDocument(f"The Word document uses an unusual zip compression method. {_REPAIR_HINT}")

    base_name = info.filename.rsplit("/", 1)[-1].lower()
    if base_name in _MACRO_PART_NAMES:
        raise MacroEnabledDocument()
    if base_name.endswith(_NESTED_ARCHIVE_SUFFIXES):
        raise UnsafeDocument(
            "The Word document embeds another archive or Office file (such as a chart's spreadsheet). "
            "Remove embedded objects, or save the document as PDF, and upload again."
        )
    if info.filename.lower().startswith("word/activex/"):
        raise UnsafeDocument("The Word document contains ActiveX controls. Save a copy without them.")

    if info.file_size <= limits.zip_ratio_exempt_bytes:
        return
    if info.compress_size == 0 or info.file_size / info.compress_size > limits.max_zip_entry_ratio:
        raise ArchiveBomb(
            f"A part of the Word document expands more than {limits.max_zip_entry_ratio:g} times its "
            f"compressed size. {_REPAIR_HINT}"
        )


def check_package(package: zipfile.ZipFile, data_size: int, limits: DocumentLimits) -> None:
    """Check every entry's declared sizes, ratio, name and flags, inflating nothing."""
    seen: set[str] = set()
    total_size = 0
    for info in package.infolist():
        if info.filename in seen:
            raise UnsafeDocument(f"The Word document lists the same part twice. {_REPAIR_HINT}")
        seen.add(info.filename)
        _check_member(info, limits)
        total_size += info.file_size

    if total_size > limits.max_zip_uncompressed_bytes:
        raise ArchiveBomb(
            f"The Word document expands to {total_size} bytes, more than the limit of "
            f"{limits.max_zip_uncompressed_bytes}. {_REPAIR_HINT}"
        )
    over_exempt_size = total_size > limits.zip_ratio_exempt_bytes
    if over_exempt_size and total_size / max(data_size, 1) > limits.max_zip_total_ratio:
        raise ArchiveBomb(
            f"The Word document expands more than {limits.max_zip_total_ratio:g} times its file size. "
            f"{_REPAIR_HINT}"
        )


def read_member(package: zipfile.ZipFile, name: str) -> bytes:
    """Inflate one checked part, reading at most its declared size plus one byte."""
    info = package.getinfo(name)
    try:
        with package.open(info) as member:
            content = member.read(info.file_size + 1)
    except _MEMBER_READ_ERRORS:
        raise ExtractionFailed(f"A part of the Word document is damaged. {_REPAIR_HINT}") from None
    if len(content) > info.file_size:
        raise ArchiveBomb(f"A part of the Word document is larger than its declared size. {_REPAIR_HINT}")
    return content


def check_embedded_signatures(package: zipfile.ZipFile) -> None:
    """Reject binary parts that are themselves archives, whatever their names.

    Only the first bytes of each part are inflated. OLE2 parts (embedded objects such as
    equations) are allowed, except that one holding a macro project was rejected by name.
    """
    for info in package.infolist():
        if info.filename.lower().endswith((".xml", ".rels")) or info.is_dir() or info.file_size == 0:
            continue
        try:
            with package.open(info) as member:
                head = member.read(8)
        except _MEMBER_READ_ERRORS:
            raise ExtractionFailed(f"A part of the Word document is damaged. {_REPAIR_HINT}") from None
        if head.startswith(ZIP_MAGIC):
            raise UnsafeDocument(
                "The Word document embeds another archive or Office file. Remove embedded objects, or "
                "save the document as PDF, and upload again."
            )


def check_content_types(package: zipfile.ZipFile) -> None:
    """Reject packages whose content types declare macros or ActiveX controls."""
    root = parse_part(read_member(package, CONTENT_TYPES_PART), CONTENT_TYPES_PART)
    for element in root.iter():
        content_type = str(element.get("ContentType", "")).lower()
        if not any(marker in content_type for marker in _MACRO_CONTENT_TYPE_MARKERS):
            continue
        if "activex" in content_type:
            raise UnsafeDocument("The Word document contains ActiveX controls. Save a copy without them.")
        raise MacroEnabledDocument()
