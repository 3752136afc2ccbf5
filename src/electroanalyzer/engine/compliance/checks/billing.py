"""Billing checks: timed minutes against billed units by the CMS 8-minute rule, untimed codes.

CMS counts the total timed minutes of the day: 8-22 minutes give one unit, 23-37 two, and so
on in 15-minute steps, so units = 0 below 8 minutes, else (minutes + 7) // 15. Untimed
(service-based) codes bill one unit per session whatever their length, and their minutes
count only toward the total treatment time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from electroanalyzer.engine.compliance.checks.base import CheckParams, CheckResult, Status, register
from electroanalyzer.engine.compliance.context import Evidence, NoteContext
from electroanalyzer.engine.compliance.patterns import compile_exact

# NOTE: the CPT lists follow the CMS and First Coast tables as of 2024; review them every January.
TIMED_CODES = frozenset(
    [
        "97032",
        "97033",
        "97034",
        "97035",
        "97036",
        "97110",
        "97112",
        "97113",
        "97116",
        "97140",
        "97530",
        "97533",
        "97535",
        "97537",
        "97542",
        "97750",
        "97755",
        "97760",
        "97761",
        "97763",
        "97129",
        "97130",
    ]
)
# Evaluation and re-evaluation codes: PT 97161-97164, OT 97165-97168, SLP 92521-92524 and 92610.
EVALUATION_CODES = frozenset(
    [
        "97161",
        "97162",
        "97163",
        "97164",
        "97165",
        "97166",
        "97167",
        "97168",
        "92521",
        "92522",
        "92523",
        "92524",
        "92610",
    ]
)
# Untimed (service-based) codes: the evaluations plus the other codes billed once per session.
UNTIMED_CODES = EVALUATION_CODES | frozenset(
    [
        "92611",
        "92612",
        "97150",
        "97010",
        "97012",
        "97014",
        "G0283",
        "97016",
        "97018",
        "97022",
        "97024",
        "97026",
        "97028",
        "92507",
        "92508",
        "92526",
    ]
)

_CODE_LINE = compile_exact(r"(?m)^.*\b(97\d{3}|92\d{3}|G0283)\b.*$")
_CODE = compile_exact(r"\b(97\d{3}|92\d{3}|G0283)\b")
_UNITS = compile_exact(
    r"(?i)(?:\bx\s*(\d{1,2})\b|\((\d{1,2})\)|\b(\d{1,2})\s*units?\b|\bunits?\s*[:=]?\s*(\d{1,2})\b)"
)
_MINUTES = compile_exact(r"(?i)\b(\d{1,3})\s*min(?:ute)?s?\b")
TIMED_TOTAL = compile_exact(
    r"(?i)\b(?:total\s+)?timed(?:[- ]code)?(?:\s+treatment)?\s*(?:minutes|mins?|time)\s*[:=-]?\s*(\d{1,3})"
)
TREATMENT_TOTAL = compile_exact(
    r"(?i)\b(?:total\s+(?:treatment\s+)?(?:time|minutes)|TTT|total\s+tx\s+time)\s*[:=-]?\s*(\d{1,3})"
)
_TIME_IN_OUT = compile_exact(
    r"(?i)time\s*in\s*[:=-]?\s*(\d{1,2}):(\d{2})\s*(am|pm)?[^\n]{0,40}?time\s*out\s*[:=-]?\s*(\d{1,2}):(\d{2})\s*(am|pm)?"
)


def allowed_units(minutes: int) -> int:
    """Units CMS allows for a day's total timed minutes (8-minute rule)."""
    return 0 if minutes < 8 else (minutes + 7) // 15


@dataclass
class BillingLine:
    code: str
    units: int | None
    minutes: int | None
    span: Evidence


