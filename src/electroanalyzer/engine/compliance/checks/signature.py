"""Signature checks: an authenticated entry, professional credentials and a date near the end."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from electroanalyzer.engine.compliance.checks.base import CheckParams, CheckResult, Status, register
from electroanalyzer.engine.compliance.context import Evidence, NoteContext
from electroanalyzer.engine.compliance.patterns import DATE_TAG, compile_exact

CLINICIAN_CREDENTIALS = r"DPT|MPT|PT|OTR/L|OTR|OTD|OT|CCC-SLP|SLP|MD|DO|NP|PA-C|CNS|DPM"
ASSISTANT_CREDENTIALS = r"PTA|COTA/L|COTA|OTA|SLP-?A"

SIGNATURE_CUE = compile_exact(
    r"(?i)(?:electronically signed|digitally signed|e-?signed|signed (?:by|on)\b|signed\s*:|/s/"
    r"|signature\s*:|therapist signature|authenticated by|co-?signed by)"
)
WEAK_SIGNATURE = compile_exact(r"(?i)(?:signature on file|rubber stamp(?:ed)?|stamped signature)")
CREDENTIAL = compile_exact(
    r"(?:\]|[A-Za-z.])\s*,\s*((?:"
    + ASSISTANT_CREDENTIALS
    + "|"
    + CLINICIAN_CREDENTIALS
    + r")(?:\s*,\s*(?:"
    + ASSISTANT_CREDENTIALS
    + "|"
    + CLINICIAN_CREDENTIALS
    + r"|MS|MA|MOT|MSPT|ATC|CHT|CSCS|OCS|NCS))*)\b"
)
ASSISTANT_ONLY = compile_exact(r"^(?:" + ASSISTANT_CREDENTIALS + r")(?:\s*,\s*(?:MS|MA|BS|BA))*$")
DATE_LABEL = compile_exact(r"(?i)\b(?:date(?: signed)?|signed on|dated)\s*:?\s*\S")

UNSIGNED_DATE_CHARS = 120

Requirement = Literal["signature", "credentials", "date"]


class SignatureParams(CheckParams):
    require: list[Requirement] = Field(min_length=1, max_length=3)
    # How far from the end of the note the signature block may start.
    tail_chars: int = Field(default=600, ge=80, le=20000)


def _tail_evidence(ctx: NoteContext, pattern: object, start: int, group: int = 0) -> list[Evidence]:
    found = []
    for match in pattern.finditer(ctx.text, start, len(ctx.text)):  # type: ignore[attr-defined]
        found.append(ctx.evidence(match.start(group), match.end(group)))
    return found


def find_credentials(ctx: NoteContext, tail_chars: int) -> list[Evidence]:
    return _tail_evidence(ctx, CREDENTIAL, ctx.tail_start(tail_chars), group=1)


@register("signature", SignatureParams, "A signature block near the end with credentials and a date.")
def check_signature(ctx: NoteContext, params: SignatureParams, strictness: str) -> CheckResult:
    start = ctx.tail_start(params.tail_chars)
    credentials = find_credentials(ctx, params.tail_chars)
    cues = _tail_evidence(ctx, SIGNATURE_CUE, start)
    weak = _tail_evidence(ctx, WEAK_SIGNATURE, start)
    # Without a signature line the entry date is the closing line, not a date of service in the narrative.
    date_start = start if cues or credentials else max(start, len(ctx.text) - UNSIGNED_DATE_CHARS)
    dates = [ctx.evidence(token.start, token.end) for token in ctx.dates_between(date_start, len(ctx.text))]
    dates += _tail_evidence(ctx, DATE_TAG, date_start)
    # The dates nearest the end belong to the signature, so those are the ones quoted.
    dates = sorted(set(dates), key=lambda item: item.start)[-2:]
    if not dates and cues:
        dates = _tail_evidence(ctx, DATE_LABEL, start)

    found: dict[str, list[Evidence]] = {
        # A typed name with credentials at the end is an electronic signature in most EMR exports.
        "signature": cues or credentials,
        "credentials": credentials,
        "date": dates,
    }
    met = [item for item in params.require if found[item]]
    lacking = [item for item in params.require if not found[item]]
    evidence = sorted({item for name in met for item in found[name]}, key=lambda item: item.start)

    if "signature" in params.require and not found["signature"] and weak:
        return CheckResult(
            Status.PARTLY_MET, weak, "only 'signature on file' or a stamp authenticates the entry"
        )
    if not lacking:
        return CheckResult(Status.MET, evidence, "found: " + ", ".join(met))
    if met:
        return CheckResult(Status.PARTLY_MET, evidence, "not found near the end: " + ", ".join(lacking))
    return CheckResult(Status.MISSING, [], "not found near the end: " + ", ".join(lacking))


class AuthorParams(CheckParams):
    tail_chars: int = Field(default=600, ge=80, le=20000)


@register(
    "author_is_clinician", AuthorParams, "The signing author is a therapist or physician, not an assistant."
)
def check_author_is_clinician(ctx: NoteContext, params: AuthorParams, strictness: str) -> CheckResult:
    credentials = find_credentials(ctx, params.tail_chars)
    if not credentials:
        return CheckResult(Status.NOT_APPLICABLE, [], "no signing credentials found")
    clinician = [item for item in credentials if not ASSISTANT_ONLY.search(item.text)]
    if clinician:
        return CheckResult(Status.MET, clinician, "signed by a clinician")
    return CheckResult(Status.MISSING, credentials, "signed only by an assistant")
