"""PHI entity types, the tag each type redacts to, and the detection result."""

from dataclasses import dataclass

# The HIPAA Safe Harbor identifier kinds that occur in text, named as Presidio names them
# where Presidio has a name.
ENTITY_TAGS: dict[str, str] = {
    "PERSON": "NAME",
    "STREET_ADDRESS": "ADDRESS",
    "GPE": "PLACE",
    "ZIP_CODE": "ZIP",
    "DATE_TIME": "DATE",
    "AGE": "AGE",
    "PHONE_NUMBER": "PHONE",
    "FAX_NUMBER": "FAX",
    "EMAIL_ADDRESS": "EMAIL",
    "US_SSN": "SSN",
    "MEDICAL_RECORD_NUMBER": "MRN",
    "HEALTH_PLAN_NUMBER": "HEALTH_PLAN_ID",
    "ACCOUNT_NUMBER": "ACCOUNT",
    "LICENSE_NUMBER": "LICENSE",
    "DEVICE_ID": "DEVICE_ID",
    "VEHICLE_ID": "VEHICLE_ID",
    "URL": "URL",
    "IP_ADDRESS": "IP_ADDRESS",
    "OTHER_ID": "ID",
}
ENTITY_TYPES: tuple[str, ...] = tuple(ENTITY_TAGS)


@dataclass(frozen=True)
class PhiEntity:
    """One detected identifier: its type, its half-open character span, and who found it."""

    type: str
    start: int
    end: int
    score: float
    recognizer: str

    def to_dict(self) -> dict[str, str | int | float]:
        return {"type": self.type, "start": self.start, "end": self.end, "score": round(self.score, 3)}