@dataclass
class BillingFacts:
    lines: list[BillingLine] = field(default_factory=list)
    timed_total: tuple[int, Evidence] | None = None
    treatment_total: tuple[int, Evidence] | None = None

    @property
    def timed_lines(self) -> list[BillingLine]:
        return [line for line in self.lines if line.code in TIMED_CODES]

    @property
    def untimed_lines(self) -> list[BillingLine]:
        return [line for line in self.lines if line.code in UNTIMED_CODES]

    def timed_minutes(self) -> tuple[int, list[Evidence]] | None:
        if self.timed_total:
            return self.timed_total[0], [self.timed_total[1]]
        with_minutes = [line for line in self.timed_lines if line.minutes is not None]
        if with_minutes:
            return sum(line.minutes or 0 for line in with_minutes), [line.span for line in with_minutes]
        return None


def _first_int(match: object) -> int:
    return int(next(group for group in match.groups() if group))  # type: ignore[attr-defined]


def collect_billing(ctx: NoteContext) -> BillingFacts:
    facts = BillingFacts()
    text = ctx.text
    for line_match in _CODE_LINE.finditer(text):
        line_start, line_end = line_match.start(), line_match.end()
        codes = list(_CODE.finditer(text, line_start, line_end))
        for index, code_match in enumerate(codes):
            # Units and minutes belong to the code they follow, up to the next code on the line.
            stop = codes[index + 1].start() if index + 1 < len(codes) else line_end
            segment_start = code_match.end()
            units_match = _UNITS.search(text, segment_start, stop)
            minutes_match = _MINUTES.search(text, segment_start, stop)
            facts.lines.append(
                BillingLine(
                    code=code_match.group(1),
                    units=_first_int(units_match) if units_match else None,
                    minutes=int(minutes_match.group(1)) if minutes_match else None,
                    span=ctx.evidence(code_match.start(), stop),
                )
            )
    timed = TIMED_TOTAL.search(text)
    if timed:
        facts.timed_total = (int(timed.group(1)), ctx.evidence(timed.start(), timed.end()))
    total = TREATMENT_TOTAL.search(text)
    if total:
        facts.treatment_total = (int(total.group(1)), ctx.evidence(total.start(), total.end()))
    else:
        in_out = _TIME_IN_OUT.search(text)
        if in_out:
            minutes = _clock_minutes(in_out.group(4), in_out.group(5), in_out.group(6)) - _clock_minutes(
                in_out.group(1), in_out.group(2), in_out.group(3)
            )
            if minutes > 0:
                facts.treatment_total = (minutes, ctx.evidence(in_out.start(), in_out.end()))
    return facts


def _clock_minutes(hour: str, minute: str, half: str | None) -> int:
    value = int(hour) % 12 if half else int(hour)
    if half and half.lower() == "pm":
        value += 12
    return value * 60 + int(minute)


class UnitsParams(CheckParams):
    kind: Literal["timed", "untimed", "evaluation_minutes", "allocation"]


@register("billed_units", UnitsParams, "Billed units follow the 8-minute rule; untimed codes bill one unit.")
def check_units(ctx: NoteContext, params: UnitsParams, strictness: str) -> CheckResult:
    facts = collect_billing(ctx)
    if params.kind == "untimed":
        return _check_untimed(facts)
    if params.kind == "evaluation_minutes":
        return _check_evaluation_minutes(facts)
    if params.kind == "allocation":
        return _check_allocation(facts)
    return _check_timed(facts, strictness)


def _check_timed(facts: BillingFacts, strictness: str) -> CheckResult:
    timed = facts.timed_lines
    if not timed:
        return CheckResult(Status.NOT_APPLICABLE, [], "no timed CPT codes billed")
    minutes = facts.timed_minutes()
    spans = [line.span for line in timed]
    if minutes is None:
        return CheckResult(
            Status.NOT_APPLICABLE, spans, "timed codes billed but no timed minutes to check them"
        )
    billed = sum(line.units if line.units is not None else 1 for line in timed)
    allowed = allowed_units(minutes[0])
    detail = f"{billed} timed units billed; {minutes[0]} timed minutes allow {allowed}"
    evidence = sorted(spans + minutes[1], key=lambda item: item.start)
    if billed > allowed:
        return CheckResult(Status.MISSING, evidence, detail + " (over-billed)")
    if billed < allowed and strictness == "strict":
        return CheckResult(Status.PARTLY_MET, evidence, detail + " (under-billed)")
    return CheckResult(Status.MET, evidence, detail)


