"""One recognizer per PHI entity type, each in its own module."""

from presidio_analyzer import EntityRecognizer

from electroanalyzer.engine.phi.lexicons import Lexicons
from electroanalyzer.engine.phi.recognizers.account_number import AccountNumberRecognizer
from electroanalyzer.engine.phi.recognizers.age import AgeRecognizer
from electroanalyzer.engine.phi.recognizers.date_time import DateTimeRecognizer
from electroanalyzer.engine.phi.recognizers.device_id import DeviceIdRecognizer
from electroanalyzer.engine.phi.recognizers.email_address import EmailAddressRecognizer
from electroanalyzer.engine.phi.recognizers.fax_number import FaxNumberRecognizer
from electroanalyzer.engine.phi.recognizers.health_plan_number import HealthPlanNumberRecognizer
from electroanalyzer.engine.phi.recognizers.ip_address import IpAddressRecognizer
from electroanalyzer.engine.phi.recognizers.license_number import LicenseNumberRecognizer
from electroanalyzer.engine.phi.recognizers.medical_record_number import MedicalRecordNumberRecognizer
from electroanalyzer.engine.phi.recognizers.other_id import OtherIdRecognizer
from electroanalyzer.engine.phi.recognizers.person import PersonRecognizer
from electroanalyzer.engine.phi.recognizers.phone_number import PhoneNumberRecognizer
from electroanalyzer.engine.phi.recognizers.place import PlaceRecognizer
from electroanalyzer.engine.phi.recognizers.spacy_ner import SpacyNerRecognizer
from electroanalyzer.engine.phi.recognizers.street_address import StreetAddressRecognizer
from electroanalyzer.engine.phi.recognizers.street_address_line import StreetAddressLineRecognizer
from electroanalyzer.engine.phi.recognizers.url import WebAddressRecognizer
from electroanalyzer.engine.phi.recognizers.us_ssn import SocialSecurityNumberRecognizer
from electroanalyzer.engine.phi.recognizers.vehicle_id import VehicleIdRecognizer
from electroanalyzer.engine.phi.recognizers.zip_code import ZipCodeRecognizer

__all__ = ["build_recognizers"]


def build_recognizers(lexicons: Lexicons, *, with_ner: bool = False) -> list[EntityRecognizer]:
    recognizers: list[EntityRecognizer] = [
        PersonRecognizer(lexicons),
        PlaceRecognizer(lexicons),
        StreetAddressRecognizer(),
        StreetAddressLineRecognizer(),
        ZipCodeRecognizer(),
        DateTimeRecognizer(),
        AgeRecognizer(),
        PhoneNumberRecognizer(),
        FaxNumberRecognizer(),
        EmailAddressRecognizer(),
        SocialSecurityNumberRecognizer(),
        MedicalRecordNumberRecognizer(),
        HealthPlanNumberRecognizer(),
        AccountNumberRecognizer(),
        LicenseNumberRecognizer(),
        DeviceIdRecognizer(),
        VehicleIdRecognizer(),
        WebAddressRecognizer(),
        IpAddressRecognizer(),
        OtherIdRecognizer(),
    ]
    if with_ner:
        recognizers.append(SpacyNerRecognizer())
    return recognizers
