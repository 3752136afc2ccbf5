"""Coding checks: discipline modifiers (GP, GO, GN) match the discipline of the note."""

from __future__ import annotations

from electroanalyzer.engine.compliance.checks.base import CheckParams, CheckResult, Status, register
from electroanalyzer.engine.compliance.context import NoteContext
from electroanalyzer.engine.compliance.patterns import compile_exact

DISCIPLINE_MODIFIER = {"PT": "GP", "OT": "GO", "SLP": "GN"}
_MODIFIER = compile_exact(
    r"(?:\b(?:97\d{3}|92\d{3}|G\d{4})\s*[-, /]\s*(?:[A-Z0-9]{2}\s*[-, /]\s*)?"
    r"|(?i:\bmodifiers?\s*:?\s*))(GP|GO|GN)\b"
)


class ModifierParams(CheckParams):
    pass


@register("discipline_modifier", ModifierParams, "Listed GP/GO/GN modifiers match the note's discipline.")
def check_discipline_modifier(ctx: NoteContext, params: ModifierParams, strictness: str) -> CheckResult:
    expected = DISCIPLINE_MODIFIER.get(ctx.discipline)
    found = [(m.group(1), ctx.evidence(m.start(1), m.end(1))) for m in _MODIFIER.finditer(ctx.text)]
    if not found or expected is None:
        return CheckResult(Status.NOT_APPLICABLE, [], "no discipline modifiers listed")
    wrong = [span for modifier, span in found if modifier != expected]
    if wrong:
        quoted = ", ".join(sorted({span.text for span in wrong}))
        return CheckResult(
            Status.MISSING, wrong, f"{quoted} listed on a {ctx.discipline} note; expected {expected}"
        )
    return CheckResult(Status.MET, [span for _, span in found], f"{expected} modifiers match the discipline")
