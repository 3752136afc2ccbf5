"""Redaction modes: tags, masks, surrogates and keyed hashes, with correct offsets."""

import pytest

from electroanalyzer.engine.phi import PhiEntity, RedactionMode, get_detector, redact
from electroanalyzer.engine.phi.errors import MissingHashKey

TEXT = "Patient: Maria Lopez. DOB 03/14/1950. Maria Lopez called (217) 555-1234."
KEY = b"test-key-0123456789abcdef"
OTHER_KEY = b"other-key-0123456789abcdef"


@pytest.fixture(scope="module")
def entities() -> list[PhiEntity]:
    return get_detector().detect(TEXT)


def test_detected_offsets_index_the_text(entities: list[PhiEntity]) -> None:
    values = [(entity.type, TEXT[entity.start : entity.end]) for entity in entities]
    assert values == [
        ("PERSON", "Maria Lopez"),
        ("DATE_TIME", "03/14/1950"),
        ("PERSON", "Maria Lopez"),
        ("PHONE_NUMBER", "(217) 555-1234"),
    ]


def test_tag_mode_writes_type_tags(entities: list[PhiEntity]) -> None:
    result = redact(TEXT, entities, RedactionMode.TAG)
    assert result.text == "Patient: [NAME]. DOB [DATE]. [NAME] called [PHONE]."


def test_spans_index_the_redacted_text(entities: list[PhiEntity]) -> None:
    result = redact(TEXT, entities, RedactionMode.TAG)
    assert [result.text[span.start : span.end] for span in result.spans] == [
        "[NAME]",
        "[DATE]",
        "[NAME]",
        "[PHONE]",
    ]
    assert [(span.original_start, span.original_end) for span in result.spans] == [
        (entity.start, entity.end) for entity in entities
    ]


def test_mask_mode_keeps_length(entities: list[PhiEntity]) -> None:
    result = redact(TEXT, entities, RedactionMode.MASK)
    assert len(result.text) == len(TEXT)
    assert "Maria" not in result.text
    assert result.text.startswith("Patient: ***********. DOB **********.")


def test_surrogates_consistent_within_document(entities: list[PhiEntity]) -> None:
    result = redact(TEXT, entities, RedactionMode.SURROGATE)
    first, _, second, _ = (result.text[span.start : span.end] for span in result.spans)
    assert first == second
    assert first != "Maria Lopez"
    assert "1950" not in result.text


def test_surrogate_phone_uses_fiction_range(entities: list[PhiEntity]) -> None:
    result = redact(TEXT, entities, RedactionMode.SURROGATE)
    phone = result.spans[3]
    assert "555-01" in result.text[phone.start : phone.end]


def test_hash_stable_with_same_key(entities: list[PhiEntity]) -> None:
    first = redact(TEXT, entities, RedactionMode.HASH, hash_key=KEY)
    second = redact(TEXT, entities, RedactionMode.HASH, hash_key=KEY)
    assert first.text == second.text
    name_tags = [first.text[span.start : span.end] for span in first.spans if span.type == "PERSON"]
    assert name_tags[0] == name_tags[1]
    assert name_tags[0].startswith("[NAME:")
    assert len(name_tags[0]) == len("[NAME:12345678]")


def test_hash_changes_with_other_key(entities: list[PhiEntity]) -> None:
    first = redact(TEXT, entities, RedactionMode.HASH, hash_key=KEY)
    other = redact(TEXT, entities, RedactionMode.HASH, hash_key=OTHER_KEY)
    assert first.text != other.text


def test_hash_without_key_rejected(entities: list[PhiEntity]) -> None:
    with pytest.raises(MissingHashKey):
        redact(TEXT, entities, RedactionMode.HASH)


def test_no_entities_returns_text_unchanged() -> None:
    result = redact("Pain 6/10.", [], RedactionMode.TAG)
    assert result.text == "Pain 6/10."
    assert result.spans == []
