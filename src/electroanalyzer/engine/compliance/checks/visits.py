"""Visit-count check: a progress report at least every 10 treatment days."""

from __future__ import annotations

from pydantic import Field

from electroanalyzer.engine.compliance.checks.base import CheckParams, CheckResult, Status, register
from electroanalyzer.engine.compliance.context import NoteContext
from electroanalyzer.engine.compliance.patterns import NUMBER, compile_exact, parse_number

VISIT_NUMBER = compile_exact(
    r"(?i)(?:\bvisit\s*(?:#|number|no\.?)?\s*:?\s*(\d{1,3})\b|\b(\d{1,3})(?:st|nd|rd|th)\s+(?:visit|session|treatment)\b"
    r"|\b(?:visits?|sessions?|treatments?)\s+(?:to date|completed|attended)\s*:?\s*" + NUMBER + r"\b"
    r"|\battended\s+" + NUMBER + r"\s+(?:[a-z-]+\s+){0,4}(?:sessions|visits|treatments)\b"
    r"|\bnumber of (?:sessions|visits)(?: completed| attended)?\s*:?\s*" + NUMBER + r"\b"
    r"|\b" + NUMBER + r"\s+(?:[a-z-]+\s+){0,3}(?:sessions|visits)\s+(?:were\s+)?(?:completed|attended)\b)"
)
SINCE_REPORT = compile_exact(
    r"(?i)\b(?:visits?|treatment days?|sessions?)\s+since\s+(?:the\s+)?(?:last|previous)\s+"
    r"(?:progress (?:report|note)|PR|re-?evaluation)\s*:?\s*" + NUMBER + r"\b"
)
REPORT_MENTION = compile_exact(r"(?i)\b(?:progress (?:report|note)|re-?assessment|re-?evaluation)\b")


class VisitsParams(CheckParams):
    max_treatment_days: int = Field(default=10, ge=1, le=60)


def _number(match: object) -> int | None:
    for group in match.groups():  # type: ignore[attr-defined]
        if group:
            return parse_number(group)
    return None


@register(
    "progress_interval", VisitsParams, "No more than max_treatment_days treatment days between reports."
)
def check_progress_interval(ctx: NoteContext, params: VisitsParams, strictness: str) -> CheckResult:
    limit = params.max_treatment_days
    since = SINCE_REPORT.search(ctx.text)
    if since:
        count = _number(since) or 0
        evidence = [ctx.evidence(since.start(), since.end())]
        if count > limit:
            return CheckResult(
                Status.MISSING, evidence, f"{count} treatment days since the last report, over {limit}"
            )
        return CheckResult(Status.MET, evidence, f"{count} treatment days since the last report")
    counts = [(n, m) for m in VISIT_NUMBER.finditer(ctx.text) if (n := _number(m)) is not None]
    if not counts:
        return CheckResult(Status.NOT_APPLICABLE, [], "no visit count found")
    count, match = max(counts, key=lambda pair: pair[0])
    evidence = [ctx.evidence(match.start(), match.end())]
    if count <= limit:
        return CheckResult(Status.MET, evidence, f"{count} visits, within {limit}")
    if ctx.document_type in {"progress_report", "discharge_summary", "re_evaluation", "recertification"}:
        detail = f"{count} visits in this report; a report is due every {limit} treatment days"
        return CheckResult(Status.PARTLY_MET, evidence, detail + "; confirm earlier reports exist")
    if REPORT_MENTION.search(ctx.text):
        return CheckResult(
            Status.PARTLY_MET, evidence, f"visit {count}; confirm the last report is within {limit} days"
        )
    return CheckResult(Status.MISSING, evidence, f"visit {count} with no progress report mentioned")
