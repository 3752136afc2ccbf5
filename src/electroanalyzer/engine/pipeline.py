"""The analysis pipeline: extract text, redact PHI, understand the note, run the rubric, score.

The compliance checks always run on the redacted text, so findings, evidence and reports
quote no PHI. With ``include_phi`` the result also keeps the original text and a mapping of
evidence offsets back to it, for a report the user asked to show PHI in.
"""

from __future__ import annotations

import bisect
import datetime as dt
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from electroanalyzer.engine.compliance.classify import (
    detect_discipline,
    detect_document_type,
    looks_like_therapy_note,
    not_a_therapy_note_warning,
)
from electroanalyzer.engine.compliance.context import Evidence, NoteContext
from electroanalyzer.engine.compliance.evaluate import evaluate
from electroanalyzer.engine.compliance.findings import Finding, score_findings
from electroanalyzer.engine.compliance.patterns import DATE, parse_date
from electroanalyzer.engine.errors import EngineError
from electroanalyzer.engine.phi import RedactionMode
from electroanalyzer.engine.rubrics import Rubric, load_builtin_rubric
from electroanalyzer.engine.rubrics.model import DISCIPLINES, DOCUMENT_TYPES, STRICTNESS_ORDER

if TYPE_CHECKING:
    from electroanalyzer.engine.documents import DocumentLimits
    from electroanalyzer.engine.phi import RedactionResult

logger = logging.getLogger(__name__)

Progress = Callable[[str, float], None]
MAX_ANALYSIS_CHARS = 500_000

__all__ = [
    "AnalysisOptions",
    "AnalysisResult",
    "Evidence",
    "Finding",
    "InvalidAnalysisOptions",
    "analyze_document",
    "analyze_text",
]


class InvalidAnalysisOptions(EngineError):
    code = "invalid_analysis_options"
    default_message = "An analysis option is invalid. Check the discipline, document type and strictness."


class TextTooLong(EngineError):
    code = "text_too_long"
    http_status = 413
    default_message = f"The note text is longer than {MAX_ANALYSIS_CHARS} characters. Split the document."


@dataclass(frozen=True)
class AnalysisOptions:
    discipline: str | None = None
    document_type: str | None = None
    strictness: str = "standard"
    redaction: RedactionMode = RedactionMode.TAG
    hash_key: bytes | None = None
    rubric: Rubric | None = None
    # Keep the original text so a report can show PHI. Off unless the user requests it.
    include_phi: bool = False
    max_chars: int = MAX_ANALYSIS_CHARS

    def validated(self) -> AnalysisOptions:
        if self.discipline is not None and self.discipline.upper() not in DISCIPLINES:
            raise InvalidAnalysisOptions(f"Unknown discipline {self.discipline!r}. Use PT, OT or SLP.")
        if self.document_type is not None and self.document_type not in DOCUMENT_TYPES:
            raise InvalidAnalysisOptions(
                f"Unknown document type {self.document_type!r}. Use one of: {', '.join(DOCUMENT_TYPES)}."
            )
        if self.strictness not in STRICTNESS_ORDER:
            raise InvalidAnalysisOptions(
                f"Unknown strictness {self.strictness!r}. Use lenient, standard or strict."
            )
        return self


@dataclass
class AnalysisResult:
    discipline: str
    discipline_confidence: float
    document_type: str
    document_type_confidence: float
    strictness: str
    score: float
    score_explanation: str
    findings: list[Finding]
    redacted_text: str
    phi: list[dict[str, Any]]
    sections: list[dict[str, Any]]
    rubric_id: str
    rubric_version: str
    duration_ms: float = 0.0
    # Problems with the analysis as a whole, each {"code", "message"}, such as not_a_therapy_note.
    warnings: list[dict[str, str]] = field(default_factory=list)
    original_text: str | None = field(default=None, repr=False)
    _offset_map: list[tuple[int, int, int, int]] = field(default_factory=list, repr=False)

    @property
    def includes_phi(self) -> bool:
        return self.original_text is not None

    def display_text(self) -> str:
        """The text a report shows: redacted, unless the user asked to include PHI."""
        return self.original_text if self.original_text is not None else self.redacted_text

    def display_span(self, evidence: Evidence) -> tuple[int, int]:
        """Map an evidence span of the redacted text onto the display text."""
        if self.original_text is None:
            return evidence.start, evidence.end
        return self._to_original(evidence.start, is_end=False), self._to_original(evidence.end, is_end=True)

    def _to_original(self, offset: int, *, is_end: bool) -> int:
        # Each entry: (redacted start, redacted end, original start, original end), sorted.
        starts = [entry[0] for entry in self._offset_map]
        index = bisect.bisect_right(starts, offset) - 1
        if index < 0:
            return offset
        r_start, r_end, o_start, o_end = self._offset_map[index]
        if offset < r_end:
            return o_end if is_end and offset > r_start else o_start
        return o_end + (offset - r_end)

    def counts(self) -> dict[str, int]:
        """Count the scored findings by status, and every advisory finding under "advisory"."""
        totals = {"met": 0, "partly_met": 0, "missing": 0, "not_applicable": 0, "advisory": 0}
        for finding in self.findings:
            if finding.advisory:
                totals["advisory"] += 1
            else:
                totals[finding.status] += 1
        return totals

    def to_dict(self, file: str | None = None) -> dict[str, Any]:
        """The document entry of the JSON report (see reports/schema/report.schema.json)."""
        return {
            "file": file,
            "discipline": self.discipline,
            "discipline_confidence": self.discipline_confidence,
            "document_type": self.document_type,
            "document_type_confidence": self.document_type_confidence,
            "strictness": self.strictness,
            "rubric": {"id": self.rubric_id, "version": self.rubric_version},
            "score": self.score,
            "score_explanation": self.score_explanation,
            "warnings": [dict(warning) for warning in self.warnings],
            "counts": self.counts(),
            "findings": [finding.to_dict() for finding in self.findings],
            "sections": self.sections,
            "phi": self.phi,
            "includes_phi": self.includes_phi,
        }


