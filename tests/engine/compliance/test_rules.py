"""Every built-in rule: a note text that must meet it and one that must not."""

import pytest

from electroanalyzer.engine.compliance.context import NoteContext
from electroanalyzer.engine.compliance.evaluate import evaluate_rule
from electroanalyzer.engine.rubrics import list_builtin_rubrics, load_builtin_rubric

SIGNED = "\n\nElectronically signed by Jane Roe, PT, DPT on 03/04/2024"

# (rule id, discipline, document type, text that meets the rule, text that does not)
CASES = [
    ("GEN-SIG-PRESENT", "PT", "daily_note", "Treated today." + SIGNED, "Treated today. Plan: continue."),
    (
        "GEN-SIG-CRED",
        "PT",
        "daily_note",
        "Treated today." + SIGNED,
        "Treated today.\nSigned: J. Roe 03/04/2024",
    ),
    ("GEN-SIG-DATE", "PT", "daily_note", "Treated today." + SIGNED, "Treated today.\nJane Roe, PT"),
    (
        "GEN-AMEND",
        "PT",
        "daily_note",
        "Late entry 03/09/2024 for the visit on 03/04/2024 by Jane Roe, PT: pain was 4/10.",
        "Addendum: pain was 4/10, added per ADR.",
    ),
    ("GEN-DISC-SEP", "PT", "daily_note", "Billing: 97110-GP x2", "Billing: 97110-GO x2"),
    (
        "GEN-OBSOLETE",
        "PT",
        "evaluation",
        "Billing: 97161, 97110 x1.",
        "Billing: 97001 and G8978 with severity modifier CI.",
    ),
    (
        "EVAL-NECESSITY",
        "PT",
        "evaluation",
        "ASSESSMENT: Patient would benefit from skilled physical therapy due to decreased ability to walk.",
        "ASSESSMENT: Pleasant patient seen today.",
    ),
    (
        "EVAL-DX",
        "PT",
        "evaluation",
        "DIAGNOSIS: Left ankle sprain, S93.402A.",
        "Patient seen today. Pleasant.",
    ),
    (
        "EVAL-HISTORY",
        "PT",
        "evaluation",
        "HISTORY: Onset 2 weeks ago after a fall. PAST MEDICAL HISTORY: Significant for diabetes.",
        "Patient seen today.",
    ),
    (
        "EVAL-PLOF",
        "PT",
        "evaluation",
        "Prior level of function: independent with all mobility.",
        "No prior level of function was obtained.",
    ),
    (
        "EVAL-OBJ",
        "PT",
        "evaluation",
        "OBJECTIVE: Knee flexion 95 degrees. Strength 4/5. Ambulates 150 feet with min assist.",
        "OBJECTIVE: Patient appears to move slowly and seems weak.",
    ),
    ("EVAL-STD-TEST", "PT", "evaluation", "LEFS score 42/80. TUG 14 seconds.", "Patient walks slowly."),
    (
        "EVAL-ASSESS",
        "PT",
        "evaluation",
        "ASSESSMENT: Deficits in strength limit gait.",
        "Patient seen today.",
    ),
    (
        "EVAL-PROGNOSIS",
        "PT",
        "evaluation",
        "PROGNOSIS: Good for stated goals in 6 weeks.",
        "Patient seen today.",
    ),
    (
        "EVAL-MINUTES",
        "PT",
        "evaluation",
        "97161 evaluation 30 min\n97110 x1 15 min\nTotal timed minutes: 15",
        "97161 evaluation 30 min\n97110 x1 15 min\nTotal timed minutes: 45",
    ),
    ("EVAL-BODYPART", "PT", "evaluation", "Evaluation of the left knee.", "Evaluation completed today."),
    ("POC-EXISTS", "PT", "evaluation", "PLAN: Patient to be seen 2x/week.", "Patient seen today."),
    ("POC-LTG", "PT", "evaluation", "LONG-TERM GOALS: walk 300 ft in 6 weeks.", "Patient seen today."),
    (
        "POC-TYPE",
        "PT",
        "evaluation",
        "PLAN: therapeutic exercise and gait training.",
        "PLAN: to be determined.",
    ),
    ("POC-FREQ", "PT", "evaluation", "PLAN: 3x/week for 4 weeks.", "PLAN: for 4 weeks."),
    ("POC-DUR", "PT", "evaluation", "PLAN: 3x/week for 4 weeks.", "PLAN: 3x/week."),
    ("POC-DUR-MAX90", "PT", "evaluation", "PLAN: 2x/week for 8 weeks.", "PLAN: 2x/week for 16 weeks."),
    ("POC-ESTAB-SIG", "PT", "evaluation", "PLAN: 2x/week." + SIGNED, "PLAN: 2x/week."),
    (
        "POC-CERT-SIG",
        "PT",
        "evaluation",
        "I certify the need for these services. Physician signature: John Doe, MD",
        "PLAN: 2x/week.",
    ),
    (
        "POC-CERT-30D",
        "PT",
        "evaluation",
        "Date of evaluation: 01/02/2024\nPhysician signature: John Doe, MD 01/20/2024",
        "Date of evaluation: 01/02/2024\nPhysician signature: John Doe, MD 03/20/2024",
    ),
    (
        "POC-RECERT-90D",
        "PT",
        "recertification",
        "Certification period: 01/01/2024 to 03/15/2024",
        "Certification period: 01/01/2024 to 05/15/2024",
    ),
    ("POC-DX", "PT", "recertification", "Diagnosis: M17.12 left knee osteoarthritis.", "Continue plan."),
    (
        "GOAL-MEASURABLE",
        "PT",
        "evaluation",
        "LONG-TERM GOALS:\n1. Patient will ambulate 300 feet independently in 6 weeks.\n",
        "LONG-TERM GOALS:\n1. Patient will feel better and walk more normally.\n",
    ),
    (
        "GOAL-FUNCTIONAL",
        "PT",
        "evaluation",
        "GOALS:\n1. Patient will climb 12 stairs with one rail in 4 weeks.\n",
        "GOALS:\n1. Patient will achieve knee flexion of 120 degrees in 4 weeks.\n",
    ),
    (
        "GOAL-TIMEBOUND",
        "PT",
        "evaluation",
        "GOALS:\n1. Patient will ambulate 300 feet independently within 6 weeks.\n",
        "GOALS:\n1. Patient will ambulate 300 feet independently.\n",
    ),
    ("TN-DATE", "PT", "daily_note", "Date of service: 03/04/2024. Ther ex.", "Ther ex performed."),
    ("TN-INTERVENTIONS", "PT", "daily_note", "Therapeutic exercise and gait training.", "Patient seen."),
    ("TN-TIMED-MIN", "PT", "daily_note", "Total timed minutes: 38", "Patient seen."),
    (
        "TN-TOTAL-MIN",
        "PT",
        "daily_note",
        "Total timed minutes: 38\nTotal treatment time: 45 min",
        "Total timed minutes: 38\nTotal treatment time: 30 min",
    ),
    (
        "UNIT-8MIN-TOTAL",
        "PT",
        "daily_note",
        "97110 x2\n97140 x1\nTotal timed minutes: 38",
        "97110 x2\n97140 x1\nTotal timed minutes: 30",
    ),
    (
        "UNIT-8MIN-ALLOC",
        "PT",
        "daily_note",
        "97110 x1 - 25 min\n97140 x1 - 10 min\nTotal timed minutes: 35",
        "97110 x1 - 33 min\n97140 x2 - 7 min\nTotal timed minutes: 40",
    ),
    ("UNIT-UNTIMED-1", "PT", "daily_note", "97012 traction x1", "97012 traction x2"),
    (
        "TN-SKILL",
        "PT",
        "daily_note",
        "Verbal cues for posture; progressed resistance to 5 lb.",
        "Patient did exercises.",
    ),
    ("TN-RESPONSE", "PT", "daily_note", "Pain decreased to 3/10 after manual therapy.", "Exercises done."),
    ("TN-PLAN-NEXT", "PT", "daily_note", "Next visit: progress to single-leg stance.", "Exercises done."),
    (
        "SKL-REQUIRED",
        "PT",
        "daily_note",
        "Tactile cues to facilitate gluteal activation; modified stance for safety.",
        "Patient did a walking program and exercise on the bike.",
    ),
    (
        "SKL-PHRASE-TOLERATED",
        "PT",
        "daily_note",
        "ASSESSMENT: Tolerated treatment well; verbal cues reduced from 5 to 2 for posture.",
        "ASSESSMENT: Patient tolerated treatment well.",
    ),
    (
        "SKL-PHRASE-CONTINUE",
        "PT",
        "daily_note",
        "PLAN: Continue per plan; progress resistance to 5 lb next visit.",
        "PLAN: Continue per plan.",
    ),
    (
        "PR-10DAY",
        "PT",
        "daily_note",
        "Visits since last progress report: 6",
        "Visits since last progress report: 12",
    ),
    (
        "PR-CLINICIAN",
        "PT",
        "progress_report",
        "Progress noted." + SIGNED,
        "Progress noted.\nJohn Doe, PTA 03/04/2024",
    ),
    (
        "PR-GOAL-STATUS",
        "PT",
        "progress_report",
        "GOALS:\n1. Ambulate 300 ft: met.\n2. Climb 12 stairs: progressing.\n",
        "GOALS:\n1. Ambulate 300 ft.\n2. Climb 12 stairs.\n",
    ),
    (
        "PR-PERIOD",
        "PT",
        "progress_report",
        "Reporting period: 01/02/2024 to 01/30/2024",
        "Patient improving.",
    ),
    ("PR-PLAN", "PT", "progress_report", "Plan: continue skilled therapy 2x/week.", "Patient improving."),
    (
        "DC-GOALS",
        "PT",
        "discharge_summary",
        "GOALS:\n1. Ambulate 300 ft: met.\n2. Climb stairs: not met.\n",
        "GOALS:\n1. Ambulate 300 ft.\n",
    ),
    ("DC-REASON", "PT", "discharge_summary", "Reason for discharge: goals met.", "Patient seen."),
    ("DC-PLAN", "PT", "discharge_summary", "Continue HEP daily; follow-up with physician.", "Patient seen."),
    (
        "MNT-NO-IMPROVEMENT-STD",
        "PT",
        "discharge_summary",
        "Discharged: goals met; HEP provided.",
        "Discharged due to plateau.",
    ),
    (
        "REEVAL-INDICATION",
        "PT",
        "re_evaluation",
        "Re-evaluation after a fall at home.",
        "Re-evaluation performed.",
    ),
    (
        "OT-PROFILE",
        "OT",
        "evaluation",
        "Occupational profile: retired, lives alone. ADLs: dressing min A.",
        "Patient seen.",
    ),
    ("OT-ADL-LEVEL", "OT", "evaluation", "Lower body dressing: min assist.", "Patient seen for OT."),
    ("EVAL-BODYPART", "OT", "evaluation", "Evaluation of the right hand.", "Evaluation completed today."),
    ("SLP-DX", "SLP", "evaluation", "Diagnosis: oropharyngeal dysphagia.", "Patient seen today."),
    (
        "SLP-DYS-EVAL",
        "SLP",
        "swallow_study",
        "Oral stage: reduced bolus control. Thin liquids trialed; coughing noted.",
        "Patient seen today.",
    ),
    (
        "EVAL-ICD10-SPECIFIC",
        "PT",
        "evaluation",
        "DIAGNOSIS: Right knee pain, M25.561.",
        "DIAGNOSIS: Right knee pain, M25.569.",
    ),
    (
        "SKL-4-ELEMENTS",
        "PT",
        "evaluation",
        "Unable to climb stairs. Plan 3x/week with HEP. Prognosis good. Requires skilled therapy.",
        "Patient seen. Plan 3x/week.",
    ),
    (
        "PR-ASSIST-LIMIT",
        "PT",
        "progress_report",
        "Objective: gait 200 ft with cane.\nJohn Doe, PTA 03/04/2024",
        "Assessment: progressing well; recommend discharge.\nJohn Doe, PTA 03/04/2024",
    ),
    ("EVAL-SLP-CODES", "SLP", "evaluation", "Billing: 92523 x1.", "Billing: 97164 x1."),
    (
        "KX-ATTEST",
        "PT",
        "daily_note",
        "97110-GP-KX x2. Skilled therapy is medically necessary; gait 150 feet; progressing to goals.",
        "97110-GP-KX x2. Exercises done.",
    ),
    (
        "MNT-SKILL-BASIS",
        "PT",
        "daily_note",
        "Maintenance program to prevent decline; caregiver training given due to spasticity.",
        "Maintenance program to prevent decline. Exercises done.",
    ),
    (
        "TH-MODALITY",
        "PT",
        "daily_note",
        "Telehealth visit by real-time audio-video; patient located at home and gave verbal consent.",
        "Telehealth visit. Exercises reviewed.",
    ),
    (
        "GEN-SUPERVISOR",
        "PT",
        "daily_note",
        "Gait training under the supervision of Jane Roe, PT.\nJohn Doe, PTA 03/04/2024",
        "Gait training.\nJohn Doe, PTA 03/04/2024",
    ),
    (
        "SLP-INSTRUMENTAL",
        "SLP",
        "swallow_study",
        "Penetration with thin liquids; vallecular residue.",
        "Study done.",
    ),
]


