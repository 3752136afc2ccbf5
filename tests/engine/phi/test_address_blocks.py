"""Address blocks, name-first street lines and repeated names, through the whole detector."""

import pytest

from electroanalyzer.engine.phi import PhiDetector, get_detector


@pytest.fixture(scope="module")
def detector() -> PhiDetector:
    return get_detector()


def found(detector: PhiDetector, text: str) -> set[tuple[str, str]]:
    return {(entity.type, text[entity.start : entity.end]) for entity in detector.detect(text)}


def test_city_after_street_line(detector: PhiDetector) -> None:
    text = "Send it to:\n12 Harjukuja 54\nSuite 7\nSeinäjoki\nFinland 60100"
    values = found(detector, text)
    assert ("STREET_ADDRESS", "12 Harjukuja 54") in values
    assert ("STREET_ADDRESS", "Suite 7") in values
    assert ("GPE", "Seinäjoki") in values
    assert ("ZIP_CODE", "60100") in values


def test_country_name_itself_not_flagged(detector: PhiDetector) -> None:
    text = "Send it to:\n12 Harjukuja 54\nSeinäjoki\nFinland 60100"
    assert "Finland" not in {value for _, value in found(detector, text)}


def test_street_after_address_cue(detector: PhiDetector) -> None:
    text = "Tosh lives at Maneeži 75, Saareküla."
    values = found(detector, text)
    assert ("STREET_ADDRESS", "Maneeži 75") in values
    assert ("GPE", "Saareküla") in values


def test_postal_code_before_city(detector: PhiDetector) -> None:
    text = "Home: 8 Rue de la Paix, 75002 Paris"
    assert ("ZIP_CODE", "75002") in found(detector, text)


def test_unknown_place_after_preposition(detector: PhiDetector) -> None:
    assert ("GPE", "Ullaste") in found(detector, "I am in Ullaste for a week.")


def test_first_name_after_to_not_place(detector: PhiDetector) -> None:
    assert ("GPE", "Logan") not in found(detector, "She said to Logan that it hurt.")


def test_later_mention_of_name_found(detector: PhiDetector) -> None:
    text = "Seen with Mrs. Oyelaran today. Oyelaran reports less pain."
    starts = [entity.start for entity in detector.detect(text) if entity.type == "PERSON"]
    assert starts == [text.index("Oyelaran"), text.rindex("Oyelaran")]


def test_street_words_not_person(detector: PhiDetector) -> None:
    text = "Meet at the corner of Dalbraut 99 and Frederikke Coves."
    assert "PERSON" not in {entity_type for entity_type, _ in found(detector, text)}


def test_tube_and_spine_words_not_names(detector: PhiDetector) -> None:
    text = "She is NPO with G-tube feeds. MRI of C-spine at L5-S1."
    assert found(detector, text) == set()


def test_listed_names_found(detector: PhiDetector) -> None:
    text = "They had three children: Hleb, Sheila and Donna."
    names = {value for entity_type, value in found(detector, text) if entity_type == "PERSON"}
    assert names == {"Hleb", "Sheila", "Donna"}


def test_eponym_test_not_name(detector: PhiDetector) -> None:
    text = "Thomas test was positive on the right. Hawkins sign negative."
    assert "PERSON" not in {entity_type for entity_type, _ in found(detector, text)}


def test_city_line_above_country(detector: PhiDetector) -> None:
    text = "Ship to:\nRua Antonio Dutra 1277\nSalvador\nBrazil 40010"
    values = found(detector, text)
    assert ("GPE", "Salvador") in values
    assert ("ZIP_CODE", "40010") in values


def test_coast_guard_cutter_address_found() -> None:
    text = "Send it to USCGC Hamilton\nFPO AA 34099 by Monday."
    found = [(e.type, text[e.start : e.end]) for e in get_detector().detect(text)]
    assert ("STREET_ADDRESS", "USCGC Hamilton\nFPO AA 34099") in found


def test_coast_guard_abbreviation_alone_not_address() -> None:
    text = "USCGC crew members were seen for hearing tests."
    assert [e for e in get_detector().detect(text) if e.type == "STREET_ADDRESS"] == []
