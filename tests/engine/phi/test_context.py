"""Context-word scoring on the raw text."""

from presidio_analyzer import RecognizerResult

from electroanalyzer.engine.phi.context import (
    MIN_SCORE_WITH_CONTEXT,
    SIMILARITY_FACTOR,
    WindowContextEnhancer,
)
from electroanalyzer.engine.phi.nlp import LightNlpEngine
from electroanalyzer.engine.phi.recognizers.phone_number import PhoneNumberRecognizer


def _score_after_enhancing(text: str) -> float:
    recognizer = PhoneNumberRecognizer()
    results = recognizer.analyze(text, ["PHONE_NUMBER"])
    for result in results:
        result.recognition_metadata = {RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: recognizer.id}
    engine = LightNlpEngine()
    engine.load()
    artifacts = engine.process_text(text, "en")
    enhanced = WindowContextEnhancer().enhance_using_context(text, results, artifacts, [recognizer])
    assert len(enhanced) == 1
    return enhanced[0].score


def test_context_word_raises_score() -> None:
    base = PhoneNumberRecognizer.PATTERNS[0].score
    assert _score_after_enhancing("Call her cell 217 555 1234 tonight.") == max(
        base + SIMILARITY_FACTOR, MIN_SCORE_WITH_CONTEXT
    )


def test_no_context_word_keeps_score() -> None:
    base = PhoneNumberRecognizer.PATTERNS[0].score
    assert _score_after_enhancing("Results 217 555 1234 were filed.") == base


def test_context_word_inside_other_word_ignored() -> None:
    base = PhoneNumberRecognizer.PATTERNS[0].score
    assert _score_after_enhancing("Telephoned? No: 217 555 1234 given.") == base
