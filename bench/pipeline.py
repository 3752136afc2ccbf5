"""Benchmark the analysis pipeline on the 32 MTSamples notes, beside a plain keyword search.

Run: .venv/bin/python -m bench.pipeline  (pins itself to one core where the OS allows it).
"""

from __future__ import annotations

import os
import re
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench.record import shared_data_dir, write_section

TARGET_MEDIAN_MS = 30.0
TARGET_PEAK_MB = 300.0
TARGET_COLD_S = 2.0
KEYWORDS = [
    "signature",
    "goal",
    "plan of care",
    "frequency",
    "prior level",
    "assessment",
    "prognosis",
    "minutes",
]


def _keyword_baseline(texts: list[str]) -> list[float]:
    """Time what a reviewer might script instead: case-insensitive keyword presence, no structure."""
    patterns = [re.compile(re.escape(word), re.IGNORECASE) for word in KEYWORDS]
    timings = []
    for text in texts:
        started = time.perf_counter()
        _ = [bool(pattern.search(text)) for pattern in patterns]
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def _compliance_only(texts: list[str]) -> list[float]:
    """Time the compliance step alone on already redacted text, to separate it from PHI redaction."""
    from electroanalyzer.engine.compliance.classify import detect_discipline, detect_document_type
    from electroanalyzer.engine.compliance.context import NoteContext
    from electroanalyzer.engine.compliance.evaluate import evaluate
    from electroanalyzer.engine.compliance.findings import score_findings
    from electroanalyzer.engine.rubrics import load_builtin_rubric

    timings = []
    for text in texts:
        started = time.perf_counter()
        discipline = detect_discipline(text).value
        document_type = detect_document_type(text, discipline).value
        context = NoteContext.build(text, discipline, document_type)
        score_findings(evaluate(load_builtin_rubric(discipline), context, "standard"))
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def _cold_wall(note: Path) -> float:
    started = time.perf_counter()
    subprocess.run(
        [str(Path(sys.executable).parent / "electroanalyzer"), "analyze", str(note)],
        capture_output=True,
        check=False,
        timeout=120,
    )
    return time.perf_counter() - started


def main() -> int:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    from electroanalyzer.engine.pipeline import AnalysisOptions, analyze_text

    notes = sorted((shared_data_dir() / "mtsamples_therapy" / "notes").glob("*.txt"))
    texts = [note.read_text(encoding="utf-8") for note in notes]
    options = AnalysisOptions()
    for text in texts[:3]:
        analyze_text(text, options)  # warm-up: loads the PHI models, rubrics and patterns

    timings = []
    per_5kb = []
    redacted = []
    started = time.perf_counter()
    for text in texts:
        one = time.perf_counter()
        redacted.append(analyze_text(text, options).redacted_text)
        elapsed = (time.perf_counter() - one) * 1000
        timings.append(elapsed)
        per_5kb.append(elapsed * 5000 / max(len(text), 1))
    total = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    baseline = _keyword_baseline(texts)
    compliance = _compliance_only(redacted)
    compliance_5kb = [ms * 5000 / max(len(t), 1) for ms, t in zip(compliance, redacted, strict=True)]
    cold = _cold_wall(notes[0])

    median = statistics.median(timings)
    median_5kb = statistics.median(per_5kb)
    lines = [
        f"Notes: {len(texts)} (median {statistics.median(len(t) for t in texts):.0f} chars).",
        "One core, after warm-up.",
        "",
        "| figure | value | target |",
        "|---|---|---|",
        f"| median time per note (whole pipeline incl. PHI redaction) | {median:.1f} ms | - |",
        f"| median time scaled to a 5 KB note | {median_5kb:.1f} ms | <= {TARGET_MEDIAN_MS:g} ms |",
        f"| compliance step alone (no PHI redaction), median scaled to 5 KB | "
        f"{statistics.median(compliance_5kb):.1f} ms | - |",
        f"| notes per second | {len(texts) / total:.1f} | - |",
        f"| peak memory (max RSS) | {peak_mb:.0f} MB | <= {TARGET_PEAK_MB:g} MB |",
        f"| cold wall time, `electroanalyzer analyze` on one note | {cold:.2f} s | <= {TARGET_COLD_S:g} s |",
        f"| keyword-search baseline, median per note | {statistics.median(baseline):.3f} ms | - |",
        "",
        "The keyword baseline only reports whether 8 words occur; it cannot check negation, goals per",
        "sentence, the 8-minute rule or dates, and it reads PHI in the clear.",
    ]
    markdown = "\n".join(lines)
    print(markdown)
    write_section("pipeline", "## Analysis pipeline (bench/pipeline.py)\n\n" + markdown)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
