"""Redaction of detected PHI through Presidio's AnonymizerEngine."""

import functools
import hashlib
import hmac
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from presidio_anonymizer import AnonymizerEngine
from presidio_anonymizer.entities import OperatorConfig, RecognizerResult

from electroanalyzer.engine.phi.entities import ENTITY_TAGS, PhiEntity
from electroanalyzer.engine.phi.errors import MissingHashKey
from electroanalyzer.engine.phi.surrogates import SurrogateGenerator

MASK_CHAR = "*"
HASH_HEX_CHARS = 8


class RedactionMode(StrEnum):
    TAG = "tag"
    MASK = "mask"
    SURROGATE = "surrogate"
    HASH = "hash"


@dataclass(frozen=True)
class RedactedSpan:
    """Where one entity was in the original text and where its replacement is in the output."""

    type: str
    original_start: int
    original_end: int
    start: int
    end: int


@dataclass(frozen=True)
class RedactionResult:
    text: str
    spans: list[RedactedSpan]


@functools.cache
def _anonymizer() -> AnonymizerEngine:
    return AnonymizerEngine()


def tag_for(entity_type: str) -> str:
    return ENTITY_TAGS.get(entity_type, entity_type)


def keyed_hash(key: bytes, entity_type: str, original: str) -> str:
    """Return the first hex characters of HMAC-SHA256 over the type and normalized value.

    Case and runs of whitespace are normalized, so 'John  Smith' and 'JOHN SMITH' link.
    """
    normalized = " ".join(original.casefold().split())
    message = f"{entity_type}\x00{normalized}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:HASH_HEX_CHARS]


def _operator(
    entity_type: str, mode: RedactionMode, hash_key: bytes | None, surrogates: SurrogateGenerator
) -> OperatorConfig:
    tag = tag_for(entity_type)
    if mode is RedactionMode.TAG:
        return OperatorConfig("replace", {"new_value": f"[{tag}]"})
    if mode is RedactionMode.MASK:
        return OperatorConfig("custom", {"lambda": lambda value: MASK_CHAR * len(value)})
    if mode is RedactionMode.SURROGATE:
        replace: Callable[[str], str] = functools.partial(surrogates.surrogate, entity_type)
        return OperatorConfig("custom", {"lambda": replace})
    assert hash_key is not None
    return OperatorConfig(
        "custom", {"lambda": lambda value: f"[{tag}:{keyed_hash(hash_key, entity_type, value)}]"}
    )


def redact(
    text: str,
    entities: list[PhiEntity],
    mode: RedactionMode = RedactionMode.TAG,
    *,
    hash_key: bytes | None = None,
) -> RedactionResult:
    """Replace every entity in ``text`` as ``mode`` says and report where each replacement went.

    Entities must not overlap (PhiDetector.detect guarantees this). Hash mode needs a key
    and raises MissingHashKey without one.
    """
    if mode is RedactionMode.HASH and not hash_key:
        raise MissingHashKey()
    ordered = sorted(entities, key=lambda entity: entity.start)
    if not ordered:
        return RedactionResult(text=text, spans=[])

    surrogates = SurrogateGenerator()
    operators = {
        entity_type: _operator(entity_type, mode, hash_key, surrogates)
        for entity_type in {entity.type for entity in ordered}
    }
    results = [RecognizerResult(entity.type, entity.start, entity.end, entity.score) for entity in ordered]
    engine_result = _anonymizer().anonymize(
        text=text, analyzer_results=results, operators=operators, merge_entities_with_spaces=False
    )

    items = sorted(engine_result.items, key=lambda item: item.start)
    spans = [
        RedactedSpan(entity.type, entity.start, entity.end, item.start, item.end)
        for entity, item in zip(ordered, items, strict=True)
    ]
    return RedactionResult(text=engine_result.text, spans=spans)
