"""Compiled text patterns shared by the compliance checks.

Every pattern runs on RE2 (linear time, no backtracking), so a hostile note cannot stall a
check. Patterns from rubrics are compiled once through ``compile_pattern``, which caches them
for the life of the process; the per-note path only looks compiled patterns up.
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any

import re2

MAX_PATTERN_LENGTH = 2000


class PatternError(ValueError):
    """A rubric pattern that RE2 cannot compile or that is too long."""


@functools.lru_cache(maxsize=4096)
def compile_pattern(pattern: str) -> Any:
    """Compile a case-insensitive RE2 pattern, raising PatternError with the reason."""
    if len(pattern) > MAX_PATTERN_LENGTH:
        raise PatternError(f"pattern is longer than {MAX_PATTERN_LENGTH} characters")
    try:
        return re2.compile("(?i)" + pattern)
    except re2.error as exc:
        raise PatternError(f"invalid pattern {pattern!r}: {exc}") from exc


@functools.lru_cache(maxsize=2048)
def compile_any(patterns: tuple[str, ...]) -> Any:
    """Compile one case-insensitive pattern matching any of the given rubric patterns.

    One scan per group of patterns is much cheaper than one per pattern, because the RE2 wrapper
    re-encodes the whole note on every call. Each pattern was validated alone at rubric load.
    """
    return re2.compile("(?i)" + "|".join(f"(?:{pattern})" for pattern in patterns))


def compile_exact(pattern: str) -> Any:
    """Compile a case-sensitive RE2 pattern (credentials and codes are case-sensitive)."""
    return re2.compile(pattern)


MONTHS = {
    name: index
    for index, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}

DATE = compile_pattern(
    r"\b(?:(\d{1,2})[/-](\d{1,2})[/-](\d{2}|\d{4})|(\d{4})-(\d{2})-(\d{2})"
    r"|(jan|feb|mar|apr|may|jun|jul|aug|sept?|oct|nov|dec)[a-z]*\.?\s+(\d{1,2}),?\s+(\d{4}))\b"
)
# Redaction replaces dates with a tag; a tag still shows that a date was written there.
DATE_TAG = compile_exact(r"\[(?:DATE|DATE_TIME)(?:[_-]?\d+)?\]|<DATE(?:_TIME)?>")

NUMBER_WORDS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "twenty": 20,
    "thirty": 30,
}
NUMBER = r"(\d{1,3}|" + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True)) + ")"


def parse_number(token: str) -> int | None:
    """Parse a small cardinal written as digits or as an English word."""
    token = token.lower()
    if token.isdigit():
        return int(token)
    return NUMBER_WORDS.get(token)


def parse_date(match: Any) -> dt.date | None:
    """Turn a DATE match into a date; two-digit years are read as 20xx below 70, else 19xx."""
    groups = match.groups()
    try:
        if groups[0]:
            month, day, year = int(groups[0]), int(groups[1]), int(groups[2])
        elif groups[3]:
            year, month, day = int(groups[3]), int(groups[4]), int(groups[5])
        else:
            month = MONTHS[groups[6].lower()]
            day, year = int(groups[7]), int(groups[8])
        if year < 100:
            year += 2000 if year < 70 else 1900
        return dt.date(year, month, day)
    except (ValueError, KeyError, TypeError):
        return None
