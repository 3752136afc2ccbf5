"""Find the sections of a therapy note from its headers.

Headers follow the names therapists and EMR exports use: SOAP letters (``S:``), their long
forms, and the common evaluation, progress-report and discharge headers, in upper or mixed
case, with or without a colon. A header is recognised only at the start of a line, so the
same words inside a sentence do not open a section.
"""

from __future__ import annotations

from dataclasses import dataclass

from electroanalyzer.engine.compliance.patterns import compile_exact

# Canonical section name -> header spellings (regex fragments, matched case-insensitively).
SECTION_HEADERS: dict[str, tuple[str, ...]] = {
    "diagnosis": (
        r"(?:medical |treatment |referral |admitting |discharge )?diagnos[ie]s",
        r"dx",
        r"icd-?10(?: codes?)?",
        r"impairments?",
    ),
    "referral": (
        r"referral(?: information)?",
        r"reason for referral",
        r"referring (?:physician|provider)",
        r"order",
    ),
    "subjective": (r"subjective", r"s", r"patient report", r"chief complaint", r"cc", r"complaints?"),
    "history": (
        r"history(?: of present illness)?",
        r"hpi",
        r"history of (?:injury|present condition)",
        r"(?:brief )?medical history",
        r"clinical history",
        r"background",
    ),
    "past_history": (r"past (?:medical|surgical) history", r"pmh", r"psh", r"medical history"),
    "medications": (r"medications?", r"meds", r"current medications"),
    "plof": (
        r"prior level of function(?:ing)?",
        r"plof",
        r"plf",
        r"premorbid (?:status|level of function|function)",
        r"functional history",
    ),
    "social": (
        r"social history",
        r"living situation",
        r"home (?:setup|environment|situation)",
        r"work status",
    ),
    "patient_goals": (r"patient(?:'s)? goals?", r"client priorities"),
    "objective": (
        r"objective",
        r"o",
        r"examination",
        r"physical exam(?:ination)?",
        r"tests? and measures",
        r"(?:active |passive )?range of motion(?: of [a-z ]{1,30})?",
        r"rom",
        r"strength",
        r"mmt",
        r"special tests?",
        r"balance",
        r"gait",
        r"transfers?",
        r"functional (?:status|activities(?:/hobbies)?|mobility)",
        r"outcome measures?",
        r"palpation",
        r"joint play",
        r"posture",
        r"sensation",
        r"oral (?:mechanism|motor)(?: exam(?:ination)?)?",
        r"(?:clinical |bedside )?swallow(?:ing)? (?:function|evaluation|study)?",
        r"findings",
        r"results",
        r"cognition",
        r"(?:receptive|expressive) language",
        r"speech",
        r"voice",
        r"treatment provided",
        r"treatment",
        r"inspection",
        r"neurological(?: (?:exam|screen|symptoms))?",
        r"interventions?",
        r"procedures?",
        r"flowsheet",
        r"exercise log",
    ),
    "assessment": (
        r"assessment",
        r"a",
        r"clinical impressions?",
        r"impressions?",
        r"evaluation summary",
        r"summary",
        r"problem list",
        r"response to treatment",
        r"skilled rationale",
        r"diagnostic impressions?",
    ),
    "prognosis": (r"prognosis", r"rehab(?:ilitation)? potential", r"prognostic impressions?"),
    "visits": (
        r"(?:number of )?(?:sessions|visits)(?: completed| attended| to date)?",
        r"visit (?:number|count)",
        r"course of (?:treatment|therapy)",
        r"hospital course",
    ),
    "goals": (
        r"goals?",
        r"(?:short|long)[- ]term goals?",
        r"stgs?",
        r"ltgs?",
        r"functional goals?",
        r"discharge goals?",
        r"treatment goals?",
        r"functional outcomes?(?: of treatment)?",
        r"(?:short|long)[- ]term objectives?(?: of treatment)?",
    ),
    "goal_status": (r"goal status", r"progress toward goals", r"status of goals"),
    "plan": (
        r"plan(?: of care)?",
        r"p",
        r"treatment plan",
        r"plan of treatment",
        r"recommendations?",
        r"frequency(?:/duration)?",
        r"duration",
        r"next visit",
        r"poc",
        r"home exercise program",
        r"hep",
        r"education",
        r"interventions? (?:include|planned|to include)",
        r"planned interventions",
    ),
    "billing": (r"billing", r"charges", r"cpt(?: codes?)?", r"units", r"codes? billed"),
    "time": (r"timed minutes", r"total treatment time", r"treatment time", r"time in", r"minutes"),
    "reporting_period": (r"reporting period", r"dates of service", r"period of (?:care|report)"),
    "discharge": (r"discharge (?:status|plan|summary|reason)", r"reason for discharge", r"discharge"),
    "signature": (r"signature", r"signed", r"electronically signed(?: by)?", r"therapist", r"co-?signature"),
    "addendum": (r"addendum", r"late entry", r"amendment", r"correction", r"delayed entry"),
    "certification": (r"certification(?: period)?", r"recertification", r"physician certification"),
}

