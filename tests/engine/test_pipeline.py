"""The whole pipeline over the MTSamples therapist notes."""

import csv
from pathlib import Path

import jsonschema
import pytest

from electroanalyzer.engine.pipeline import (
    AnalysisOptions,
    InvalidAnalysisOptions,
    analyze_document,
    analyze_text,
)
from electroanalyzer.reports import render_json, report_schema


def _therapist_notes(notes_dir: Path) -> list[Path]:
    with (notes_dir.parent / "manifest.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    return [notes_dir.parent / row["file"] for row in rows if row["discipline"] in {"PT", "OT", "SLP", "TR"}]


def test_therapist_notes_analyze(therapy_notes_dir: Path) -> None:
    notes = _therapist_notes(therapy_notes_dir)
    assert len(notes) == 20
    entries = []
    for path in notes:
        result = analyze_document(path.read_bytes(), AnalysisOptions(), file_name=path.name)

        assert 0 <= result.score <= 100
        assert result.findings
        for finding in result.findings:
            for evidence in finding.evidence:
                assert result.redacted_text[evidence.start : evidence.end] == evidence.text
        entries.append((path.name, result))

    jsonschema.validate(render_json(entries), report_schema())


def test_discipline_detected_from_notes(therapy_notes_dir: Path) -> None:
    for path in _therapist_notes(therapy_notes_dir):
        expected = path.name.split("_", 1)[0]
        if expected not in {"PT", "OT", "SLP"}:
            continue
        result = analyze_text(path.read_text(encoding="utf-8"), AnalysisOptions())

        assert result.discipline == expected, path.name


def test_analysis_runs_on_redacted_text() -> None:
    text = "Patient John Smith, phone 555-123-4567, seen for knee pain.\nPLAN: 3x/week for 4 weeks."

    result = analyze_text(text, AnalysisOptions(discipline="PT", document_type="evaluation"))

    assert "555-123-4567" not in result.redacted_text
    assert all("555-123-4567" not in e.text for f in result.findings for e in f.evidence)
    assert result.includes_phi is False


def test_include_phi_maps_evidence() -> None:
    text = "Patient John Smith, phone 555-123-4567.\nPLAN: 3x/week for 4 weeks."
    options = AnalysisOptions(discipline="PT", document_type="evaluation", include_phi=True)

    result = analyze_text(text, options)
    finding = next(f for f in result.findings if f.rule_id == "POC-FREQ")
    start, end = result.display_span(finding.evidence[0])

    assert result.display_text() == text
    assert text[start:end] == "3x/week"


def test_overrides_and_progress() -> None:
    stages: list[str] = []

    result = analyze_text(
        "Daily note. 97110 x2. Total timed minutes: 30.",
        AnalysisOptions(discipline="OT", document_type="daily_note", strictness="strict"),
        progress=lambda stage, fraction: stages.append(stage),
    )

    assert (result.discipline, result.document_type) == ("OT", "daily_note")
    assert result.discipline_confidence == 1.0
    assert stages[-1] == "done"


def test_strictness_changes_rule_set() -> None:
    text = "Daily note. Therapeutic exercise."
    lenient = analyze_text(
        text, AnalysisOptions(discipline="PT", document_type="daily_note", strictness="lenient")
    )
    strict = analyze_text(
        text, AnalysisOptions(discipline="PT", document_type="daily_note", strictness="strict")
    )

    assert {f.severity for f in lenient.findings} == {"high"}
    assert "TN-PLAN-NEXT" in {f.rule_id for f in strict.findings}


@pytest.mark.parametrize(
    "options",
    [
        AnalysisOptions(discipline="XX"),
        AnalysisOptions(document_type="memo"),
        AnalysisOptions(strictness="harsh"),
    ],
)
def test_invalid_options_rejected(options: AnalysisOptions) -> None:
    with pytest.raises(InvalidAnalysisOptions):
        analyze_text("note", options)


def test_text_limit_enforced() -> None:
    with pytest.raises(Exception, match="longer than 100 characters") as caught:
        analyze_text("x" * 101, AnalysisOptions(max_chars=100))

    assert caught.value.code == "text_too_long"  # type: ignore[attr-defined]


DAILY_NOTE = """PT DAILY TREATMENT NOTE
Patient: John Smith   DOB: 04/12/1950   MRN: 00123456
Date of service: 03/04/2024   Visit 7

S: Pt reports knee pain 4/10, improved since last visit.
O: Therapeutic exercise (97110) x2 - 25 min: progressed step-ups, verbal cues for knee alignment.
Manual therapy (97140) x1 - 10 min: joint mobilization grade III.
97012 mechanical traction x2
Total timed minutes: 35
Total treatment time: 50 min
A: Patient tolerated treatment well.
P: Continue per plan.

Electronically signed by Jane Roe, PT, DPT on 03/04/2024
"""


def test_daily_note_billing_after_redaction() -> None:
    result = analyze_text(DAILY_NOTE, AnalysisOptions())
    status = {f.rule_id: f.status for f in result.findings}
    advisory = {f.rule_id for f in result.findings if f.advisory}

    assert result.document_type == "daily_note"
    assert "John Smith" not in result.redacted_text
    assert status["UNIT-8MIN-TOTAL"] == "missing"
    assert status["UNIT-UNTIMED-1"] == "missing"
    assert status["TN-TIMED-MIN"] == "met"
    assert status["TN-TOTAL-MIN"] == "met"
    assert status["GEN-SIG-CRED"] == "met"
    assert status["SKL-PHRASE-TOLERATED"] == "missing"
    assert "SKL-PHRASE-TOLERATED" in advisory


CERTIFIED_LATE = """PHYSICAL THERAPY INITIAL EVALUATION
Date of evaluation: 01/02/2024
DIAGNOSIS: Left knee osteoarthritis, M17.12.
PLAN: 2x/week for 8 weeks. Certification period: 01/02/2024 to 05/27/2024.
Physician signature: John Doe, MD  Date: 03/20/2024
Electronically signed by Jane Roe, PT, DPT on 01/02/2024
"""


def test_date_checks_run_on_redacted_dates() -> None:
    result = analyze_text(CERTIFIED_LATE, AnalysisOptions(discipline="PT", document_type="evaluation"))
    findings = {f.rule_id: f for f in result.findings}

    assert findings["POC-CERT-30D"].status == "missing"
    assert "78 days" in findings["POC-CERT-30D"].detail
    assert findings["POC-DUR-MAX90"].status == "missing"
    assert "146 days" in findings["POC-DUR-MAX90"].detail


def test_redacted_dates_stay_out_of_report() -> None:
    from electroanalyzer.reports import render_html, render_json

    result = analyze_text(CERTIFIED_LATE, AnalysisOptions(discipline="PT", document_type="evaluation"))
    html = render_html(result, file="note.txt")
    report = str(render_json([("note.txt", result)]))

    for original in ("03/20/2024", "05/27/2024", "John Doe"):
        assert original not in html
        assert original not in report


# The engine's document type for each MTSamples manifest type.
MANIFEST_TYPES = {
    "evaluation": "evaluation",
    "evaluation_plan_of_care": "evaluation",
    "progress_note": "progress_report",
    "discharge_summary": "discharge_summary",
    "swallow_study_evaluation": "swallow_study",
    "swallow_study_evaluation_plan_of_care": "swallow_study",
}


def _manifest_rows(notes_dir: Path) -> list[dict[str, str]]:
    with (notes_dir.parent / "manifest.csv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_therapy_notes_typed_and_unwarned(therapy_notes_dir: Path) -> None:
    rows = [row for row in _manifest_rows(therapy_notes_dir) if row["discipline"] in {"PT", "OT", "SLP"}]
    assert len(rows) == 19
    for row in rows:
        text = (therapy_notes_dir.parent / row["file"]).read_text(encoding="utf-8")

        result = analyze_text(text, AnalysisOptions())

        assert result.document_type == MANIFEST_TYPES[row["doc_type"]], row["file"]
        assert result.warnings == [], row["file"]
        assert result.discipline_confidence >= 0.35, row["file"]


def _physician_and_recreation_notes(notes_dir: Path) -> list[Path]:
    return sorted(notes_dir.glob("PMR-MD_*.txt")) + sorted(notes_dir.glob("TR_*.txt"))


def test_physician_notes_warned(therapy_notes_dir: Path) -> None:
    notes = _physician_and_recreation_notes(therapy_notes_dir)
    assert len(notes) == 13
    for path in notes:
        result = analyze_text(path.read_text(encoding="utf-8"), AnalysisOptions())

        assert [w["code"] for w in result.warnings] == ["not_a_therapy_note"], path.name
        assert result.discipline_confidence < 0.35, path.name
        assert result.document_type_confidence < 0.35, path.name


@pytest.mark.parametrize("name", ["deid_DeidUserManual.pdf", "pypdf_Seige_of_Vicksburg_Sample_OCR.pdf"])
def test_non_clinical_documents_warned(documents_dir: Path, name: str) -> None:
    result = analyze_document((documents_dir / name).read_bytes(), AnalysisOptions(), file_name=name)

    assert [w["code"] for w in result.warnings] == ["not_a_therapy_note"]
    assert result.discipline_confidence < 0.2
    assert result.document_type_confidence < 0.2
    assert "does not look like a PT, OT or SLP therapy note" in result.warnings[0]["message"]


def test_explicit_options_keep_warning(therapy_notes_dir: Path) -> None:
    text = (therapy_notes_dir / "PMR-MD_hip-fracture-rehab-consult_2391.txt").read_text(encoding="utf-8")

    result = analyze_text(text, AnalysisOptions(discipline="PT", document_type="evaluation"))

    assert result.discipline == "PT"
    assert result.document_type == "evaluation"
    assert result.findings
    assert [w["code"] for w in result.warnings] == ["not_a_therapy_note"]
    assert "you set" in result.warnings[0]["message"]
    assert result.to_dict()["warnings"] == result.warnings


def test_counts_match_findings(therapy_notes_dir: Path) -> None:
    text = (therapy_notes_dir / "PT_physical-therapy-ankle-sprain_1612.txt").read_text(encoding="utf-8")

    result = analyze_text(text, AnalysisOptions())
    counts = result.to_dict()["counts"]
    scored = [f for f in result.findings if not f.advisory]

    assert any(f.advisory for f in result.findings)
    assert counts["advisory"] == sum(1 for f in result.findings if f.advisory)
    assert sum(counts.values()) == len(result.findings)
    for status in ("met", "partly_met", "missing", "not_applicable"):
        assert counts[status] == sum(1 for f in scored if f.status == status), status
