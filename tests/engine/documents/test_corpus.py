"""Every file of the shared document corpus yields text or a typed rejection, in a worker."""

import io
from pathlib import Path

import pypdf
import pytest

from electroanalyzer.engine.documents import (
    DocumentLimits,
    ExtractedDocument,
    ExtractionWorkerPool,
    read_document,
)
from electroanalyzer.engine.errors import EngineError

TEXT = "text"
ORACLE_SUFFIX = ".expected.txt"

# Outcome per file: TEXT, or the code of the rejection. Files not listed must still yield one of
# the two; listing them pins today's behaviour so that a change shows up here.
EXPECTED = {
    "deid_DeidUserManual.doc": TEXT,
    "deid_DeidUserManual.pdf": TEXT,
    "ocrmypdf_c02-22.pdf": "no_text_layer",
    "ocrmypdf_docinfo_latin1_key.pdf": "empty_document",
    "ocrmypdf_invalid.pdf": "extraction_failed",
    "ocrmypdf_kcs.pdf": "no_text_layer",
    "ocrmypdf_livecycle.pdf": "empty_document",
    "ocrmypdf_missing_docinfo.pdf": TEXT,
    "ocrmypdf_no_contents.pdf": "empty_document",
    "ocrmypdf_skew.pdf": "no_text_layer",
    "ocrmypdf_truetype_font_nomapping.pdf": TEXT,
    "pdfminer_AcroForm_TEST.pdf": TEXT,
    "pdfminer_encryption_aes-256-r6.pdf": "encrypted_document",
    "pdfminer_encryption_rc4-40.pdf": "encrypted_document",
    "pdfminer_issue-1113-evil-xobjects.pdf": TEXT,
    "pdfminer_issue-449-vertical.pdf": TEXT,
    "pdfminer_issue-791-non-unicode-cmap.pdf": TEXT,
    "pdfminer_issue-886-xref-stream-widths.pdf": TEXT,
    "pdfminer_simple1.pdf": TEXT,
    "pdfminer_zen_of_python_corrupted.pdf": TEXT,
    # Its buttons carry /S /Launch actions that open another file.
    "pypdf_SF424_page2.pdf": "unsafe_document",
    "pypdf_Seige_of_Vicksburg_Sample_OCR.pdf": TEXT,
    "pypdf_crazyones-encrypted-256.pdf": "encrypted_document",
    "pypdf_encryption_r6-user-password.pdf": "encrypted_document",
    "pypdf_imagemagick-CCITTFaxDecode.pdf": "no_text_layer",
    # Its /OpenAction runs app.alert JavaScript.
    "pypdf_issue-297.pdf": "unsafe_document",
    "pypdf_libreoffice-form.pdf": TEXT,
    "pypdf_libreoffice-writer-password.pdf": "encrypted_document",
    "pypdf_multilang.pdf": TEXT,
    "python-docx_comments-rich-para.docx": TEXT,
    "python-docx_doc-no-coreprops.docx": "empty_document",
    "python-docx_having-images.docx": "empty_document",
    "python-docx_hdr-header-footer.docx": TEXT,
    "python-docx_sty-having-no-styles-part.docx": "empty_document",
    "python-docx_tbl-having-tables.docx": "empty_document",
    "python-docx_test.docx": TEXT,
    # Image-only pages behind an /Encrypt dictionary with an empty user password (owner
    # restrictions only). Its oracle is an OCR transcript, which no text extractor can match; the
    # encryption check runs first, and test_ocr_oracle_pdf_is_image_only shows that without it
    # the outcome would be no_text_layer.
    "textract_ocr_text.pdf": "encrypted_document",
    "textract_paragraphs_and_tables.docx": TEXT,
    "textract_raw_text.doc": TEXT,
    "textract_two_column.pdf": TEXT,
}


def corpus_files(folder: Path) -> list[Path]:
    return sorted(path for path in folder.iterdir() if path.is_file())


def outcome_of(path: Path, pool: ExtractionWorkerPool) -> ExtractedDocument | EngineError:
    limits = DocumentLimits.default()
    try:
        return pool.extract(path.read_bytes(), limits)
    except EngineError as error:
        return error


def test_every_file_yields_text_or_typed_rejection(
    documents_dir: Path, worker_pool: ExtractionWorkerPool
) -> None:
    files = corpus_files(documents_dir)
    assert len(files) >= 40

    for path in files:
        outcome = outcome_of(path, worker_pool)
        expected = TEXT if path.name.endswith(ORACLE_SUFFIX) else EXPECTED.get(path.name)
        actual = TEXT if isinstance(outcome, ExtractedDocument) else outcome.code
        if expected is not None:
            assert actual == expected, path.name
        if isinstance(outcome, ExtractedDocument):
            assert outcome.text.strip(), path.name
        else:
            assert outcome.message, path.name
            assert outcome.http_status in (413, 415, 422), path.name


def normalized(text: str) -> str:
    return " ".join(text.split())


def test_text_matches_oracles(documents_dir: Path) -> None:
    oracles = sorted(documents_dir.glob(f"*{ORACLE_SUFFIX}"))
    assert oracles

    for oracle in oracles:
        source = oracle.with_name(oracle.name.removesuffix(ORACLE_SUFFIX))
        if EXPECTED[source.name] != TEXT:
            continue
        document = read_document(source)
        assert normalized(document.text) == normalized(oracle.read_text(encoding="utf-8")), source.name


def test_ocr_oracle_pdf_is_image_only(documents_dir: Path) -> None:
    reader = pypdf.PdfReader(io.BytesIO((documents_dir / "textract_ocr_text.pdf").read_bytes()))
    assert reader.is_encrypted
    assert reader.decrypt("") != pypdf.PasswordType.NOT_DECRYPTED

    for page in reader.pages:
        assert page.extract_text().strip() == ""
        assert page.images


def test_oracle_files_read_unchanged(documents_dir: Path) -> None:
    for oracle in sorted(documents_dir.glob(f"*{ORACLE_SUFFIX}")):
        assert read_document(oracle).text == oracle.read_bytes().decode("utf-8"), oracle.name


@pytest.mark.parametrize(
    "name", ["textract_two_column.pdf", "deid_DeidUserManual.doc", "python-docx_test.docx"]
)
def test_isolated_matches_in_process(
    documents_dir: Path, worker_pool: ExtractionWorkerPool, name: str
) -> None:
    from electroanalyzer.engine.documents import extract_in_process

    data = (documents_dir / name).read_bytes()

    assert worker_pool.extract(data, DocumentLimits.default()) == extract_in_process(
        data, DocumentLimits.default()
    )


def test_two_column_pdf_in_reading_order(documents_dir: Path) -> None:
    text = normalized(read_document(documents_dir / "textract_two_column.pdf").text)

    # This sentence ends the left column and continues at the top of the right one; reading
    # across the columns line by line would put other words in between.
    assert "the extent to which prote´ge´s mimic their mentors remains an open question" in text
