"""Text, JSON, HTML and PDF reports of one analysis."""

import io

import jsonschema
import pytest
from rich.console import Console

from electroanalyzer.engine.pipeline import AnalysisOptions, AnalysisResult, analyze_text
from electroanalyzer.reports import (
    error_dict,
    render_html,
    render_json,
    render_pdf,
    render_text,
    report_schema,
)

NOTE = (
    "DAILY NOTE\nS: Pt reports pain 5/10.\nO: 97110 x3 therapeutic exercise.\nTotal timed minutes: 30\n"
    "A: Patient tolerated treatment well.\n<script>alert('x')</script>\nP: Continue per plan."
)


@pytest.fixture(scope="module")
def result() -> AnalysisResult:
    return analyze_text(NOTE, AnalysisOptions(discipline="PT", document_type="daily_note"))


def test_json_validates(result: AnalysisResult) -> None:
    report = render_json(
        [("note.txt", result), error_dict("bad.pdf", "encrypted_document", "Remove the password.")]
    )

    jsonschema.validate(report, report_schema())
    assert report["schema_version"] == "1.0.0"
    assert report["documents"][1]["error"]["code"] == "encrypted_document"


def test_json_schema_rejects_missing_findings(result: AnalysisResult) -> None:
    report = render_json([("note.txt", result)])
    del report["documents"][0]["findings"]

    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(report, report_schema())


def test_html_escapes_note_text(result: AnalysisResult) -> None:
    html = render_html(result, file="<b>note</b>.txt")

    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert "<b>note</b>" not in html


def test_html_links_findings_and_highlights(result: AnalysisResult) -> None:
    html = render_html(result, file="note.txt")
    index = next(i for i, f in enumerate(result.findings) if f.rule_id == "UNIT-8MIN-TOTAL")

    assert f'id="f-{index}"' in html
    assert f'href="#ev-{index}-0"' in html
    assert f'id="ev-{index}-0"' in html
    assert f'href="#f-{index}"' in html
    assert "High severity" in html
    assert "weight by severity" in html


def test_advisory_findings_shown_as_advice(result: AnalysisResult) -> None:
    html = render_html(result, file="note.txt")

    assert "Advice (secondary or unconfirmed rules, not scored)" in html


def test_pdf_renders(result: AnalysisResult) -> None:
    pdf = render_pdf(result, file="note.txt")

    assert pdf.startswith(b"%PDF")
    assert len(pdf) > 2000


def test_text_report_keeps_brackets(result: AnalysisResult) -> None:
    buffer = io.StringIO()

    render_text(result, Console(file=buffer, width=120), file="note.txt")

    output = buffer.getvalue()
    assert "UNIT-8MIN-TOTAL" in output
    assert "Score" in output
