"""The stored form of an engine result: the JSON report entry plus the redacted text the reports show.

It is kept in one encrypted column and turned back into an AnalysisResult for the HTML and PDF renderers.
"""

from typing import Any


def to_stored(result: Any) -> dict[str, Any]:
    return {"report": result.to_dict(), "redacted_text": result.redacted_text}


def from_stored(stored: dict[str, Any]) -> Any:
    from electroanalyzer.engine.compliance.context import Evidence
    from electroanalyzer.engine.compliance.findings import Finding
    from electroanalyzer.engine.pipeline import AnalysisResult

    report = stored["report"]
    findings = [
        Finding(
            rule_id=item["rule_id"],
            title=item["title"],
            status=item["status"],
            severity=item["severity"],
            advisory=bool(item["advisory"]),
            evidence=[Evidence(int(ev["start"]), int(ev["end"]), str(ev["text"])) for ev in item["evidence"]],
            requirement=item["requirement"],
            fix=item["fix"],
            source=item["source"],
            detail=item.get("detail", ""),
        )
        for item in report["findings"]
    ]
    return AnalysisResult(
        discipline=report["discipline"],
        discipline_confidence=float(report["discipline_confidence"]),
        document_type=report["document_type"],
        document_type_confidence=float(report["document_type_confidence"]),
        strictness=report["strictness"],
        score=float(report["score"]),
        score_explanation=report["score_explanation"],
        findings=findings,
        redacted_text=stored["redacted_text"],
        phi=list(report["phi"]),
        sections=list(report["sections"]),
        rubric_id=report["rubric"]["id"],
        rubric_version=report["rubric"]["version"],
        warnings=list(report.get("warnings") or []),
    )
