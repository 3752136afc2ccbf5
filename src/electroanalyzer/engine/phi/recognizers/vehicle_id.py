from electroanalyzer.engine.phi.patterns import NamedPattern, Re2PatternRecognizer
from electroanalyzer.engine.phi.recognizers.record_numbers import CUE_TAIL

VIN_VALUES = {
    **{str(digit): digit for digit in range(10)},
    **dict(zip("ABCDEFGH", range(1, 9), strict=True)),
    **dict(zip("JKLMN", range(1, 6), strict=True)),
    "P": 7,
    "R": 9,
    **dict(zip("STUVWXYZ", range(2, 10), strict=True)),
}
VIN_WEIGHTS = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)


def is_valid_vin(value: str) -> bool:
    """Check the ninth-position check digit of a 17-character VIN (49 CFR 565.15)."""
    if len(value) != 17:
        return False
    total = sum(VIN_VALUES[char] * weight for char, weight in zip(value, VIN_WEIGHTS, strict=True))
    check = total % 11
    return value[8] == ("X" if check == 10 else str(check))


class VehicleIdRecognizer(Re2PatternRecognizer):
    """Vehicle identification numbers (with a valid check digit) and plates after a cue."""

    ENTITY = "VEHICLE_ID"
    PATTERNS = (
        NamedPattern("vin", r"(?:^|[^A-Z0-9])([A-HJ-NPR-Z0-9]{17})(?:$|[^A-Z0-9])", 0.7, group=1),
        NamedPattern(
            "vin_after_cue",
            r"(?i)(?:^|[^\p{L}\p{N}])(?:vin|vehicle\s+identification)"
            + CUE_TAIL
            + r"([A-HJ-NPR-Z0-9]{11,17})",
            0.9,
            group=1,
        ),
        NamedPattern(
            "plate_after_cue",
            r"(?i)(?:^|[^\p{L}\p{N}])(?:license\s+plate|licence\s+plate|plate|tag)"
            + CUE_TAIL
            + r"([A-Z0-9][A-Z0-9 -]{1,8}[A-Z0-9])",
            0.85,
            group=1,
        ),
    )
    CONTEXT = ("vin", "vehicle", "plate", "car")

    def validate(self, text: str, start: int, end: int) -> bool:
        value = text[start:end]
        if len(value) == 17 and not self._after_cue(text, start):
            return is_valid_vin(value.upper())
        return any(char.isdigit() for char in value)

    @staticmethod
    def _after_cue(text: str, start: int) -> bool:
        window = text[max(0, start - 25) : start].lower()
        return "vin" in window or "vehicle" in window
