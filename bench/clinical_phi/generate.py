"""Generate the clinical PHI set: surrogate identifiers inserted into MTSamples therapy notes.

For each note in mtsamples_therapy/notes/, three passages with identifiers are inserted at
fixed places (after the first line, at the middle paragraph break, at the end), and every
identifier's span is recorded. The placeholder PHI the notes already carry (dates, names
after an honorific) is recorded too, as "placeholder_phi" in the output text and "original_phi"
in the raw note, so the benchmark counts detections there neither for nor against.

Values come from the lists below, written for this benchmark
and not taken from Faker. The names mix common US names with names absent from the Census lists
that the detector uses. The output is deterministic for a given folder of notes.

Run: `.venv/bin/python -m bench.clinical_phi.generate`
"""

import json
import random
import re
import sys
from pathlib import Path

from bench.record import shared_data_dir

OUTPUT = Path(__file__).resolve().parent / "clinical_phi_set.json"
SEED = 20261204

FIRST_NAMES = (
    "Maria", "James", "Oluwaseun", "Siobhan", "Rajesh", "Mei", "Dmitri", "Aaliyah", "Tomasz", "Ingrid",
    "Kwame", "Lucia", "Hamid", "Yuki", "Brendan", "Fatima", "Gareth", "Priya", "Mateo", "Eleanor",
)  # fmt: skip
LAST_NAMES = (
    "Okafor", "Lindqvist", "Brennan", "Castellanos", "Nakamura", "Whitfield", "Kowalczyk", "Haddad",
    "Oyelaran", "Thornbury", "Vasquez", "Abernathy", "Szabo", "Marchetti", "Delacroix", "Henderson",
)  # fmt: skip
STREETS = (
    "Birchwood Lane", "Harbor View Drive", "Old Mill Road", "Kensington Avenue", "Larkspur Court",
    "Cypress Point Way", "Elmhurst Street", "Juniper Ridge Road",
)  # fmt: skip
CITIES = (
    ("Cedar Rapids", "IA"), ("Bozeman", "MT"), ("Asheville", "NC"), ("Kalamazoo", "MI"), ("Flagstaff", "AZ"),
    ("Duluth", "MN"), ("Tallahassee", "FL"), ("Burlington", "VT"), ("Spokane", "WA"), ("Lubbock", "TX"),
)  # fmt: skip
RELATIONS = ("daughter", "son", "wife", "husband", "sister", "brother")
CREDENTIALS = ("PT, DPT", "OTR/L", "MS, CCC-SLP", "MD", "PTA")
MONTHS = ("January", "March", "April", "June", "August", "October", "November", "December")

PASSAGES = (
    (
        "PATIENT: {patient}    DOB: {dob}    MRN: {mrn}\n"
        "Date of service: {visit}. Referring physician: Dr. {doctor_last}. Age: {age}.\n"
    ),
    (
        "Social history: lives at {street_number} {street}, {city}, {state} {zip} with "
        "{pronoun} {relation} {relative}, who can be reached at {phone} (fax {fax}). "
        "Email {email}. Insurance member ID {plan_id}; account number {account}. SSN {ssn}. "
        "Portal https://{portal}.example.com/p/{portal_id} accessed from IP {ip}. "
        "Pacemaker serial number {serial}. Driver's license {license}.\n"
    ),
    "Electronically signed by {clinician}, {credential} on {signed_on}.\n",
)
FIELD_TYPES = {
    "patient": "PERSON", "dob": "DATE_TIME", "mrn": "MEDICAL_RECORD_NUMBER", "visit": "DATE_TIME",
    "doctor_last": "PERSON", "age": "AGE", "street_number": "STREET_ADDRESS", "street": "STREET_ADDRESS",
    "city": "GPE", "zip": "ZIP_CODE", "relative": "PERSON", "phone": "PHONE_NUMBER", "fax": "FAX_NUMBER",
    "email": "EMAIL_ADDRESS", "plan_id": "HEALTH_PLAN_NUMBER", "account": "ACCOUNT_NUMBER", "ssn": "US_SSN",
    "portal": "URL", "portal_id": "URL", "ip": "IP_ADDRESS", "serial": "DEVICE_ID",
    "license": "LICENSE_NUMBER",
    "clinician": "PERSON", "signed_on": "DATE_TIME",
}  # fmt: skip
# Placeholder PHI already in the raw notes: dates, month names and weekdays (date elements under
# Safe Harbor), and names after an honorific.
RAW_PHI = re.compile(
    r"\b\d{1,2}/\d{1,2}/\d{2,4}\b|\b(?:January|February|March|April|June|July|August|September|October|"
    r"November|December)(?: \d{1,2})?(?:,? \d{4})?\b|\b(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day\b|"
    r"\b(?:Dr|Mr|Mrs|Ms)\.? [A-Z][A-Za-z]+"
)


