"""The severity-weighted score."""

from electroanalyzer.engine.compliance.findings import Finding, score_findings


def _finding(status: str, severity: str, advisory: bool = False) -> Finding:
    return Finding("GEN-SIG-DATE", "t", status, severity, advisory, [], "r", "f", "s")


def test_weights_by_severity() -> None:
    findings = [_finding("met", "high"), _finding("missing", "medium"), _finding("partly_met", "low")]

    score = score_findings(findings)

    # (3 + 0 + 0.5) of (3 + 2 + 1) possible points.
    assert score.value == 58.3
    assert "high 3, medium 2, low 1" in score.explanation
    assert "3.5 of 6" in score.explanation


def test_advisory_and_not_applicable_ignored() -> None:
    findings = [
        _finding("met", "high"),
        _finding("missing", "medium", advisory=True),
        _finding("not_applicable", "high"),
    ]

    assert score_findings(findings).value == 100.0


def test_no_scored_rules_scores_full() -> None:
    score = score_findings([_finding("not_applicable", "high")])

    assert score.value == 100.0
    assert "No scored rule" in score.explanation
