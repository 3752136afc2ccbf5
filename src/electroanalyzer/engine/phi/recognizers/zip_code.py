import us

from electroanalyzer.engine.phi.patterns import NamedPattern, Re2PatternRecognizer

STATE_ABBREVIATIONS = "|".join(sorted(state.abbr for state in us.states.STATES_AND_TERRITORIES))
STATE_NAMES = "|".join(sorted(state.name for state in us.states.STATES_AND_TERRITORIES))


class ZipCodeRecognizer(Re2PatternRecognizer):
    """US ZIP codes after a state, ZIP+4 codes, and postal codes after a 'ZIP'/'postal code' cue.

    Formats: USPS Publication 28 (ZIP and ZIP+4), Canada Post (A1A 1A1) and the UK Royal Mail
    postcode grammar. Five bare digits are not matched on their own, because CPT codes
    (97110) look the same; the detector also links postal codes that sit next to a place.
    """

    ENTITY = "ZIP_CODE"
    PATTERNS = (
        NamedPattern(
            "zip_after_state",
            r"(?:^|[^\p{L}])(?:"
            + STATE_ABBREVIATIONS
            + "|"
            + STATE_NAMES
            + r")\.?,?\s+(\d{5}(?:-\d{4})?)(?:$|[^\d-])",
            0.9,
            group=1,
        ),
        NamedPattern("zip_plus_four", r"(?:^|[^\d-])(\d{5}-\d{4})(?:$|[^\d-])", 0.7, group=1),
        NamedPattern(
            "postal_code_after_cue",
            r"(?i)(?:^|[^\p{L}])(?:zip|postal|post\s*code)(?:\s*code)?\s*[:#]?\s*(?:is\s+)?"
            r"([A-Z0-9]{2,5}(?:[ -][A-Z0-9]{2,4})?)(?:$|[^\p{L}\p{N}])",
            0.85,
            group=1,
        ),
        NamedPattern(
            "canadian_postal_code",
            r"(?:^|[^\p{L}\p{N}])([A-Z]\d[A-Z] ?\d[A-Z]\d)(?:$|[^\p{L}\p{N}])",
            0.6,
            group=1,
        ),
        NamedPattern(
            "uk_postcode",
            r"(?:^|[^\p{L}\p{N}])([A-Z]{1,2}\d[A-Z\d]? \d[A-Z]{2})(?:$|[^\p{L}\p{N}])",
            0.6,
            group=1,
        ),
    )
    CONTEXT = ("zip", "postal", "code", "address")

    def validate(self, text: str, start: int, end: int) -> bool:
        return any(char.isdigit() for char in text[start:end])
