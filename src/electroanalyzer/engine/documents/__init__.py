"""Document intake: detect the format from the bytes, check limits, extract text safely.

Accepted formats are PDF, DOCX, legacy Word (.doc) and plain text. Untrusted documents are
parsed in a worker process under CPU, memory and wall-clock limits (``DocumentLimits``), and
every rejection is an ``EngineError`` subclass with a stable code and a message for the user.
"""

from .intake import extract_in_process, extract_text, read_document
from .isolation import ExtractionWorkerPool, WorkerReport, configure_worker_pool, get_worker_pool
from .model import DocumentFormat, DocumentLimits, ExtractedDocument
from .sizes import check_declared_size, check_upload_size
from .sniff import sniff_format, sniff_prefix

__all__ = [
    "DocumentFormat",
    "DocumentLimits",
    "ExtractedDocument",
    "ExtractionWorkerPool",
    "WorkerReport",
    "check_declared_size",
    "check_upload_size",
    "configure_worker_pool",
    "extract_in_process",
    "extract_text",
    "get_worker_pool",
    "read_document",
    "sniff_format",
    "sniff_prefix",
]
