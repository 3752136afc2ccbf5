from electroanalyzer.engine.phi.patterns import NamedPattern, Re2PatternRecognizer
from electroanalyzer.engine.phi.recognizers.record_numbers import CUE_TAIL, ID_VALUE, has_digit


class AccountNumberRecognizer(Re2PatternRecognizer):
    """Account, billing, encounter and claim numbers, found by their cue word."""

    ENTITY = "ACCOUNT_NUMBER"
    PATTERNS = (
        NamedPattern(
            "account_after_cue",
            r"(?i)(?:^|[^\p{L}\p{N}])(?:account|acct|a/c|billing|invoice|encounter|claim|fin|visit\s+id)"
            + CUE_TAIL
            + ID_VALUE,
            0.85,
            group=1,
        ),
    )
    CONTEXT = ("account", "acct", "billing", "claim")

    def validate(self, text: str, start: int, end: int) -> bool:
        value = text[start:end]
        return has_digit(value) and len(value) >= 4
