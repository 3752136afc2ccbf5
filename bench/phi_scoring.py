"""Span scoring shared by the PHI benchmarks: type families, coverage, recall and precision.

A gold span counts as found when predictions of a compatible type cover at least half of its
non-space characters. A prediction counts as correct when at least half of its characters lie
in gold spans of a compatible type; a prediction that lies in a gold span of an out-of-scope
type (organizations, titles, credit cards ...) counts neither way.

The lenient scoring (``lenient=True``) ignores types and coverage: a gold span counts as found
when any prediction overlaps it by one character, and a prediction counts as correct when it
overlaps any gold span (else, when it overlaps an out-of-scope span, neither way). It exists
to compare with figures measured under looser rules.
"""

from collections import Counter
from dataclasses import dataclass, field

COVERAGE = 0.5
LOCATION = frozenset({"STREET_ADDRESS", "GPE", "ZIP_CODE", "LOCATION"})
PHONE = frozenset({"PHONE_NUMBER", "FAX_NUMBER"})
IDENTIFIER = frozenset(
    {
        "MEDICAL_RECORD_NUMBER", "HEALTH_PLAN_NUMBER", "ACCOUNT_NUMBER", "LICENSE_NUMBER", "DEVICE_ID",
        "VEHICLE_ID", "OTHER_ID", "US_DRIVER_LICENSE", "US_BANK_NUMBER", "US_PASSPORT", "US_ITIN",
        "MEDICAL_LICENSE", "CREDIT_CARD", "IBAN_CODE", "CRYPTO", "UK_NHS",
    }
)  # fmt: skip
WEB = frozenset({"URL", "DOMAIN_NAME", "EMAIL_ADDRESS"})


def family(entity_type: str) -> str:
    """Return the group of types that may stand for one another when scoring."""
    for name, members in (("LOCATION", LOCATION), ("PHONE", PHONE), ("IDENTIFIER", IDENTIFIER)):
        if entity_type in members:
            return name
    if entity_type in ("URL", "DOMAIN_NAME"):
        return "URL"
    return entity_type


@dataclass(frozen=True)
class Span:
    type: str
    start: int
    end: int


@dataclass
class Tally:
    gold: Counter[str] = field(default_factory=Counter)
    found: Counter[str] = field(default_factory=Counter)
    predicted: Counter[str] = field(default_factory=Counter)
    correct: Counter[str] = field(default_factory=Counter)
    neutral: Counter[str] = field(default_factory=Counter)

    def recall(self, entity_type: str) -> float | None:
        total = self.gold[entity_type]
        return self.found[entity_type] / total if total else None

    def overall_recall(self) -> float:
        total = sum(self.gold.values())
        return sum(self.found.values()) / total if total else 0.0

    def precision(self, entity_type: str | None = None) -> float | None:
        if entity_type is None:
            scored = sum(self.predicted.values()) - sum(self.neutral.values())
            return sum(self.correct.values()) / scored if scored else None
        scored = self.predicted[entity_type] - self.neutral[entity_type]
        return self.correct[entity_type] / scored if scored else None


def _covered(text: str, span: Span, predictions: list[Span]) -> float:
    positions = [index for index in range(span.start, span.end) if not text[index].isspace()]
    if not positions:
        return 1.0
    wanted = family(span.type)
    hit = sum(
        1
        for index in positions
        if any(p.start <= index < p.end and family(p.type) == wanted for p in predictions)
    )
    return hit / len(positions)


def _inside(prediction: Span, spans: list[Span], *, same_family: bool) -> float:
    length = prediction.end - prediction.start
    wanted = family(prediction.type)
    inside = sum(
        1
        for index in range(prediction.start, prediction.end)
        if any(g.start <= index < g.end and (not same_family or family(g.type) == wanted) for g in spans)
    )
    return inside / length if length else 0.0


def _overlaps(span: Span, others: list[Span]) -> bool:
    return any(span.start < other.end and other.start < span.end for other in others)


def score_document(
    tally: Tally,
    text: str,
    gold: list[Span],
    excluded: list[Span],
    predictions: list[Span],
    *,
    lenient: bool = False,
) -> None:
    """Add one document's gold spans and predictions to the tally (strict rules unless lenient)."""
    for span in gold:
        tally.gold[span.type] += 1
        found = _overlaps(span, predictions) if lenient else _covered(text, span, predictions) >= COVERAGE
        if found:
            tally.found[span.type] += 1
    for prediction in predictions:
        tally.predicted[prediction.type] += 1
        correct = (
            _overlaps(prediction, gold)
            if lenient
            else _inside(prediction, gold, same_family=True) >= COVERAGE
        )
        if correct:
            tally.correct[prediction.type] += 1
        elif (
            _overlaps(prediction, excluded)
            if lenient
            else _inside(prediction, excluded, same_family=False) >= COVERAGE
        ):
            tally.neutral[prediction.type] += 1


def fmt(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"