def _report(progress: Progress | None, stage: str, fraction: float) -> None:
    if progress is not None:
        progress(stage, fraction)


def _redact(text: str, options: AnalysisOptions) -> RedactionResult:
    from electroanalyzer.engine.phi import get_detector, redact

    entities = get_detector().detect(text)
    return redact(text, entities, options.redaction, hash_key=options.hash_key)


def _redacted_dates(text: str, redaction: RedactionResult) -> dict[tuple[int, int], dt.date]:
    """Map each redacted date span to the date it replaced, for the day-count checks.

    The values stay inside the analysis: findings report day counts and quote the redaction tag.
    """
    dates: dict[tuple[int, int], dt.date] = {}
    for span in redaction.spans:
        if span.type != "DATE_TIME":
            continue
        match = DATE.search(text, span.original_start, span.original_end)
        value = parse_date(match) if match else None
        if value is not None:
            dates[(span.start, span.end)] = value
    return dates


def analyze_text(text: str, options: AnalysisOptions, *, progress: Progress | None = None) -> AnalysisResult:
    """Redact PHI in text, then check the redacted text against the rubric."""
    started = time.perf_counter()
    options = options.validated()
    if len(text) > options.max_chars:
        raise TextTooLong(f"The note text is longer than {options.max_chars} characters. Split the document.")

    _report(progress, "redacting", 0.1)
    redaction = _redact(text, options)
    redacted = redaction.text

    _report(progress, "classifying", 0.5)
    # Detection runs even when the user set the discipline, because it decides the warning below.
    detected = detect_discipline(redacted)
    therapy_note = looks_like_therapy_note(detected)
    if options.discipline is not None:
        discipline, discipline_confidence = options.discipline.upper(), 1.0
    elif options.rubric is not None:
        discipline, discipline_confidence = options.rubric.discipline, 1.0
    else:
        discipline, discipline_confidence = detected.value, detected.confidence
    if options.document_type is not None:
        document_type, type_confidence = options.document_type, 1.0
    else:
        detected_type = detect_document_type(redacted, discipline)
        document_type, type_confidence = detected_type.value, detected_type.confidence
        if not therapy_note:
            # A therapy document type is no surer than the document being a therapy note.
            type_confidence = min(type_confidence, detected.confidence)
    warnings = []
    if not therapy_note:
        overridden = any(
            value is not None for value in (options.discipline, options.document_type, options.rubric)
        )
        warnings.append(not_a_therapy_note_warning(detected, overridden=overridden))

    _report(progress, "checking", 0.6)
    rubric = options.rubric or load_builtin_rubric(discipline)
    context = NoteContext.build(redacted, discipline, document_type, _redacted_dates(text, redaction))
    findings = evaluate(rubric, context, options.strictness)
    score = score_findings(findings)

    result = AnalysisResult(
        discipline=discipline,
        discipline_confidence=discipline_confidence,
        document_type=document_type,
        document_type_confidence=type_confidence,
        strictness=options.strictness,
        score=score.value,
        score_explanation=score.explanation,
        findings=findings,
        redacted_text=redacted,
        phi=[{"type": span.type, "start": span.start, "end": span.end} for span in redaction.spans],
        sections=[
            {"name": s.name, "header": s.header, "start": s.start, "end": s.end} for s in context.sections
        ],
        rubric_id=rubric.id,
        rubric_version=rubric.version,
        warnings=warnings,
    )
    if options.include_phi:
        result.original_text = text
        result._offset_map = sorted(
            (span.start, span.end, span.original_start, span.original_end) for span in redaction.spans
        )
    result.duration_ms = round((time.perf_counter() - started) * 1000, 2)
    logger.info(
        "analysis_completed",
        extra={
            "discipline": discipline,
            "document_type": document_type,
            "rule_count": len(findings),
            "score": score.value,
            "warning_codes": [warning["code"] for warning in warnings],
            "duration_ms": result.duration_ms,
        },
    )
    _report(progress, "done", 1.0)
    return result


def analyze_document(
    data: bytes,
    options: AnalysisOptions,
    *,
    limits: DocumentLimits | None = None,
    file_name: str | None = None,
    progress: Progress | None = None,
) -> AnalysisResult:
    """Extract the text of a document (PDF, DOCX, DOC, TXT), then analyze it as analyze_text does."""
    from electroanalyzer.engine.documents import extract_text

    _report(progress, "extracting", 0.0)
    extracted = extract_text(data, limits=limits)
    logger.info(
        "document_extracted", extra={"format": str(extracted.format), "byte_size": extracted.byte_size}
    )

    def scaled(stage: str, fraction: float) -> None:
        _report(progress, stage, 0.2 + 0.8 * fraction)

    return analyze_text(extracted.text, options, progress=scaled if progress else None)
