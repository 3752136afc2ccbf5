"""Mistakes found by hand-checking the MTSamples therapist notes, kept fixed."""

from pathlib import Path

import pytest

from electroanalyzer.engine.compliance.classify import detect_discipline, detect_document_type
from electroanalyzer.engine.compliance.context import NoteContext
from electroanalyzer.engine.compliance.evaluate import evaluate_rule
from electroanalyzer.engine.rubrics import load_builtin_rubric


def _finding(rule_id: str, text: str, discipline: str = "PT", document_type: str = "evaluation") -> str:
    rule = next(r for r in load_builtin_rubric(discipline).rules if r.id == rule_id)
    return evaluate_rule(rule, NoteContext.build(text, discipline, document_type), "standard").status


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("SLP_laryngitis-discharge_1846.txt", "discharge_summary"),
        ("SLP_speech-therapy-discharge-summary_1793.txt", "discharge_summary"),
        ("SLP_speech-therapy-discharge-summary-1_1847.txt", "discharge_summary"),
        ("PT_physical-therapy-outpatient-rehab_2567.txt", "progress_report"),
        ("SLP_barium-swallow-study-speech-evaluation-1_1850.txt", "swallow_study"),
    ],
)
def test_untitled_notes_typed_by_content(therapy_notes_dir: Path, name: str, expected: str) -> None:
    text = (therapy_notes_dir / name).read_text(encoding="utf-8")

    assert detect_document_type(text, detect_discipline(text).value).value == expected


def test_ot_abbreviation_detected(therapy_notes_dir: Path) -> None:
    text = (therapy_notes_dir / "OT_occupational-therapy-discharge-summary_2568.txt").read_text(
        encoding="utf-8"
    )

    assert detect_discipline(text).value == "OT"


def test_plof_prior_to_incident() -> None:
    text = "Prior to this incident, the patient was ambulating independently with a cane."

    assert _finding("EVAL-PLOF", text) == "met"


def test_duration_for_an_initial_weeks() -> None:
    text = "TREATMENT PLAN:  The patient will be seen two times per week for an initial 4 weeks."

    assert _finding("POC-DUR", text) == "met"


def test_interventions_include_header_is_plan() -> None:
    text = "TREATMENT PLAN:  Seen 2x/week.\n\nINTERVENTIONS INCLUDE:\n1.  Gait training.\n"

    assert _finding("POC-TYPE", text) == "met"


def test_all_goals_accomplished_with_measures() -> None:
    text = (
        "The patient has accomplished all 5 of her short-term therapy goals. "
        "She names 15 items with 100% accuracy."
    )

    assert _finding("DC-GOALS", text, "SLP", "discharge_summary") == "met"


def test_goals_not_achieved_without_measures() -> None:
    text = "Goals were not achieved, as the patient was admitted to inpatient rehabilitation."

    assert _finding("DC-GOALS", text, "OT", "discharge_summary") == "partly_met"


def test_narrative_date_is_not_entry_date() -> None:
    text = (
        "DISCHARGE SUMMARY:  The patient was seen for evaluation on 12/11/06 followed by 2 treatment "
        "sessions.\n\nRECOMMENDATIONS:  Discharged from OT this date.\n\nThank you for this referral."
    )

    assert _finding("GEN-SIG-DATE", text, "OT", "discharge_summary") == "missing"


def test_swallow_study_needs_no_goals() -> None:
    text = "DIAGNOSTIC IMPRESSION:  Mild aspiration with thin liquid.\n\nPLAN:  Mechanical soft diet."

    assert _finding("GOAL-MEASURABLE", text, "SLP", "swallow_study") == "not_applicable"


def test_prose_goal_section_is_one_goal() -> None:
    text = "LONG-TERM GOALS:  Improve safety at home.  This goal has been met based on the family report."

    assert _finding("DC-GOALS", text, "SLP", "discharge_summary") == "met"


def test_plof_with_negated_detail() -> None:
    text = "Prior to the stroke, the patient was not working and lived with her sister."

    assert _finding("EVAL-PLOF", text, "SLP") == "met"


def test_progress_goals_under_outcomes_header() -> None:
    text = (
        "FUNCTIONAL OUTCOMES OF TREATMENT\nTime Frame:  4 weeks\n"
        "1.  The patient will be independent with home exercise program, not met.\n"
        "2.  The patient will walk 500 feet, continuing.\n"
    )

    assert _finding("PR-GOAL-STATUS", text, "PT", "progress_report") == "met"


def test_patient_goal_is_not_long_term_goal() -> None:
    text = "PATIENT'S GOAL:  To eat again by mouth.\n\nPLAN OF CARE:  Therapy 2x/week."

    assert _finding("POC-LTG", text, "SLP") == "missing"


def test_swallow_condition_described() -> None:
    text = (
        "DIAGNOSTIC IMPRESSION:  Radiation fibrosis, which is impeding his swallowing abilities.  "
        "The patient would benefit from outpatient skilled speech therapy."
    )

    assert _finding("SLP-DX", text, "SLP", "swallow_study") == "met"
    assert _finding("EVAL-NECESSITY", text, "SLP", "swallow_study") == "met"


def test_stage_header_is_not_a_condition() -> None:
    text = "ORAL STAGE:  Within functional limits.\n\nPHARYNGEAL STAGE:  Timely swallow initiation."

    assert _finding("SLP-DX", text, "SLP", "swallow_study") == "missing"


def test_plof_described_indirectly_partly_met() -> None:
    text = "WORK STATUS:  On medical leave. She works as a teacher's aide and walks most of the day."

    assert _finding("EVAL-PLOF", text) == "partly_met"


def test_plof_absent_is_missing() -> None:
    text = "HISTORY:  Ankle pain after a fall. OBJECTIVE:  ROM 10 degrees."

    assert _finding("EVAL-PLOF", text) == "missing"


def test_plof_ankle_note_partly_met(therapy_notes_dir: Path) -> None:
    text = (therapy_notes_dir / "PT_physical-therapy-ankle-sprain_1612.txt").read_text(encoding="utf-8")

    assert _finding("EVAL-PLOF", text) == "partly_met"


def test_plof_accident_is_not_prior_function() -> None:
    text = "HISTORY:  The patient was involved in a motor vehicle accident four years ago."

    assert _finding("EVAL-PLOF", text) == "missing"
