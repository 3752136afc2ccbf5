"""Therapist home, the analyze page with live progress, the report, its exports and deletion."""

import logging
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from electroanalyzer.auth.permissions import Permission
from electroanalyzer.core.errors import DomainError, NotFound, ReasonRequired
from electroanalyzer.web import backend, data
from electroanalyzer.web.charts import ChartData, Series, bar_chart, line_chart
from electroanalyzer.web.context import WebUser, page_permission
from electroanalyzer.web.errors import PageNotFound
from electroanalyzer.web.formatting import DOCUMENT_TYPE_NAMES
from electroanalyzer.web.notices import notice_flashes
from electroanalyzer.web.report_view import build_report_view
from electroanalyzer.web.templating import render_page

logger = logging.getLogger(__name__)
router = APIRouter()
DOCUMENT_TYPES = list(DOCUMENT_TYPE_NAMES.items())
DISCIPLINES = ("PT", "OT", "SLP")
STRICTNESS = ("lenient", "standard", "strict")
EXPORT_FORMATS = ("pdf", "html", "json")
HOME_RECENT = 5
STAGE_LABELS = {
    "queued": "Waiting for a free worker",
    "extracting": "Reading the document",
    "redacting": "Finding and redacting PHI",
    "classifying": "Detecting discipline and document type",
    "checking": "Checking the rules",
    "scoring": "Scoring",
    "done": "Done",
}


@router.get("/", response_class=HTMLResponse)
def home(
    request: Request,
    user: Annotated[WebUser, Depends(page_permission(Permission.SELF_READ))],
    notice: str | None = None,
) -> Response:
    request.state.web_context["flashes"] = notice_flashes(notice)
    if backend.mfa_required(request, user) and not user.mfa_enabled:
        return RedirectResponse("/account/mfa", status_code=303)
    dashboard = data.home_dashboard(request, user)
    trend = None
    if dashboard.trend:
        trend = ChartData(
            title="Average score by week (0 to 100)",
            labels=[label for label, _ in dashboard.trend],
            series=[Series("Average score", [value for _, value in dashboard.trend])],
            y_max=100,
        )
    team = data.team_scores(request) if user.can(Permission.DASHBOARD_THERAPIST_READ) else []
    team_chart = None
    if team:
        team_chart = ChartData(
            title="Average score by therapist (0 to 100)",
            labels=[str(row["username"]) for row in team],
            series=[Series("Average score", [float(row["average_score"]) for row in team])],
            y_max=100,
        )
    context = {
        "team": team,
        "team_chart": team_chart,
        "team_svg": bar_chart(team_chart, "team-scores") if team_chart else "",
        "summary": dashboard.summary,
        "trend": trend,
        "trend_svg": line_chart(trend, "score-trend") if trend else "",
        "missed": dashboard.missed,
        "analyses": dashboard.recent[:HOME_RECENT],
        "can_upload": user.can(Permission.DOCUMENT_CREATE),
    }
    return render_page(request, "home.html", context)


@router.get("/analyze", response_class=HTMLResponse)
def analyze_form(
    request: Request, user: Annotated[WebUser, Depends(page_permission(Permission.DOCUMENT_CREATE))]
) -> Response:
    return _analyze_page(request, {}, {"discipline": "", "document_type": "", "strictness": "standard"})


def _analyze_page(
    request: Request, errors: dict[str, str], form: dict[str, str], status: int = 200
) -> Response:
    context = {
        "errors": errors,
        "form": form,
        "document_types": DOCUMENT_TYPES,
        "limits": data.upload_limits_text(request),
    }
    return render_page(request, "analyze.html", context, status_code=status)


def _wants_json(request: Request) -> bool:
    return "application/json" in request.headers.get("accept", "")


@router.post("/analyze")
async def analyze_submit(
    request: Request, user: Annotated[WebUser, Depends(page_permission(Permission.DOCUMENT_CREATE))]
) -> Response:
    form_values = {"discipline": "", "document_type": "", "strictness": "standard"}
    try:
        upload = await data.read_upload(request)
    except DomainError as error:
        logger.info("web_upload_rejected", extra={"user_id": user.id, "code": error.code})
        return _analyze_error(request, {"document": error.detail}, form_values, error.status)
    form_values.update({name: upload.fields.get(name, "") for name in ("discipline", "document_type")})
    form_values["strictness"] = upload.fields.get("strictness", "standard")

    errors: dict[str, str] = {}
    if "file" not in upload.files or not upload.files["file"].data:
        errors["document"] = (
            "Choose a file to analyze: PDF, Word or plain text. An empty file cannot be analyzed."
        )
    if form_values["discipline"] and form_values["discipline"] not in DISCIPLINES:
        errors["discipline"] = "Pick PT, OT, SLP or Detect automatically."
    if form_values["document_type"] and form_values["document_type"] not in DOCUMENT_TYPE_NAMES:
        errors["document_type"] = "Pick a document type from the list or Detect automatically."
    if form_values["strictness"] not in STRICTNESS:
        errors["strictness"] = "Pick lenient, standard or strict."
    unknown = set(upload.fields) - {"discipline", "document_type", "strictness"}
    if unknown:
        errors["document"] = "The form sent unexpected fields. Reload the page and try again."
    if errors:
        return _analyze_error(request, errors, form_values)

    try:
        analysis_id = await data.queue_analysis(request, upload)
    except DomainError as error:
        logger.info("web_analysis_rejected", extra={"user_id": user.id, "code": error.code})
        return _analyze_error(request, {"document": error.detail}, form_values, error.status)
    if _wants_json(request):
        return JSONResponse(
            {"id": analysis_id, "status_url": f"/analyses/{analysis_id}/status"}, status_code=202
        )
    return RedirectResponse(f"/analyses/{analysis_id}/progress", status_code=303)