def _rule(discipline: str, rule_id: str):  # type: ignore[no-untyped-def]
    rubric = load_builtin_rubric(discipline)
    return next(rule for rule in rubric.rules if rule.id == rule_id)


@pytest.mark.parametrize(
    ("rule_id", "discipline", "doc_type", "good", "bad"), CASES, ids=[f"{c[0]}-{c[1]}" for c in CASES]
)
def test_rule_meets_and_fails(rule_id: str, discipline: str, doc_type: str, good: str, bad: str) -> None:
    rule = _rule(discipline, rule_id)

    passing = evaluate_rule(rule, NoteContext.build(good, discipline, doc_type), "standard")
    failing = evaluate_rule(rule, NoteContext.build(bad, discipline, doc_type), "standard")

    assert passing.status == "met", passing.detail
    assert failing.status in {"missing", "partly_met"}, failing.detail


def test_every_rule_has_a_case() -> None:
    covered = {(case[0], case[1]) for case in CASES}
    covered_ids = {case[0] for case in CASES}
    for rubric in list_builtin_rubrics():
        for rule in rubric.rules:
            assert rule.id in covered_ids, rule.id
            if rule.id.startswith(("OT-", "SLP-")):
                assert (rule.id, rubric.discipline) in covered


def test_failing_evidence_quotes_text() -> None:
    rule = _rule("PT", "UNIT-8MIN-TOTAL")
    text = "97110 x2\n97140 x1\nTotal timed minutes: 30"

    finding = evaluate_rule(rule, NoteContext.build(text, "PT", "daily_note"), "standard")

    assert finding.evidence
    for evidence in finding.evidence:
        assert text[evidence.start : evidence.end] == evidence.text


@pytest.mark.parametrize("rule_id", ["KX-ATTEST", "MNT-SKILL-BASIS", "TH-MODALITY", "GEN-SUPERVISOR"])
def test_conditional_rule_not_applicable(rule_id: str) -> None:
    rule = _rule("PT", rule_id)
    text = "Therapeutic exercise 97110 x2." + SIGNED

    finding = evaluate_rule(rule, NoteContext.build(text, "PT", "daily_note"), "standard")

    assert finding.status == "not_applicable"


def test_leftover_unit_to_fewer_minutes() -> None:
    rule = _rule("PT", "UNIT-8MIN-ALLOC")
    text = "97110 x2 - 20 min\n97140 x0 - 12 min\nTotal timed minutes: 32"

    finding = evaluate_rule(rule, NoteContext.build(text, "PT", "daily_note"), "standard")

    assert finding.status == "missing"
    assert "97110" in finding.detail


def test_icd_rule_needs_a_code() -> None:
    rule = _rule("PT", "EVAL-ICD10-SPECIFIC")
    text = "DIAGNOSIS: Right knee pain."

    finding = evaluate_rule(rule, NoteContext.build(text, "PT", "evaluation"), "standard")

    assert finding.status == "not_applicable"
