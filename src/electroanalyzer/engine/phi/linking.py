"""Postal codes that stand next to a detected street or place, as in address blocks.

Many countries write bare four- to six-digit postal codes ("75001 Paris", "Springfield
62704"), which cannot be told from other numbers on their own. Next to a street address or a
place, on the same line or the next, they are part of the address.
"""

import re2

from electroanalyzer.engine.phi.entities import PhiEntity

POSTAL_CODE = r"(\d{3,6}(?:[ -]\d{2,4})?|\d{4} ?[A-Z]{2}|[A-Z]\d[A-Z] ?\d[A-Z]\d)"
AFTER = re2.compile(r"^[ \t]*,?[ \t]*\n?[ \t]*(?:[A-Z]{2}[ \t]+)?" + POSTAL_CODE + r"(?:$|[^\p{L}\p{N}])")
BEFORE = re2.compile(POSTAL_CODE + r"[ \t]*,?[ \t]*\n?[ \t]*$")
ANCHOR_TYPES = frozenset({"GPE", "STREET_ADDRESS"})
LINK_SCORE = 0.6
WINDOW = 20


def link_postal_codes(text: str, entities: list[PhiEntity]) -> list[PhiEntity]:
    """Add a ZIP_CODE entity for each postal code right before or after a street or place."""
    added: list[PhiEntity] = []
    for entity in entities:
        if entity.type not in ANCHOR_TYPES:
            continue
        after = AFTER.search(text[entity.end : entity.end + WINDOW])
        if after is not None:
            start, end = after.span(1)
            added.append(
                PhiEntity("ZIP_CODE", entity.end + start, entity.end + end, LINK_SCORE, "PostalCodeLinker")
            )
        window_start = max(0, entity.start - WINDOW)
        before = BEFORE.search(text[window_start : entity.start])
        if before is not None:
            start, end = before.span(1)
            added.append(
                PhiEntity(
                    "ZIP_CODE", window_start + start, window_start + end, LINK_SCORE, "PostalCodeLinker"
                )
            )

    merged = list(entities)
    for candidate in added:
        if not any(candidate.start < other.end and other.start < candidate.end for other in merged):
            merged.append(candidate)
    merged.sort(key=lambda entity: entity.start)
    return merged
