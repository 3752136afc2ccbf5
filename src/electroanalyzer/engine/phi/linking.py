"""Address-block rules: postal codes and city lines next to a detected street or place.

Many countries write bare four- to six-digit postal codes ("75001 Paris", "Springfield 62704",
"Norway 0150"), which cannot be distinguished from other numbers on their own. Next to a street, a
place or a country, on the same line or the next, they are part of the address. Likewise the
line right after a street line, or the words after "street, ", name the city.
"""

import itertools

import re2

from electroanalyzer.engine.phi.entities import PhiEntity
from electroanalyzer.engine.phi.lexicons import Lexicons, fold
from electroanalyzer.engine.phi.patterns import OPTIONS
from electroanalyzer.engine.phi.spans import DisjointSpans

# A postal code may follow on the same line or the next, after an optional two-letter state or
# province code ("Halifax\nNS\nB3H 1A1").
POSTAL_CODE = r"(\d{3,6}(?:[ -]\d{2,4})?|\d{4} ?[A-Z]{2}|[A-Z]\d[A-Z] ?\d[A-Z]\d)"
AFTER = re2.compile(
    r"^[ \t]*,?[ \t]*\n?[ \t>]*(?:[A-Z]{2}[ \t]*,?[ \t]*\n?[ \t>]*)?" + POSTAL_CODE + r"(?:$|[^\p{L}\p{N}])",
    OPTIONS,
)
BEFORE = re2.compile(POSTAL_CODE + r"[ \t]*,?[ \t]*\n?[ \t]*$", OPTIONS)
# A country or state name followed by a postal code, as on the last line of an address.
REGION_THEN_CODE = re2.compile(
    r"(\p{Lu}[\p{L}'’.-]*(?: \p{Lu}[\p{L}'’.-]*){0,2})[ \t,]+" + POSTAL_CODE + r"(?:$|[^\p{L}\p{N}])", OPTIONS
)
# The city after a street: on the same line after a comma, or alone on the next line.
CITY_AFTER_STREET = re2.compile(
    r"^[ \t]*(?:,[ \t]*|\n[ \t>?]*)(\p{Lu}[\p{L}'’.-]*(?:[ -](?:\p{Lu}[\p{L}'’.-]*|\p{Ll}{1,3})){0,3})"
    r"[ \t]*(?:$|[,\n]|\d)",
    OPTIONS,
)
# A line holding only one to four capitalized words (with particles), as a city line does.
CITY_LINE = re2.compile(
    r"^[ \t>]*(\p{Lu}[\p{L}'’.-]*(?:[ -](?:\p{Lu}[\p{L}'’.-]*|\p{Ll}{1,3})){0,3})[ \t,]*$", OPTIONS
)
ANCHOR_TYPES = frozenset({"GPE", "STREET_ADDRESS"})
LINK_SCORE = 0.6
# A city line outranks a first name read alone ("Salvador" above "Brazil"), which scores 0.7.
CITY_SCORE = 0.75
WINDOW = 60


class AddressBlockLinker:
    """Add the postal codes and city names that appear in address blocks around detections."""

    def __init__(self, lexicons: Lexicons) -> None:
        self._lexicons = lexicons

    def link(self, text: str, entities: list[PhiEntity]) -> list[PhiEntity]:
        added: list[PhiEntity] = []
        for entity in entities:
            if entity.type == "STREET_ADDRESS":
                added.extend(self._city_after(text, entity))
        with_cities = _merge(entities, added)

        codes: list[PhiEntity] = []
        for entity in with_cities:
            if entity.type in ANCHOR_TYPES:
                codes.extend(_codes_around(text, entity))
        codes.extend(self._codes_after_regions(text))
        codes.extend(self._cities_above_regions(text))
        return _merge(with_cities, codes)

    def _cities_above_regions(self, text: str) -> list[PhiEntity]:
        """Return the city line written right above a country or state line of an address."""
        if "\n" not in text:
            return []
        found = []
        offset = 0
        lines = text.split("\n")
        for line, next_line in itertools.pairwise(lines):
            region = next_line.strip(" \t>").rstrip("0123456789 -")
            if region and fold(region) in self._lexicons.regions:
                found.extend(self._city_line(line, offset))
            offset += len(line) + 1
        return found

    def _city_line(self, line: str, offset: int) -> list[PhiEntity]:
        match = CITY_LINE.search(line)
        if match is None:
            return []
        start, end = match.span(1)
        words = line[start:end]
        if fold(words) in self._lexicons.regions or fold(words.split()[0]) in self._lexicons.common_words:
            return []
        return [PhiEntity("GPE", offset + start, offset + end, CITY_SCORE, "AddressBlockLinker")]

    def _city_after(self, text: str, street: PhiEntity) -> list[PhiEntity]:
        match = CITY_AFTER_STREET.search(text[street.end : street.end + WINDOW])
        if match is None:
            return []
        start, end = match.span(1)
        while end > start and text[street.end + end - 1] in ".-'’":
            end -= 1
        words = text[street.end + start : street.end + end]
        first = fold(words.split()[0])
        if fold(words) in self._lexicons.regions or first in self._lexicons.common_words:
            return []
        return [PhiEntity("GPE", street.end + start, street.end + end, CITY_SCORE, "AddressBlockLinker")]

    def _codes_after_regions(self, text: str) -> list[PhiEntity]:
        found = []
        for match in REGION_THEN_CODE.finditer(text):
            name_start, name_end = match.span(1)
            if fold(text[name_start:name_end]) not in self._lexicons.regions:
                continue
            start, end = match.span(2)
            found.append(PhiEntity("ZIP_CODE", start, end, LINK_SCORE, "AddressBlockLinker"))
        return found


def _codes_around(text: str, entity: PhiEntity) -> list[PhiEntity]:
    found = []
    after = AFTER.search(text[entity.end : entity.end + WINDOW])
    if after is not None:
        start, end = after.span(1)
        found.append(
            PhiEntity("ZIP_CODE", entity.end + start, entity.end + end, LINK_SCORE, "AddressBlockLinker")
        )
    window_start = max(0, entity.start - WINDOW)
    before = BEFORE.search(text[window_start : entity.start])
    if before is not None:
        start, end = before.span(1)
        found.append(
            PhiEntity("ZIP_CODE", window_start + start, window_start + end, LINK_SCORE, "AddressBlockLinker")
        )
    return found


def _merge(entities: list[PhiEntity], candidates: list[PhiEntity]) -> list[PhiEntity]:
    """Add each candidate that beats every entity it overlaps on score, and sort by start.

    The address structure outweighs the weakest name rule, so a city line such as
    "Velká Bukovina" replaces a PERSON read from two unknown capitalized words.
    """
    spans = DisjointSpans(entities)
    for candidate in candidates:
        clashing = spans.clashing(candidate.start, candidate.end)
        if all(other.score < candidate.score for other in clashing):
            for other in clashing:
                spans.remove(other)
            spans.add(candidate)
    return spans.to_list()
