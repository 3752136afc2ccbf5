"""Run a rubric's rules over one note and collect the findings."""

from __future__ import annotations

import logging

from electroanalyzer.engine.compliance.checks import REGISTRY, Status
from electroanalyzer.engine.compliance.context import NoteContext
from electroanalyzer.engine.compliance.findings import Finding
from electroanalyzer.engine.rubrics.model import Rubric, Rule

logger = logging.getLogger(__name__)


def evaluate_rule(rule: Rule, ctx: NoteContext, strictness: str) -> Finding:
    kind = REGISTRY[rule.check.kind]
    result = kind.function(ctx, rule.check.parsed_params(), strictness)
    status = result.status
    if rule.advisory and status in {Status.MISSING, Status.PARTLY_MET}:
        logger.debug("advisory_rule_not_met", extra={"rule_id": rule.id})
    return Finding(
        rule_id=rule.id,
        title=rule.title,
        status=str(status),
        severity=rule.severity,
        advisory=rule.advisory,
        evidence=result.evidence,
        requirement=rule.requirement,
        fix=rule.fix,
        source=rule.source,
        detail=result.detail,
    )


def evaluate(rubric: Rubric, ctx: NoteContext, strictness: str) -> list[Finding]:
    """Evaluate the rules that apply to the note's discipline and type and count at this strictness."""
    findings = []
    for rule in rubric.rules:
        if not rule.counts_at(strictness):
            continue
        if not rule.applies_to(ctx.discipline, ctx.document_type):
            continue
        findings.append(evaluate_rule(rule, ctx, strictness))
    return findings
