"""Detect the discipline and document type of a note from weighted cue phrases.

Cues in the title area (the first lines) weigh double, because EMR exports and dictation
templates name the document there. Confidence is the winner's share of all cue weight,
so a note with cues for several types gets a lower confidence.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from electroanalyzer.engine.compliance.patterns import compile_exact

TITLE_CHARS = 300

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


@dataclass(frozen=True, slots=True)
class Detection:
    value: str
    confidence: float
    scores: dict[str, float]


def _score(text: str, cues: dict[str, list[tuple[object, float]]], cap: int = 5) -> dict[str, float]:
    title = text[:TITLE_CHARS]
    scores: dict[str, float] = {}
    for key, items in cues.items():
        total = 0.0
        for pattern, weight in items:
            matches: Any = pattern
            count = min(cap, sum(1 for _ in matches.finditer(text)))
            total += weight * count
            if pattern.search(title):  # type: ignore[attr-defined]
                total += weight * 2
        scores[key] = total
    return scores


def _pick(scores: dict[str, float], default: str) -> Detection:
    total = sum(scores.values())
    if total <= 0:
        return Detection(default, 0.0, scores)
    best = max(scores, key=lambda key: scores[key])
    return Detection(best, round(scores[best] / total, 2), scores)


def detect_discipline(text: str) -> Detection:
    return _pick(_score(text, DISCIPLINE_CUES), "PT")


def detect_document_type(text: str, discipline: str | None = None) -> Detection:
    scores = _score(text, TYPE_CUES)
    # Only speech-language pathologists write swallow studies, so other disciplines never get that type.
    if discipline and discipline != "SLP":
        scores["swallow_study"] = 0.0
    return _pick(scores, "evaluation")
