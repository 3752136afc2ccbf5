"""Base class for recognizers made of named RE2 patterns.

RE2 matches in time linear in the text, so no pattern can backtrack for ever on hostile
input. Patterns compile once, when the recognizer is built.
"""

from dataclasses import dataclass
from typing import ClassVar

import re2
from presidio_analyzer import AnalysisExplanation, LocalRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

# Unicode classes such as \p{L} make large automata; 64 MB per pattern keeps RE2 on its
# fast DFA path instead of falling back to the slower NFA (RE2's default budget is 8 MB).
OPTIONS = re2.Options()
OPTIONS.max_mem = 64 << 20


@dataclass(frozen=True)
class NamedPattern:
    """A pattern with a name for explanations, a base score, and the group holding the value."""

    name: str
    regex: str
    score: float
    group: int = 0


class Re2PatternRecognizer(LocalRecognizer):
    """Recognize one entity type with RE2 patterns and an optional ``validate`` hook."""

    ENTITY: ClassVar[str]
    PATTERNS: ClassVar[tuple[NamedPattern, ...]]
    CONTEXT: ClassVar[tuple[str, ...]] = ()

    def __init__(self) -> None:
        self._compiled = [(pattern, re2.compile(pattern.regex, OPTIONS)) for pattern in self.PATTERNS]
        super().__init__(supported_entities=[self.ENTITY], context=list(self.CONTEXT))

    def load(self) -> None:
        """Nothing to load: the patterns compile in the constructor."""

    def validate(self, text: str, start: int, end: int) -> bool:
        """Return False to drop a match; subclasses check checksums or surroundings here."""
        return True

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        results = []
        for pattern, compiled in self._compiled:
            for match in compiled.finditer(text):
                start, end = match.span(pattern.group)
                if start < 0 or start >= end or not self.validate(text, start, end):
                    continue
                explanation = AnalysisExplanation(
                    recognizer=type(self).__name__, original_score=pattern.score, pattern_name=pattern.name
                )
                results.append(RecognizerResult(self.ENTITY, start, end, pattern.score, explanation))
        return results
