"""Shape an analysis result (the dict of `AnalysisResult.to_dict()`) for the report page.

The page groups findings by severity and marks each finding's evidence in the redacted note,
with links both ways: a finding links to each of its evidence marks, and each mark links back
to its finding.
"""

from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

SEVERITY_ORDER = ("high", "medium", "low")
GAP_STATUSES = ("missing", "partly_met")


@dataclass
class EvidenceRef:
    anchor: str
    text: str


@dataclass
class FindingView:
    index: int
    anchor: str
    rule_id: str
    title: str
    status: str
    severity: str
    advisory: bool
    requirement: str
    fix: str
    source: str
    evidence: list[EvidenceRef] = field(default_factory=list)


@dataclass
class NoteSegment:
    text: str
    anchors: list[str]
    finding_anchors: list[str]
    starting_anchors: list[str]


@dataclass
class ReportView:
    groups: list[tuple[str, list[FindingView]]]
    met: list[FindingView]
    segments: list[NoteSegment]
    counts: dict[str, int]


def build_report_view(result: dict[str, Any]) -> ReportView:
    findings = [_finding_view(index, raw) for index, raw in enumerate(result.get("findings") or [])]
    gaps = [finding for finding in findings if finding.status in GAP_STATUSES]
    groups = [
        (severity, [finding for finding in gaps if finding.severity == severity])
        for severity in SEVERITY_ORDER
    ]
    met = [finding for finding in findings if finding.status not in GAP_STATUSES]
    counts = {severity: len(items) for severity, items in groups}
    counts["met"] = sum(1 for finding in findings if finding.status == "met")
    text = str(result.get("redacted_text") or "")
    raw_findings = result.get("findings") or []
    return ReportView(groups=groups, met=met, segments=segment_note(text, raw_findings), counts=counts)


def _finding_view(index: int, raw: dict[str, Any]) -> FindingView:
    view = FindingView(
        index=index,
        anchor=f"finding-{index}",
        rule_id=str(raw.get("rule_id", "")),
        title=str(raw.get("title", "")),
        status=str(raw.get("status", "")),
        severity=str(raw.get("severity", "low")),
        advisory=bool(raw.get("advisory", False)),
        requirement=str(raw.get("requirement", "")),
        fix=str(raw.get("fix", "")),
        source=str(raw.get("source", "")),
    )
    for evidence_index, evidence in enumerate(raw.get("evidence") or []):
        view.evidence.append(
            EvidenceRef(anchor=f"evidence-{index}-{evidence_index}", text=str(evidence.get("text", "")))
        )
    return view


def segment_note(text: str, raw_findings: list[dict[str, Any]]) -> list[NoteSegment]:
    """Split the note at every evidence boundary; each segment lists the evidence marks covering it."""
    spans: list[tuple[int, int, str, str]] = []
    for index, raw in enumerate(raw_findings):
        for evidence_index, evidence in enumerate(raw.get("evidence") or []):
            start, end = int(evidence.get("start", 0)), int(evidence.get("end", 0))
            start, end = max(0, min(start, len(text))), max(0, min(end, len(text)))
            if end > start:
                spans.append((start, end, f"evidence-{index}-{evidence_index}", f"finding-{index}"))
    boundaries = sorted({0, len(text), *(start for start, *_ in spans), *(end for _, end, *_ in spans)})
    segments: list[NoteSegment] = []
    started: set[str] = set()
    for left, right in pairwise(boundaries):
        covering = [span for span in spans if span[0] <= left and right <= span[1]]
        anchors = [span[2] for span in covering]
        starting = [anchor for anchor in anchors if anchor not in started]
        started.update(anchors)
        segments.append(
            NoteSegment(
                text=text[left:right],
                anchors=anchors,
                finding_anchors=sorted({span[3] for span in covering}),
                starting_anchors=starting,
            )
        )
    return segments
