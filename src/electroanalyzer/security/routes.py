"""The /api/v2/security endpoints: admin only, aggregates and ids, never request text or PHI."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, File, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, Response

from electroanalyzer.audit import service as audit
from electroanalyzer.auth.dependencies import get_context, require
from electroanalyzer.auth.permissions import Permission
from electroanalyzer.auth.service import CurrentUser
from electroanalyzer.core.context import ServerContext
from electroanalyzer.core.errors import InvalidInput, NotFound, PayloadTooLarge

from . import analyze, reports, service
from .incidents import IncidentError, change_status
from .layers import SecurityRuntime
from .models import SecurityIncident
from .schemas import (
    AnalysisResult,
    IncidentDetail,
    IncidentPage,
    IncidentSeverity,
    IncidentStatus,
    IncidentUpdate,
    Metrics,
    Trends,
)

router = APIRouter(prefix="/security", tags=["security"])
Reader = Annotated[CurrentUser, Depends(require(Permission.SECURITY_READ))]
Manager = Annotated[CurrentUser, Depends(require(Permission.SECURITY_MANAGE))]
Context = Annotated[ServerContext, Depends(get_context)]
MAX_WINDOW_HOURS = 24 * 90


def _runtime(request: Request) -> SecurityRuntime:
    runtime: SecurityRuntime = request.app.state.security
    return runtime


def _window(since: datetime | None, until: datetime | None, default_hours: int) -> service.Window:
    end = (until or datetime.now(UTC)).astimezone(UTC) if until else datetime.now(UTC)
    start = since.astimezone(UTC) if since else end - timedelta(hours=default_hours)
    if start.tzinfo is None or end <= start:
        raise InvalidInput("`since` must be before `until`; send ISO 8601 times with a time zone")
    if end - start > timedelta(hours=MAX_WINDOW_HOURS):
        raise InvalidInput(f"the window may span at most {MAX_WINDOW_HOURS} hours; narrow it")
    return service.Window(start, end)


@router.post("/analyze", response_model=AnalysisResult)
async def analyze_security_log(
    request: Request,
    user: Manager,
    ctx: Context,
    since: Annotated[datetime | None, Query(description="Start of the window (ISO 8601)")] = None,
    until: Annotated[datetime | None, Query(description="End of the window (ISO 8601)")] = None,
    log: Annotated[UploadFile | None, File(description="Security log as JSON lines")] = None,
) -> dict[str, Any]:
    """Summarize a stored time window, or store and analyze an uploaded JSON-lines log."""
    runtime = _runtime(request)
    if log is not None:
        data = await log.read(analyze.MAX_LOG_BYTES + 1)
        with ctx.session_factory() as db, db.begin():
            try:
                summary = analyze.import_log(db, runtime.monitor, data)
            except analyze.LogTooLarge as error:
                raise PayloadTooLarge(str(error)) from None
        audit.record(
            ctx, "security:log:analyzed", actor_id=user.id, details={"lines": summary["lines_stored"]}
        )
        return {"mode": "log", "summary": summary}
    window = _window(since, until, 24)
    with ctx.session_factory() as db:
        return {"mode": "window", "summary": analyze.summarize_window(db, window)}


@router.get("/metrics", response_model=Metrics)
def security_metrics(
    request: Request,
    user: Reader,
    ctx: Context,
    hours: Annotated[int, Query(ge=1, le=MAX_WINDOW_HOURS)] = 24,
) -> dict[str, Any]:
    with ctx.session_factory() as db:
        return service.metrics(db, service.Window.last(hours), _runtime(request).config)


@router.get("/trends", response_model=Trends)
def security_trends(
    user: Reader,
    ctx: Context,
    hours: Annotated[int, Query(ge=1, le=MAX_WINDOW_HOURS)] = 168,
    bucket_hours: Annotated[int, Query(ge=1, le=168)] = 24,
) -> dict[str, Any]:
    window = service.Window.last(hours)
    with ctx.session_factory() as db:
        buckets = service.trends(db, window, bucket_hours)
    return {
        "since": window.since.isoformat(),
        "until": window.until.isoformat(),
        "bucket_hours": bucket_hours,
        "buckets": buckets,
    }


@router.get("/incidents", response_model=IncidentPage)
def list_incidents(
    user: Reader,
    ctx: Context,
    status: IncidentStatus | None = None,
    severity: IncidentSeverity | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> dict[str, Any]:
    with ctx.session_factory() as db:
        items, total = service.list_incidents(
            db, status=status, severity=severity, limit=limit, offset=offset
        )
    return {"items": items, "total": total, "limit": limit, "offset": offset}


@router.get("/incidents/{incident_id}", response_model=IncidentDetail)
def get_incident(incident_id: int, user: Reader, ctx: Context) -> dict[str, Any]:
    with ctx.session_factory() as db:
        incident = db.get(SecurityIncident, incident_id)
        if incident is None:
            raise NotFound("No incident has this id; list incidents to find it.")
        return service.incident_detail(db, incident)


@router.patch("/incidents/{incident_id}", response_model=IncidentDetail)
def update_incident(incident_id: int, body: IncidentUpdate, user: Manager, ctx: Context) -> dict[str, Any]:
    """Move an incident to contained or resolved, with root-cause and resolution notes."""
    with ctx.session_factory() as db, db.begin():
        incident = db.get(SecurityIncident, incident_id)
        if incident is None:
            raise NotFound("No incident has this id; list incidents to find it.")
        previous = incident.status
        try:
            change_status(
                incident,
                body.status,
                root_cause=body.root_cause,
                resolution=body.resolution,
                actor_id=user.id,
                now=datetime.now(UTC),
            )
        except IncidentError as error:
            raise InvalidInput(str(error), reason=error.code) from None
        detail = service.incident_detail(db, incident)
    audit.record(
        ctx,
        "security:incident:update",
        actor_id=user.id,
        target_type="incident",
        target_id=str(incident_id),
        details={"from": previous, "to": body.status},
    )
    return detail


@router.get(
    "/reports/daily",
    responses={200: {"content": {"text/html": {}, "application/pdf": {}, "application/json": {}}}},
)
def daily_report(
    request: Request,
    user: Reader,
    ctx: Context,
    day: Annotated[date | None, Query(alias="date", description="UTC day, default today")] = None,
    report_format: Annotated[Literal["json", "html", "pdf"], Query(alias="format")] = "json",
) -> Response:
    moment = datetime.combine(day, datetime.min.time(), UTC) if day else datetime.now(UTC)
    with ctx.session_factory() as db:
        report = service.daily_report(db, moment, _runtime(request).config)
    if report_format == "html":
        return HTMLResponse(reports.render_html(report))
    if report_format == "pdf":
        filename = f"security-report-{report['date']}.pdf"
        return Response(
            reports.render_pdf(report),
            media_type="application/pdf",
            headers={"Content-Disposition": f'attachment; filename="{filename}"'},
        )
    import json

    return Response(json.dumps(report), media_type="application/json")
