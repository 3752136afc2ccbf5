from electroanalyzer.engine.phi.patterns import NamedPattern, Re2PatternRecognizer

MIN_DIGITS = 7
MAX_DIGITS = 15
SEPARATORS = " .-"

# One digit group, then groups joined by a space, dot or dash; an optional country code,
# area code in parentheses and extension.
PHONE_BODY = (
    r"(?:\+\d{1,3}[ .-]?)?(?:\(\d{1,4}\)[ .-]?|\d{1,4}[ .-]?\(\d{1,4}\)[ .-]?)?\d{2,11}"
    r"(?:[ .-]\d{2,7}){0,4}(?:\s?(?:x|ext\.?|extension)\s?\d{1,5})?"
)
# Ends where no digit, slash, colon or degree sign follows, so 6/10, 12:30 and 90° stay out.
PHONE = r"(?:^|[^\d/:.+-])(" + PHONE_BODY + r")(?:$|[^\d/:°%]|[.:](?:$|\s))"


def count_digits(value: str) -> int:
    return sum(char.isdigit() for char in value)


def is_plausible_phone(value: str) -> bool:
    """Apply the structural checks that separate phone numbers from runs of clinical values.

    Numbers with a + or parentheses are accepted on their digit count. Otherwise every
    separator must be the same character (tables mix spaces and dots), and numbers written as
    space-separated pairs must start with a trunk prefix 0, as European numbers do.
    """
    main = value.lower().split("x", 1)[0].split("ext", 1)[0]
    digits = count_digits(main)
    if not MIN_DIGITS <= digits <= MAX_DIGITS:
        return False
    if main.startswith("+") or "(" in main:
        return True

    separators = {char for char in main.strip() if char in SEPARATORS}
    if len(separators) > 1:
        return False
    groups = [group for group in main.replace(".", " ").replace("-", " ").split() if group]
    if len(groups) == 1:
        return digits in (7, 10, 11)
    if all(len(group) <= 2 for group in groups) and not main.startswith("0") and separators == {" "}:
        return False
    return not (len(groups) >= 3 and groups[0].startswith(("19", "20")) and len(groups[0]) == 4)


class PhoneNumberRecognizer(Re2PatternRecognizer):
    """Telephone numbers in North American (NANP) and international written forms.

    Formats: ITU-T E.123 (international "+CC" and national notation with spaces) and E.164
    (at most 15 digits); NANP "(NPA) NXX-XXXX". A structural check (is_plausible_phone)
    rejects runs of measurements, dates and ranges.
    """

    ENTITY = "PHONE_NUMBER"
    PATTERNS = (NamedPattern("phone", PHONE, 0.6, group=1),)
    CONTEXT = (
        "phone",
        "tel",
        "telephone",
        "cell",
        "mobile",
        "call",
        "contact",
        "number",
        "reach",
        "home",
        "work",
    )

    def validate(self, text: str, start: int, end: int) -> bool:
        return is_plausible_phone(text[start:end])
