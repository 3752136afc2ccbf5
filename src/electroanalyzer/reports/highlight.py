"""Split the note text into plain and highlighted segments for the HTML report."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

from electroanalyzer.engine.pipeline import AnalysisResult

SEVERITY_ORDER = {"high": 0, "medium": 1, "low": 2}
STATUS_ORDER = {"missing": 0, "partly_met": 1, "met": 2, "not_applicable": 3}


@dataclass
class Segment:
    text: str
    marks: list[str] = field(default_factory=list)  # anchor ids of the evidence covering this segment
    findings: list[int] = field(default_factory=list)
    status: str = ""


def format_score(value: float) -> str:
    """Format a score with one decimal, as every report and the web pages show it."""
    return f"{value:.1f}"


def evidence_anchor(finding_index: int, evidence_index: int) -> str:
    return f"ev-{finding_index}-{evidence_index}"


def segments(result: AnalysisResult) -> list[Segment]:
    """Cut the display text at every evidence boundary, and record which findings cover each piece."""
    text = result.display_text()
    spans: list[tuple[int, int, str, int, str]] = []
    for finding_index, finding in enumerate(result.findings):
        for evidence_index, evidence in enumerate(finding.evidence):
            start, end = result.display_span(evidence)
            if 0 <= start < end <= len(text):
                spans.append(
                    (
                        start,
                        end,
                        evidence_anchor(finding_index, evidence_index),
                        finding_index,
                        finding.status,
                    )
                )
    cuts = sorted({0, len(text), *(s[0] for s in spans), *(s[1] for s in spans)})
    pieces: list[Segment] = []
    for left, right in itertools.pairwise(cuts):
        covering = [s for s in spans if s[0] <= left and right <= s[1]]
        # The anchor of an evidence span sits on the first piece it covers.
        marks = [s[2] for s in covering if s[0] == left]
        worst = min((s[4] for s in covering), key=lambda status: STATUS_ORDER[status], default="")
        pieces.append(Segment(text[left:right], marks, sorted({s[3] for s in covering}), worst))
    return pieces
