from electroanalyzer.engine.phi.patterns import NamedPattern, Re2PatternRecognizer
from electroanalyzer.engine.phi.recognizers.record_numbers import CUE_TAIL, ID_VALUE, has_digit


class DeviceIdRecognizer(Re2PatternRecognizer):
    """Device identifiers and serial numbers: after a serial/device cue, and GS1 UDIs.

    Format: FDA Unique Device Identification (21 CFR 801.20) in GS1 notation, where the
    device identifier follows application identifier (01) as 14 digits.
    """

    ENTITY = "DEVICE_ID"
    PATTERNS = (
        NamedPattern(
            "serial_after_cue",
            r"(?i)(?:^|[^\p{L}\p{N}])(?:serial|s/n|sn|device\s+id|device|udi|implant\s+id|lot|model/serial|imei)"
            + CUE_TAIL
            + ID_VALUE,
            0.85,
            group=1,
        ),
        NamedPattern("gs1_udi", r"(\(01\)\d{14}(?:\(\d{2,4}\)[A-Za-z0-9-]{1,20}){0,4})", 0.9, group=1),
    )
    CONTEXT = ("serial", "device", "udi", "implant", "pacemaker")

    def validate(self, text: str, start: int, end: int) -> bool:
        value = text[start:end]
        return has_digit(value) and len(value) >= 4