def make_values(rng: random.Random) -> dict[str, str]:
    city, state = rng.choice(CITIES)
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    return {
        "patient": f"{first} {last}",
        "dob": f"{rng.randint(1, 12):02d}/{rng.randint(1, 28):02d}/{rng.randint(1930, 1990)}",
        "mrn": f"{rng.randint(1000000, 9999999)}",
        "visit": f"{rng.choice(MONTHS)} {rng.randint(1, 28)}, {rng.randint(2015, 2024)}",
        "doctor_last": rng.choice(LAST_NAMES),
        "age": str(rng.randint(90, 101)),
        "street_number": str(rng.randint(12, 9800)),
        "street": rng.choice(STREETS),
        "city": city,
        "state": state,
        "zip": f"{rng.randint(10000, 99999)}",
        "pronoun": rng.choice(("his", "her")),
        "relation": rng.choice(RELATIONS),
        "relative": f"{rng.choice(FIRST_NAMES)} {last}",
        "phone": f"({rng.randint(201, 989)}) {rng.randint(200, 989)}-{rng.randint(1000, 9999)}",
        "fax": f"{rng.randint(201, 989)}-{rng.randint(200, 989)}-{rng.randint(1000, 9999)}",
        "email": f"{first.lower()}.{last.lower()}{rng.randint(1, 99)}@mailbox.org",
        "plan_id": f"W{rng.randint(100000000, 999999999)}",
        "account": f"{rng.randint(10000000, 99999999)}",
        "ssn": f"{rng.randint(100, 665)}-{rng.randint(10, 99)}-{rng.randint(1000, 9999)}",
        "portal": rng.choice(("mychart", "portal", "records")),
        "portal_id": str(rng.randint(10000, 99999)),
        "ip": f"10.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}",
        "serial": f"PM{rng.randint(100000, 999999)}",
        "license": f"D{rng.randint(1000000, 9999999)}",
        "clinician": f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
        "credential": rng.choice(CREDENTIALS),
        "signed_on": f"{rng.randint(1, 12)}/{rng.randint(1, 28)}/{rng.randint(2015, 2024)}",
    }


def render(template: str, values: dict[str, str], offset: int) -> tuple[str, list[dict[str, object]]]:
    """Fill a passage and return it with the spans of its identifier fields."""
    parts, spans, position = [], [], 0
    for match in re.finditer(r"\{(\w+)\}", template):
        literal = template[position : match.start()]
        parts.append(literal)
        start = offset + sum(map(len, parts))
        value = values[match.group(1)]
        parts.append(value)
        entity_type = FIELD_TYPES.get(match.group(1))
        if entity_type is not None:
            spans.append(
                {"type": entity_type, "start": start, "end": start + len(value), "field": match.group(1)}
            )
        position = match.end()
    parts.append(template[position:])
    return "".join(parts), spans


def insertion_points(note: str) -> list[int]:
    first_break = note.find("\n") + 1 or len(note)
    breaks = [match.end() for match in re.finditer(r"\n\s*\n", note)]
    middle = breaks[len(breaks) // 2] if breaks else first_break
    middle = max(middle, first_break)
    return [first_break, middle, len(note)]


def build_document(note: str, rng: random.Random) -> dict[str, object]:
    values = make_values(rng)
    points = insertion_points(note if note.endswith("\n") else note + "\n")
    base = note if note.endswith("\n") else note + "\n"
    text, spans, previous = "", [], 0
    raw_phi = [(m.start(), m.end()) for m in RAW_PHI.finditer(base)]
    placeholder_phi: list[dict[str, int]] = []
    for point, template in zip(points, PASSAGES, strict=True):
        shift = len(text) - previous
        placeholder_phi += [
            {"start": a + shift, "end": b + shift} for a, b in raw_phi if previous <= a < point
        ]
        text += base[previous:point]
        passage, passage_spans = render(template, values, len(text))
        text += passage
        spans.extend(passage_spans)
        previous = point
    text += base[previous:]
    spans = merge_adjacent(spans)
    original_phi = [{"start": start, "end": end} for start, end in raw_phi]
    return {
        "text": text,
        "spans": spans,
        "placeholder_phi": placeholder_phi,
        "original_text": note,
        "original_phi": original_phi,
    }


def merge_adjacent(spans: list[dict[str, object]]) -> list[dict[str, object]]:
    """Join the street number and street name, and the URL host and path, into one span each."""
    merged: list[dict[str, object]] = []
    for span in spans:
        last = merged[-1] if merged else None
        if last and last["type"] == span["type"] and span["type"] in ("STREET_ADDRESS", "URL"):
            last["end"] = span["end"]
            continue
        merged.append(dict(span))
    return merged


def main() -> int:
    rng = random.Random(SEED)
    notes_dir = shared_data_dir() / "mtsamples_therapy" / "notes"
    documents = []
    for path in sorted(notes_dir.glob("*.txt")):
        document = build_document(path.read_text(encoding="utf-8"), rng)
        document["file"] = path.name
        documents.append(document)
    OUTPUT.write_text(json.dumps({"seed": SEED, "documents": documents}, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {len(documents)} documents to {OUTPUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