# Longest spellings first, because RE2 takes the first alternative that matches and
# "treatment plan" must win over "treatment".
_SPELLINGS = sorted(
    ((spelling, name) for name, spellings in SECTION_HEADERS.items() for spelling in spellings),
    key=lambda pair: -len(pair[0]),
)
_HEADER_ALTERNATION = "(" + "|".join(f"(?:{spelling})" for spelling, _ in _SPELLINGS) + ")"
# Naming the matched header with one small pattern per section is much cheaper than reading
# 150 named groups from every match.
_NAME_PATTERNS = [
    (name, compile_exact("(?i)^(?:" + "|".join(spellings) + ")$"))
    for name, spellings in SECTION_HEADERS.items()
]
# A known header at the start of a line, then up to 60 more characters and a colon, as in
# "SHORT-TERM GOALS TO BE COMPLETED IN 3 WEEKS:". A header alone on its line also counts.
_KNOWN_HEADER = compile_exact(
    r"(?im)^[ \t]*(?:\d{1,2}[.)][ \t]*)?(?:" + _HEADER_ALTERNATION + r")\b(?:([^:\n]{0,60}):|[ \t]*$)"
)
# Any other all-capitals label ending in a colon opens a section of its own.
_CAPS_HEADER = compile_exact(r"(?m)^[ \t]*([A-Z][A-Z0-9 /&,'()-]{2,60}):")


@dataclass(frozen=True, slots=True)
class Section:
    """One section: its canonical name, header text and offsets of header and body."""

    name: str
    header: str
    start: int
    body_start: int
    end: int


def _known_name(header: str) -> str | None:
    for name, pattern in _NAME_PATTERNS:
        if pattern.search(header):
            return name
    return None


def find_sections(text: str) -> list[Section]:
    """Split text into sections at recognised headers; text before the first header is not a section."""
    starts: dict[int, tuple[str, str, int]] = {}
    for match in _KNOWN_HEADER.finditer(text):
        name = _known_name(match.group(1))
        trailing = match.group(2)
        if name is None:
            continue
        # A bare SOAP letter counts only with its colon ("S:"), never a lone capital on a line.
        bare_letter = len(match.group(0).strip()) <= 2
        if bare_letter and not match.group(0).rstrip().endswith(":"):
            continue
        if trailing is not None and trailing.strip() and not _looks_like_header_tail(trailing):
            continue
        starts[match.start()] = (name, match.group(0).strip(), match.end())
    for match in _CAPS_HEADER.finditer(text):
        if match.start() not in starts:
            label = match.group(1).strip()
            starts[match.start()] = ("other", label + ":", match.end())
    ordered = sorted(starts.items())
    sections: list[Section] = []
    for index, (start, (name, header, body_start)) in enumerate(ordered):
        end = ordered[index + 1][0] if index + 1 < len(ordered) else len(text)
        sections.append(Section(name=name, header=header, start=start, body_start=body_start, end=end))
    return sections


def _looks_like_header_tail(tail: str) -> bool:
    """Accept words after a header only when they read like a label, not like a sentence."""
    letters = [char for char in tail if char.isalpha()]
    if not letters:
        return True
    upper = sum(1 for char in letters if char.isupper())
    return upper / len(letters) > 0.6 or len(tail.split()) <= 4
