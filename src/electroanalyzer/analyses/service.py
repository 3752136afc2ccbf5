"""Upload, run, read, export and delete analyses; usable without HTTP."""

import json
import uuid
from datetime import timedelta
from typing import Any

from sqlalchemy import asc, desc, func, select
from sqlalchemy.orm import Session

from electroanalyzer.analyses import access
from electroanalyzer.analyses.models import Analysis, Share
from electroanalyzer.analyses.schemas import (
    AnalysisRead,
    AnalysisStatus,
    AnalyzeOptions,
    SortDirection,
    SortField,
)
from electroanalyzer.audit import service as audit
from electroanalyzer.auth import service as auth_service
from electroanalyzer.auth.permissions import Permission, Role, has_permission
from electroanalyzer.auth.service import CurrentUser
from electroanalyzer.core.context import ServerContext
from electroanalyzer.core.errors import DomainError, InvalidInput, NotFound, PayloadTooLarge, TooManyJobs
from electroanalyzer.documents.intake import UploadForm
from electroanalyzer.documents.models import Document
from electroanalyzer.users.models import User

ACTIVE_STATUSES = (AnalysisStatus.QUEUED.value, AnalysisStatus.RUNNING.value)


class UnsupportedUpload(DomainError):
    status = 415
    code = "unsupported_document_type"
    message = "Upload a PDF, DOCX, DOC or plain-text file."


def read_model(analysis: Analysis, document: Document | None) -> AnalysisRead:
    return AnalysisRead(
        id=analysis.id,
        document_id=analysis.document_id,
        owner_id=analysis.owner_id,
        status=AnalysisStatus(analysis.status),
        stage=analysis.stage,
        progress=analysis.progress,
        discipline=analysis.discipline or analysis.requested_discipline,
        document_type=analysis.document_type or analysis.requested_document_type,
        strictness=analysis.strictness,
        score=analysis.score,
        error_code=analysis.error_code,
        error_message=analysis.error_message,
        created_at=analysis.created_at,
        finished_at=analysis.finished_at,
        original_available=bool(document and document.vault_name),
    )


def _sniff(ctx: ServerContext, data: bytes) -> str:
    """Decide the format from the content (never the name or the declared type); enforce its size limit."""
    from electroanalyzer.engine.documents import sniff_format
    from electroanalyzer.engine.errors import EngineError

    if not data.strip():
        raise InvalidInput("The document is empty; upload a file with the note's text.", code="empty")
    try:
        document_format = str(sniff_format(data).value)
    except EngineError as error:
        raise _engine_problem(error) from None
    limit = getattr(ctx.settings.policies.uploads.max_bytes, document_format)
    if len(data) > limit:
        raise PayloadTooLarge(
            f"{document_format.upper()} files may be at most {limit} bytes; upload a smaller file."
        )
    return document_format


def _engine_problem(error: Exception) -> DomainError:
    problem = DomainError(str(getattr(error, "message", "The document could not be read.")))
    problem.status = int(getattr(error, "http_status", 422))
    problem.code = str(getattr(error, "code", "document_rejected"))
    return problem


def submit(ctx: ServerContext, user: CurrentUser, form: UploadForm) -> AnalysisRead:
    """Validate and store an upload (encrypted), create a queued analysis and return it."""
    options = AnalyzeOptions.model_validate(form.fields)
    upload = form.files.get("file")
    if upload is None or len(form.files) != 1:
        raise InvalidInput("Attach the document as the form part named `file`.")
    try:
        document_format = _sniff(ctx, upload.data)
    except DomainError as error:
        audit.record(ctx, "document:upload", "failure", actor_id=user.id, details={"reason": error.code})
        auth_service.signal("upload:rejected", "failure", user_id=user.id, reason=error.code)
        raise
    document_id, analysis_id, vault_name = str(uuid.uuid4()), str(uuid.uuid4()), ctx.vault.new_name()
    with ctx.session_factory() as db, db.begin():
        db.execute(lock_owner_row(user.id))
        running = db.scalar(
            select(func.count())
            .select_from(Analysis)
            .where(Analysis.owner_id == user.id, Analysis.status.in_(ACTIVE_STATUSES))
        )
        if (running or 0) >= ctx.settings.policies.uploads.per_user_concurrent_analyses:
            raise TooManyJobs()
        ctx.vault.store(vault_name, document_id, upload.data)
        document = Document(
            id=document_id,
            owner_id=user.id,
            file_name=upload.file_name,
            format=document_format,
            byte_size=len(upload.data),
            vault_name=vault_name,
            created_at=ctx.clock.now(),
        )
        analysis = Analysis(
            id=analysis_id,
            document_id=document_id,
            owner_id=user.id,
            status=AnalysisStatus.QUEUED.value,
            requested_discipline=options.discipline.value if options.discipline else None,
            requested_document_type=options.document_type.value if options.document_type else None,
            strictness=options.strictness.value,
            rubric_id=options.rubric_id,
            created_at=ctx.clock.now(),
            progress=0.0,
        )
        db.add(document)
        db.flush()  # the analysis row references the document row
        db.add(analysis)
        db.flush()
        created = read_model(analysis, document)
    audit.record(
        ctx,
        "document:upload",
        actor_id=user.id,
        target_type="document",
        target_id=document_id,
        details={"analysis_id": analysis_id, "format": document_format, "bytes": len(upload.data)},
    )
    return created


