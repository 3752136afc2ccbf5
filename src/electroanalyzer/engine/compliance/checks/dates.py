"""Date checks: certification within 30 days of the first treatment, labelled late entries."""

from __future__ import annotations

import datetime as dt

from pydantic import Field

from electroanalyzer.engine.compliance.checks.base import CheckParams, CheckResult, Status, register
from electroanalyzer.engine.compliance.context import Evidence, NoteContext
from electroanalyzer.engine.compliance.patterns import DATE, DATE_TAG, compile_exact

FIRST_TREATMENT = compile_exact(
    r"(?i)\b(?:date of (?:initial )?(?:evaluation|eval|service)|initial evaluation date|evaluation date|"
    r"start of care|SOC|DOS|first (?:treatment|visit)(?: date)?)\b\s*[:=-]?\s*"
)
CERTIFICATION = compile_exact(
    r"(?i)\b(?:(?:physician|NPP|physician/NPP|referring provider)(?:'s)? signature|"
    r"certified (?:on|by)|certification (?:signed|date)|"
    r"plan (?:of care )?signed(?: by (?:the )?physician)?(?: on)?|date certified)\b"
)
VERBAL_ORDER = compile_exact(r"(?i)\b(?:verbal order|telephone order|VO)\b")
AMENDMENT = compile_exact(
    r"(?i)\b(?:addendum|late entry|amendment|correction to|corrected entry|delayed entry)\b"
)
ORIGINAL_REFERENCE = compile_exact(
    r"(?i)\b(?:original (?:note|entry)|date of service|DOS|note dated|visit (?:on|of|dated)"
    r"|for the (?:visit|session) on|refers to)\b"
)
AUDIT_TRIGGER = compile_exact(
    r"(?i)\b(?:per ADR|per audit request|after (?:the )?ADR|requested by (?:the )?auditor)\b"
)
AUTHOR = compile_exact(
    r"(?:\]|[A-Za-z.])\s*,\s*(?:DPT|PT|PTA|OTR/L|OTR|OT|COTA|OTA|CCC-SLP|SLP)\b|(?i:\bby\s+\S+)"
)


def _date_after(ctx: NoteContext, match: object, window: int = 40) -> tuple[dt.date, Evidence] | None:
    start, end = match.start(), match.end()  # type: ignore[attr-defined]
    tokens = ctx.dates_between(end, end + window)
    if not tokens:
        return None
    return tokens[0].value, ctx.evidence(start, tokens[0].end)


class CertificationParams(CheckParams):
    max_days: int = Field(default=30, ge=1, le=366)
    verbal_order_days: int = Field(default=14, ge=1, le=90)


@register(
    "certification_timing", CertificationParams, "Certification dated within max_days of the first treatment."
)
def check_certification_timing(ctx: NoteContext, params: CertificationParams, strictness: str) -> CheckResult:
    first = next((found for m in FIRST_TREATMENT.finditer(ctx.text) if (found := _date_after(ctx, m))), None)
    signed = next(
        (found for m in CERTIFICATION.finditer(ctx.text) if (found := _date_after(ctx, m, 60))), None
    )
    if first is None or signed is None:
        return CheckResult(Status.NOT_APPLICABLE, [], "first treatment date or certification date not found")
    days = (signed[0] - first[0]).days
    evidence = [first[1], signed[1]]
    limit = params.max_days
    if days <= limit:
        return CheckResult(Status.MET, evidence, f"certified {days} days after the first treatment")
    if VERBAL_ORDER.search(ctx.text):
        return CheckResult(
            Status.PARTLY_MET, evidence, f"certified {days} days later; a verbal order is noted"
        )
    return CheckResult(
        Status.MISSING, evidence, f"certified {days} days after the first treatment, over {limit}"
    )


class AmendmentParams(CheckParams):
    pass


@register(
    "amendment_labelled",
    AmendmentParams,
    "Addenda and late entries are labelled, dated, signed and refer back.",
)
def check_amendment(ctx: NoteContext, params: AmendmentParams, strictness: str) -> CheckResult:
    label = AMENDMENT.search(ctx.text)
    if label is None:
        return CheckResult(Status.NOT_APPLICABLE, [], "no addendum or late entry")
    start = label.start()
    evidence = [ctx.evidence(label.start(), label.end())]
    trigger = AUDIT_TRIGGER.search(ctx.text)
    if trigger:
        evidence.append(ctx.evidence(trigger.start(), trigger.end()))
        return CheckResult(Status.MISSING, evidence, "the entry was added after an audit request")
    parts = {
        "date": DATE.search(ctx.text, start) or DATE_TAG.search(ctx.text, start),
        "author": AUTHOR.search(ctx.text, start),
        "reference to the original entry": ORIGINAL_REFERENCE.search(ctx.text),
    }
    lacking = [name for name, match in parts.items() if match is None]
    evidence += [ctx.evidence(m.start(), m.end()) for m in parts.values() if m is not None]
    if not lacking:
        return CheckResult(Status.MET, evidence, "labelled, dated, signed and linked to the original")
    return CheckResult(Status.PARTLY_MET, evidence, "addendum lacks: " + ", ".join(lacking))
