"""Surname pairs and lower-case lists of first names are found as PERSON, but eponyms are not."""

import pytest

from electroanalyzer.engine.phi import get_detector
from electroanalyzer.engine.phi.lexicons import load_lexicons
from electroanalyzer.engine.phi.name_lists import add_names_in_company


def _people(text: str) -> list[str]:
    return [text[e.start : e.end] for e in get_detector().detect(text) if e.type == "PERSON"]


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("Usamov and Bowers were partners for years.", ["Usamov", "Bowers"]),
        ("The case was reviewed by the team; Kadiev and Adams agreed.", ["Kadiev", "Adams"]),
        ("Visitors today: Okafor and Pearson.", ["Okafor", "Pearson"]),
        ("they had 3 kids: terrence, pamela and brian.", ["terrence", "pamela", "brian"]),
        ("invited: leonti, donna, andrea or caleb", ["leonti", "donna", "andrea", "caleb"]),
    ],
)
def test_names_in_company_found(text: str, names: list[str]) -> None:
    assert _people(text) == names


@pytest.mark.parametrize(
    "text",
    [
        "Hoehn and Yahr stage 2.",
        "Allis and Kocher clamps were used.",
        "Tinel and Phalen tests positive.",
        "Flexion and Extension improved.",
        "Parkinson and Alzheimer disease.",
        "Patient uses walker, cane and crutches.",
        "Pain in knee, hip and ankle.",
        "Diet: eggs, milk and bread.",
    ],
)
def test_names_in_company_lookalikes_not_flagged(text: str) -> None:
    assert _people(text) == []


def test_lower_case_list_needs_three_first_names() -> None:
    text = "we saw anna and tom today, plus zorblat, quenfor and brian"
    assert add_names_in_company(text, [], load_lexicons()) == []


def test_surname_pair_of_places_not_marked() -> None:
    text = "Transferred between Boston and Denver."
    assert add_names_in_company(text, [], load_lexicons()) == []


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("my name is borna jerkovic but everyone calls me borna", "borna jerkovic"),
        ("her maiden name is nyberg", "nyberg"),
        ("name:    hyuuma t. maida\naddress: unit 4526", "hyuuma t. maida"),
        ("you can call me anna", "anna"),
    ],
)
def test_lower_case_introduced_name_found(text: str, name: str) -> None:
    assert _people(text) == [name]


@pytest.mark.parametrize(
    "text",
    [
        "call me asap if pain worsens",
        "call me if pain worsens",
        "name: tylenol",
        "name: ibuprofen 600 mg",
        "the drug name is unknown",
        "my name is not important",
        "name: left knee pain",
        "calls me back tomorrow",
    ],
)
def test_lower_case_introduced_lookalikes_not_flagged(text: str) -> None:
    assert _people(text) == []
