"""Security dashboard (threat level, metrics, trends, incidents with their workflow), the daily
security report and the HIPAA compliance dashboard, over the security monitoring services."""

import logging
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from electroanalyzer.auth.permissions import Permission
from electroanalyzer.web import security_data
from electroanalyzer.web.charts import ChartData, Series, line_chart
from electroanalyzer.web.context import WebUser, page_permission
from electroanalyzer.web.errors import PageNotFound
from electroanalyzer.web.notices import notice_flashes
from electroanalyzer.web.templating import render_page

logger = logging.getLogger(__name__)
router = APIRouter()
TREND_DAYS = 14
STATUS_LABELS = {"open": "Open", "contained": "Contained", "resolved": "Resolved"}


def _trend_chart(buckets: list[dict[str, Any]]) -> ChartData | None:
    if not buckets:
        return None
    return ChartData(
        title=f"Security events per day, last {len(buckets)} days",
        labels=[str(bucket["start"])[5:10] for bucket in buckets],
        series=[
            Series("Failed sign-ins", [float(bucket["failed_logins"]) for bucket in buckets]),
            Series("Blocked attempts", [float(bucket["blocked_attempts"]) for bucket in buckets]),
            Series("Incidents opened", [float(bucket["incidents_opened"]) for bucket in buckets]),
        ],
    )


@router.get("/admin/security", response_class=HTMLResponse)
def dashboard(
    request: Request,
    user: Annotated[WebUser, Depends(page_permission(Permission.SECURITY_READ))],
    notice: str | None = None,
) -> Response:
    request.state.web_context["flashes"] = notice_flashes(notice)
    overview = security_data.overview(request, TREND_DAYS)
    trend = _trend_chart(overview.trend)
    context = {
        "metrics": overview.metrics,
        "incidents": overview.incidents,
        "trend": trend,
        "trend_svg": line_chart(trend, "security-trend") if trend else "",
    }
    return render_page(request, "admin/security.html", context)


@router.get("/admin/security/incidents/{incident_id}", response_class=HTMLResponse)
def incident(
    request: Request,
    incident_id: int,
    user: Annotated[WebUser, Depends(page_permission(Permission.SECURITY_READ))],
) -> Response:
    detail = security_data.incident(request, incident_id)
    if detail is None:
        raise PageNotFound()
    return _incident_page(
        request,
        user,
        detail,
        {},
        {"root_cause": detail["root_cause"] or "", "resolution": detail["resolution"] or ""},
    )


def _incident_page(
    request: Request,
    user: WebUser,
    detail: dict[str, Any],
    errors: dict[str, str],
    form: dict[str, str],
    status: int = 200,
) -> Response:
    allowed = security_data.next_statuses(detail["status"]) if user.can(Permission.SECURITY_MANAGE) else []
    context = {
        "incident": detail,
        "evidence": detail.get("evidence", []),
        "next_statuses": [(value, STATUS_LABELS[value]) for value in allowed],
        "errors": errors,
        "form": form,
    }
    return render_page(request, "admin/incident.html", context, status_code=status)


@router.post("/admin/security/incidents/{incident_id}", response_class=HTMLResponse)
def incident_update(
    request: Request,
    incident_id: int,
    user: Annotated[WebUser, Depends(page_permission(Permission.SECURITY_MANAGE))],
    status: Annotated[str, Form(max_length=16)] = "",
    root_cause: Annotated[str, Form(max_length=4000)] = "",
    resolution: Annotated[str, Form(max_length=4000)] = "",
) -> Response:
    problem = security_data.update_incident(
        request, user, incident_id, status, root_cause.strip() or None, resolution.strip() or None
    )
    if problem is None:
        return RedirectResponse(
            f"/admin/security?notice=incident_updated#incident-{incident_id}", status_code=303
        )
    detail = security_data.incident(request, incident_id)
    if detail is None:
        raise PageNotFound()
    field, message = problem
    logger.info("web_incident_update_rejected", extra={"user_id": user.id, "incident_id": incident_id})
    return _incident_page(
        request,
        user,
        detail,
        {field: message},
        {"root_cause": root_cause, "resolution": resolution, "status": status},
        422,
    )


@router.get("/admin/security/report", response_class=HTMLResponse)
def daily_report(
    request: Request, user: Annotated[WebUser, Depends(page_permission(Permission.SECURITY_READ))]
) -> Response:
    report = security_data.daily_report(request, datetime.now(UTC))
    metrics = report["metrics"]
    sections = [
        (
            "summary",
            [
                (key.replace("_", " ").capitalize(), metrics[key])
                for key in (
                    "threat_level",
                    "security_score",
                    "incident_count",
                    "incidents_opened",
                    "blocked_attempts",
                    "failed_logins",
                    "threat_detections",
                    "behaviour_detections",
                )
            ],
        ),
        ("events by kind", sorted(report["events_by_kind"].items()) or [("none", 0)]),
        (
            "incidents",
            [("Opened", len(report["incidents_opened"])), ("Resolved", report["incidents_resolved"])],
        ),
    ]
    return render_page(
        request, "admin/daily_report.html", {"report_date": report["date"], "report_sections": sections}
    )


@router.get("/admin/security/report/download/{export_format}")
def daily_report_download(
    request: Request,
    export_format: str,
    user: Annotated[WebUser, Depends(page_permission(Permission.SECURITY_READ))],
) -> Response:
    if export_format not in ("json", "pdf", "html"):
        raise PageNotFound()
    body, media_type = security_data.daily_report_file(request, datetime.now(UTC), export_format)
    headers = {
        "Cache-Control": "no-store",
        "Content-Disposition": f'attachment; filename="security-report.{export_format}"',
    }
    return Response(body, media_type=media_type, headers=headers)


@router.get("/admin/compliance", response_class=HTMLResponse)
def compliance(
    request: Request, user: Annotated[WebUser, Depends(page_permission(Permission.COMPLIANCE_READ))]
) -> Response:
    return render_page(request, "admin/compliance.html", {"dashboard": security_data.compliance(request)})