def lock_owner_row(user_id: int) -> Any:
    """An UPDATE that takes the owner's row lock (PostgreSQL) or the write lock (SQLite) first."""
    from sqlalchemy import update

    return update(User).where(User.id == user_id).values(id=user_id)


def status(ctx: ServerContext, user: CurrentUser, analysis_id: str, *, reason: str | None) -> AnalysisRead:
    with ctx.session_factory() as db:
        analysis = access.load_for(ctx, db, user, analysis_id, reason=reason, action="status")
        return read_model(analysis, db.get(Document, analysis.document_id))


def result(
    ctx: ServerContext, user: CurrentUser, analysis_id: str, *, reason: str | None
) -> tuple[str, dict[str, Any]]:
    """Return the display file name and the result dictionary; audited as a PHI view."""
    with ctx.session_factory() as db:
        analysis = access.load_for(ctx, db, user, analysis_id, reason=reason, action="view")
        if analysis.status != AnalysisStatus.SUCCEEDED.value or analysis.result_json is None:
            raise NotFound(
                "The analysis has no result yet; poll its status or follow /events.", code="no_result"
            )
        document = db.get(Document, analysis.document_id)
        file_name = document.file_name if document else ""
        payload = json.loads(analysis.result_json)
    audit.record(ctx, "phi:view", actor_id=user.id, target_type="analysis", target_id=analysis_id)
    auth_service.signal("phi:view", "success", user_id=user.id)
    return file_name, payload


def list_for(
    ctx: ServerContext,
    user: CurrentUser,
    *,
    limit: int,
    offset: int,
    sort: SortField,
    direction: SortDirection,
    status_filter: AnalysisStatus | None,
    discipline: str | None,
    owner_id: int | None,
) -> tuple[list[AnalysisRead], int]:
    """List the analyses the user may see: own ones; shared ones for viewers; any owner's for admins
    (metadata only, no PHI) when they pass `owner_id`."""
    query = select(Analysis)
    if user.role == Role.VIEWER:
        query = query.join(Share, Share.analysis_id == Analysis.id).where(Share.viewer_id == user.id)
    elif owner_id is not None and has_permission(user.role, Permission.ANY_DOCUMENT_READ):
        query = query.where(Analysis.owner_id == owner_id)
    else:
        query = query.where(Analysis.owner_id == user.id)
    if status_filter is not None:
        query = query.where(Analysis.status == status_filter.value)
    if discipline is not None:
        query = query.where(Analysis.discipline == discipline)
    column = {
        SortField.CREATED_AT: Analysis.created_at,
        SortField.SCORE: Analysis.score,
        SortField.STATUS: Analysis.status,
        SortField.DISCIPLINE: Analysis.discipline,
    }[sort]
    order = asc(column) if direction == SortDirection.ASC else desc(column)
    with ctx.session_factory() as db:
        total = db.scalar(select(func.count()).select_from(query.subquery())) or 0
        rows = list(db.scalars(query.order_by(order, Analysis.id).limit(limit).offset(offset)))
        documents = {
            doc.id: doc
            for doc in db.scalars(select(Document).where(Document.id.in_([r.document_id for r in rows])))
        }
        return [read_model(row, documents.get(row.document_id)) for row in rows], total


