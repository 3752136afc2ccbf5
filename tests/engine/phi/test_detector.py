"""Detector-wide behaviour: caching, limits, offline operation, and a real note."""

import itertools
import socket
from pathlib import Path

import pytest

from electroanalyzer.engine.phi import PhiDetector, RedactionMode, get_detector, redact
from electroanalyzer.engine.phi.errors import TextTooLong
from electroanalyzer.engine.phi.settings import PhiSettings

NOTE = "SLP_speech-therapy-discharge-summary_1793.txt"


def test_get_detector_caches_one_instance() -> None:
    assert get_detector() is get_detector()


def test_text_over_limit_rejected() -> None:
    detector = PhiDetector(PhiSettings(max_text_chars=50))
    with pytest.raises(TextTooLong) as raised:
        detector.detect("x" * 51)
    assert raised.value.code == "phi_text_too_long"


def test_text_at_limit_accepted() -> None:
    detector = PhiDetector(PhiSettings(max_text_chars=50))
    assert detector.detect("x" * 50) == []


def test_settings_read_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EA_PHI_MAX_TEXT_CHARS", "1234")
    monkeypatch.setenv("EA_PHI_SCORE_THRESHOLD", "0.5")
    settings = PhiSettings.from_env()
    assert settings.max_text_chars == 1234
    assert settings.score_threshold == 0.5
    assert settings.spacy_model is None


def test_detection_makes_no_network_call(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("PHI detection tried to open a network connection")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    detector = PhiDetector()
    entities = detector.detect("Email maria@clinic-mail.com or visit https://records.example.co.uk/p today.")
    assert {entity.type for entity in entities} == {"EMAIL_ADDRESS", "URL"}


def test_entities_sorted_and_disjoint() -> None:
    text = "Dr. Smith saw Mary Jones on 01/02/2020 at 10 Main Street, Boston, MA 02110."
    entities = get_detector().detect(text)
    assert entities == sorted(entities, key=lambda entity: entity.start)
    for left, right in itertools.pairwise(entities):
        assert left.end <= right.start


def test_note_redacted_without_names_or_dates(therapy_notes_dir: Path) -> None:
    text = (therapy_notes_dir / NOTE).read_text(encoding="utf-8")
    planted = f"Patient: Eleanor Whitfield\nDOB: 04/22/1931\n{text}\nSigned by Dr. Okafor on 01/15/2024."
    result = redact(planted, get_detector().detect(planted), RedactionMode.TAG)
    for value in ("Eleanor", "Whitfield", "04/22/1931", "Okafor", "01/15/2024"):
        assert value not in result.text
    assert "[NAME]" in result.text
    assert "[DATE]" in result.text
