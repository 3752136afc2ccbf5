"""Realistic stand-ins for PHI, consistent within one document.

Values come from lists written for this project and from the Census name lists of the `names`
package, and use ranges reserved for fiction or documentation where one exists: 555-01xx
telephone numbers (NANP), example.org (RFC 2606), 192.0.2.0/24 (RFC 5737), and SSN areas
900-999, which the SSA never issues.
"""

import random
import secrets
import string
from collections.abc import Callable
from pathlib import Path

import names

STREET_NAMES = (
    "Oak", "Maple", "Cedar", "Pine", "Elm", "Willow", "Birch", "Walnut", "Chestnut", "Spruce", "Lake",
    "Hillcrest", "Ridgeview", "Meadow", "Orchard", "River", "Sunset", "Highland", "Park", "Church",
)  # fmt: skip
STREET_SUFFIXES = ("Street", "Avenue", "Road", "Lane", "Drive", "Court", "Way", "Place")
TOWNS = (
    "Fairview", "Riverton", "Greenfield", "Lakewood", "Millbrook", "Oakdale", "Brookside", "Cedarville",
    "Pleasant Hill", "Maplewood", "Ashford", "Westbury", "Kingsport", "Bellmont", "Harrow Falls",
)  # fmt: skip
MONTHS = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
    "November", "December",
)  # fmt: skip
NAME_POOL_SIZE = 400


def _census_names(file_name: str) -> list[str]:
    path = Path(names.__file__).parent / file_name
    with path.open(encoding="ascii") as handle:
        lines = [
            line.split(maxsplit=1)[0].title() for _, line in zip(range(NAME_POOL_SIZE), handle, strict=False)
        ]
    return lines


FIRST_NAMES = tuple(_census_names("dist.female.first") + _census_names("dist.male.first"))
LAST_NAMES = tuple(_census_names("dist.all.last"))


class SurrogateGenerator:
    """Map each original value to one fake value; a new generator starts a new mapping.

    The random seed is fresh for each generator, so the same name gets different
    surrogates in different documents and a surrogate says nothing about the original.
    """

    def __init__(self, seed: int | None = None) -> None:
        self._random = random.Random(seed if seed is not None else secrets.randbits(64))  # noqa: S311
        self._assigned: dict[tuple[str, str], str] = {}
        self._makers: dict[str, Callable[[str], str]] = {
            "PERSON": self._person,
            "GPE": lambda _: self._random.choice(TOWNS),
            "STREET_ADDRESS": self._street,
            "ZIP_CODE": lambda _: f"{self._random.randint(10000, 99999)}",
            "DATE_TIME": self._date,
            "AGE": lambda _: "90+",
            "PHONE_NUMBER": self._phone,
            "FAX_NUMBER": self._phone,
            "EMAIL_ADDRESS": self._email,
            "URL": lambda _: f"https://example.org/{self._random.randint(1000, 9999)}",
            "IP_ADDRESS": lambda _: f"192.0.2.{self._random.randint(1, 254)}",
            "US_SSN": lambda _: (
                f"9{self._random.randint(0, 99):02d}-{self._random.randint(1, 99):02d}-"
                f"{self._random.randint(1, 9999):04d}"
            ),
        }

    def surrogate(self, entity_type: str, original: str) -> str:
        key = (entity_type, " ".join(original.casefold().split()))
        if key not in self._assigned:
            maker = self._makers.get(entity_type, self._same_shape)
            self._assigned[key] = maker(original)
        return self._assigned[key]

    def _person(self, original: str) -> str:
        first = self._random.choice(FIRST_NAMES)
        last = self._random.choice(LAST_NAMES)
        return (
            last
            if len(original.split()) == 1 and original[:1].isupper() and " " not in original
            else f"{first} {last}"
        )

    def _street(self, _: str) -> str:
        number = self._random.randint(10, 9999)
        return f"{number} {self._random.choice(STREET_NAMES)} {self._random.choice(STREET_SUFFIXES)}"

    def _date(self, original: str) -> str:
        month = self._random.randint(1, 12)
        day = self._random.randint(1, 28)
        year = self._random.randint(1990, 2024)
        if any(char.isalpha() for char in original):
            return f"{MONTHS[month - 1]} {day}, {year}"
        return f"{month:02d}/{day:02d}/{year}"

    def _phone(self, _: str) -> str:
        return f"({self._random.randint(201, 989)}) 555-01{self._random.randint(0, 99):02d}"

    def _email(self, _: str) -> str:
        first = self._random.choice(FIRST_NAMES).lower()
        last = self._random.choice(LAST_NAMES).lower()
        return f"{first}.{last}@example.org"

    def _same_shape(self, original: str) -> str:
        """Replace each digit and letter with a random one, keeping separators."""
        characters = []
        for char in original:
            if char.isdigit():
                characters.append(self._random.choice(string.digits))
            elif char.isalpha():
                characters.append(self._random.choice(string.ascii_uppercase))
            else:
                characters.append(char)
        return "".join(characters)