def _analyze_error(
    request: Request, errors: dict[str, str], form: dict[str, str], status: int = 422
) -> Response:
    if _wants_json(request):
        return JSONResponse(
            {"detail": " ".join(errors.values())}, status_code=status, headers={"Cache-Control": "no-store"}
        )
    return _analyze_page(request, errors, form, status)


@router.get("/analyses/{analysis_id}/status")
def analysis_status(
    request: Request,
    analysis_id: str,
    user: Annotated[WebUser, Depends(page_permission(Permission.DOCUMENT_READ))],
) -> JSONResponse:
    try:
        status = data.analysis_status(request, user, analysis_id)
    except NotFound:
        return JSONResponse(
            {"detail": "No such analysis. Open History to find your analyses."}, status_code=404
        )
    body = {
        "state": status.state,
        "stage": status.stage,
        "stage_label": STAGE_LABELS.get(
            status.stage or "", (status.stage or "Working").replace("_", " ").capitalize()
        ),
        "progress": status.progress,
        "message": status.message,
        "report_url": f"/reports/{analysis_id}" if status.state == "done" else None,
    }
    return JSONResponse(body, headers={"Cache-Control": "no-store"})


@router.get("/analyses/{analysis_id}/progress", response_class=HTMLResponse)
def analysis_progress(
    request: Request,
    analysis_id: str,
    user: Annotated[WebUser, Depends(page_permission(Permission.DOCUMENT_READ))],
) -> Response:
    try:
        status = data.analysis_status(request, user, analysis_id)
    except NotFound:
        raise PageNotFound() from None
    if status.state == "done":
        return RedirectResponse(f"/reports/{analysis_id}", status_code=303)
    context = {"analysis_id": analysis_id, "stage": status.stage or status.state, "progress": status.progress}
    return render_page(request, "progress.html", context)


@router.get("/reports/{analysis_id}", response_class=HTMLResponse)
def report(
    request: Request,
    analysis_id: str,
    user: Annotated[WebUser, Depends(page_permission(Permission.SELF_READ))],
) -> Response:
    return _report_page(request, user, analysis_id, None)


@router.post("/reports/{analysis_id}", response_class=HTMLResponse)
def report_with_reason(
    request: Request,
    analysis_id: str,
    user: Annotated[WebUser, Depends(page_permission(Permission.ANY_DOCUMENT_READ))],
    reason: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    """Open another user's report as an administrator, with the reason the audit log records."""
    return _report_page(request, user, analysis_id, reason.strip())


def _report_page(request: Request, user: WebUser, analysis_id: str, reason: str | None) -> Response:
    try:
        analysis, result = data.analysis_report(request, user, analysis_id, reason=reason)
    except NotFound:
        raise PageNotFound() from None
    except ReasonRequired:
        errors: dict[str, str] = {}
        if reason is not None:
            errors["reason"] = "Write a reason of 10 to 500 characters, then open the report again."
        form = {"analysis_id": analysis_id, "errors": errors, "reason": reason or ""}
        return render_page(request, "emergency_access.html", form, status_code=422 if errors else 200)
    if result is None:
        return RedirectResponse(f"/analyses/{analysis_id}/progress", status_code=303)
    context: dict[str, Any] = {
        "analysis": analysis,
        "result": result,
        "view": build_report_view(result),
        "can_delete": user.can(Permission.DOCUMENT_DELETE) and reason is None,
        "emergency": reason is not None,
    }
    return render_page(request, "report.html", context)


@router.get("/reports/{analysis_id}/export/{export_format}")
def export(
    request: Request,
    analysis_id: str,
    export_format: str,
    user: Annotated[WebUser, Depends(page_permission(Permission.SELF_READ))],
) -> Response:
    if export_format not in EXPORT_FORMATS:
        raise PageNotFound()
    try:
        body, media_type = data.export_report(request, user, analysis_id, export_format)
    except (NotFound, ReasonRequired):
        raise PageNotFound() from None
    headers = {
        "Cache-Control": "no-store",
        "Content-Disposition": f'attachment; filename="report-{analysis_id}.{export_format}"',
    }
    return Response(body, media_type=media_type, headers=headers)


@router.get("/reports/{analysis_id}/delete", response_class=HTMLResponse)
def delete_confirm(
    request: Request,
    analysis_id: str,
    user: Annotated[WebUser, Depends(page_permission(Permission.DOCUMENT_DELETE))],
) -> Response:
    try:
        analysis = data.analysis_meta(request, user, analysis_id)
    except (NotFound, ReasonRequired):
        raise PageNotFound() from None
    return render_page(request, "report_delete.html", {"analysis": analysis})


@router.post("/reports/{analysis_id}/delete")
def delete(
    request: Request,
    analysis_id: str,
    user: Annotated[WebUser, Depends(page_permission(Permission.DOCUMENT_DELETE))],
) -> Response:
    try:
        data.delete_analysis(request, user, analysis_id)
    except NotFound:
        raise PageNotFound() from None
    return RedirectResponse("/history?notice=analysis_deleted", status_code=303)
