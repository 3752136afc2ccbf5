"""Plan-of-care checks: frequency and duration present, coherent, and within 90 days."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Literal

from pydantic import Field

from electroanalyzer.engine.compliance.checks.base import CheckParams, CheckResult, Status, register
from electroanalyzer.engine.compliance.context import Evidence, NoteContext
from electroanalyzer.engine.compliance.negation import Polarity, polarity
from electroanalyzer.engine.compliance.patterns import NUMBER, compile_exact, parse_number

FREQUENCY = compile_exact(
    r"(?i)(?:\b" + NUMBER + r"(?:\s*(?:-|to|or)\s*" + NUMBER + r")?\s*(?:x|times|days|sessions|visits)\s*"
    r"(?:/|per|a|each|every)\s*(?:wk|week)\b|\b(once|twice)(?:\s*(?:to|-|or)\s*(?:twice|three times))?\s*"
    r"(?:a|per|each)\s+week\b|\b(BIW|TIW|QW|[1-7]x/?wk)\b|\b(daily|every day|once a day)\b)"
)
DURATION = compile_exact(
    r"(?i)\b(?:for|x|over|duration(?: of)?:?|next|total of|period of)\s*"
    r"(?:the next\s*|a total of\s*|up to\s*|an? (?:initial |additional |further )?|the (?:initial |first )?)?"
    + NUMBER
    + r"(?:\s*(?:-|to)\s*"
    + NUMBER
    + r")?\s*(wks?|weeks?|visits?|sessions?|treatments?|months?|days?)\b"
)
PERIOD_JOIN = compile_exact(r"(?i)^\s*(?:-|–|to|through|thru|until)\s*$")
PLAN_SECTIONS = ["plan", "prognosis", "goals", "certification", "other"]
_WORD_FREQUENCY = {
    "once": 1,
    "twice": 2,
    "daily": 5,
    "every day": 5,
    "once a day": 5,
    "biw": 2,
    "tiw": 3,
    "qw": 1,
}
_UNIT_DAYS = {"wk": 7, "week": 7, "month": 30, "day": 1}


@dataclass
class PlanFacts:
    frequency: list[Evidence]
    frequency_max: int | None
    duration: list[Evidence]
    duration_days: int | None
    visits: int | None
    period_days: int | None


def _frequency_max(match: object) -> int | None:
    groups = [g for g in match.groups() if g]  # type: ignore[attr-defined]
    numbers = [parse_number(g) for g in groups if parse_number(g) is not None]
    if numbers:
        return max(n for n in numbers if n is not None)
    for group in groups:
        key = group.lower()
        if key in _WORD_FREQUENCY:
            return _WORD_FREQUENCY[key]
        if key[0].isdigit():
            return int(key[0])
    return None


def collect_plan_facts(ctx: NoteContext) -> PlanFacts:
    regions = ctx.regions(PLAN_SECTIONS)
    facts = PlanFacts([], None, [], None, None, None)
    for start, end in regions:
        for match in FREQUENCY.finditer(ctx.text, start, end):
            if _affirmed(ctx, match):
                facts.frequency.append(ctx.evidence(match.start(), match.end()))
                value = _frequency_max(match)
                if value is not None:
                    facts.frequency_max = max(facts.frequency_max or 0, value)
        for match in DURATION.finditer(ctx.text, start, end):
            if not _affirmed(ctx, match):
                continue
            facts.duration.append(ctx.evidence(match.start(), match.end()))
            amount = parse_number(match.group(2) or match.group(1))
            unit = match.group(3).lower().rstrip("s")
            if amount is None:
                continue
            if unit in {"visit", "session", "treatment"}:
                facts.visits = max(facts.visits or 0, amount)
            else:
                days = amount * _UNIT_DAYS.get(unit, 7)
                facts.duration_days = max(facts.duration_days or 0, days)
        tokens = ctx.dates_between(start, end)
        for first, last in itertools.pairwise(tokens):
            # Two dates joined by "to", "-" or "through" are a period, written out or redacted.
            if PERIOD_JOIN.search(ctx.text[first.end : last.start]) and last.value >= first.value:
                facts.duration.append(ctx.evidence(first.start, last.end))
                facts.period_days = max(facts.period_days or 0, (last.value - first.value).days)
    return facts


def _affirmed(ctx: NoteContext, match: object) -> bool:
    start, end = match.start(), match.end()  # type: ignore[attr-defined]
    return polarity(ctx.text, start, end) is not Polarity.NEGATED


class PlanParams(CheckParams):
    part: Literal["frequency", "duration", "limit"]
    max_days: int = Field(default=90, ge=1, le=366)


@register(
    "plan_of_care", PlanParams, "Plan frequency and duration stated, coherent, and no longer than max_days."
)
def check_plan(ctx: NoteContext, params: PlanParams, strictness: str) -> CheckResult:
    facts = collect_plan_facts(ctx)
    if params.part == "frequency":
        if facts.frequency:
            return CheckResult(Status.MET, facts.frequency[:3], "frequency stated")
        return CheckResult(Status.MISSING, [], "no frequency per week found in the plan")
    if params.part == "duration":
        if facts.duration:
            return CheckResult(Status.MET, facts.duration[:3], "duration stated")
        return CheckResult(Status.MISSING, [], "no duration (weeks, visits or certification dates) found")
    return _check_limit(facts, params.max_days)


def _check_limit(facts: PlanFacts, max_days: int) -> CheckResult:
    days = [d for d in (facts.duration_days, facts.period_days) if d is not None]
    if not days and facts.visits and facts.frequency_max:
        # 12 visits at 3 a week run 4 weeks.
        days.append(-(-facts.visits // facts.frequency_max) * 7)
    if not days:
        return CheckResult(Status.NOT_APPLICABLE, [], "no duration to measure")
    evidence = facts.duration[:3]
    longest = max(days)
    if longest > max_days:
        return CheckResult(Status.MISSING, evidence, f"plan runs {longest} days, more than {max_days}")
    if facts.visits and facts.frequency_max and facts.duration_days:
        weeks = facts.duration_days / 7
        if facts.visits > facts.frequency_max * weeks + 0.5:
            detail = f"{facts.visits} visits do not fit {facts.frequency_max} a week for {weeks:g} weeks"
            return CheckResult(Status.PARTLY_MET, evidence + facts.frequency[:1], detail)
    return CheckResult(Status.MET, evidence, f"plan runs {longest} days, within {max_days}")
