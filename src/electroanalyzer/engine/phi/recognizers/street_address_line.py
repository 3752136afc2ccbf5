from electroanalyzer.engine.phi.lexicons import fold, load_lexicons
from electroanalyzer.engine.phi.patterns import NamedPattern, Re2PatternRecognizer

STREET_WORDS = r"\p{L}[\p{L}'’.-]*(?:\s+\p{L}[\p{L}'’.-]*){0,4}"
HOUSE_NUMBER = r"\d{1,5}[a-zA-Z]?\.?"
ADDRESS_CUE = (
    r"(?i)(?:address(?:\s+is)?|address\?\s*(?:it\s+is|it's)?|lives\s+at|living\s+at|resides\s+at|residing\s+at|"
    r"located\s+at|live\s+at|moved\s+to|send\s+(?:it\s+)?to|mail\s+(?:it\s+)?to|deliver(?:ed)?\s+to|"
    r"ship(?:ped)?\s+to)\s*[:-]?\s*"
)


class StreetAddressLineRecognizer(Re2PatternRecognizer):
    """Street lines written street name first and house number last, the order of most of Europe.

    Such a line counts after an address cue ("lives at", "address:"), or when it fills a whole
    line between two numbers ("12 Hammarvägen 15"). Lines whose words are all common words
    ("2 Tablets daily 5") are rejected. Source of the order: Universal Postal Union addressing
    guides for Germany, the Nordic countries, the Netherlands, Spain and Italy.
    """

    ENTITY = "STREET_ADDRESS"
    PATTERNS = (
        NamedPattern(
            "street_after_address_cue",
            ADDRESS_CUE
            + r"((?:\d{1,6}\s+)?"
            + STREET_WORDS
            + r"\s+"
            + HOUSE_NUMBER
            + r")(?:$|[^\p{L}\p{N}])",
            0.75,
            group=1,
        ),
        NamedPattern(
            "numbered_street_line",
            r"(?:^|\n)[ \t>?]*(\d{1,6}\s+\p{Lu}[\p{L}'’.-]*(?:[ \t]+\p{L}[\p{L}'’.-]*){0,3}"
            r"[ \t]+\d{1,5}[a-zA-Z]?)[ \t]*(?:$|[\n,]|(?:Apt|Suite|Unit)\.?\s)",
            0.6,
            group=1,
        ),
        NamedPattern(
            "military_ship_address",
            r"((?:USNS|USS|USCGC)\s+\p{Lu}[\p{L}-]+\s*\n?\s*FPO\s+A[AEP]\s+\d{5})",
            0.85,
            group=1,
        ),
    )
    CONTEXT = ("address", "lives", "street", "home")

    def validate(self, text: str, start: int, end: int) -> bool:
        common = load_lexicons().common_words
        words = [fold(word) for word in text[start:end].split() if word[:1].isalpha()]
        return bool(words) and not all(word in common for word in words)
