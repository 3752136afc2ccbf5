from electroanalyzer.engine.phi.patterns import NamedPattern, Re2PatternRecognizer

MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
    r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
YEAR = r"(?:1[89]\d\d|2[01]\d\d)"
TIME = r"(?:[ T,]+(?:at\s+)?\d{1,2}:\d{2}(?::\d{2})?(?:\.\d+)?(?:\s?[ap]\.?m\.?)?)?"
# A date ends before a letter, digit or slash, and before a dot only when no digit follows,
# so dotted quads such as 10.20.30.40 stay out.
END = r"(?:$|[^\p{L}\p{N}/.-]|[.-](?:$|[^\p{N}]))"
START = r"(?:^|[^\p{L}\p{N}/.-])"
WEEKDAY = r"(?:Mon|Tues?|Wed(?:nes)?|Thu(?:rs?)?|Fri|Sat(?:ur)?|Sun)day"


def _is_valid_numeric_date(value: str) -> bool:
    if len({char for char in value if char in "/.-"}) != 1:
        return False
    parts = [int(part) for part in value.replace("-", "/").replace(".", "/").split("/") if part.isdigit()]
    if len(parts) < 2:
        return False
    if parts[0] > 31 and len(str(parts[0])) == 4:
        year_first = parts[1:]
        return len(year_first) >= 2 and 1 <= year_first[0] <= 12 and 1 <= year_first[1] <= 31
    first, second = parts[0], parts[1]
    month_first = 1 <= first <= 12 and 1 <= second <= 31
    day_first = 1 <= second <= 12 and 1 <= first <= 31
    return month_first or day_first


class DateTimeRecognizer(Re2PatternRecognizer):
    """Dates more specific than a year: numeric, ISO 8601 and written-out forms, and weekdays.

    HIPAA Safe Harbor (45 CFR 164.514(b)(2)(i)(C)) removes every element of a date except the
    year, so a year alone is not matched. A month/day pair without a year (e.g. 6/10) counts
    only after a date cue, because pain scores and muscle grades are written the same way.
    """

    ENTITY = "DATE_TIME"
    PATTERNS = (
        NamedPattern("iso_date", START + r"(" + YEAR + r"-[01]\d-[0-3]\d" + TIME + r")" + END, 0.9, group=1),
        NamedPattern(
            "numeric_date",
            START + r"((?:[0-3]?\d)[/.-](?:[0-3]?\d)[/.-](?:\d{4}|\d{2})" + TIME + r")" + END,
            0.85,
            group=1,
        ),
        NamedPattern(
            "month_day_year",
            r"(?i)" + START + r"(" + MONTH + r"\s+" + DAY + r"(?:,?\s+" + YEAR + r")?" + TIME + r")" + END,
            0.85,
            group=1,
        ),
        NamedPattern(
            "day_month_year",
            r"(?i)" + START + r"(" + DAY + r"\s+(?:of\s+)?" + MONTH + r"(?:,?\s+" + YEAR + r")?)" + END,
            0.85,
            group=1,
        ),
        NamedPattern(
            "month_year", r"(?i)" + START + r"(" + MONTH + r",?\s+" + YEAR + r")" + END, 0.8, group=1
        ),
        NamedPattern("numeric_month_year", START + r"((?:0?[1-9]|1[0-2])/" + YEAR + r")" + END, 0.7, group=1),
        NamedPattern(
            "month_day_after_cue",
            r"(?i)(?:^|[^\p{L}])(?:on|dated|since|date|dos|doi|dob|as of|from|until|through|seen)\s*:?\s*"
            r"((?:0?[1-9]|1[0-2])/(?:[12]\d|3[01]|0?[1-9]))(?:$|[^\d/])",
            0.75,
            group=1,
        ),
        NamedPattern("weekday", START + r"(" + WEEKDAY + r")" + END, 0.6, group=1),
        NamedPattern(
            "month_name",
            START
            + r"((?:January|February|March|April|June|July|August|September|October|November|December))"
            + END,
            0.5,
            group=1,
        ),
    )
    CONTEXT = ("date", "dob", "born", "birth", "admitted", "discharged", "seen", "visit", "dos", "on")

    def validate(self, text: str, start: int, end: int) -> bool:
        value = text[start:end]
        if value[0].isdigit() and ("/" in value or "-" in value[:8] or "." in value[:6]):
            return _is_valid_numeric_date(value.split()[0].split("T")[0])
        return True