def _check_allocation(facts: BillingFacts) -> CheckResult:
    """Check per-code units against the CMS steps when every timed line gives minutes and units.

    Each full 15 minutes of a service earns it a unit. Units left over from the day's total go one
    each to the services with the most remaining minutes (ties may go either way).
    """
    timed = facts.timed_lines
    if len(timed) < 2 or any(line.minutes is None or line.units is None for line in timed):
        return CheckResult(
            Status.NOT_APPLICABLE, [], "per-code minutes and units not listed for two or more codes"
        )
    problems: list[BillingLine] = []
    extra_remainders: list[int] = []
    plain_remainders: list[int] = []
    for line in timed:
        minutes, units = line.minutes or 0, line.units or 0
        full, remainder = divmod(minutes, 15)
        if units < full or units > full + 1:
            problems.append(line)
        elif units == full + 1:
            extra_remainders.append(remainder)
        else:
            plain_remainders.append(remainder)
    if (
        not problems
        and extra_remainders
        and plain_remainders
        and min(extra_remainders) < max(plain_remainders)
    ):
        # A leftover unit went to a service with fewer remaining minutes than one that got none.
        problems = [line for line in timed if line.units == (line.minutes or 0) // 15 + 1]
    spans = [line.span for line in timed]
    if problems:
        codes = ", ".join(f"{line.code} {line.minutes} min x{line.units}" for line in problems)
        return CheckResult(
            Status.MISSING, [line.span for line in problems], f"units do not follow CMS allocation: {codes}"
        )
    return CheckResult(Status.MET, spans, "per-code units follow the CMS allocation")


def _check_untimed(facts: BillingFacts) -> CheckResult:
    untimed = facts.untimed_lines
    if not untimed:
        return CheckResult(Status.NOT_APPLICABLE, [], "no untimed CPT codes billed")
    over = [line for line in untimed if line.units is not None and line.units > 1]
    if over:
        codes = ", ".join(f"{line.code} x{line.units}" for line in over)
        return CheckResult(
            Status.MISSING, [line.span for line in over], f"untimed codes billed above one unit: {codes}"
        )
    return CheckResult(Status.MET, [line.span for line in untimed], "untimed codes billed as one unit")


def _check_evaluation_minutes(facts: BillingFacts) -> CheckResult:
    evaluations = [line for line in facts.lines if line.code in EVALUATION_CODES]
    if not evaluations:
        return CheckResult(Status.NOT_APPLICABLE, [], "no evaluation code billed")
    evaluation_minutes = sum(line.minutes or 0 for line in evaluations)
    timed_line_minutes = sum(line.minutes or 0 for line in facts.timed_lines)
    if facts.timed_total and evaluation_minutes:
        stated = facts.timed_total[0]
        if stated == timed_line_minutes + evaluation_minutes and stated != timed_line_minutes:
            spans = [facts.timed_total[1]] + [line.span for line in evaluations]
            return CheckResult(Status.MISSING, spans, "evaluation minutes were counted as timed minutes")
    return CheckResult(
        Status.MET, [line.span for line in evaluations], "evaluation minutes kept out of timed minutes"
    )


class TimeParams(CheckParams):
    field: Literal["timed", "total"]


@register("treatment_time", TimeParams, "Total timed minutes and total treatment time recorded and coherent.")
def check_time(ctx: NoteContext, params: TimeParams, strictness: str) -> CheckResult:
    facts = collect_billing(ctx)
    timed = facts.timed_minutes()
    if params.field == "timed":
        if timed is not None:
            return CheckResult(Status.MET, timed[1], f"{timed[0]} timed minutes recorded")
        return CheckResult(Status.MISSING, [], "no total timed-code minutes found")
    if facts.treatment_total is None:
        return CheckResult(Status.MISSING, [], "no total treatment time found")
    total, span = facts.treatment_total
    if timed is not None and total < timed[0]:
        detail = f"total treatment time {total} min is less than {timed[0]} timed minutes"
        return CheckResult(Status.MISSING, [span, *timed[1]], detail)
    return CheckResult(Status.MET, [span], f"total treatment time {total} min recorded")
