"""Text of a PDF, in reading order, after the safety checks in ``pdf_safety``."""

from __future__ import annotations

import io
import logging
import re

from pdfminer.converter import PDFPageAggregator
from pdfminer.layout import LAParams, LTContainer, LTImage, LTItem, LTPage, LTText, LTTextBox
from pdfminer.pdfdocument import PDFDocument
from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
from pdfminer.pdfpage import PDFPage
from pdfminer.pdfparser import PDFParser

from electroanalyzer.engine.errors import (
    DocumentTooLarge,
    EmptyDocument,
    EncryptedDocument,
    ExtractionFailed,
    NoTextLayer,
)

from .model import DocumentLimits
from .pdf_safety import PARSER_ERRORS, inspect_objects, scan_raw_bytes

# pdfminer logs warnings that can quote bytes of the document, which may contain PHI.
logging.getLogger("pdfminer").setLevel(logging.ERROR)

_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
_DAMAGED = (
    "The PDF is damaged or malformed. Open it in a PDF reader, save or print it as a new PDF and upload that."
)


class _NoDecryptionDocument(PDFDocument):
    """A PDFDocument that rejects encryption before deriving any key.

    pdfminer would try the empty user password first, which succeeds for owner-restricted files
    and costs key-derivation time for the rest; neither is wanted.
    """

    def _initialize_password(self, password: str = "") -> None:
        raise EncryptedDocument()


def _render(item: LTItem, parts: list[str]) -> bool:
    """Append the text of ``item`` to ``parts``; return True when it contains an image."""
    saw_image = isinstance(item, LTImage)
    if isinstance(item, LTContainer):
        for child in item:
            saw_image = _render(child, parts) or saw_image
    elif isinstance(item, LTText):
        parts.append(item.get_text())
    if isinstance(item, LTTextBox):
        parts.append("\n")
    return saw_image


def _open_document(data: bytes) -> PDFDocument:
    try:
        return _NoDecryptionDocument(PDFParser(io.BytesIO(data)))
    except PARSER_ERRORS:
        raise ExtractionFailed(_DAMAGED) from None


def _page_texts(document: PDFDocument, limits: DocumentLimits) -> tuple[list[str], bool]:
    resources = PDFResourceManager(caching=True)
    device = PDFPageAggregator(resources, laparams=LAParams())
    interpreter = PDFPageInterpreter(resources, device)
    texts: list[str] = []
    saw_image = False
    for page in PDFPage.create_pages(document):
        if len(texts) >= limits.max_pdf_pages:
            raise DocumentTooLarge(
                f"The PDF has more than {limits.max_pdf_pages} pages. Split it into smaller files."
            )
        interpreter.process_page(page)
        layout: LTPage = device.get_result()
        parts: list[str] = []
        saw_image = _render(layout, parts) or saw_image
        texts.append("".join(parts))
    return texts, saw_image


def _form_text(fields: list[tuple[str, str]]) -> str:
    return "".join(f"{name}: {value}\n" if name else f"{value}\n" for name, value in fields)


def extract_pdf(data: bytes, limits: DocumentLimits) -> tuple[str, int]:
    """Check a PDF and return its text and page count.

    Pages are separated by a form feed, as pdfminer's own text output does. Values of filled-in
    form fields follow the page text, one "name: value" line each. Raises NoTextLayer for a PDF
    whose pages show images but no text.
    """
    scan_raw_bytes(data)
    document = _open_document(data)
    try:
        inventory = inspect_objects(document)
        texts, saw_image = _page_texts(document, limits)
    except PARSER_ERRORS:
        raise ExtractionFailed(_DAMAGED) from None

    text = "\f".join(texts) + ("\f" if texts else "") + _form_text(inventory.form_fields)
    if not text or text.isspace():
        if saw_image or inventory.has_images:
            raise NoTextLayer()
        raise EmptyDocument("The PDF contains no text. Check that you chose the right file.")
    if len(text) > limits.max_text_chars:
        raise DocumentTooLarge(
            f"The PDF contains more than {limits.max_text_chars} characters of text. Split it into "
            "smaller files."
        )
    return _LONE_SURROGATE.sub("\ufffd", text), len(texts)
