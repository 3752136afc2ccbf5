import io

import pypdf
import pytest
from pypdf.actions import JavaScript

from electroanalyzer.engine.documents import DocumentFormat, DocumentLimits, extract_text
from electroanalyzer.engine.errors import (
    DocumentTooLarge,
    EmptyDocument,
    EncryptedDocument,
    ExtractionFailed,
    NoTextLayer,
    UnsafeDocument,
)

from .builders import image_only_pdf, object_stream_pdf, pdf_from_objects, stream_object, text_pdf


def extract(data: bytes, limits: DocumentLimits | None = None) -> str:
    return extract_text(data, limits=limits, isolated=False).text


def test_text_in_page_order() -> None:
    pdf = text_pdf([["Subjective: knee pain", "Objective: ROM 0-95"], ["Plan: 2x/week"]])

    document = extract_text(pdf, isolated=False)

    assert " ".join(document.text.split()) == "Subjective: knee pain Objective: ROM 0-95 Plan: 2x/week"
    assert document.text.count("\f") == 2
    assert document.page_count == 2
    assert document.format is DocumentFormat.PDF


def test_initials_with_slash_accepted() -> None:
    # "/JS" in page text is not the /JS key of an action.
    assert "PT/JS" in extract(text_pdf([["Signed PT/JS", "Co-signed /Launch team"]]))


ACTIVE_CONTENT = {
    "open_action_javascript": {"catalog_extra": b"/OpenAction << /S /JavaScript /JS (app.alert(1)) >> "},
    "page_additional_action_js_key": {"page_extra": b"/AA << /O << /JS (app.alert(2)) >> >> "},
    "launch_action": {"catalog_extra": b"/OpenAction << /S /Launch /F (cmd.exe) >> "},
    "embedded_files": {
        "catalog_extra": b"/Names << /EmbeddedFiles << /Names [(a.exe) << /Type /Filespec /F (a) >>] >> >> "
    },
    "file_attachment": {
        "page_extra": b"/Annots [<< /Type /Annot /Subtype /FileAttachment /FS << /EF << /F 1 0 R >> >> >>] "
    },
    "submit_form": {
        "page_extra": b"/Annots [<< /Subtype /Widget /A << /S /SubmitForm /F (http://127.0.0.1/) >> >>] "
    },
    "rich_media": {"page_extra": b"/Annots [<< /Type /Annot /Subtype /RichMedia >>] "},
    "escaped_javascript_name": {"catalog_extra": b"/OpenAction << /S /J#61vaScript /JS (x) >> "},
    "escaped_launch_name": {"catalog_extra": b"/OpenAction << /S /#4C#61unch /F (x) >> "},
}


@pytest.mark.parametrize("case", sorted(ACTIVE_CONTENT))
def test_active_content_rejected(case: str) -> None:
    pdf = text_pdf([["Visible text"]], **ACTIVE_CONTENT[case])

    with pytest.raises(UnsafeDocument) as caught:
        extract(pdf)

    assert caught.value.code == "unsafe_document"
    assert caught.value.http_status == 415
    assert "plain PDF" in caught.value.message


def test_javascript_inside_object_stream_rejected() -> None:
    pdf = object_stream_pdf(b"<< /S /JavaScript /JS (app.alert(3)) >>")
    assert b"JavaScript" not in pdf

    with pytest.raises(UnsafeDocument):
        extract(pdf)


def test_pypdf_document_javascript_rejected() -> None:
    writer = pypdf.PdfWriter(clone_from=io.BytesIO(text_pdf([["Note"]])))
    writer.add_open_action(JavaScript("app.alert('x');"))
    buffer = io.BytesIO()
    writer.write(buffer)

    with pytest.raises(UnsafeDocument):
        extract(buffer.getvalue())


@pytest.mark.parametrize("user_password", ["", "user-secret"])
def test_encrypted_pdf_rejected(user_password: str) -> None:
    writer = pypdf.PdfWriter(clone_from=io.BytesIO(text_pdf([["Confidential"]])))
    writer.encrypt(user_password=user_password, owner_password="owner-secret", algorithm="AES-128")
    buffer = io.BytesIO()
    writer.write(buffer)

    with pytest.raises(EncryptedDocument) as caught:
        extract(buffer.getvalue())

    assert caught.value.code == "encrypted_document"
    assert "password" in caught.value.message


