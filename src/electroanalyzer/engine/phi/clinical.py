"""Clinical values that look like identifiers: pain scores, blood pressures, codes, measurements.

A number-shaped detection is dropped when a clinical unit follows it or a clinical label
precedes it, because then it is a measurement, a score or a billing code, not PHI.
"""

import re2

NUMERIC_TYPES = frozenset(
    {
        "PHONE_NUMBER", "FAX_NUMBER", "ZIP_CODE", "DATE_TIME", "US_SSN", "ACCOUNT_NUMBER", "OTHER_ID",
        "MEDICAL_RECORD_NUMBER", "HEALTH_PLAN_NUMBER", "LICENSE_NUMBER", "DEVICE_ID", "STREET_ADDRESS",
        "IP_ADDRESS",
    }
)  # fmt: skip

# Units and counters that follow measurements in therapy notes.
UNIT_AFTER = re2.compile(
    r"(?i)^\s*(?:%|percent|°|degrees?|deg|mg|mcg|g|kg|lbs?|pounds?|oz|ml|cc|l|mmhg|bpm|beats|breaths|"
    r"mm|cm|m|meters?|feet|ft|inches|in\.|reps?|repetitions|sets?|times|x|minutes?|mins?|min|hours?|hrs?|"
    r"seconds?|secs?|sec|ms|msec|m/s|mv|uv|µv|hz|khz|days?|weeks?|wks?|months?|visits?|sessions?|units?|"
    r"steps|points?|/10|/5|/week|/wk|/day|x/week|cal|kcal|mmol|meq|mg/dl|iu)(?:$|[^\p{L}])"
)
# Labels that precede clinical numbers: vital signs, codes, scores and test names.
LABEL_BEFORE = re2.compile(
    r"(?i)(?:^|[^\p{L}])(?:bp|blood pressure|hr|heart rate|pulse|rr|resp|spo2|o2 sat|temp|temperature|"
    r"weight|height|bmi|pain|vas|nprs|cpt|icd-?10|icd-?9|icd|dx|diagnosis code|code|codes|hcpcs|"
    r"score|mmse|moca|berg|tug|rom|mmt|strength|grade|flexion|extension|abduction|rotation|latency|"
    r"amplitude|velocity|duration|frequency|reps|sets|level|stage|l\d|c\d|t\d|s\d)\s*[:=]?\s*$"
)
# Whole values that are always clinical: fractions over 10 or 5, ranges with degrees, ICD-10.
CLINICAL_VALUE = re2.compile(
    r"^(?:\d{1,2}(?:\.\d)?/10|[0-5][+-]?/5|\d{2,3}/\d{2,3}|[A-TV-Z]\d{2}(?:\.\d{1,4}[A-Z]?)?|\d+(?:\.\d+)?%)$"
)
WINDOW = 24


def is_clinical_value(text: str, start: int, end: int, entity_type: str) -> bool:
    """Return True when a number-shaped detection is a clinical value rather than PHI."""
    if entity_type not in NUMERIC_TYPES:
        return False
    value = text[start:end]
    if CLINICAL_VALUE.search(value) is not None:
        return True
    if not value[-1:].isdigit() and entity_type != "DATE_TIME":
        return False
    if entity_type == "DATE_TIME" and not value[:1].isdigit():
        return False
    after = text[end : end + WINDOW]
    before = text[max(0, start - WINDOW) : start]
    return UNIT_AFTER.search(after) is not None or LABEL_BEFORE.search(before) is not None
