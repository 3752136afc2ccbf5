"""Small Jinja2 filters for dates, scores and labels shown on the pages."""

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

DISCIPLINE_NAMES = {
    "PT": "Physical therapy",
    "OT": "Occupational therapy",
    "SLP": "Speech-language pathology",
}
DOCUMENT_TYPE_NAMES = {
    "evaluation": "Evaluation",
    "re_evaluation": "Re-evaluation",
    "daily_note": "Daily note",
    "progress_report": "Progress report",
    "recertification": "Recertification",
    "discharge_summary": "Discharge summary",
    "swallow_study": "Swallow study",
}
STATUS_NAMES = {
    "met": "Met",
    "partly_met": "Partly met",
    "missing": "Missing",
    "not_applicable": "Not applicable",
}


def format_datetime(value: Any) -> str:
    """Format a datetime (or ISO string) as `2026-12-04 19:48 UTC`; empty for None."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return str(value)


def format_date(value: Any) -> str:
    text = format_datetime(value)
    return text[:10]


def format_score(value: Any) -> str:
    if value is None:
        return "–"
    # One decimal, as the text, HTML, PDF and JSON reports show it.
    return f"{float(value):.1f}"


def score_band(value: Any) -> str:
    """Name the band a score falls in, so the meaning never depends on colour."""
    if value is None:
        return "not scored"
    score = float(value)
    if score >= 85:
        return "strong"
    if score >= 70:
        return "adequate"
    if score >= 50:
        return "needs work"
    return "at risk"


def discipline_name(value: Any) -> str:
    return DISCIPLINE_NAMES.get(str(value), str(value or "Unknown"))


def document_type_name(value: Any) -> str:
    return DOCUMENT_TYPE_NAMES.get(str(value), str(value or "Unknown").replace("_", " ").capitalize())


def status_name(value: Any) -> str:
    return STATUS_NAMES.get(str(value), str(value).replace("_", " ").capitalize())


def title_case(value: Any) -> str:
    return str(value).replace("_", " ").capitalize()


FILTERS: dict[str, Callable[..., Any]] = {
    "datetime": format_datetime,
    "date": format_date,
    "score": format_score,
    "score_band": score_band,
    "discipline_name": discipline_name,
    "document_type_name": document_type_name,
    "status_name": status_name,
    "title_case": title_case,
}