def delete_analysis(ctx: ServerContext, user: CurrentUser, analysis_id: str) -> None:
    """Delete an analysis with its document and encrypted original (owner only)."""
    with ctx.session_factory() as db, db.begin():
        analysis = db.get(Analysis, analysis_id) if len(analysis_id) <= 36 else None
        if analysis is None or analysis.owner_id != user.id:
            audit.record(
                ctx,
                "authz:denied",
                "denied",
                actor_id=user.id,
                target_type="analysis",
                target_id=analysis_id[:36],
                details={"action": "delete"},
            )
            auth_service.signal("authz:denied", "denied", user_id=user.id, resource="analysis")
            raise NotFound()
        document = db.get(Document, analysis.document_id)
        vault_name = document.vault_name if document else None
        if document is not None:
            db.delete(document)  # cascades to its analyses
        else:
            db.delete(analysis)
    if vault_name:
        ctx.vault.delete(vault_name)
    audit.record(ctx, "document:delete", actor_id=user.id, target_type="analysis", target_id=analysis_id)


def share(ctx: ServerContext, actor: CurrentUser, analysis_id: str, viewer_id: int) -> None:
    with ctx.session_factory() as db, db.begin():
        analysis = db.get(Analysis, analysis_id) if len(analysis_id) <= 36 else None
        viewer = db.get(User, viewer_id)
        if analysis is None or viewer is None or viewer.role != Role.VIEWER.value:
            raise NotFound("No such analysis or viewer account.")
        exists = db.scalar(
            select(Share.id).where(Share.analysis_id == analysis_id, Share.viewer_id == viewer_id)
        )
        if not exists:
            db.add(
                Share(
                    analysis_id=analysis_id,
                    viewer_id=viewer_id,
                    shared_by=actor.id,
                    created_at=ctx.clock.now(),
                )
            )
    audit.record(
        ctx,
        "analysis:share",
        actor_id=actor.id,
        target_type="analysis",
        target_id=analysis_id,
        details={"viewer_id": viewer_id},
    )


def purge_originals(ctx: ServerContext, *, actor_id: int | None = None) -> int:
    """Delete encrypted originals older than `retention.original_days`; analyses and results stay."""
    cutoff = ctx.clock.now() - timedelta(days=ctx.settings.policies.retention.original_days)
    purged = 0
    with ctx.session_factory() as db, db.begin():
        old = list(
            db.scalars(select(Document).where(Document.created_at < cutoff, Document.vault_name.is_not(None)))
        )
        for document in old:
            if document.vault_name:
                ctx.vault.delete(document.vault_name)
            document.vault_name, document.purged_at = None, ctx.clock.now()
            purged += 1
    if purged:
        audit.record(
            ctx,
            "retention:purge",
            actor_id=actor_id,
            details={
                "originals_purged": purged,
                "original_days": ctx.settings.policies.retention.original_days,
            },
        )
    return purged


def requeue_unfinished(db: Session) -> list[str]:
    """Return the ids of analyses left queued or running by a stopped server, reset to queued."""
    rows = list(db.scalars(select(Analysis).where(Analysis.status.in_(ACTIVE_STATUSES))))
    for row in rows:
        row.status, row.stage, row.progress = AnalysisStatus.QUEUED.value, None, 0.0
    return [row.id for row in rows]


ORIGINAL_MEDIA_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "doc": "application/msword",
    "txt": "text/plain; charset=utf-8",
}


def original(
    ctx: ServerContext, user: CurrentUser, analysis_id: str, *, reason: str | None
) -> tuple[bytes, str, str]:
    """Decrypt the uploaded original in memory; return its bytes, media type and format. Audited as a
    PHI download; answers 404 once retention has purged it."""
    with ctx.session_factory() as db:
        analysis = access.load_for(ctx, db, user, analysis_id, reason=reason, action="download")
        document = db.get(Document, analysis.document_id)
        if document is None or not document.vault_name:
            raise NotFound(
                "The original is no longer stored (retention purge or deletion).", code="original_purged"
            )
        vault_name, document_id, document_format = document.vault_name, document.id, document.format
    data = ctx.vault.load(vault_name, document_id)
    audit.record(
        ctx,
        "phi:download",
        actor_id=user.id,
        target_type="document",
        target_id=document_id,
        details={"analysis_id": analysis_id},
    )
    auth_service.signal("phi:download", "success", user_id=user.id)
    return data, ORIGINAL_MEDIA_TYPES.get(document_format, "application/octet-stream"), document_format
