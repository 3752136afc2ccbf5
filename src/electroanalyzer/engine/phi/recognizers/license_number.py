from electroanalyzer.engine.phi.patterns import NamedPattern, Re2PatternRecognizer
from electroanalyzer.engine.phi.recognizers.record_numbers import CUE_TAIL, ID_VALUE, has_digit


def is_valid_dea(value: str) -> bool:
    """Check a DEA registration number's check digit (21 CFR 1301; DEA number format)."""
    digits = value[2:]
    if len(value) != 9 or not digits.isdigit():
        return False
    odd = int(digits[0]) + int(digits[2]) + int(digits[4])
    even = int(digits[1]) + int(digits[3]) + int(digits[5])
    return (odd + 2 * even) % 10 == int(digits[6])


class LicenseNumberRecognizer(Re2PatternRecognizer):
    """Certificate and license numbers: driver's, professional and DEA registrations.

    License formats differ by state and board, so they count after a cue word; DEA numbers
    (two letters and seven digits with a check digit) count on their own.
    """

    ENTITY = "LICENSE_NUMBER"
    PATTERNS = (
        NamedPattern(
            "license_after_cue",
            r"(?i)(?:^|[^\p{L}\p{N}])(?:licen[cs]e|lic\.?|certificate|cert\.?|driver'?s?\s+licen[cs]e|DL|dea|npi|permit|passport)"
            + CUE_TAIL
            + ID_VALUE,
            0.85,
            group=1,
        ),
        NamedPattern("dea_number", r"(?:^|[^A-Z0-9])([A-Z][A-Z9]\d{7})(?:$|[^A-Z0-9])", 0.5, group=1),
    )
    CONTEXT = ("license", "licence", "certificate", "dea", "npi")

    def validate(self, text: str, start: int, end: int) -> bool:
        value = text[start:end]
        if len(value) == 9 and value[:2].isalpha() and value[2:].isdigit():
            return is_valid_dea(value) or self._after_cue(text, start)
        return has_digit(value) and len(value) >= 4

    @staticmethod
    def _after_cue(text: str, start: int) -> bool:
        window = text[max(0, start - 30) : start].lower()
        return any(cue in window for cue in ("licen", "lic", "cert", "dea", "npi"))
