"""DisjointSpans and detection on long texts with many entities."""

from electroanalyzer.engine.phi import PhiEntity, get_detector
from electroanalyzer.engine.phi.spans import DisjointSpans


def entity(start: int, end: int, score: float = 0.5) -> PhiEntity:
    return PhiEntity("PERSON", start, end, score, "test")


def test_clashing_returns_overlapping_run() -> None:
    spans = DisjointSpans([entity(0, 4), entity(10, 14), entity(20, 24), entity(30, 34)])
    assert spans.clashing(12, 22) == [entity(10, 14), entity(20, 24)]
    assert spans.clashing(4, 10) == []


def test_overlaps_checks_neighbours() -> None:
    spans = DisjointSpans([entity(10, 14)])
    assert spans.overlaps(13, 20)
    assert spans.overlaps(0, 11)
    assert not spans.overlaps(14, 20)
    assert not spans.overlaps(0, 10)


def test_add_and_remove_keep_order() -> None:
    spans = DisjointSpans([entity(20, 24)])
    spans.add(entity(0, 4))
    spans.add(entity(10, 14))
    spans.remove(entity(20, 24))
    assert spans.to_list() == [entity(0, 4), entity(10, 14)]


def test_many_repeated_names_all_found() -> None:
    text = "Seen with Mrs. Okafor. " + "Okafor, Brennan and Szabo called. " * 2000
    people = [e for e in get_detector().detect(text) if e.type == "PERSON"]
    assert len(people) == 1 + 3 * 2000
