"""Runs of capitalized words: the candidates that the name and place recognizers judge."""

import functools
from dataclasses import dataclass

import re2
from spacy.lang.en.stop_words import STOP_WORDS

from electroanalyzer.engine.phi.lexicons import Lexicons, fold
from electroanalyzer.engine.phi.patterns import OPTIONS

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
CAPITALIZED = r"\p{Lu}[\p{L}\p{M}'’-]*"
PARTICLE = "(?:" + "|".join(sorted(PARTICLES)) + ")"
# Capitalized words joined by single spaces, or by ". " after an initial, with particles
# between them. Only capitalized words start a match, so most of a note is skipped at once.
RUN = re2.compile(
    CAPITALIZED
    + r"(?:(?: |\. ?)(?:"
    + PARTICLE
    + r" ){0,2}"
    + CAPITALIZED
    + "){0,"
    + str(MAX_RUN_WORDS - 1)
    + "}",
    OPTIONS,
)


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


@functools.lru_cache(maxsize=8)
def capitalized_runs(text: str) -> tuple[tuple[Word, ...], ...]:
    """Split the text into runs of adjacent capitalized words, keeping name particles inside.

    The name and place recognizers both call this on the same text, so the last few results
    are cached; callers must not change them, which the tuples enforce.
    """
    runs: list[tuple[Word, ...]] = []
    for match in RUN.finditer(text):
        start, end = match.span()
        runs.extend(_split_run(text, start, end))
    return tuple(runs)


def _split_run(text: str, start: int, end: int) -> list[tuple[Word, ...]]:
    """Cut one matched run into words, breaking it where a '.' follows a word that is no initial."""
    runs: list[tuple[Word, ...]] = []
    current: list[Word] = []
    position = start
    for piece in text[start:end].split(" "):
        word_text = piece.rstrip(".")
        word_end = position + len(word_text)
        if word_text.endswith(("'s", "’s")):
            word_end -= 2  # The possessive ending is not part of the name.
        folded = fold(text[position:word_end])
        if _is_stop_word(folded) or not _is_name_shaped(text[position:word_end]):
            # "The", "My" or "I'm" start the sentence, not the name; "G-tube" is no name at all.
            runs.append(tuple(current))
            current = []
        elif word_end > position:
            current.append(Word(position, word_end, text[position:word_end], folded))
        if piece.endswith(".") and not (len(word_text) == 1 and word_text.isupper()):
            runs.append(tuple(current))
            current = []
        position += len(piece) + 1
    runs.append(tuple(current))
    return [_strip_particles(run) for run in runs if run and run[0].is_capitalized]


def _is_name_shaped(word: str) -> bool:
    """Reject words such as 'C-spine' or 'G-tube', where a lowercase part follows a hyphen.

    Hyphenated names capitalize every part (Jean-Pierre, Passy-Muir, Smith-Jones).
    """
    return all(part[:1].isupper() for part in word.split("-") if part)


def _is_stop_word(folded: str) -> bool:
    return folded in STOP_WORDS or folded.replace("’", "'").split("'")[0] in STOP_WORDS


def _strip_particles(run: tuple[Word, ...]) -> tuple[Word, ...]:
    while run and not run[-1].is_capitalized:
        run = run[:-1]
    return run
