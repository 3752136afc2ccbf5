from electroanalyzer.engine.phi.patterns import NamedPattern, Re2PatternRecognizer

MIN_PHI_AGE = 90
MAX_AGE = 125


class AgeRecognizer(Re2PatternRecognizer):
    """Ages over 89, which HIPAA Safe Harbor (45 CFR 164.514(b)(2)(i)(C)) treats as PHI.

    Younger ages are not identifiers and are left alone.
    """

    ENTITY = "AGE"
    PATTERNS = (
        NamedPattern(
            "years_old", r"(?i)(?:^|[^\d])(\d{2,3})[- ]?(?:years?|yrs?|y)[- ]?(?:old|o\b)", 0.85, group=1
        ),
        NamedPattern("y_o", r"(?i)(?:^|[^\d])(\d{2,3})\s?(?:y/o|yo|y\.o\.)", 0.85, group=1),
        NamedPattern(
            "age_cue",
            r"(?i)(?:^|[^\p{L}])(?:age|aged)\s*[:=]?\s*(?:of\s+)?(\d{2,3})(?:$|[^\d])",
            0.85,
            group=1,
        ),
        NamedPattern("nonagenarian", r"(?i)(?:nonagenarian|centenarian)", 0.7),
    )
    CONTEXT = ("age", "aged", "old", "year")

    def validate(self, text: str, start: int, end: int) -> bool:
        value = text[start:end]
        if not value.isdigit():
            return True
        return MIN_PHI_AGE <= int(value) <= MAX_AGE
