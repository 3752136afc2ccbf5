"""NLP engines for Presidio's AnalyzerEngine that never download a model.

By default a blank spaCy English tokenizer supplies tokens, and lowercase tokens stand in for
lemmas, which is all the context-word scoring needs. When EA_PHI_SPACY_MODEL names an
installed pipeline, Presidio's spaCy engine runs it instead and its NER adds detections.
"""

import spacy
from presidio_analyzer.nlp_engine import NlpArtifacts, NlpEngine, SpacyNlpEngine

from electroanalyzer.engine.phi.errors import SpacyModelUnavailable

LANGUAGE = "en"


class TokenizerNlpEngine(NlpEngine):
    """Tokenize with spaCy's rule-based English tokenizer; no tagger, parser or NER."""

    def __init__(self) -> None:
        self._nlp: spacy.language.Language | None = None

    def load(self) -> None:
        self._nlp = spacy.blank(LANGUAGE)

    def is_loaded(self) -> bool:
        return self._nlp is not None

    def process_text(self, text: str, language: str) -> NlpArtifacts:
        if self._nlp is None:
            self.load()
        assert self._nlp is not None
        doc = self._nlp.make_doc(text)
        return NlpArtifacts(
            entities=[],
            tokens=doc,
            tokens_indices=[token.idx for token in doc],
            lemmas=[token.lower_ for token in doc],
            nlp_engine=self,
            language=language,
        )

    def process_batch(self, texts, language, batch_size=1, n_process=1, **kwargs):  # type: ignore[no-untyped-def]
        for text in texts:
            yield text, self.process_text(text, language)

    def is_stopword(self, word: str, language: str) -> bool:
        assert self._nlp is not None
        return bool(self._nlp.vocab[word].is_stop)

    def is_punct(self, word: str, language: str) -> bool:
        assert self._nlp is not None
        return bool(self._nlp.vocab[word].is_punct)

    def get_supported_entities(self) -> list[str]:
        return []

    def get_supported_languages(self) -> list[str]:
        return [LANGUAGE]


def build_nlp_engine(spacy_model: str | None) -> NlpEngine:
    """Return the tokenizer engine, or a spaCy NER engine when a model is configured."""
    if spacy_model is None:
        return TokenizerNlpEngine()

    if not spacy.util.is_package(spacy_model):
        raise SpacyModelUnavailable()
    engine = SpacyNlpEngine(models=[{"lang_code": LANGUAGE, "model_name": spacy_model}])
    engine.load()
    return engine
