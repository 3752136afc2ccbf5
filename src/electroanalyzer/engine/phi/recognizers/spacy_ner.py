from presidio_analyzer import AnalysisExplanation, LocalRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

# spaCy's OntoNotes labels mapped to ours; other labels (ORG, NORP, DATE ...) are left to the
# pattern recognizers.
LABELS = {"PERSON": "PERSON", "GPE": "GPE", "LOC": "GPE", "FAC": "STREET_ADDRESS"}
NER_SCORE = 0.6


class SpacyNerRecognizer(LocalRecognizer):
    """Names and places from a configured spaCy NER pipeline (EA_PHI_SPACY_MODEL)."""

    def __init__(self) -> None:
        super().__init__(supported_entities=sorted(set(LABELS.values())))

    def load(self) -> None:
        """Nothing to load: the NLP engine runs the pipeline before recognizers."""

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        if nlp_artifacts is None:
            return []
        results = []
        for span in nlp_artifacts.entities:
            entity_type = LABELS.get(span.label_)
            if entity_type is None:
                continue
            explanation = AnalysisExplanation(
                type(self).__name__, NER_SCORE, pattern_name=f"spacy_{span.label_}"
            )
            results.append(
                RecognizerResult(entity_type, span.start_char, span.end_char, NER_SCORE, explanation)
            )
        return results