def test_encrypt_key_in_trailer_rejected() -> None:
    encrypt = b"<< /Filter /Standard /V 1 /R 2 /O <00> /U <00> /P -4 >>"
    pdf = text_pdf([["Text"]], extra_objects=[encrypt])
    # Point the trailer at the dictionary under an escaped name, which the byte scan decodes.
    pdf = pdf.replace(b"/Root 1 0 R ", b"/Root 1 0 R /Encr#79pt 6 0 R ")

    with pytest.raises(EncryptedDocument):
        extract(pdf)


def test_image_only_pdf_has_no_text_layer() -> None:
    with pytest.raises(NoTextLayer) as caught:
        extract(image_only_pdf())

    assert caught.value.code == "no_text_layer"
    assert "this pdf has no text layer" in caught.value.message.lower()
    assert "OCR" in caught.value.message


def test_blank_page_is_empty_document() -> None:
    with pytest.raises(EmptyDocument):
        extract(text_pdf([[]]))


@pytest.mark.parametrize(
    "data",
    [
        b"%PDF-1.7\n%%EOF\n",
        b"%PDF-1.4\nxref\n0 1\nnot an xref table\ntrailer << >>\nstartxref\n9\n%%EOF\n",
        text_pdf([["Cut short"]])[:150],
    ],
)
def test_malformed_pdf_fails_typed(data: bytes) -> None:
    with pytest.raises(ExtractionFailed) as caught:
        extract(data)

    assert caught.value.code == "extraction_failed"


def test_page_limit_enforced() -> None:
    limits = DocumentLimits(max_pdf_pages=2)

    with pytest.raises(DocumentTooLarge) as caught:
        extract(text_pdf([["one"], ["two"], ["three"]]), limits)

    assert "2 pages" in caught.value.message


def test_form_field_values_extracted() -> None:
    field = b"<< /FT /Tx /T (Patient goal) /V (Walk 150 ft without device) >>"
    pdf = text_pdf([["Goals form"]], catalog_extra=b"/AcroForm << /Fields [6 0 R] >> ", extra_objects=[field])

    assert "Patient goal: Walk 150 ft without device" in extract(pdf)


def test_deeply_nested_objects_fail_typed_or_pass() -> None:
    nested = b"[" * 5_000 + b"]" * 5_000
    pdf = pdf_from_objects(
        [
            b"<< /Type /Catalog /Pages 2 0 R /Deep 5 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
            stream_object(b""),
            nested,
        ]
    )

    with pytest.raises((EmptyDocument, ExtractionFailed)):
        extract(pdf)


def test_orphan_object_with_javascript_rejected() -> None:
    # An object after the end marker is in no cross-reference table; only the byte scan sees it.
    pdf = text_pdf([["Visible"]]) + b"99 0 obj\n<< /S /JavaScript /JS (app.alert(4)) >>\nendobj\n"

    with pytest.raises(UnsafeDocument):
        extract(pdf)


def test_circular_prev_xref_fails_typed() -> None:
    pdf = text_pdf([["Loop"]])
    xref_at = int(pdf.rsplit(b"startxref\n", 1)[1].split(b"\n")[0])
    looped = pdf.replace(b"/Root 1 0 R ", b"/Root 1 0 R /Prev %d " % xref_at)

    with pytest.raises(ExtractionFailed):
        extract_text(looped, limits=DocumentLimits(cpu_seconds=5, wall_seconds=10))


def test_self_referencing_outline_ignored() -> None:
    outline = b"<< /Type /Outlines /First 6 0 R /Last 6 0 R /Next 6 0 R /Count 1 >>"
    pdf = text_pdf([["Outline loop"]], catalog_extra=b"/Outlines 6 0 R ", extra_objects=[outline])

    document = extract_text(pdf, limits=DocumentLimits(cpu_seconds=5, wall_seconds=10))

    assert document.text.split() == ["Outline", "loop"]
