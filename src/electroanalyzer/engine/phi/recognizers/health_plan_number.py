from electroanalyzer.engine.phi.patterns import NamedPattern, Re2PatternRecognizer
from electroanalyzer.engine.phi.recognizers.record_numbers import CUE_TAIL, ID_VALUE, has_digit

# Medicare Beneficiary Identifier: 11 characters, positions per CMS "Understanding the
# Medicare Beneficiary Identifier (MBI) Format" (letters exclude S, L, O, I, B and Z).
MBI_LETTER = "[AC-HJKMNP-RT-Y]"
MBI = (
    r"[1-9]" + MBI_LETTER + "[AC-HJKMNP-RT-Y0-9]" + r"\d-?" + MBI_LETTER + "[AC-HJKMNP-RT-Y0-9]"
    r"\d-?" + MBI_LETTER + MBI_LETTER + r"\d\d"
)


class HealthPlanNumberRecognizer(Re2PatternRecognizer):
    """Health plan beneficiary numbers: Medicare MBIs by format, other plan ids by their cue."""

    ENTITY = "HEALTH_PLAN_NUMBER"
    PATTERNS = (
        NamedPattern("medicare_mbi", r"(?:^|[^A-Z0-9])(" + MBI + r")(?:$|[^A-Z0-9])", 0.8, group=1),
        NamedPattern(
            "plan_id_after_cue",
            r"(?i)(?:^|[^\p{L}\p{N}])(?:medicare|medicaid|mbi|hicn|member|subscriber|policy|insurance|insurance\s+id|health\s+plan|"
            r"beneficiary|group|plan)" + CUE_TAIL + ID_VALUE,
            0.85,
            group=1,
        ),
    )
    CONTEXT = ("medicare", "medicaid", "insurance", "member", "policy", "plan")

    def validate(self, text: str, start: int, end: int) -> bool:
        value = text[start:end]
        return has_digit(value) and len(value) >= 5
