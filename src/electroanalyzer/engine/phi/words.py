"""Runs of capitalized words: the candidates that the name and place recognizers judge."""

from dataclasses import dataclass

import re2

from electroanalyzer.engine.phi.lexicons import Lexicons, fold
from electroanalyzer.engine.phi.patterns import OPTIONS

WORD = re2.compile(r"\p{L}[\p{L}\p{M}'’-]*", OPTIONS)
# Lowercase words that may sit inside a person's or a place's name.
PARTICLES = frozenset(
    {
        "van",
        "von",
        "der",
        "den",
        "de",
        "du",
        "da",
        "di",
        "del",
        "della",
        "dos",
        "das",
        "la",
        "le",
        "bin",
        "ibn",
        "al",
    }
)
MAX_RUN_WORDS = 6


@dataclass(frozen=True)
class Word:
    start: int
    end: int
    text: str
    folded: str

    @property
    def is_initial(self) -> bool:
        return len(self.text) == 1 and self.text.isupper()

    @property
    def is_all_caps(self) -> bool:
        return len(self.text) > 1 and self.text.isupper()

    @property
    def is_capitalized(self) -> bool:
        return self.text[0].isupper()

    def is_common(self, lexicons: Lexicons) -> bool:
        return self.folded in lexicons.common_words


def _joins(text: str, left: Word, right: Word) -> bool:
    """Return True when two words are separated only as words inside one name are."""
    gap = text[left.end : right.start]
    if gap == " ":
        return True
    return left.is_initial and gap in (". ", ".")


def capitalized_runs(text: str) -> list[list[Word]]:
    """Split the text into runs of adjacent capitalized words, keeping name particles inside."""
    runs: list[list[Word]] = []
    current: list[Word] = []
    for match in WORD.finditer(text):
        start, end = match.span()
        if text[end - 2 : end] in ("'s", "’s"):
            end -= 2  # The possessive ending is not part of the name.
        word = Word(start, end, text[start:end], fold(text[start:end]))
        joined = bool(current) and _joins(text, current[-1], word) and len(current) < MAX_RUN_WORDS
        if word.is_capitalized:
            if not joined and current:
                runs.append(current)
                current = []
            current.append(word)
        elif word.folded in PARTICLES and joined:
            current.append(word)
        elif current:
            runs.append(current)
            current = []
    if current:
        runs.append(current)
    return [_strip_particles(run) for run in runs if any(word.is_capitalized for word in run)]


def _strip_particles(run: list[Word]) -> list[Word]:
    while run and not run[-1].is_capitalized:
        run = run[:-1]
    return run
