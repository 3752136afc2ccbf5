"""The note as the checks see it: redacted text, sections, discipline and document type."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from electroanalyzer.engine.compliance.negation import Polarity, polarity
from electroanalyzer.engine.compliance.patterns import DATE, parse_date
from electroanalyzer.engine.compliance.sections import Section, find_sections


@dataclass(frozen=True, slots=True)
class Evidence:
    """A quoted span of the analyzed (redacted) text; start and end are character offsets."""

    start: int
    end: int
    text: str

    def to_dict(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "text": self.text}


@dataclass(frozen=True, slots=True)
class Hit:
    """A pattern match with the way the note asserts it."""

    start: int
    end: int
    polarity: Polarity


@dataclass(frozen=True, slots=True)
class DateToken:
    """A date in the analyzed text: written out, or a redacted date whose value the pipeline kept."""

    start: int
    end: int
    value: dt.date


@dataclass
class NoteContext:
    """Everything a check may read about one note.

    ``redacted_dates`` maps each redacted date span (start, end in the redacted text) to the date it
    replaced. Date checks need the values to count days, but only the day counts reach a finding,
    and the evidence quotes the redaction tag.
    """

    text: str
    discipline: str
    document_type: str
    sections: list[Section] = field(default_factory=list)
    redacted_dates: dict[tuple[int, int], dt.date] = field(default_factory=dict)
    _date_tokens: list[DateToken] | None = field(default=None, repr=False)

    @classmethod
    def build(
        cls,
        text: str,
        discipline: str,
        document_type: str,
        redacted_dates: dict[tuple[int, int], dt.date] | None = None,
    ) -> NoteContext:
        return cls(
            text=text,
            discipline=discipline,
            document_type=document_type,
            sections=find_sections(text),
            redacted_dates=redacted_dates or {},
        )

    def date_tokens(self) -> list[DateToken]:
        """Return every date in the text in order, computing the list once per note."""
        if self._date_tokens is None:
            tokens = [DateToken(start, end, value) for (start, end), value in self.redacted_dates.items()]
            for match in DATE.finditer(self.text):
                value = parse_date(match)
                if value is not None and (match.start(), match.end()) not in self.redacted_dates:
                    tokens.append(DateToken(match.start(), match.end(), value))
            self._date_tokens = sorted(tokens, key=lambda token: token.start)
        return self._date_tokens

    def dates_between(self, start: int, end: int) -> list[DateToken]:
        return [token for token in self.date_tokens() if start <= token.start < end]

    def evidence(self, start: int, end: int) -> Evidence:
        return Evidence(start=start, end=end, text=self.text[start:end])

    def sections_named(self, names: Iterable[str]) -> list[Section]:
        wanted = set(names)
        return [section for section in self.sections if section.name in wanted]

    def regions(self, names: Iterable[str] | None, *, fallback: bool = True) -> list[tuple[int, int]]:
        """Return the (start, end) spans of the named sections, or the whole text.

        With no names, or when none of the named sections exist and ``fallback`` is true, the
        whole text is one region, so a note without headers is still checked.
        """
        if not names:
            return [(0, len(self.text))]
        found = [(section.start, section.end) for section in self.sections_named(names)]
        if found:
            return found
        return [(0, len(self.text))] if fallback else []

    def hits(self, pattern: Any, regions: list[tuple[int, int]]) -> Iterator[Hit]:
        for start, end in regions:
            for match in pattern.finditer(self.text, start, end):
                if match.end() > match.start():
                    yield Hit(match.start(), match.end(), polarity(self.text, match.start(), match.end()))

    def tail_start(self, chars: int) -> int:
        """Offset where the signature area begins: the signature section or the last chars."""
        signature_sections = self.sections_named(["signature"])
        if signature_sections:
            return min(signature_sections[-1].start, max(0, len(self.text) - chars))
        return max(0, len(self.text) - chars)
