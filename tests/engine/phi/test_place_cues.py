"""A place after "originally from" is found even when it is also a first name."""

import pytest

from electroanalyzer.engine.phi import get_detector


def _places(text: str) -> list[str]:
    return [text[e.start : e.end] for e in get_detector().detect(text) if e.type == "GPE"]


def test_place_after_originally_from_found() -> None:
    assert _places("I'm Bojka Zilih, originally from Dolores, and I'm 64.") == ["Dolores"]


@pytest.mark.parametrize(
    "text",
    [
        "Pain originally from a fall at work.",
        "Referral originally from Dr. Smith.",
        "The order was originally from Physical Therapy.",
        "Originally from Texas, she moved here in 2001.",
    ],
)
def test_originally_from_lookalikes_not_places(text: str) -> None:
    assert _places(text) == []
