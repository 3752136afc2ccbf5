"""/api/v2/analysis: analyze (upload), list, status, result, export, delete, events (SSE), share."""

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Query, Request, Response
from fastapi.responses import StreamingResponse
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from electroanalyzer.analyses import export as exporting
from electroanalyzer.analyses import service
from electroanalyzer.analyses.schemas import (
    AnalysisPage,
    AnalysisRead,
    AnalysisResultRead,
    AnalysisStatus,
    Discipline,
    DocumentType,
    ShareRequest,
    SortDirection,
    SortField,
    Strictness,
)
from electroanalyzer.auth.dependencies import get_context, require
from electroanalyzer.auth.permissions import Permission
from electroanalyzer.auth.service import CurrentUser
from electroanalyzer.core.context import ServerContext
from electroanalyzer.core.errors import InvalidInput
from electroanalyzer.documents.intake import read_multipart

router = APIRouter(prefix="/analysis", tags=["analysis"])
Context = Annotated[ServerContext, Depends(get_context)]
Reader = Annotated[CurrentUser, Depends(require(Permission.DOCUMENT_READ, Permission.SHARED_REPORT_READ))]
Reason = Annotated[str | None, Header(alias="X-Access-Reason", max_length=500)]
TERMINAL = (AnalysisStatus.SUCCEEDED.value, AnalysisStatus.FAILED.value)


# The handler parses the multipart stream itself to enforce the upload limits while reading, so FastAPI
# cannot infer the body. This declares it for the OpenAPI document and the docs page.
ANALYZE_REQUEST_BODY: dict[str, Any] = {
    "required": True,
    "content": {
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "required": ["file"],
                "properties": {
                    "file": {
                        "type": "string",
                        "format": "binary",
                        "description": "The document: PDF, DOCX, DOC or plain text.",
                    },
                    "discipline": {
                        "type": "string",
                        "enum": [item.value for item in Discipline],
                        "description": "Therapy discipline; omit to detect it from the text.",
                    },
                    "document_type": {
                        "type": "string",
                        "enum": [item.value for item in DocumentType],
                        "description": "Kind of note; omit to detect it from the text.",
                    },
                    "strictness": {
                        "type": "string",
                        "enum": [item.value for item in Strictness],
                        "default": Strictness.STANDARD.value,
                        "description": "Scoring strictness.",
                    },
                    "rubric_id": {
                        "type": "string",
                        "maxLength": 64,
                        "pattern": "^[A-Za-z0-9_.:-]+$",
                        "description": "A custom rubric to apply instead of the built-in one.",
                    },
                },
            }
        }
    },
}


def _check_id(analysis_id: str) -> str:
    if not 1 <= len(analysis_id) <= 36:
        raise InvalidInput("The analysis id is a UUID.")
    return analysis_id


@router.post(
    "/analyze",
    response_model=AnalysisRead,
    status_code=202,
    openapi_extra={"requestBody": ANALYZE_REQUEST_BODY},
)
async def analyze(
    request: Request, user: Annotated[CurrentUser, Depends(require(Permission.DOCUMENT_CREATE))], ctx: Context
) -> AnalysisRead:
    """Upload one document (multipart part `file`) with optional discipline, document_type and strictness.
    The analysis runs off the request path; poll GET /{id} or follow GET /{id}/events."""
    form = await read_multipart(request, ctx.settings.policies.uploads)
    try:
        created = await run_in_threadpool(service.submit, ctx, user, form)
    except ValidationError as error:
        fields = sorted({".".join(str(part) for part in item["loc"]) or "form" for item in error.errors()})
        raise InvalidInput("Invalid or unknown form fields: " + ", ".join(fields) + ".") from None
    request.app.state.jobs.submit(created.id)
    return created


@router.get("", response_model=AnalysisPage)
def list_analyses(
    user: Reader,
    ctx: Context,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
    sort: SortField = SortField.CREATED_AT,
    direction: SortDirection = SortDirection.DESC,
    status: AnalysisStatus | None = None,
    discipline: Discipline | None = None,
    owner_id: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
) -> AnalysisPage:
    items, total = service.list_for(
        ctx,
        user,
        limit=limit,
        offset=offset,
        sort=sort,
        direction=direction,
        status_filter=status,
        discipline=discipline.value if discipline else None,
        owner_id=owner_id,
    )
    return AnalysisPage(items=items, total=total, limit=limit, offset=offset)


