# Named apart from Presidio's UsSsnRecognizer: Presidio's registry loader finds recognizer classes
# by name among all subclasses, so a clash would replace its recognizer with this one.
from electroanalyzer.engine.phi.patterns import NamedPattern, Re2PatternRecognizer


class SocialSecurityNumberRecognizer(Re2PatternRecognizer):
    """US Social Security numbers.

    Format and invalid ranges: SSA, "Social Security Number Randomization" (2011): area 000,
    666 and 900-999, group 00 and serial 0000 are never issued. Undelimited nine digits count
    only after an SSN cue.
    """

    ENTITY = "US_SSN"
    PATTERNS = (
        NamedPattern("ssn_dashed", r"(?:^|[^\d-])(\d{3}-\d{2}-\d{4})(?:$|[^\d-])", 0.85, group=1),
        NamedPattern(
            "ssn_spaced_or_dotted", r"(?:^|[^\d])(\d{3}[ .]\d{2}[ .]\d{4})(?:$|[^\d])", 0.5, group=1
        ),
        NamedPattern(
            "ssn_after_cue",
            r"(?i)(?:ssn|ss#|social security(?: number| no\.?| #)?)\s*[:#]?\s*(?:is\s+)?"
            r"(\d{9}|\d{3}[- .]\d{2}[- .]\d{4})",
            0.9,
            group=1,
        ),
    )
    CONTEXT = ("ssn", "social", "security", "ss#")

    def validate(self, text: str, start: int, end: int) -> bool:
        digits = "".join(char for char in text[start:end] if char.isdigit())
        area, group, serial = digits[:3], digits[3:5], digits[5:]
        if area in ("000", "666") or area.startswith("9"):
            return False
        return group != "00" and serial != "0000"
