from electroanalyzer.engine.phi.patterns import NamedPattern, Re2PatternRecognizer
from electroanalyzer.engine.phi.recognizers.record_numbers import CUE_TAIL, ID_VALUE, has_digit


class OtherIdRecognizer(Re2PatternRecognizer):
    """Any other unique identifying number or code, found by an identifier cue word.

    HIPAA Safe Harbor's catch-all kind (45 CFR 164.514(b)(2)(i)(R)): case, reference,
    accession, specimen, employee and similar numbers.
    """

    ENTITY = "OTHER_ID"
    PATTERNS = (
        NamedPattern(
            "identifier_after_cue",
            r"(?i)(?:^|[^\p{L}\p{N}])(?:case|reference|ref|accession|specimen|requisition|order|employee|badge|student|"
            r"identifier|id\s+(?:number|no\.?|#)|ticket|tracking|confirmation)" + CUE_TAIL + ID_VALUE,
            0.75,
            group=1,
        ),
    )
    CONTEXT = ("id", "identifier", "number", "reference")

    def validate(self, text: str, start: int, end: int) -> bool:
        value = text[start:end]
        return has_digit(value) and len(value) >= 4 and sum(char.isdigit() for char in value) >= 3
