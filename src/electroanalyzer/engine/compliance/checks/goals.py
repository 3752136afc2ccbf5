"""Goal checks: each goal sentence measurable, time-bound, functional, or carrying a status."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from pydantic import Field

from electroanalyzer.engine.compliance.checks.base import CheckParams, CheckResult, Status, pick, register
from electroanalyzer.engine.compliance.context import Evidence, NoteContext
from electroanalyzer.engine.compliance.patterns import NUMBER, compile_exact

_UNIT = (
    r"(?:%|percent|degrees?|deg\b|°|ft\b|feet|foot|meters?|yards?|sec(?:onds?)?\b|minutes?|mins?\b|hours?"
    r"|reps?\b|repetitions|sets?\b|/10|/5|/\d+|x\b|times|trials|opportunities|lbs?\b|pounds|kg\b|inches"
    r"|steps|stairs|blocks|words|sentences|syllables|utterances|items|points?)"
)
MEASURABLE = compile_exact(
    r"(?i)(?:\b" + NUMBER + r"[\s-]*(?:-\s*\d+\s*)?" + _UNIT + r"|\b\d+\s*/\s*\d+\b|\b[0-5][+-]?/5\b"
    r"|\bindependen\w*|\bmod(?:ified)?\.? ?I\b|\bsupervision\b|\bSBA\b|\bCGA\b|contact guard"
    r"|\b(?:min(?:imal|imum)?|mod(?:erate)?|max(?:imal|imum)?)\.?\s*(?:A\b|assist\w*|cues?|cueing|verbal)"
    r"|\b(?:no|without|min(?:imal)?|occasional|frequent)\s+(?:verbal |visual |tactile )?cues?\b"
    r"|\baccuracy\b|\bWFL\b|\bWNL\b|\blevel [1-7]\b|\bIDDSI\b|\b(?:regular|soft|pureed?|mechanical soft) diet"
    r"|\bthin liquids\b)"
)
TIMEBOUND = compile_exact(
    r"(?i)(?:\b(?:in|within|by|over|after|x)\s+" + NUMBER + r"\s*(?:-\s*\d+\s*)?(?:wks?|weeks?|visits?|"
    r"sessions?|days?|months?|treatments?)\b|\bby\s+(?:discharge|d/c|the end of|\d{1,2}/\d{1,2})"
    r"|\[DATE\]|\b\d{1,2}/\d{1,2}/\d{2,4}\b|\b"
    + NUMBER
    + r"[- ](?:wks?|weeks?|visits?|sessions?|days?|months?)\b)"
)
FUNCTIONAL = compile_exact(
    r"(?i)\b(?:ambulat\w*|walk\w*|gait|climb\w*|stairs?|steps|transfer\w*|sit[- ]to[- ]stand|stand\w*|"
    r"dress\w*|don\w*|doff\w*|bath\w*|shower\w*|toilet\w*|groom\w*|feed\w*|eat\w*|meal\w*|cook\w*|"
    r"reach\w*|lift\w*|carry\w*|driv\w*|return to (?:work|sport|school|prior)|work\w*|household|chores|"
    r"communicat\w*|swallow\w*|tolerate (?:a |an )?\w* ?(?:diet|liquids|textures?|p\.?o\.?)|diet|"
    r"comprehen\w*|express\w*|convers\w*|speak\w*|speech|read\w*|writ\w*|recall\w*|memory|problem[- ]solv\w*|"
    r"ADLs?|IADLs?|self[- ]care|home exercise program|HEP|sleep\w*|sit\w*|bed mobility|community|leisure|"
    r"play\w*|answer\w*|name\w*|follow\w* (?:\w+ )?(?:commands|directions)|voice|phonat\w*|participat\w*)"
)
STATUS = compile_exact(
    r"(?i)\b(?:met|not met|partially met|unmet|progressing|achieved|not achieved|discontinued|ongoing|"
    r"reached|did reach|accomplished|did not accomplish|not completed|continuing|"
    r"goal (?:was )?(?:met|achieved)|(?:\d{1,3}|fifty|seventy|eighty|ninety) ?% (?:met|achieved)|"
    r"continu(?:e|ing) (?:goal|to progress))\b"
)
OVERALL_STATUS = compile_exact(
    r"(?i)\b(?:all (?:of )?(?:his |her |their |the )?(?:short|long)[- ]term (?:therapy )?goals|goals?)\s+"
    r"(?:were|was|have been|has been)\s+(?:not\s+|partially\s+)?(?:met|achieved|accomplished)\b"
    r"|\baccomplished (?:all(?: \d+| \w+)?|\w+(?: and a half)? out) of "
    r"(?:his |her |their )?(?:\w+ )?(?:short|long)[- ]term"
    r"|\bmet (?:his|her|their|the|all)(?: of)? (?:\w+ ){0,3}goals?\b"
)
_ITEM_START = compile_exact(r"(?m)^[ \t]*(?:\d{1,2}[.)]|[-*•]|(?:STG|LTG)\s*#?\d*\s*[:.)-]?)[ \t]*")
_GOAL_SENTENCE = compile_exact(r"(?i)\b(?:STG|LTG|goal)s?\b[^.\n]{0,200}\bwill\b[^.\n]{0,300}")

ASPECTS = {"measurable": MEASURABLE, "timebound": TIMEBOUND, "functional": FUNCTIONAL, "status": STATUS}
Aspect = Literal["measurable", "timebound", "functional", "status"]


@dataclass(frozen=True)
class Goal:
    start: int
    end: int
    header_start: int  # where the goal section header begins; its words can carry the time frame


def _items_in(text: str, start: int, end: int) -> list[tuple[int, int]]:
    starts = [match.start() for match in _ITEM_START.finditer(text, start, end)]
    if not starts:
        # A goal section written as prose is one goal with its explanation, not one goal per sentence.
        return [(start, end)]
    bounds = [*starts, end]
    return [(bounds[i], bounds[i + 1]) for i in range(len(starts))]


def find_goals(ctx: NoteContext) -> list[Goal]:
    goals: list[Goal] = []
    for section in ctx.sections_named(["goals"]):
        for start, stop in _items_in(ctx.text, section.body_start, section.end):
            item = ctx.text[start:stop].strip()
            if len(item) >= 12 and any(char.isalpha() for char in item):
                offset = ctx.text.index(item, start)
                goals.append(Goal(offset, offset + len(item), section.start))
    if goals:
        return goals
    return [Goal(m.start(), m.end(), m.start()) for m in _GOAL_SENTENCE.finditer(ctx.text)]


class GoalsParams(CheckParams):
    aspect: Aspect
    # Share of goals that must show the aspect for "met"; anything above zero is "partly_met".
    min_fraction: float | dict[str, float] = Field(
        default_factory=lambda: {"lenient": 0.5, "standard": 0.8, "strict": 1.0}
    )
    max_evidence: int = Field(default=6, ge=1, le=50)
    # Document types (such as a swallow-study report) where a note without goals is not a failure.
    optional_for: list[str] = Field(default_factory=list)


@register(
    "goals", GoalsParams, "Each goal sentence shows the aspect (measurable, time-bound, functional, status)."
)
def check_goals(ctx: NoteContext, params: GoalsParams, strictness: str) -> CheckResult:
    goals = find_goals(ctx)
    if not goals and params.aspect == "status":
        overall = OVERALL_STATUS.search(ctx.text)
        if overall:
            # "Goals were not achieved, as the patient was admitted ..." covers every goal at once; with
            # final measured values it meets the rule, without them it only partly does.
            evidence = [ctx.evidence(overall.start(), overall.end())]
            measures = [ctx.evidence(m.start(), m.end()) for m in MEASURABLE.finditer(ctx.text)]
            if measures:
                return CheckResult(
                    Status.MET, evidence + measures[:3], "status of all goals given, with final measures"
                )
            return CheckResult(
                Status.PARTLY_MET, evidence, "status of all goals given together, without final measures"
            )
    if not goals:
        if ctx.document_type in params.optional_for:
            return CheckResult(
                Status.NOT_APPLICABLE, [], f"no goals, which a {ctx.document_type} need not have"
            )
        return CheckResult(Status.MISSING, [], "no goals found")
    pattern = ASPECTS[params.aspect]
    passing: list[Evidence] = []
    failing: list[Evidence] = []
    for goal in goals:
        has_aspect = pattern.search(ctx.text, goal.start, goal.end) is not None
        if not has_aspect and params.aspect == "timebound":
            # "SHORT-TERM GOALS TO BE COMPLETED IN 3 WEEKS:" sets the time frame of every goal below it.
            header_end = ctx.text.find("\n", goal.header_start)
            header_end = goal.start if header_end < 0 or header_end > goal.start else header_end
            has_aspect = pattern.search(ctx.text, goal.header_start, header_end) is not None
        (passing if has_aspect else failing).append(ctx.evidence(goal.start, goal.end))

    fraction = len(passing) / len(goals)
    detail = f"{len(passing)} of {len(goals)} goals are {params.aspect.replace('timebound', 'time-bound')}"
    if fraction >= pick(params.min_fraction, strictness):
        return CheckResult(Status.MET, passing[: params.max_evidence], detail)
    status = Status.PARTLY_MET if passing else Status.MISSING
    return CheckResult(status, failing[: params.max_evidence], detail + "; quoted goals lack it")
