"""Document formats, size and resource limits, and the extraction result."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

MEBIBYTE = 1024 * 1024


class DocumentFormat(StrEnum):
    PDF = "pdf"
    DOCX = "docx"
    DOC = "doc"
    TXT = "txt"


@dataclass(frozen=True, slots=True)
class DocumentLimits:
    """Size, structure and resource limits applied to one untrusted document.

    Byte sizes are checked before the whole file is read. The child-process limits bound the
    parser: CPU seconds (RLIMIT_CPU), address space in MiB (RLIMIT_AS) and wall-clock seconds.
    """

    max_pdf_bytes: int = 50 * MEBIBYTE
    max_docx_bytes: int = 25 * MEBIBYTE
    max_doc_bytes: int = 25 * MEBIBYTE
    max_txt_bytes: int = 10 * MEBIBYTE

    # Limits on the extracted text and on the structure of each format.
    max_text_chars: int = 20_000_000
    max_pdf_pages: int = 2_000
    max_zip_entries: int = 1_000
    max_zip_uncompressed_bytes: int = 256 * MEBIBYTE
    max_zip_entry_ratio: float = 100.0
    max_zip_total_ratio: float = 100.0
    # Entries smaller than this are exempt from the per-entry ratio check, because small XML parts
    # such as styles.xml routinely compress 20:1 or more and cannot expand into a bomb.
    zip_ratio_exempt_bytes: int = 1 * MEBIBYTE

    # Child-process limits.
    cpu_seconds: int = 30
    memory_mb: int = 1_024
    wall_seconds: float = 60.0

    def __post_init__(self) -> None:
        for name in self.__dataclass_fields__:
            value = getattr(self, name)
            if value <= 0:
                raise ValueError(f"DocumentLimits.{name} must be positive, got {value!r}")

    @classmethod
    def default(cls) -> DocumentLimits:
        return cls()

    def max_bytes(self, document_format: DocumentFormat) -> int:
        """Return the size limit in bytes for one format."""
        return {
            DocumentFormat.PDF: self.max_pdf_bytes,
            DocumentFormat.DOCX: self.max_docx_bytes,
            DocumentFormat.DOC: self.max_doc_bytes,
            DocumentFormat.TXT: self.max_txt_bytes,
        }[document_format]

    def max_upload_bytes(self) -> int:
        """Return the largest size any accepted format may have, for checks before sniffing."""
        return max(self.max_bytes(document_format) for document_format in DocumentFormat)


@dataclass(frozen=True, slots=True)
class ExtractedDocument:
    """Plain text of one document, with its detected format and size."""

    text: str
    format: DocumentFormat
    byte_size: int
    page_count: int | None = None
