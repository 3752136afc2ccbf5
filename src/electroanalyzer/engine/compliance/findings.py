"""Findings and the severity-weighted score."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from electroanalyzer.engine.compliance.context import Evidence

SEVERITY_WEIGHTS = {"high": 3.0, "medium": 2.0, "low": 1.0}
STATUS_CREDIT = {"met": 1.0, "partly_met": 0.5, "missing": 0.0}


@dataclass
class Finding:
    """One rule's result on one note."""

    rule_id: str
    title: str
    status: str
    severity: str
    advisory: bool
    evidence: list[Evidence]
    requirement: str
    fix: str
    source: str
    detail: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule_id": self.rule_id,
            "title": self.title,
            "status": self.status,
            "severity": self.severity,
            "advisory": self.advisory,
            "evidence": [item.to_dict() for item in self.evidence],
            "requirement": self.requirement,
            "fix": self.fix,
            "source": self.source,
            "detail": self.detail,
        }


@dataclass
class Score:
    value: float
    explanation: str
    weights: dict[str, float] = field(default_factory=lambda: dict(SEVERITY_WEIGHTS))


def score_findings(findings: list[Finding]) -> Score:
    """Score 0-100: severity-weighted credit of the counted, non-advisory, applicable findings."""
    counted = [f for f in findings if not f.advisory and f.status in STATUS_CREDIT]
    possible = sum(SEVERITY_WEIGHTS[f.severity] for f in counted)
    if possible == 0:
        return Score(100.0, "No scored rule applies to this document, so nothing lowers the score.")
    earned = sum(SEVERITY_WEIGHTS[f.severity] * STATUS_CREDIT[f.status] for f in counted)
    value = round(100 * earned / possible, 1)
    lost = {
        severity: sum(
            SEVERITY_WEIGHTS[severity] * (1 - STATUS_CREDIT[f.status])
            for f in counted
            if f.severity == severity
        )
        for severity in SEVERITY_WEIGHTS
    }
    parts = ", ".join(f"{severity} {lost[severity]:g}" for severity in SEVERITY_WEIGHTS if lost[severity])
    explanation = (
        "Each applicable rule carries a weight by severity (high 3, medium 2, low 1). A met rule earns its "
        "full weight, a partly met rule half, a missing rule nothing; advisory and not-applicable rules are "
        f"left out. This note earned {earned:g} of {possible:g} points = {value:g}."
        + (f" Points lost by severity: {parts}." if parts else "")
    )
    return Score(value, explanation)
