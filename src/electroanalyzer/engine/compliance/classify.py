"""Detect the discipline and document type of a note from weighted cue phrases.

Type cues, and discipline cues that name the discipline (weight 3 or more, such as "physical
therapy"), found in the title area (the first lines) count again twice, because EMR exports and
dictation templates name the document there. Confidence is the winner's share of all cue weight
times the strength of the winner's evidence, weight / (weight + half weight). For the discipline,
physician document cues such as EMG findings or a review of systems take part of the share. So a
note with few cues, or with cues for several classes, gets a low confidence.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from electroanalyzer.engine.compliance.patterns import compile_exact

TITLE_CHARS = 300
# Cue weight at which the evidence strength reaches 0.5. In the MTSamples notes, therapist notes
# score 7 to 32.5 for their discipline, and physician notes and non-clinical documents 0 to 5.5.
DISCIPLINE_HALF_WEIGHT = 6.0
TYPE_HALF_WEIGHT = 4.0
# Weight of a cue that names the discipline, and so counts again in the title area. Generic cues
# such as "range of motion" in the opening lines say nothing more about the discipline.
NAMING_WEIGHT = 3.0

_DISCIPLINE_CUES: dict[str, list[tuple[str, float]]] = {
    "PT": [
        (r"physical therap\w*", 3),
        (r"\b(?:DPT|MPT|PTA)\b", 3),
        (r"\bgait\b", 1),
        (r"therapeutic exercise", 1),
        (r"\b(?:97110|97112|97116|97140|9716[1-4])\b", 2),
        (r"range of motion|\bROM\b", 1),
        (r"manual therapy|joint mobili[sz]ation", 1),
        (r"\bambulat\w+", 1),
    ],
    "OT": [
        (r"occupational therap\w*", 3),
        (r"\b(?:OTR/?L|COTA|OTA)\b", 3),
        (r"(?-i:\bOT\b)", 4),
        (r"self-care training|cognitive retraining|functional mobility training", 1),
        (r"\bADLs?\b|activities of daily living", 1.5),
        (r"\bIADLs?\b|dressing|grooming|toileting|bathing", 1),
        (r"fine motor|grip strength|pinch|dexterity|upper extremity", 1),
        (r"\b(?:9716[5-8]|97535)\b", 2),
        (r"occupational profile", 2),
    ],
    "SLP": [
        (r"speech(?:[- ]language)? (?:therap\w*|patholog\w*)|\bSLP\b|CCC-SLP", 3),
        (r"swallow\w*|dysphagia|barium|\bMBSS?\b|\bVFSS\b|\bFEES\b", 2),
        (r"aphasia|dysarthria|apraxia|cognitive[- ]linguistic|language|voic\w+|laryn\w+", 1.5),
        (r"\b(?:92507|92526|92610|92611|9252[1-4])\b", 2),
        (r"articulation|fluency|expressive|receptive", 1),
    ],
}

# Cues of physician and electrodiagnostic documents, which are not therapy notes. They take a share
# of the discipline confidence but are never a detected discipline.
_PHYSICIAN_CUES: dict[str, list[tuple[str, float]]] = {
    "physician": [
        (r"\bEMG\b|electromyograph\w*|nerve conduction|needle (?:examination|electrode)|motor units?", 3),
        (r"review of systems|\bHEENT\b|auscultation|murmurs?|gallops?", 2),
        (r"chief complaint|\bimpression\b|physical examination|\bconsult(?:ation)?\b", 1.5),
        (r"\bdenervation|fibrillation|latenc\w+|amplitudes?", 1),
    ],
}

_TYPE_CUES: dict[str, list[tuple[str, float]]] = {
    "discharge_summary": [
        (r"discharge summary|discharge note|d/c summary|discontinuation of care", 4),
        (r"discharged (?:from|due to|secondary)|reason for discharge|discharge status", 2),
        (r"\b(?:was|were) (?:seen|attended|completed)\b.{0,40}\b(?:sessions|visits)\b", 1),
        (r"goals? (?:were |was )?(?:met|achieved|not met)", 1),
        (r"\bdischarged from (?:my|our|the|\w+) (?:services|therapy|care)\b", 6),
        (r"\bdischarged\b", 2),
        (r"\bno longer (?:needs?|requires?)\b|\bplateau\w*", 2),
        (r"\b(?:has|have|had) (?:been )?met\b|\bhas been met\b", 1.5),
        (r"\b(?:accomplished|did not accomplish|did reach)\b", 2),
        (r"\b(?:last|final) session\b|\battended (?:[a-z-]+ ){0,6}(?:sessions|visits)\b", 2),
        (
            r"\b(?:met|reached|achieved) (?:all |his |her |their |the )*(?:of )?"
            r"(?:his |her |their )?(?:short|long)-term",
            2,
        ),
        (r"\bmade (?:\w+ )?progress\b", 1),
    ],
    "progress_report": [
        (r"progress (?:report|note)|\b10th visit\b|reporting period", 4),
        (r"visits? to date|since (?:the )?last progress", 2),
        (r"\bhas attended (?:physical |occupational |speech )?therapy from\b", 3),
        (r"\bcall and cancels?\b|\bno[- ]shows?\b", 1.5),
        (r"progressing|partially met|goal status", 1),
    ],
    "recertification": [
        (r"re-?certification|\brecert\b|updated plan of care|continued plan of care", 4),
        (r"certification period", 1.5),
    ],
    "re_evaluation": [(r"re-?evaluation|\bre-?eval\b|reassessment|9716[48]", 4)],
    "swallow_study": [
        (r"modified barium swallow|barium swallow|\bMBSS?\b|\bVFSS\b|videofluoro\w*|\bFEES\b", 4),
        (r"penetration|aspiration|oral stage|pharyngeal stage", 1.5),
    ],
    "daily_note": [
        (r"daily (?:note|treatment note)|treatment (?:note|encounter)|visit note|\btx note\b|soap note", 4),
        (r"timed (?:code )?minutes|total treatment time|\bunits?\b", 1.5),
        (r"(?m)^\s*[SOAP]:", 1),
        (r"\b(?:97110|97112|97116|97140|97530)\b\s*(?:x\s*\d|\(\d\))", 2),
    ],
    "evaluation": [
        (r"(?:initial )?evaluation|initial examination|\beval\b", 1),
        (r"referred (?:to|for)|prior level of function|\bPLOF\b|history of present illness", 1.5),
        (r"prognosis|rehab potential|plan of care", 1.5),
        (r"\b(?:patient|pt|he|she) will\b", 0.5),
        (r"\b9716[1-35-7]\b|\b9261[0-2]\b", 2),
    ],
}


def _compile(cues: dict[str, list[tuple[str, float]]]) -> dict[str, list[tuple[object, float]]]:
    return {
        key: [(compile_exact("(?i)" + pattern), weight) for pattern, weight in items]
        for key, items in cues.items()
    }


DISCIPLINE_CUES = _compile(_DISCIPLINE_CUES)
TYPE_CUES = _compile(_TYPE_CUES)
PHYSICIAN_CUES = _compile(_PHYSICIAN_CUES)


@dataclass(frozen=True, slots=True)
class Detection:
    value: str
    confidence: float
    scores: dict[str, float]
    # Cue weight found for the winner: the amount of evidence behind it.
    evidence: float = 0.0


def _score(
    text: str, cues: dict[str, list[tuple[object, float]]], cap: int = 5, title_min_weight: float = 0.0
) -> dict[str, float]:
    title = text[:TITLE_CHARS]
    scores: dict[str, float] = {}
    for key, items in cues.items():
        total = 0.0
        for pattern, weight in items:
            matches: Any = pattern
            count = min(cap, sum(1 for _ in matches.finditer(text)))
            total += weight * count
            if weight >= title_min_weight and pattern.search(title):  # type: ignore[attr-defined]
                total += weight * 2
        scores[key] = total
    return scores


def _pick(scores: dict[str, float], default: str, half_weight: float, rival_weight: float = 0.0) -> Detection:
    """Pick the class with the most cue weight. rival_weight takes part of the share but never wins."""
    total = sum(scores.values()) + rival_weight
    best = max(scores, key=lambda key: scores[key])
    weight = scores[best]
    if weight <= 0:
        return Detection(default, 0.0, scores)
    share = weight / total
    strength = weight / (weight + half_weight)
    return Detection(best, round(share * strength, 2), scores, weight)


def detect_discipline(text: str) -> Detection:
    physician = _score(text, PHYSICIAN_CUES)["physician"]
    scores = _score(text, DISCIPLINE_CUES, title_min_weight=NAMING_WEIGHT)
    return _pick(scores, "PT", DISCIPLINE_HALF_WEIGHT, physician)


def detect_document_type(text: str, discipline: str | None = None) -> Detection:
    scores = _score(text, TYPE_CUES)
    # Only speech-language pathologists write swallow studies, so other disciplines never get that type.
    if discipline and discipline != "SLP":
        scores["swallow_study"] = 0.0
    return _pick(scores, "evaluation", TYPE_HALF_WEIGHT)


# A document whose discipline detection falls below either bound gets the not_a_therapy_note warning.
# In the MTSamples notes, therapist notes reach at least 0.42 and 7. The physician notes, the
# therapeutic recreation note and non-clinical documents reach at most 0.25 and 5.5.
# NOTE: calibrated on those 34 documents only, so a very short real therapy note may fall below.
MIN_THERAPY_CONFIDENCE = 0.35
MIN_THERAPY_EVIDENCE = 6.0


def looks_like_therapy_note(detection: Detection) -> bool:
    """Return whether a discipline detection has enough evidence for a PT, OT or SLP note."""
    return detection.confidence >= MIN_THERAPY_CONFIDENCE and detection.evidence >= MIN_THERAPY_EVIDENCE


def not_a_therapy_note_warning(detection: Detection, *, overridden: bool) -> dict[str, str]:
    """Build the warning for a document that does not look like a PT, OT or SLP note."""
    message = (
        "This document does not look like a PT, OT or SLP therapy note: the discipline confidence is "
        f"{detection.confidence:.0%} from {detection.evidence:g} points of therapy cues (a therapy note "
        f"reaches {MIN_THERAPY_CONFIDENCE:.0%} and {MIN_THERAPY_EVIDENCE:g}). The findings and score "
        "are unreliable. Check that the file is a therapy evaluation, treatment note, progress report "
        "or discharge summary."
    )
    if overridden:
        message += " The analysis used the discipline or document type you set."
    return {"code": "not_a_therapy_note", "message": message}
