"""Context-word scoring on the raw text, for Presidio's AnalyzerEngine.

Presidio's LemmaContextAwareEnhancer compares the lemmas of the words around each match with
the recognizer's context words; it needs a tokenized document and deep-copies every result.
This enhancer applies the same rule (a context word near the match raises its score by the
same amounts as Presidio's defaults) to a window of characters before and after the match.
"""

import re2
from presidio_analyzer import EntityRecognizer, RecognizerResult
from presidio_analyzer.context_aware_enhancers import ContextAwareEnhancer
from presidio_analyzer.nlp_engine import NlpArtifacts

from electroanalyzer.engine.phi.patterns import OPTIONS

SIMILARITY_FACTOR = 0.35
MIN_SCORE_WITH_CONTEXT = 0.4
PREFIX_CHARS = 40
SUFFIX_CHARS = 12


class WindowContextEnhancer(ContextAwareEnhancer):
    """Raise a result's score when one of its recognizer's context words is within a few words."""

    def __init__(self) -> None:
        super().__init__(
            context_similarity_factor=SIMILARITY_FACTOR,
            min_score_with_context_similarity=MIN_SCORE_WITH_CONTEXT,
            context_prefix_count=0,
            context_suffix_count=0,
        )
        self._patterns: dict[str, re2._Regexp] = {}

    def _pattern_for(self, recognizer: EntityRecognizer) -> "re2._Regexp | None":
        if not recognizer.context:
            return None
        if recognizer.id not in self._patterns:
            words = "|".join(re2.escape(word.lower()) for word in recognizer.context)
            self._patterns[recognizer.id] = re2.compile(
                r"(?i)(?:^|[^\p{L}])(?:" + words + r")(?:$|[^\p{L}])", OPTIONS
            )
        return self._patterns[recognizer.id]

    def enhance_using_context(
        self,
        text: str,
        raw_results: list[RecognizerResult],
        nlp_artifacts: NlpArtifacts,
        recognizers: list[EntityRecognizer],
        context: list[str] | None = None,
    ) -> list[RecognizerResult]:
        by_id = {recognizer.id: recognizer for recognizer in recognizers}
        for result in raw_results:
            metadata = result.recognition_metadata or {}
            recognizer = by_id.get(metadata.get(RecognizerResult.RECOGNIZER_IDENTIFIER_KEY, ""))
            pattern = self._pattern_for(recognizer) if recognizer is not None else None
            if pattern is None:
                continue
            window = text[max(0, result.start - PREFIX_CHARS) : result.end + SUFFIX_CHARS]
            if pattern.search(window) is None:
                continue
            boosted = max(result.score + SIMILARITY_FACTOR, MIN_SCORE_WITH_CONTEXT)
            result.score = min(boosted, ContextAwareEnhancer.MAX_SCORE)
        return raw_results
