"""Sections, negation, hedging and classification on small notes."""

import pytest

from electroanalyzer.engine.compliance.classify import detect_discipline, detect_document_type
from electroanalyzer.engine.compliance.negation import Polarity, polarity
from electroanalyzer.engine.compliance.sections import find_sections


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("S: Pt reports less pain.", "subjective"),
        ("Objective\nKnee flexion 90 degrees", "objective"),
        ("ASSESSMENT:  Improving.", "assessment"),
        ("Plan of Care: 2x/week", "plan"),
        ("SHORT-TERM GOALS TO BE COMPLETED IN 3 WEEKS:\n1. Walk.", "goals"),
        ("HISTORY OF PRESENT ILLNESS: fall", "history"),
        ("TREATMENT PLAN: exercise", "plan"),
        ("Prior Level of Function: independent", "plof"),
    ],
)
def test_section_headers(text: str, name: str) -> None:
    assert find_sections(text)[0].name == name


def test_header_words_inside_sentence_ignored() -> None:
    assert find_sections("The assessment of the patient went well today.") == []


@pytest.mark.parametrize(
    ("text", "phrase", "expected"),
    [
        ("No goals were established.", "goals", Polarity.NEGATED),
        ("Goals: not established", "Goals", Polarity.NEGATED),
        ("Unable to assess strength.", "assess", Polarity.NEGATED),
        ("Prognosis may be fair.", "fair", Polarity.HEDGED),
        ("Long-term goals: walk 100 ft.", "goals", Polarity.AFFIRMED),
        ("Patient will ambulate without the boot.", "ambulate", Polarity.AFFIRMED),
    ],
)
def test_polarity(text: str, phrase: str, expected: Polarity) -> None:
    start = text.index(phrase)

    assert polarity(text, start, start + len(phrase)) is expected


@pytest.mark.parametrize(
    ("text", "discipline"),
    [
        ("Physical therapy evaluation. Gait training and therapeutic exercise.", "PT"),
        ("Occupational therapy: ADLs, dressing with min A, grip strength.", "OT"),
        ("Speech-language pathology: dysphagia; modified barium swallow.", "SLP"),
    ],
)
def test_discipline_detection(text: str, discipline: str) -> None:
    detection = detect_discipline(text)

    assert detection.value == discipline
    assert 0 < detection.confidence <= 1


@pytest.mark.parametrize(
    ("text", "document_type"),
    [
        ("DISCHARGE SUMMARY\nReason for discharge: goals met.", "discharge_summary"),
        ("Progress Report\nReporting period 1/2/24 to 1/30/24.", "progress_report"),
        ("Daily Note\n97110 x2\nTimed minutes: 30", "daily_note"),
        ("Recertification\nCertification period 1/1/24-3/30/24", "recertification"),
        ("Re-evaluation after a fall.", "re_evaluation"),
        ("Initial Evaluation\nPrior level of function: independent. Prognosis good.", "evaluation"),
    ],
)
def test_document_type_detection(text: str, document_type: str) -> None:
    assert detect_document_type(text, "PT").value == document_type


def test_swallow_study_detection() -> None:
    text = "Modified barium swallow study. Penetration with thin liquids. Oral stage normal."

    assert detect_document_type(text, "SLP").value == "swallow_study"
