"""Names found by their company: surname pairs ('Becker and Vasquez') and lower-case name lists.

Both rules add PERSON entities where no recognizer found a name. The other members of such a
list are then found by `propagation.add_listed_names`.
"""

import re2
from spacy.lang.en.stop_words import STOP_WORDS

from electroanalyzer.engine.phi.entities import PhiEntity
from electroanalyzer.engine.phi.lexicons import Lexicons, fold
from electroanalyzer.engine.phi.patterns import OPTIONS
from electroanalyzer.engine.phi.recognizers.person import EPONYM_AFTER
from electroanalyzer.engine.phi.spans import DisjointSpans

PAIR_SCORE = 0.5
LOWER_CASE_LIST_SCORE = 0.5
MIN_LIST_ITEMS = 3
# Two capitalized words joined by "and", as in "Becker and Vasquez were partners".
SURNAME_PAIR = re2.compile(
    r"(?:^|[^\p{L}\p{N}&-])(\p{Lu}[\p{Ll}\p{M}'’-]+)[ \t]+(?:and|&)[ \t]+(\p{Lu}[\p{Ll}\p{M}'’-]+)"
    r"(?:$|[^\p{L}\p{N}-])",
    OPTIONS,
)
# A comma list of three or more lower-case words ending in "and" or "or": "anna, tom and eva".
LOWER_CASE_LIST = re2.compile(
    r"(?:^|[^\p{L}\p{N},])(\p{Ll}+(?:,[ \t]*\p{Ll}+)+,?[ \t]+(?:and|or)[ \t]+\p{Ll}+)(?:$|[^\p{L}\p{N}])",
    OPTIONS,
)
# Text allowed right after a pair of names: punctuation, the end of the text, or a verb of people.
# A pair followed by a noun ("Hoehn and Yahr stage", "Allis and Kocher clamps") is an eponym.
AFTER_PAIR = re2.compile(
    r"(?i)^(?:\s*(?:$|[.,;:!?)\"'’])|[ \t]+(?:were|are|was|is|have|had|has|will|would|said|say|says|wrote|"
    r"who|met|agreed|reported|both|also|founded|started|built|called|told)(?:$|[^\p{L}]))"
)
# A name typed in lower case after a phrase that introduces it: "my name is eva kleist".
LOWER_CASE_WORD = r"\p{Ll}[\p{Ll}\p{M}'’-]+"
INTRODUCED_NAME = re2.compile(
    r"(?i:(?:^|[^\p{L}])(?:(my name is|his name is|her name is|maiden name is)|call me|calls me|"
    r"patient name\s*:|name\s*:))[ \t]+("
    + LOWER_CASE_WORD
    + r"(?:[ \t]+(?:\p{Ll}\.?|"
    + LOWER_CASE_WORD
    + r")){0,2})(?:$|[^\p{L}\p{N}])",
    OPTIONS,
)
INTRODUCED_SCORE = 0.6
LIST_ITEM = re2.compile(r"\p{Ll}+", OPTIONS)
LIST_JOINERS = frozenset({"and", "or"})


def add_names_in_company(text: str, entities: list[PhiEntity], lexicons: Lexicons) -> list[PhiEntity]:
    """Add PERSON entities for surname pairs and lower-case lists of first names."""
    spans = DisjointSpans(entities)
    for match in SURNAME_PAIR.finditer(text):
        _add_surname_pair(text, (match.span(1), match.span(2)), spans, lexicons)
    for match in INTRODUCED_NAME.finditer(text):
        strong = match.group(1) is not None
        _add_introduced_name(match.start(2), match.group(2), strong, spans, lexicons)
    for match in LOWER_CASE_LIST.finditer(text):
        _add_lower_case_list(text, match.start(1), match.group(1), spans, lexicons)
    return spans.to_list()


def _add_surname_pair(
    text: str, pair: tuple[tuple[int, int], tuple[int, int]], spans: DisjointSpans, lexicons: Lexicons
) -> None:
    """Mark both words when one is a census surname but no place, and neither is a common word.

    An eponym pair such as "Hoehn and Yahr scale" is left alone: the pair must be followed by
    punctuation or a verb from AFTER_PAIR, and by no test or scale word.
    """
    words = [fold(text[start:end]) for start, end in pair]
    if any(w in lexicons.common_words or w in lexicons.regions for w in words):
        return
    # Many surnames are also town names, so one surname that names no place is enough.
    if not any(w in lexicons.last_names and w not in lexicons.places for w in words):
        return
    second_end = pair[1][1]
    after = text[second_end : second_end + 40]
    if EPONYM_AFTER.search(after) is not None or AFTER_PAIR.search(after) is None:
        return
    for start, end in pair:
        if not spans.overlaps(start, end):
            spans.add(PhiEntity("PERSON", start, end, PAIR_SCORE, "NameCompany"))


def _add_lower_case_list(
    text: str, offset: int, listing: str, spans: DisjointSpans, lexicons: Lexicons
) -> None:
    """Mark every item of a list of first names that contains no common word.

    One item may be an unknown word (a rare first name) if the list still has three known names.
    """
    items = [m for m in LIST_ITEM.finditer(listing) if m.group(0) not in LIST_JOINERS]
    if len(items) < MIN_LIST_ITEMS:
        return
    folded = [fold(item.group(0)) for item in items]
    if any(word in lexicons.common_words for word in folded):
        return
    unknown = sum(1 for word in folded if word not in lexicons.first_names)
    if unknown > 1 or len(items) - unknown < MIN_LIST_ITEMS:
        return
    for item in items:
        start, end = offset + item.start(), offset + item.end()
        if not spans.overlaps(start, end):
            spans.add(PhiEntity("PERSON", start, end, LOWER_CASE_LIST_SCORE, "NameCompany"))


def _add_introduced_name(
    offset: int, words: str, strong: bool, spans: DisjointSpans, lexicons: Lexicons
) -> None:
    """Mark the words after a name-introducing phrase, up to the first common or stop word.

    After "my name is" any such word counts. After "call me" or a "name:" label, which also
    precede words such as "asap" or a drug name, the name must start with a known first name
    or have two or more words.
    """
    end = 0
    count = 0
    first = ""
    for index, match in enumerate(re2.finditer(r"\S+", words)):
        folded = fold(match.group(0).rstrip("."))
        if folded in lexicons.common_words or folded in STOP_WORDS or folded in lexicons.regions:
            break
        if index > 0 and len(folded) == 1 and not match.group(0).endswith("."):
            break
        end = match.end()
        count += 1
        first = first or folded
    if not strong and count < 2 and first not in lexicons.first_names:
        return
    if end and not spans.overlaps(offset, offset + end):
        spans.add(PhiEntity("PERSON", offset, offset + end, INTRODUCED_SCORE, "NameCompany"))
