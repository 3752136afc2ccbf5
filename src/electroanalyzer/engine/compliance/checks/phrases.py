"""Phrase checks: one or more groups of patterns that must be affirmed in the right sections."""

from __future__ import annotations

from pydantic import Field

from electroanalyzer.engine.compliance.checks.base import CheckResult, PatternList, Status, register
from electroanalyzer.engine.compliance.context import Evidence, NoteContext
from electroanalyzer.engine.compliance.negation import Polarity
from electroanalyzer.engine.compliance.patterns import compile_any


class PhraseGroup(PatternList):
    name: str = Field(min_length=1, max_length=80)
    patterns: list[str] = Field(min_length=1, max_length=60)


class PhrasesParams(PatternList):
    groups: list[PhraseGroup] = Field(min_length=1, max_length=12)
    sections: list[str] = Field(default_factory=list)
    # Search the whole note when none of the named sections exist.
    fallback_whole_text: bool = True
    # Fewer matched groups than this gives "missing" instead of "partly_met".
    min_groups_for_partial: int = Field(default=1, ge=1)
    # The rule applies only when one of these is affirmed in the note (a KX modifier, telehealth).
    only_if: list[str] = Field(default_factory=list, max_length=40)
    # Indirect evidence: when no group is found, an affirmed match of one of these gives "partly_met"
    # (prior work or activities described without a prior level of function statement).
    partial_patterns: list[str] = Field(default_factory=list, max_length=40)


@register("phrases", PhrasesParams, "Every group of phrases is affirmed (not negated) in the named sections.")
def check_phrases(ctx: NoteContext, params: PhrasesParams, strictness: str) -> CheckResult:
    trigger: list[Evidence] = []
    if params.only_if:
        trigger = _first_affirmed(ctx, params.only_if)
        if not trigger:
            return CheckResult(Status.NOT_APPLICABLE, [], "the condition for this rule is not in the note")
    regions = ctx.regions(params.sections, fallback=params.fallback_whole_text)
    affirmed_groups: list[str] = []
    missing_groups: list[str] = []
    hedged_groups: list[str] = []
    evidence: list[Evidence] = []
    negated: list[Evidence] = []

    for group in params.groups:
        found = False
        hedged = False
        for hit in ctx.hits(compile_any(tuple(group.patterns)), regions):
            if hit.polarity is Polarity.AFFIRMED:
                found = True
                evidence.append(ctx.evidence(hit.start, hit.end))
                break
            if hit.polarity is Polarity.HEDGED:
                hedged = True
                evidence.append(ctx.evidence(hit.start, hit.end))
            else:
                negated.append(ctx.evidence(hit.start, hit.end))
        if found:
            affirmed_groups.append(group.name)
        elif hedged:
            hedged_groups.append(group.name)
        else:
            missing_groups.append(group.name)

    evidence = trigger + evidence
    if not missing_groups and not hedged_groups:
        return CheckResult(Status.MET, evidence, "found: " + ", ".join(affirmed_groups))
    if len(affirmed_groups) + len(hedged_groups) >= params.min_groups_for_partial:
        lacking = missing_groups + [f"{name} (only hedged)" for name in hedged_groups]
        return CheckResult(Status.PARTLY_MET, evidence, "not found: " + ", ".join(lacking))
    if not affirmed_groups and params.partial_patterns:
        indirect = _first_affirmed(ctx, params.partial_patterns, regions)
        if indirect:
            return CheckResult(
                Status.PARTLY_MET,
                trigger + indirect,
                "not stated as such: " + ", ".join(missing_groups) + "; only described indirectly (quoted)",
            )
    detail = "not found: " + ", ".join(missing_groups)
    if negated:
        detail += " (mentioned only in negated form)"
    return CheckResult(Status.MISSING, trigger + negated[:3], detail)


def _first_affirmed(
    ctx: NoteContext, patterns: list[str], regions: list[tuple[int, int]] | None = None
) -> list[Evidence]:
    whole = [(0, len(ctx.text))]
    for hit in ctx.hits(compile_any(tuple(patterns)), whole if regions is None else regions):
        if hit.polarity is Polarity.AFFIRMED:
            return [ctx.evidence(hit.start, hit.end)]
    return []


class ForbiddenParams(PatternList):
    patterns: list[str] = Field(min_length=1, max_length=60)
    sections: list[str] = Field(default_factory=list)
    label: str = Field(default="item", max_length=80)
    # The rule applies only when one of these is affirmed in the note (laterality, an assistant author),
    # and, if and_if is set, one of those too.
    only_if: list[str] = Field(default_factory=list, max_length=40)
    # Indirect evidence: when no group is found, an affirmed match of one of these gives "partly_met"
    # (prior work or activities described without a prior level of function statement).
    partial_patterns: list[str] = Field(default_factory=list, max_length=40)
    and_if: list[str] = Field(default_factory=list, max_length=40)


@register(
    "forbidden", ForbiddenParams, "None of the patterns may appear affirmed (obsolete codes and the like)."
)
def check_forbidden(ctx: NoteContext, params: ForbiddenParams, strictness: str) -> CheckResult:
    for condition in (params.only_if, params.and_if):
        if condition and not _first_affirmed(ctx, condition):
            return CheckResult(Status.NOT_APPLICABLE, [], "the condition for this rule is not in the note")
    regions = ctx.regions(params.sections)
    evidence = [
        ctx.evidence(hit.start, hit.end)
        for hit in ctx.hits(compile_any(tuple(params.patterns)), regions)
        if hit.polarity is not Polarity.NEGATED
    ]
    if evidence:
        evidence.sort(key=lambda item: item.start)
        quoted = ", ".join(sorted({item.text for item in evidence}))
        return CheckResult(Status.MISSING, evidence, f"{params.label} found: {quoted}")
    return CheckResult(Status.MET, [], f"no {params.label} found")
