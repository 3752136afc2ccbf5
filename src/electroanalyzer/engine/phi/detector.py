"""The PHI detector: Presidio's AnalyzerEngine with this package's recognizers."""

import bisect
import functools
import logging
import threading
import time

from presidio_analyzer import AnalyzerEngine, EntityRecognizer, RecognizerRegistry, RecognizerResult

from electroanalyzer.engine.phi.clinical import is_clinical_value
from electroanalyzer.engine.phi.context import WindowContextEnhancer
from electroanalyzer.engine.phi.entities import PhiEntity
from electroanalyzer.engine.phi.errors import TextTooLong
from electroanalyzer.engine.phi.lexicons import load_lexicons
from electroanalyzer.engine.phi.linking import AddressBlockLinker
from electroanalyzer.engine.phi.name_lists import add_names_in_company
from electroanalyzer.engine.phi.nlp import LANGUAGE, build_nlp_engine
from electroanalyzer.engine.phi.propagation import propagate_names
from electroanalyzer.engine.phi.recognizers import build_recognizers
from electroanalyzer.engine.phi.settings import PhiSettings

logger = logging.getLogger(__name__)


class PhiDetector:
    """Find PHI in text. Build once and reuse: construction loads the word lists.

    ``detect`` keeps no state between calls, so one instance may serve many threads.
    """

    def __init__(self, settings: PhiSettings | None = None) -> None:
        self.settings = settings or PhiSettings.from_env()
        started = time.perf_counter()
        lexicons = load_lexicons()
        nlp_engine = build_nlp_engine(self.settings.spacy_model)

        registry = RecognizerRegistry(supported_languages=[LANGUAGE])
        recognizers: list[EntityRecognizer] = build_recognizers(
            lexicons, with_ner=self.settings.spacy_model is not None
        )
        for recognizer in recognizers:
            registry.add_recognizer(recognizer)
        self._linker = AddressBlockLinker(lexicons)
        self._lexicons = lexicons
        self._analyzer = AnalyzerEngine(
            registry=registry,
            nlp_engine=nlp_engine,
            supported_languages=[LANGUAGE],
            context_aware_enhancer=WindowContextEnhancer(),
        )
        # Presidio does not document AnalyzerEngine.analyze as thread-safe, so calls from
        # several threads take turns; the filtering after it runs in parallel.
        self._lock = threading.Lock()
        logger.info(
            "phi_detector_built",
            extra={"recognizers": len(recognizers), "seconds": round(time.perf_counter() - started, 3)},
        )

    def detect(self, text: str) -> list[PhiEntity]:
        """Return the PHI entities in ``text``, sorted by start, with no two overlapping."""
        if len(text) > self.settings.max_text_chars:
            raise TextTooLong()
        if not text.strip():
            return []

        with self._lock:
            results = self._analyzer.analyze(
                text=text, language=LANGUAGE, score_threshold=self.settings.score_threshold
            )
        results = [
            result
            for result in results
            if not is_clinical_value(text, result.start, result.end, result.entity_type)
        ]
        entities = resolve_overlaps(results)
        entities = add_names_in_company(text, entities, self._lexicons)
        entities = propagate_names(text, entities, self._lexicons)
        return self._linker.link(text, entities)


def _recognizer_name(result: RecognizerResult) -> str:
    metadata = result.recognition_metadata or {}
    return str(metadata.get(RecognizerResult.RECOGNIZER_NAME_KEY, "unknown"))


def resolve_overlaps(results: list[RecognizerResult]) -> list[PhiEntity]:
    """Keep the best of overlapping detections: the higher score, then the longer span."""
    ranked = sorted(results, key=lambda result: (-result.score, -(result.end - result.start), result.start))
    starts: list[int] = []
    kept: list[RecognizerResult] = []
    for result in ranked:
        # kept stays sorted by start and free of overlaps, so only the neighbours can clash.
        index = bisect.bisect_left(starts, result.start)
        if index > 0 and kept[index - 1].end > result.start:
            continue
        if index < len(kept) and kept[index].start < result.end:
            continue
        starts.insert(index, result.start)
        kept.insert(index, result)
    return [
        PhiEntity(result.entity_type, result.start, result.end, float(result.score), _recognizer_name(result))
        for result in kept
    ]


@functools.cache
def get_detector() -> PhiDetector:
    """Return the process-wide detector, built on first use from the environment's settings."""
    return PhiDetector()
