"""Negation and hedging around a match.

"No goals were established" mentions goals but states the opposite, and "unable to assess"
mentions an assessment that did not happen. The check looks at the few words before the
match and just after it inside the same clause, which is how NegEx-style detectors work.
"""

from __future__ import annotations

from enum import StrEnum

from electroanalyzer.engine.compliance.patterns import compile_exact

_CLAUSE_BREAK = frozenset(".;:\n!?")
_WINDOW_CHARS = 48

_NEGATION_BEFORE = compile_exact(
    r"(?i)\b(?:no|not|never|none|without|denies|denied|negative for|absence of|absent|lacks?|lack of"
    r"|unable to|could not|cannot|can't|did not|does not|was not|were not|has not|have not|n/a)\b[^.;:\n]*$"
)
_NEGATION_AFTER = compile_exact(
    r"(?i)^[^.;:\n]{0,30}?\b(?:not (?:established|assessed|tested|completed|performed|documented|set|"
    r"provided|indicated|done|obtained|available)|none|deferred|n/a|not applicable)\b"
)
_HEDGE = compile_exact(
    r"(?i)\b(?:may|might|possibly|possible|probably|likely|questionable|unclear|uncertain|to be determined"
    r"|tbd|consider(?:ing)?|appears to|suspected|unknown)\b"
)


class Polarity(StrEnum):
    """Assertion state of a matched phrase in its clause."""

    AFFIRMED = "affirmed"
    NEGATED = "negated"
    HEDGED = "hedged"


def _clause_before(text: str, start: int) -> str:
    window_start = max(0, start - _WINDOW_CHARS)
    before = text[window_start:start]
    for index in range(len(before) - 1, -1, -1):
        if before[index] in _CLAUSE_BREAK:
            return before[index + 1 :]
    return before


def _clause_after(text: str, end: int) -> str:
    after = text[end : end + _WINDOW_CHARS]
    # A header colon ("Goals: none") belongs to the phrase, not to a new clause.
    stripped = after.lstrip(" \t:-")
    after = stripped if len(after) - len(stripped) <= 4 else after
    for index, char in enumerate(after):
        if char in _CLAUSE_BREAK:
            return after[:index]
    return after


def polarity(text: str, start: int, end: int) -> Polarity:
    """Classify the phrase text[start:end] as affirmed, negated or hedged in its clause."""
    before = _clause_before(text, start)
    after = _clause_after(text, end)
    if _NEGATION_BEFORE.search(before) or _NEGATION_AFTER.search(after):
        return Polarity.NEGATED
    if _HEDGE.search(before) or _HEDGE.search(after[:20]):
        return Polarity.HEDGED
    return Polarity.AFFIRMED
