from electroanalyzer.engine.phi.patterns import NamedPattern, Re2PatternRecognizer
from electroanalyzer.engine.phi.recognizers.phone_number import PHONE_BODY, is_plausible_phone


class FaxNumberRecognizer(Re2PatternRecognizer):
    """Fax numbers: a phone number written right after a 'fax' cue.

    Same number formats as PhoneNumberRecognizer (ITU-T E.123/E.164, NANP); the higher score
    makes the FAX_NUMBER reading win over PHONE_NUMBER for the same digits.
    """

    ENTITY = "FAX_NUMBER"
    PATTERNS = (
        NamedPattern(
            "fax_after_cue",
            r"(?i)(?:fax|facsimile)(?:\s*(?:no\.?|number|#))?\s*[:.]?\s*(?:is\s+|at\s+)?(" + PHONE_BODY + ")",
            0.9,
            group=1,
        ),
    )
    CONTEXT = ("fax", "facsimile")

    def validate(self, text: str, start: int, end: int) -> bool:
        return is_plausible_phone(text[start:end])