@router.get("/{analysis_id}", response_model=AnalysisRead)
def get_status(analysis_id: str, user: Reader, ctx: Context, reason: Reason = None) -> AnalysisRead:
    return service.status(ctx, user, _check_id(analysis_id), reason=reason)


@router.get("/{analysis_id}/result", response_model=AnalysisResultRead)
def get_result(
    analysis_id: str, user: Reader, ctx: Context, response: Response, reason: Reason = None
) -> AnalysisResultRead:
    file_name, payload = service.result(ctx, user, _check_id(analysis_id), reason=reason)
    response.headers["Cache-Control"] = "no-store"
    return AnalysisResultRead(
        id=analysis_id, file_name=file_name, result=payload["report"], redacted_text=payload["redacted_text"]
    )


@router.get("/{analysis_id}/export")
def export_report(
    analysis_id: str,
    user: Annotated[CurrentUser, Depends(require(Permission.REPORT_EXPORT, Permission.SHARED_REPORT_READ))],
    ctx: Context,
    format: exporting.ExportFormat = exporting.ExportFormat.HTML,
    reason: Reason = None,
) -> Response:
    body, media_type = exporting.export(ctx, user, _check_id(analysis_id), format, reason=reason)
    disposition = f'attachment; filename="analysis-{analysis_id}.{format.value}"'
    return Response(
        body,
        media_type=media_type,
        headers={
            "Content-Disposition": disposition,
            "Cache-Control": "no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )


@router.get("/{analysis_id}/original")
def download_original(
    analysis_id: str,
    user: Annotated[CurrentUser, Depends(require(Permission.DOCUMENT_READ))],
    ctx: Context,
    reason: Reason = None,
) -> Response:
    """The uploaded file itself (owner, or an admin with a reason); audited as a PHI download."""
    body, media_type, document_format = service.original(ctx, user, _check_id(analysis_id), reason=reason)
    headers = {
        "Content-Disposition": f'attachment; filename="original-{analysis_id}.{document_format}"',
        "Cache-Control": "no-store",
        "X-Content-Type-Options": "nosniff",
    }
    return Response(body, media_type=media_type, headers=headers)


@router.delete("/{analysis_id}", status_code=204)
def delete_analysis(
    analysis_id: str, user: Annotated[CurrentUser, Depends(require(Permission.DOCUMENT_DELETE))], ctx: Context
) -> Response:
    service.delete_analysis(ctx, user, _check_id(analysis_id))
    return Response(status_code=204)


@router.get("/{analysis_id}/events")
async def analysis_events(
    analysis_id: str, request: Request, user: Reader, ctx: Context, reason: Reason = None
) -> StreamingResponse:
    """Server-Sent Events: one `progress` event per change, then `done` with the final status."""
    first = await run_in_threadpool(service.status, ctx, user, _check_id(analysis_id), reason=reason)

    async def stream() -> AsyncIterator[str]:
        current = first
        last_sent = None
        while True:
            snapshot = (current.status, current.stage, round(current.progress, 3))
            if snapshot != last_sent:
                last_sent = snapshot
                data = json.dumps(
                    {"status": current.status, "stage": current.stage, "progress": current.progress}
                )
                yield f"event: progress\ndata: {data}\n\n"
            if current.status in TERMINAL:
                yield f"event: done\ndata: {json.dumps({'status': current.status})}\n\n"
                return
            if await request.is_disconnected():
                return
            await asyncio.sleep(ctx.settings.sse_poll_seconds)
            current = await run_in_threadpool(service.status, ctx, user, analysis_id, reason=reason)

    return StreamingResponse(
        stream(),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )


@router.post("/{analysis_id}/shares", status_code=204)
def share_analysis(
    analysis_id: str,
    body: ShareRequest,
    user: Annotated[CurrentUser, Depends(require(Permission.REPORT_SHARE))],
    ctx: Context,
) -> Response:
    """Share a report with a viewer account (admin)."""
    service.share(ctx, user, _check_id(analysis_id), body.viewer_id)
    return Response(status_code=204)
