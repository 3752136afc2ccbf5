from electroanalyzer.engine.phi.patterns import NamedPattern, Re2PatternRecognizer
from electroanalyzer.engine.phi.recognizers.record_numbers import CUE_TAIL, ID_VALUE, has_digit


class MedicalRecordNumberRecognizer(Re2PatternRecognizer):
    """Medical record numbers, found by their cue: MRN, MR#, medical record, chart, patient ID.

    MRN formats are local to each hospital, so the cue word, not the shape of the value,
    identifies them.
    """

    ENTITY = "MEDICAL_RECORD_NUMBER"
    PATTERNS = (
        NamedPattern(
            "mrn_after_cue",
            r"(?i)(?:^|[^\p{L}\p{N}])(?:mrn|mr#|m\.r\.n\.|medical\s+record|med\s+rec|chart|patient\s+id|pt\s+id|hospital\s+number)"
            + CUE_TAIL
            + ID_VALUE,
            0.9,
            group=1,
        ),
    )
    CONTEXT = ("mrn", "record", "chart")

    def validate(self, text: str, start: int, end: int) -> bool:
        return has_digit(text[start:end])
