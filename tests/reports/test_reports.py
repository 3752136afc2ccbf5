"""Text, JSON, HTML and PDF reports of one analysis."""

import io
from pathlib import Path

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
    assert report["schema_version"] == "1.1.0"
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


@pytest.fixture(scope="module")
def ankle_result(therapy_notes_dir: Path) -> AnalysisResult:
    text = (therapy_notes_dir / "PT_physical-therapy-ankle-sprain_1612.txt").read_text(encoding="utf-8")
    return analyze_text(text, AnalysisOptions())


@pytest.fixture(scope="module")
def warned_result(therapy_notes_dir: Path) -> AnalysisResult:
    text = (therapy_notes_dir / "PMR-MD_hip-fracture-rehab-consult_2391.txt").read_text(encoding="utf-8")
    return analyze_text(text, AnalysisOptions())


def _text_report(result: AnalysisResult) -> str:
    buffer = io.StringIO()
    render_text(result, Console(file=buffer, width=200), file="note.txt")
    return buffer.getvalue()


def test_warning_in_every_report(warned_result: AnalysisResult) -> None:
    from pypdf import PdfReader

    html = render_html(warned_result, file="note.txt")
    pdf_text = " ".join(
        page.extract_text() for page in PdfReader(io.BytesIO(render_pdf(warned_result))).pages
    )
    report = render_json([("note.txt", warned_result)])

    assert 'class="analysis-warning"' in html
    assert "not_a_therapy_note" in html
    assert "not_a_therapy_note" in _text_report(warned_result)
    assert "not_a_therapy_note" in pdf_text
    assert report["documents"][0]["warnings"][0]["code"] == "not_a_therapy_note"
    jsonschema.validate(report, report_schema())


def test_therapy_note_reports_no_warning(ankle_result: AnalysisResult) -> None:
    assert 'class="analysis-warning"' not in render_html(ankle_result)
    assert "Warning" not in _text_report(ankle_result)


def test_html_severity_heading_counts_gaps(ankle_result: AnalysisResult) -> None:
    html = render_html(ankle_result, file="note.txt")
    high_gaps = [
        f
        for f in ankle_result.findings
        if f.severity == "high" and not f.advisory and f.status in {"missing", "partly_met"}
    ]
    high_all = [f for f in ankle_result.findings if f.severity == "high"]

    assert len(high_gaps) != len(high_all)
    assert f"High severity findings to fix ({len(high_gaps)})" in html


def test_html_counts_advisory_findings(ankle_result: AnalysisResult) -> None:
    html = render_html(ankle_result, file="note.txt")
    advisory = sum(1 for f in ankle_result.findings if f.advisory)

    assert advisory > 0
    assert f"Advisory, not scored: {advisory}" in html
    assert f"Advice (secondary or unconfirmed rules, not scored) ({advisory})" in html


def test_score_shown_with_one_decimal(result: AnalysisResult) -> None:
    expected = f"{result.score:.1f}"

    assert f">{expected}</div>" in render_html(result)
    assert f"Score {expected}/100" in _text_report(result)


def test_text_report_quotes_failing_goals(ankle_result: AnalysisResult) -> None:
    finding = next(f for f in ankle_result.findings if f.rule_id == "GOAL-FUNCTIONAL")
    first_words = " ".join(finding.evidence[0].text.split()[:8])

    output = _text_report(ankle_result)

    assert "quoted goals lack it" in finding.detail
    assert f'Quoted: "{first_words}' in output


def test_web_pages_format_score_alike() -> None:
    from electroanalyzer.reports.highlight import format_score as report_score
    from electroanalyzer.web.formatting import format_score as web_score

    for value in (72.66, 73.0, 100.0, 0.04):
        assert web_score(value) == report_score(value)
    assert report_score(72.66) == "72.7"
