"""Should-match and must-not-match tables for each recognizer, run through the whole detector."""

import pytest

from electroanalyzer.engine.phi import PhiDetector, get_detector


@pytest.fixture(scope="module")
def detector() -> PhiDetector:
    return get_detector()


def found(detector: PhiDetector, text: str) -> set[tuple[str, str]]:
    return {(entity.type, text[entity.start : entity.end]) for entity in detector.detect(text)}


SHOULD_MATCH = [
    ("Patient: Maria Lopez was seen today.", "PERSON", "Maria Lopez"),
    ("Seen with Dr. Okonkwo for follow-up.", "PERSON", "Okonkwo"),
    ("Electronically signed by Sarah Whitfield, PT, DPT.", "PERSON", "Sarah Whitfield"),
    ("Her daughter Linda will drive her.", "PERSON", "Linda"),
    ("Mrs. Kowalczyk reports less pain.", "PERSON", "Kowalczyk"),
    ("Therapist: Ahmed Haddad", "PERSON", "Ahmed Haddad"),
    ("Timotea lives on Via Roma 12.", "PERSON", "Timotea"),
    ("Sometimes people call me Piusz.", "PERSON", "Piusz"),
    ("DOB: 03/14/1950", "DATE_TIME", "03/14/1950"),
    ("Evaluated on March 3, 2021 in clinic.", "DATE_TIME", "March 3, 2021"),
    ("Admitted 2020-06-20 14:11:22 to the unit.", "DATE_TIME", "2020-06-20 14:11:22"),
    ("Date of injury 12/11/06.", "DATE_TIME", "12/11/06"),
    ("Seen on 6/12 for recheck.", "DATE_TIME", "6/12"),
    ("The patient is a 93-year-old female.", "AGE", "93"),
    ("Lives at 1234 Oak Street with her son.", "STREET_ADDRESS", "1234 Oak Street"),
    ("Mail goes to PO Box 4411 now.", "STREET_ADDRESS", "PO Box 4411"),
    ("Address: Hauptstraße 15, Berlin.", "STREET_ADDRESS", "Hauptstraße 15"),
    ("She moved to Kalamazoo last year.", "GPE", "Kalamazoo"),
    ("Home is in Springfield, IL 62704.", "ZIP_CODE", "62704"),
    ("Call (217) 555-1234 after 5 pm.", "PHONE_NUMBER", "(217) 555-1234"),
    ("Mobile +44 7700 900123 in the UK.", "PHONE_NUMBER", "+44 7700 900123"),
    ("Fax: 217-555-9876", "FAX_NUMBER", "217-555-9876"),
    ("Email maria.lopez@gmail.com for records.", "EMAIL_ADDRESS", "maria.lopez@gmail.com"),
    ("SSN 123-45-6789 on file.", "US_SSN", "123-45-6789"),
    ("MRN: 00482913", "MEDICAL_RECORD_NUMBER", "00482913"),
    ("Medicare MBI 1EG4-TE5-MK73 on the card.", "HEALTH_PLAN_NUMBER", "1EG4-TE5-MK73"),
    ("Insurance member ID W637575084.", "HEALTH_PLAN_NUMBER", "W637575084"),
    ("Account number 84063434 billed.", "ACCOUNT_NUMBER", "84063434"),
    ("Driver's license D4353395 shown.", "LICENSE_NUMBER", "D4353395"),
    ("Pacemaker serial number PM147207.", "DEVICE_ID", "PM147207"),
    ("VIN 1HGCM82633A004352 recorded.", "VEHICLE_ID", "1HGCM82633A004352"),
    ("Portal https://mychart.example.com/p/123 used.", "URL", "https://mychart.example.com/p/123"),
    ("Logged in from 10.20.30.40 today.", "IP_ADDRESS", "10.20.30.40"),
    ("Accession number AC-204511 sent.", "OTHER_ID", "AC-204511"),
]


@pytest.mark.parametrize(("text", "entity_type", "value"), SHOULD_MATCH)
def test_recognizer_should_match(detector: PhiDetector, text: str, entity_type: str, value: str) -> None:
    assert (entity_type, value) in found(detector, text)


MUST_NOT_MATCH = [
    ("Pain 6/10 at rest.", "DATE_TIME"),
    ("The patient is a 65-year-old male.", "AGE"),
    ("Strength 4+/5 throughout.", "DATE_TIME"),
    ("The study was done in 1990.", "DATE_TIME"),
    ("Will continue plan of care.", "PERSON"),
    ("Normal gait pattern observed.", "GPE"),
    ("She lives in Georgia.", "GPE"),
    ("Walked 2 blocks to the Main Street store.", "STREET_ADDRESS"),
    ("Numbers 123-45-0000 are not issued.", "US_SSN"),
    ("Version 1.2.3.4 of the app.", "IP_ADDRESS"),
    ("Email me at the office.", "EMAIL_ADDRESS"),
    ("Code 12345678901234567 is garbage.", "VEHICLE_ID"),
    ("CPT 97110 billed for 2 units.", "ZIP_CODE"),
    ("Distal latency 10.5 12.3 55 ms.", "PHONE_NUMBER"),
]


@pytest.mark.parametrize(("text", "entity_type"), MUST_NOT_MATCH)
def test_recognizer_must_not_match(detector: PhiDetector, text: str, entity_type: str) -> None:
    assert entity_type not in {found_type for found_type, _ in found(detector, text)}
