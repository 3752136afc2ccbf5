"""NLP engines for Presidio's AnalyzerEngine that never download a model.

By default no NLP runs at all: the recognizers and the context-word scoring work on the raw
text. When EA_PHI_SPACY_MODEL names an installed pipeline, Presidio's spaCy engine runs it
instead and its NER adds detections.
"""

import spacy
from presidio_analyzer.nlp_engine import NlpArtifacts, NlpEngine, SpacyNlpEngine
from spacy.lang.en import English
from spacy.tokens import Doc
from spacy.vocab import Vocab, create_vocab

from electroanalyzer.engine.phi.errors import SpacyModelUnavailable

LANGUAGE = "en"


class LightNlpEngine(NlpEngine):
    """Supply Presidio with empty NLP artifacts: no tokens, tagger, parser or NER.

    The recognizers read the raw text, and WindowContextEnhancer finds context words there,
    so no model is loaded. spaCy's English vocabulary provides the stop-word and punctuation
    checks. It is the vocabulary that ``spacy.blank("en")`` creates, built without the
    tokenizer that spacy.blank also sets up and this engine never runs.
    """

    def __init__(self) -> None:
        self._vocab: Vocab | None = None

    def load(self) -> None:
        self._vocab = create_vocab(LANGUAGE, English.Defaults)

    def is_loaded(self) -> bool:
        return self._vocab is not None

    def process_text(self, text: str, language: str) -> NlpArtifacts:
        if self._vocab is None:
            self.load()
        assert self._vocab is not None
        empty = Doc(self._vocab, words=[])
        return NlpArtifacts(
            entities=[], tokens=empty, tokens_indices=[], lemmas=[], nlp_engine=self, language=language
        )

    def process_batch(self, texts, language, batch_size=1, n_process=1, **kwargs):  # type: ignore[no-untyped-def]
        for text in texts:
            yield text, self.process_text(text, language)

    def is_stopword(self, word: str, language: str) -> bool:
        assert self._vocab is not None
        return bool(self._vocab[word].is_stop)

    def is_punct(self, word: str, language: str) -> bool:
        assert self._vocab is not None
        return bool(self._vocab[word].is_punct)

    def get_supported_entities(self) -> list[str]:
        return []

    def get_supported_languages(self) -> list[str]:
        return [LANGUAGE]


def build_nlp_engine(spacy_model: str | None) -> NlpEngine:
    """Return the tokenizer engine, or a spaCy NER engine when a model is configured."""
    if spacy_model is None:
        return LightNlpEngine()

    if not spacy.util.is_package(spacy_model):
        raise SpacyModelUnavailable()
    engine = SpacyNlpEngine(models=[{"lang_code": LANGUAGE, "model_name": spacy_model}])
    engine.load()
    return engine
