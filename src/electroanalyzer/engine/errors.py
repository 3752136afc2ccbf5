"""Typed engine errors with stable codes, safe messages and an HTTP status hint.

Every message is written for the person who uploaded the file: it says what failed and what to
do next, and it never quotes document text, because that text may contain PHI. The server maps
``http_status`` to its response; the engine itself knows nothing about HTTP beyond this number.
"""

from __future__ import annotations

from typing import ClassVar

HTTP_PAYLOAD_TOO_LARGE = 413
HTTP_UNSUPPORTED_MEDIA_TYPE = 415
HTTP_UNPROCESSABLE_CONTENT = 422


class EngineError(Exception):
    """Base class of every error the engine raises on bad input.

    Subclasses set ``code`` (stable snake_case, part of the API) and ``default_message``;
    callers may pass a more specific message that follows the same rules.
    """

    code: ClassVar[str] = "engine_error"
    http_status: ClassVar[int] = HTTP_UNPROCESSABLE_CONTENT
    default_message: ClassVar[str] = "The document could not be processed."

    def __init__(self, message: str | None = None) -> None:
        self.message = message or self.default_message
        super().__init__(self.message)

    def __reduce__(self) -> tuple[type[EngineError], tuple[str]]:
        # Keeps the subclass and message when the error crosses a process boundary.
        return (type(self), (self.message,))

    def to_dict(self) -> dict[str, str | int]:
        return {"code": self.code, "message": self.message, "http_status": self.http_status}


class UnsupportedDocumentType(EngineError):
    code = "unsupported_document_type"
    http_status = HTTP_UNSUPPORTED_MEDIA_TYPE
    default_message = (
        "The file is not a supported document. Upload a PDF, a Word document (.docx or .doc) "
        "or a plain-text file (.txt)."
    )


class DocumentTooLarge(EngineError):
    code = "document_too_large"
    http_status = HTTP_PAYLOAD_TOO_LARGE
    default_message = "The document is larger than the size limit. Split it or upload a smaller file."


class EncryptedDocument(EngineError):
    code = "encrypted_document"
    default_message = (
        "Encrypted or password-protected documents are not accepted. "
        "Remove the password in the source application and upload the file again."
    )


class UnsafeDocument(EngineError):
    code = "unsafe_document"
    http_status = HTTP_UNSUPPORTED_MEDIA_TYPE
    default_message = (
        "The document contains active or unsafe content and was rejected. "
        "Export a plain copy (for example print to PDF) and upload that."
    )


class MacroEnabledDocument(EngineError):
    code = "macro_enabled_document"
    http_status = HTTP_UNSUPPORTED_MEDIA_TYPE
    default_message = (
        "Macro-enabled Word documents are not accepted. "
        "Save the document as a macro-free .docx or as PDF and upload that."
    )


class ArchiveBomb(EngineError):
    code = "archive_bomb"
    http_status = HTTP_PAYLOAD_TOO_LARGE
    default_message = (
        "The Word document expands far beyond its file size and was rejected. "
        "Save it again from Word and upload the new copy."
    )


class EmptyDocument(EngineError):
    code = "empty_document"
    default_message = "The document contains no text. Check that you chose the right file."


class NoTextLayer(EngineError):
    code = "no_text_layer"
    default_message = (
        "This PDF has no text layer (it contains only images, such as a scan). "
        "Export the note as text or PDF from the source system, or run OCR on the scan first."
    )


class ExtractionTimedOut(EngineError):
    code = "extraction_timed_out"
    default_message = (
        "Reading the document took longer than the time limit. "
        "Save it again from its source application, or split it into smaller files."
    )


class ExtractionFailed(EngineError):
    code = "extraction_failed"
    default_message = (
        "The document is damaged or malformed and its text could not be read. "
        "Save it again from its source application and upload the new copy."
    )


class UndecodableText(EngineError):
    code = "undecodable_text"
    default_message = (
        "The text file could not be decoded. Save it as UTF-8 (or UTF-16 with a byte-order mark) "
        "and upload it again."
    )
