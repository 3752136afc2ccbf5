"""Run one analysis job: decrypt the original in memory, call the engine pipeline, store the result.

Progress (stage and fraction) is written to the analysis row, so polling and Server-Sent Events work
whether the job runs in this process or in a separate worker.
"""

import json
import logging
import time
from typing import Any

from sqlalchemy import delete, select

from electroanalyzer.analyses.models import Analysis, FindingOutcome
from electroanalyzer.analyses.schemas import AnalysisStatus
from electroanalyzer.analyses.stored_result import to_stored
from electroanalyzer.core.context import ServerContext
from electroanalyzer.documents.models import Document
from electroanalyzer.rubrics_api.models import CustomRubric

logger = logging.getLogger(__name__)
PROGRESS_WRITE_INTERVAL = 0.25  # seconds between progress writes


def _update(ctx: ServerContext, analysis_id: str, **values: Any) -> None:
    with ctx.session_factory() as db, db.begin():
        analysis = db.get(Analysis, analysis_id)
        if analysis is not None:
            for key, value in values.items():
                setattr(analysis, key, value)


def _limits(ctx: ServerContext) -> Any:
    from electroanalyzer.engine.documents import DocumentLimits

    uploads = ctx.settings.policies.uploads
    return DocumentLimits(
        max_pdf_bytes=uploads.max_bytes.pdf,
        max_docx_bytes=uploads.max_bytes.docx,
        max_doc_bytes=uploads.max_bytes.doc,
        max_txt_bytes=uploads.max_bytes.txt,
        cpu_seconds=uploads.parse_cpu_seconds,
        memory_mb=uploads.parse_memory_mb,
        wall_seconds=float(uploads.parse_timeout_seconds),
    )


def _custom_rubric(ctx: ServerContext, rubric_id: str | None) -> Any:
    if not rubric_id:
        return None
    with ctx.session_factory() as db:
        row = db.scalars(
            select(CustomRubric).where(CustomRubric.rubric_id == rubric_id).order_by(CustomRubric.id.desc())
        ).first()
    if row is None:
        return None
    from electroanalyzer.engine.rubrics import parse_rubric_yaml

    return parse_rubric_yaml(row.yaml_text)


def run_analysis(ctx: ServerContext, analysis_id: str) -> None:
    """Execute a queued analysis; engine errors end it as failed with their stable code and safe message."""
    from electroanalyzer.engine.errors import EngineError
    from electroanalyzer.engine.pipeline import AnalysisOptions, analyze_document

    with ctx.session_factory() as db, db.begin():
        analysis = db.get(Analysis, analysis_id)
        if analysis is None or analysis.status != AnalysisStatus.QUEUED.value:
            return
        document = db.get(Document, analysis.document_id)
        if document is None or not document.vault_name:
            analysis.status, analysis.error_code = AnalysisStatus.FAILED.value, "original_unavailable"
            analysis.error_message = "The original file is no longer stored; upload it again."
            return
        analysis.status, analysis.started_at, analysis.stage = (
            AnalysisStatus.RUNNING.value,
            ctx.clock.now(),
            "start",
        )
        vault_name, document_id, file_name = document.vault_name, document.id, document.file_name
        options = AnalysisOptions(
            discipline=analysis.requested_discipline,
            document_type=analysis.requested_document_type,
            strictness=analysis.strictness,
            rubric=None,
        )
        rubric_id = analysis.rubric_id
    report: dict[str, Any]

    last_write = 0.0

    def progress(stage: str, fraction: float) -> None:
        nonlocal last_write
        now = time.monotonic()
        if now - last_write >= PROGRESS_WRITE_INTERVAL:
            last_write = now
            _update(ctx, analysis_id, stage=stage[:32], progress=max(0.0, min(1.0, float(fraction))))

    started = time.monotonic()
    try:
        rubric = _custom_rubric(ctx, rubric_id)
        if rubric is not None:
            from dataclasses import replace

            options = replace(options, rubric=rubric)
        data = ctx.vault.load(vault_name, document_id)
        result = analyze_document(data, options, limits=_limits(ctx), file_name=file_name, progress=progress)
        payload = to_stored(result)
        report = payload["report"]
    except EngineError as error:
        logger.info("analysis_rejected", extra={"analysis_id": analysis_id, "code": error.code})
        _update(
            ctx,
            analysis_id,
            status=AnalysisStatus.FAILED.value,
            error_code=error.code,
            error_message=error.message[:500],
            finished_at=ctx.clock.now(),
            stage="failed",
        )
        return
    except Exception as error:
        logger.error(
            "analysis_failed", extra={"analysis_id": analysis_id, "error_type": type(error).__name__}
        )
        _update(
            ctx,
            analysis_id,
            status=AnalysisStatus.FAILED.value,
            error_code="analysis_failed",
            error_message="The analysis failed unexpectedly; try again or report the analysis id.",
            finished_at=ctx.clock.now(),
            stage="failed",
        )
        return

    with ctx.session_factory() as db, db.begin():
        analysis = db.get(Analysis, analysis_id)
        if analysis is None:  # deleted while running
            return
        analysis.result_json = json.dumps(payload, separators=(",", ":"))
        analysis.discipline = str(report.get("discipline") or "") or None
        analysis.document_type = str(report.get("document_type") or "") or None
        score = report.get("score")
        analysis.score = float(score) if isinstance(score, int | float) else None
        analysis.status, analysis.progress, analysis.stage = AnalysisStatus.SUCCEEDED.value, 1.0, "done"
        analysis.finished_at = ctx.clock.now()
        db.execute(delete(FindingOutcome).where(FindingOutcome.analysis_id == analysis_id))
        for finding in report.get("findings") or []:
            db.add(
                FindingOutcome(
                    analysis_id=analysis_id,
                    rule_id=str(finding.get("rule_id", ""))[:64],
                    status=str(finding.get("status", ""))[:16],
                    severity=str(finding.get("severity", ""))[:8],
                )
            )
    logger.info(
        "analysis_finished",
        extra={"analysis_id": analysis_id, "seconds": round(time.monotonic() - started, 3)},
    )
