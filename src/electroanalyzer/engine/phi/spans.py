"""A sorted set of disjoint spans with logarithmic overlap checks.

Detection adds entities one by one and must skip candidates that overlap earlier ones. With
plain lists that check is linear, so a note with thousands of names would take quadratic time.
"""

import bisect

from electroanalyzer.engine.phi.entities import PhiEntity


class DisjointSpans:
    """Entities sorted by start, no two overlapping."""

    def __init__(self, entities: list[PhiEntity]) -> None:
        self._entities = sorted(entities, key=lambda entity: entity.start)
        self._starts = [entity.start for entity in self._entities]

    def clashing(self, start: int, end: int) -> list[PhiEntity]:
        """Return the entities that overlap the half-open span [start, end)."""
        # Spans are disjoint, so their ends rise with their starts. The overlapping ones form
        # one run just before the first entity that starts at or after `end`.
        last = bisect.bisect_left(self._starts, end)
        first = last
        while first > 0 and self._entities[first - 1].end > start:
            first -= 1
        return self._entities[first:last]

    def overlaps(self, start: int, end: int) -> bool:
        last = bisect.bisect_left(self._starts, end)
        return last > 0 and self._entities[last - 1].end > start

    def add(self, entity: PhiEntity) -> None:
        """Insert an entity that overlaps none already here."""
        index = bisect.bisect_left(self._starts, entity.start)
        self._starts.insert(index, entity.start)
        self._entities.insert(index, entity)

    def remove(self, entity: PhiEntity) -> None:
        index = bisect.bisect_left(self._starts, entity.start)
        del self._starts[index]
        del self._entities[index]

    def to_list(self) -> list[PhiEntity]:
        return list(self._entities)
