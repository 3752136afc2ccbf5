"""Randomly damaged documents yield text or a typed rejection, never another exception."""

import random
import struct
from pathlib import Path

import pytest

from electroanalyzer.engine.documents import DocumentLimits, extract_in_process
from electroanalyzer.engine.errors import EngineError, ExtractionFailed

from .builders import DocxParts, header_xml, text_pdf, word97_doc

CASES_PER_SEED = 150


def mutate(data: bytes, generator: random.Random) -> bytes:
    damaged = bytearray(data)
    for _ in range(generator.randint(1, 8)):
        position = generator.randrange(len(damaged)) if damaged else 0
        choice = generator.random()
        if choice < 0.6 and damaged:
            damaged[position] = generator.randrange(256)
        elif choice < 0.8:
            del damaged[position : position + generator.randint(1, 64)]
        else:
            damaged[position:position] = generator.randbytes(generator.randint(1, 16))
    return bytes(damaged)


SEEDS = {
    "docx": DocxParts(headers=[header_xml("Clinic")]).build(),
    "doc": word97_doc(
        [("Body text\r", True)], footnotes="Note\r", header_stories=["", "Header\r"] + [""] * 4
    ),
    "pdf": text_pdf([["Session note", "Plan: continue"]]),
}


@pytest.mark.parametrize("name", sorted(SEEDS))
def test_mutated_documents_fail_typed(name: str) -> None:
    generator = random.Random(name)
    limits = DocumentLimits.default()

    for _ in range(CASES_PER_SEED):
        damaged = mutate(SEEDS[name], generator)
        try:
            extract_in_process(damaged, limits)
        except EngineError:
            continue


def test_mutated_corpus_files_fail_typed(documents_dir: Path) -> None:
    generator = random.Random(7)
    limits = DocumentLimits.default()
    small_files = [path for path in sorted(documents_dir.iterdir()) if path.stat().st_size < 40_000]

    for path in small_files:
        for _ in range(10):
            try:
                extract_in_process(mutate(path.read_bytes(), generator), limits)
            except EngineError:
                continue


def test_corrupt_deflate_data_fails_typed() -> None:
    data = bytearray(DocxParts().build())
    position = data.find(b"PK\x03\x04")
    while data[position + 30 : position + 47] != b"word/document.xml":
        position = data.find(b"PK\x03\x04", position + 4)
    name_length, extra_length = struct.unpack_from("<HH", data, position + 26)
    start = position + 30 + name_length + extra_length
    data[start : start + 12] = b"\xff" * 12

    with pytest.raises(ExtractionFailed):
        extract_in_process(bytes(data), DocumentLimits.default())
