"""PHI benchmark: ElectroAnalyzer against stock Presidio on two labelled sets, in one run.

1. presidio-research's synthetic set (synth_dataset_v2.json, generated with Faker);
2. the clinical PHI set: MTSamples therapy notes with surrogate identifiers inserted at
   recorded positions (bench/clinical_phi/clinical_phi_set.json), plus a must-not-flag list of
   clinical look-alikes, plus stock Presidio's detections on the raw notes.

Run: `.venv/bin/python -m bench.phi`
"""

import json
import sys
from pathlib import Path

from bench.clinical_phi.lookalikes import LOOKALIKES
from bench.phi_report import clinical_section, lenient_section, raw_notes_section, synthetic_section
from bench.phi_scoring import Span, Tally, score_document
from bench.phi_systems import electroanalyzer_detector, stock_presidio_detector, timed_run
from bench.record import shared_data_dir, write_section

CLINICAL_SET = Path(__file__).resolve().parent / "clinical_phi" / "clinical_phi_set.json"
SYNTHETIC_IN_SCOPE = {
    "PERSON", "STREET_ADDRESS", "GPE", "ZIP_CODE", "DATE_TIME", "PHONE_NUMBER", "EMAIL_ADDRESS", "US_SSN",
    "IP_ADDRESS", "AGE", "US_DRIVER_LICENSE", "DOMAIN_NAME",
}  # fmt: skip
OUT_OF_SCOPE_PREDICTIONS = {"NRP", "ORGANIZATION", "TITLE"}


def _is_region(value: str) -> bool:
    from electroanalyzer.engine.phi.lexicons import fold, load_lexicons

    return fold(value.strip()) in load_lexicons().regions


def split_synthetic_gold(record: dict) -> tuple[list[Span], list[Span]]:
    """Split a record's spans into Safe Harbor targets and out-of-scope spans.

    Out of scope: types that are not Safe Harbor identifiers (ORGANIZATION, TITLE, NRP,
    CREDIT_CARD, IBAN_CODE), a year alone, ages of 89 or less, and countries and US states,
    which HIPAA lets stay.
    """
    gold: list[Span] = []
    excluded: list[Span] = []
    for raw in record["spans"]:
        span = Span(raw["entity_type"], raw["start_position"], raw["end_position"])
        value = raw["entity_value"].strip()
        in_scope = span.type in SYNTHETIC_IN_SCOPE
        if span.type == "DATE_TIME" and value.isdigit() and len(value) == 4:
            in_scope = False
        if span.type == "AGE" and not (value.isdigit() and int(value) > 89):
            in_scope = False
        if span.type == "GPE" and _is_region(value):
            in_scope = False
        (gold if in_scope else excluded).append(span)
    return gold, excluded


def score_set(
    texts: list[str],
    golds: list[list[Span]],
    excluded: list[list[Span]],
    predictions: list[list[Span]],
    *,
    lenient: bool = False,
) -> Tally:
    tally = Tally()
    for text, gold, left_out, predicted in zip(texts, golds, excluded, predictions, strict=True):
        kept = [span for span in predicted if span.type not in OUT_OF_SCOPE_PREDICTIONS]
        score_document(tally, text, gold, left_out, kept, lenient=lenient)
    return tally


def count_flagged(detect, items: list[str]) -> tuple[int, list[str]]:  # type: ignore[no-untyped-def]
    flagged = [item for item in items if detect(item)]
    return len(flagged), flagged


def main() -> int:
    systems = {"ElectroAnalyzer": electroanalyzer_detector(), "stock Presidio": stock_presidio_detector()}

    records = json.loads(
        (shared_data_dir() / "phi_presidio_synth" / "synth_dataset_v2.json").read_text("utf-8")
    )
    texts = [record["full_text"] for record in records]
    split = [split_synthetic_gold(record) for record in records]
    golds, excluded = [gold for gold, _ in split], [left_out for _, left_out in split]

    clinical = json.loads(CLINICAL_SET.read_text("utf-8"))
    clinical_texts = [document["text"] for document in clinical["documents"]]
    clinical_golds = [
        [Span(s["type"], s["start"], s["end"]) for s in d["spans"]] for d in clinical["documents"]
    ]
    clinical_placeholders = [
        [Span("PLACEHOLDER", s["start"], s["end"]) for s in d["placeholder_phi"]]
        for d in clinical["documents"]
    ]
    raw_notes = [document["original_text"] for document in clinical["documents"]]

    synthetic, lenient, clinical_results, lookalikes, raw = {}, {}, {}, {}, {}
    for name, detect in systems.items():
        predictions, seconds = timed_run(detect, texts)
        synthetic[name] = (score_set(texts, golds, excluded, predictions), seconds / sum(map(len, texts)))
        lenient[name] = score_set(texts, golds, excluded, predictions, lenient=True)
        clinical_predictions, clinical_seconds = timed_run(detect, clinical_texts)
        clinical_results[name] = (
            score_set(clinical_texts, clinical_golds, clinical_placeholders, clinical_predictions),
            clinical_seconds / sum(map(len, clinical_texts)),
        )
        lookalikes[name] = count_flagged(detect, list(LOOKALIKES))
        raw[name] = [detect(note) for note in raw_notes]

    sections = [
        synthetic_section(synthetic),
        lenient_section(synthetic, lenient),
        clinical_section(clinical_results, lookalikes, len(LOOKALIKES)),
        raw_notes_section(raw_notes, raw, clinical["documents"]),
    ]
    markdown = "\n\n".join(text for text, _ in sections)
    print(markdown)
    write_section("phi", markdown)
    return 0 if all(met for _, met in sections) else 1


if __name__ == "__main__":
    sys.exit(main())
