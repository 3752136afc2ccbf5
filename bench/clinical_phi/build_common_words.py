"""Build the product's list of common lowercase words from the MTSamples scrape.

A capitalized word that clinicians also write in lowercase ("Will", "Normal", "Mobile") is
usually a sentence start or a heading, so the PHI recognizers accept it as a name or a place
only with a context cue. The list keeps lowercase words that occur in at least
MIN_DOCUMENTS transcriptions of the 2018 MTSamples scrape, leaving out the therapy notes that
the clinical PHI benchmark uses, and writes them one per line, gzip-compressed.

Run: `.venv/bin/python -m bench.clinical_phi.build_common_words`
"""

import csv
import gzip
import json
import re
import sys
from collections import Counter
from pathlib import Path

from bench.record import REPO_ROOT, shared_data_dir

MIN_DOCUMENTS = 3
WORD = re.compile(r"(?<![A-Za-z])[a-z][a-z'-]*[a-z]")
OUTPUT = REPO_ROOT / "src" / "electroanalyzer" / "engine" / "phi" / "data" / "common_words.txt.gz"


def benchmark_sample_ids(folder: Path) -> set[str]:
    with (folder / "manifest.csv").open(encoding="utf-8") as handle:
        return {row["sample_id"] for row in csv.DictReader(handle)}


def count_document_frequency(folder: Path) -> Counter[str]:
    excluded = benchmark_sample_ids(folder)
    frequency: Counter[str] = Counter()
    with gzip.open(folder / "mtsamples_all_2018scrape.jsonl.gz", "rt", encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            if str(record["sample_id"]) in excluded:
                continue
            frequency.update(set(WORD.findall(record["transcription"])))
    return frequency


def main() -> int:
    frequency = count_document_frequency(shared_data_dir() / "mtsamples_therapy")
    words = sorted(word for word, count in frequency.items() if count >= MIN_DOCUMENTS)
    # mtime=0 keeps the file byte-identical between runs.
    with gzip.GzipFile(OUTPUT, "wb", mtime=0) as handle:
        handle.write(("\n".join(words) + "\n").encode("utf-8"))
    print(f"wrote {len(words)} words to {OUTPUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
