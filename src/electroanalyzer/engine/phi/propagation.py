"""Later mentions of a detected name: 'Mr. Okafor ... Okafor reports' finds the second one too."""

import re2
from spacy.lang.en.stop_words import STOP_WORDS

from electroanalyzer.engine.phi.entities import PhiEntity
from electroanalyzer.engine.phi.lexicons import Lexicons, fold
from electroanalyzer.engine.phi.patterns import OPTIONS
from electroanalyzer.engine.phi.spans import DisjointSpans
from electroanalyzer.engine.phi.words import capitalized_runs

MIN_WORD_LENGTH = 3
PROPAGATED_SCORE = 0.6
LISTED_SCORE = 0.5
# A number after the word makes it a street ("Eyrarodda 66"), not a name.
HOUSE_NUMBER_AFTER = re2.compile(r"^[ \t]+\d")
LIST_WINDOW = 30
NAME_WORD = r"(\p{Lu}[\p{Ll}\p{M}'’-]+)"
LIST_NEXT = re2.compile(
    r"^(?:,[ \t]*|[ \t]+(?:and|or|&)[ \t]+|,[ \t]*(?:and|or)[ \t]+)" + NAME_WORD + r"(?:$|[^\p{L}])", OPTIONS
)
LIST_PREVIOUS = re2.compile(r"(?:^|[^\p{L}])" + NAME_WORD + r"(?:,[ \t]*|[ \t]+(?:and|or|&)[ \t]+)$", OPTIONS)


def propagate_names(text: str, entities: list[PhiEntity], lexicons: Lexicons) -> list[PhiEntity]:
    """Mark every other capitalized occurrence of a word from a detected name as PERSON."""
    name_words = set()
    for entity in entities:
        if entity.type != "PERSON":
            continue
        for piece in text[entity.start : entity.end].split():
            folded = fold(piece.strip(".,"))
            if len(folded) >= MIN_WORD_LENGTH and folded not in lexicons.common_words:
                name_words.add(folded)
    if not name_words:
        return entities

    spans = DisjointSpans(entities)
    for run in capitalized_runs(text):
        for word in run:
            if word.folded in name_words and not spans.overlaps(word.start, word.end):
                spans.add(PhiEntity("PERSON", word.start, word.end, PROPAGATED_SCORE, "NamePropagation"))
    return add_listed_names(text, spans, lexicons)


def add_listed_names(text: str, spans: DisjointSpans, lexicons: Lexicons) -> list[PhiEntity]:
    """Mark the other members of a list of names: 'Hleb, Sheila and Donna' after finding Sheila."""
    queue = [entity for entity in spans.to_list() if entity.type == "PERSON"]
    while queue:
        person = queue.pop()
        for start, end in _list_neighbours(text, person):
            folded = fold(text[start:end])
            if (
                folded in lexicons.common_words
                or folded in lexicons.regions
                or folded.split("'")[0] in STOP_WORDS
            ):
                continue
            if HOUSE_NUMBER_AFTER.search(text[end : end + 8]) is not None or spans.overlaps(start, end):
                continue
            neighbour = PhiEntity("PERSON", start, end, LISTED_SCORE, "NamePropagation")
            spans.add(neighbour)
            queue.append(neighbour)
    return spans.to_list()


def _list_neighbours(text: str, person: PhiEntity) -> list[tuple[int, int]]:
    spans = []
    after = LIST_NEXT.search(text[person.end : person.end + LIST_WINDOW])
    if after is not None:
        start, end = after.span(1)
        spans.append((person.end + start, person.end + end))
    window_start = max(0, person.start - LIST_WINDOW)
    before = LIST_PREVIOUS.search(text[window_start : person.start])
    if before is not None:
        start, end = before.span(1)
        spans.append((window_start + start, window_start + end))
    return spans
