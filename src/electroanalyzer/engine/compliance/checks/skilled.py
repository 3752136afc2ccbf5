"""Skilled-service checks: skill language counted, and stock phrases that stand alone."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from electroanalyzer.engine.compliance.checks.base import CheckResult, PatternList, Status, pick, register
from electroanalyzer.engine.compliance.checks.goals import MEASURABLE
from electroanalyzer.engine.compliance.context import Evidence, NoteContext
from electroanalyzer.engine.compliance.negation import Polarity
from electroanalyzer.engine.compliance.patterns import compile_any

Threshold = float | dict[Literal["lenient", "standard", "strict"], float]


class CountParams(PatternList):
    patterns: list[str] = Field(min_length=1, max_length=120)
    sections: list[str] = Field(default_factory=list)
    min_count: Threshold = 1
    # Patterns whose presence, with no counted pattern, marks the note as failing outright.
    unskilled_patterns: list[str] = Field(default_factory=list, max_length=40)
    label: str = Field(default="items", max_length=80)
    max_evidence: int = Field(default=8, ge=1, le=50)


@register("count", CountParams, "At least min_count distinct affirmed matches in the named sections.")
def check_count(ctx: NoteContext, params: CountParams, strictness: str) -> CheckResult:
    regions = ctx.regions(params.sections)
    found: dict[str, Evidence] = {}
    for hit in ctx.hits(compile_any(tuple(params.patterns)), regions):
        if hit.polarity is Polarity.AFFIRMED:
            key = ctx.text[hit.start : hit.end].lower()
            found.setdefault(key, ctx.evidence(hit.start, hit.end))
    needed = pick(params.min_count, strictness)  # type: ignore[arg-type]
    evidence = sorted(found.values(), key=lambda item: item.start)[: params.max_evidence]
    detail = f"{len(found)} distinct {params.label} found (needed {needed:g})"
    if len(found) >= needed:
        return CheckResult(Status.MET, evidence, detail)
    if found:
        return CheckResult(Status.PARTLY_MET, evidence, detail)
    unskilled = []
    if params.unskilled_patterns:
        pattern = compile_any(tuple(params.unskilled_patterns))
        unskilled = [ctx.evidence(hit.start, hit.end) for hit in ctx.hits(pattern, regions)]
    if unskilled:
        return CheckResult(
            Status.MISSING, unskilled[:3], detail + "; only unskilled activities are described"
        )
    return CheckResult(Status.MISSING, [], detail)


class StockPhraseParams(PatternList):
    patterns: list[str] = Field(min_length=1, max_length=40)
    # Tokens that show the phrase is backed by skilled detail in the same section.
    support_patterns: list[str] = Field(min_length=1, max_length=120)
    label: str = Field(max_length=80)


@register("stock_phrase", StockPhraseParams, "A flagged phrase is used only with supporting skilled detail.")
def check_stock_phrase(ctx: NoteContext, params: StockPhraseParams, strictness: str) -> CheckResult:
    alone: list[Evidence] = []
    supported: list[Evidence] = []
    support = compile_any(tuple(params.support_patterns))
    for hit in ctx.hits(compile_any(tuple(params.patterns)), [(0, len(ctx.text))]):
        start, end = _enclosing_block(ctx, hit.start)
        backed = MEASURABLE.search(ctx.text, start, end) is not None or support.search(ctx.text, start, end)
        (supported if backed else alone).append(ctx.evidence(hit.start, hit.end))
    if alone:
        return CheckResult(Status.MISSING, alone, f"'{params.label}' stands alone without skilled detail")
    if supported:
        return CheckResult(Status.MET, supported, f"'{params.label}' is backed by skilled detail")
    return CheckResult(Status.MET, [], f"'{params.label}' not used")


def _enclosing_block(ctx: NoteContext, offset: int) -> tuple[int, int]:
    """Return the section around an offset, or its paragraph when the note has no headers there."""
    for section in ctx.sections:
        if section.start <= offset < section.end:
            return section.body_start, section.end
    start = ctx.text.rfind("\n\n", 0, offset)
    end = ctx.text.find("\n\n", offset)
    return (0 if start < 0 else start, len(ctx.text) if end < 0 else end)
