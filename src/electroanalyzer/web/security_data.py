"""Security monitoring data for the admin pages, read through the security services."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi import Request
from sqlalchemy.orm import Session

from electroanalyzer.web.backend import context_of

INCIDENT_LIMIT = 50
KIND_TITLES = {
    "behaviour:brute_force": "Brute-force sign-in attempts",
    "behaviour:credential_stuffing": "Credential stuffing",
    "behaviour:token_misuse": "Access token misuse",
    "behaviour:phi_volume": "Unusual volume of PHI access",
}


@dataclass(frozen=True)
class SecurityOverview:
    metrics: dict[str, Any]
    trend: list[dict[str, Any]]
    incidents: list[dict[str, Any]]


def _security_config(request: Request) -> Any:
    runtime = getattr(request.app.state, "security", None)
    return getattr(runtime, "config", None)


def _session(request: Request) -> Session:
    return context_of(request).session_factory()


def incident_title(kind: str) -> str:
    if kind in KIND_TITLES:
        return KIND_TITLES[kind]
    return kind.split(":")[-1].replace("_", " ").capitalize()


def _page_view(raw: dict[str, Any]) -> dict[str, Any]:
    view = dict(raw)
    view["title"] = incident_title(str(raw["kind"]))
    view["created_at"] = raw["opened_at"]
    view.setdefault("evidence_count", raw.get("detection_count", 0))
    actions = raw.get("containment_actions") or []
    view["containment"] = ", ".join(str(action).replace("_", " ") for action in actions)
    view["summary"] = (
        f"{raw.get('detection_count', 1)} detections"
        + (f" for user id {raw['user_id']}" if raw.get("user_id") else "")
        + (f" from client {raw['client_hash']}" if raw.get("client_hash") else "")
    )
    return view


def overview(request: Request, days: int) -> SecurityOverview:
    from electroanalyzer.security import service

    now = datetime.now(UTC)
    day_start = datetime(now.year, now.month, now.day, tzinfo=UTC) + timedelta(days=1)
    window = service.Window(day_start - timedelta(days=days), day_start)
    with _session(request) as db:
        metrics = service.metrics(db, window, _security_config(request))
        trend = service.trends(db, window, 24)
        incidents, _ = service.list_incidents(db, status=None, severity=None, limit=INCIDENT_LIMIT, offset=0)
    metrics["open_incidents"] = metrics.get("incident_count", 0)
    metrics["window"] = f"the last {days} days"
    return SecurityOverview(metrics, trend, [_page_view(item) for item in incidents])


def incident(request: Request, incident_id: int) -> dict[str, Any] | None:
    from electroanalyzer.security import service
    from electroanalyzer.security.models import SecurityIncident

    with _session(request) as db:
        row = db.get(SecurityIncident, incident_id)
        if row is None:
            return None
        detail = service.incident_detail(db, row)
    view = _page_view(detail)
    view["evidence"] = list(detail.get("evidence", []))
    return view


def next_statuses(status: str) -> list[str]:
    from electroanalyzer.security.incidents import TRANSITIONS

    return sorted(TRANSITIONS.get(status, set()), key=["open", "contained", "resolved"].index)


def update_incident(
    request: Request, user: Any, incident_id: int, status: str, root_cause: str | None, resolution: str | None
) -> tuple[str, str] | None:
    """Apply a status change through the security API handler (which also audits it).

    Return (field, message) for the form when the workflow rejects the change.
    """
    from pydantic import ValidationError

    from electroanalyzer.core.errors import InvalidInput, NotFound
    from electroanalyzer.security import routes as security_routes
    from electroanalyzer.security.schemas import IncidentUpdate

    try:
        body = IncidentUpdate.model_validate(
            {"status": status, "root_cause": root_cause, "resolution": resolution}
        )
    except ValidationError:
        return ("status", _incident_message("invalid_status"))
    try:
        security_routes.update_incident(incident_id, body, request.state.current_user, context_of(request))
    except NotFound:
        return ("_form", "This incident no longer exists. Go back to the security dashboard.")
    except InvalidInput as error:
        code = str(error.data.get("reason", ""))
        return ("root_cause" if code == "notes_required" else "_form", _incident_message(code))
    return None


def _incident_message(code: str) -> str:
    return {
        "notes_required": (
            "To resolve an incident, write both the root cause and the resolution notes, then save again."
        ),
        "invalid_transition": (
            "That status change is not allowed. An open incident can be contained or resolved; "
            "a contained one can be resolved."
        ),
        "incident_closed": (
            "This incident is already resolved and cannot change. "
            "Open the dashboard to see current incidents."
        ),
        "invalid_status": "Pick a status from the list.",
        "note_too_long": "Notes may hold at most 4000 characters. Shorten them and save again.",
    }.get(code, "The incident could not be updated. Reload the page and try again.")


def daily_report(request: Request, day: datetime) -> dict[str, Any]:
    from electroanalyzer.security import service

    with _session(request) as db:
        return service.daily_report(db, day, _security_config(request))


def daily_report_file(request: Request, day: datetime, export_format: str) -> tuple[bytes, str]:
    import json

    report = daily_report(request, day)
    if export_format == "json":
        return json.dumps(report, indent=2).encode("utf-8"), "application/json"
    from electroanalyzer.security import reports

    if export_format == "pdf":
        return reports.render_pdf(report), "application/pdf"
    return reports.render_html(report).encode("utf-8"), "text/html"


CATEGORY_TITLES = {
    "administrative": "Administrative safeguards",
    "physical": "Physical safeguards",
    "technical": "Technical safeguards",
}


def compliance(request: Request) -> dict[str, Any]:
    from electroanalyzer.compliance import routes as compliance_routes

    # The API handler reads the live defence layers and the request scheme, so the page shows the same data.
    raw = compliance_routes.compliance_dashboard(request, request.state.current_user, context_of(request))
    groups = []
    for category, title in CATEGORY_TITLES.items():
        items = [
            {
                "name": item["name"],
                "reference": item["citation"],
                "status": item["status"],
                "evidence": item["evidence"],
            }
            for item in raw["safeguards"]
            if item["category"] == category
        ]
        if items:
            groups.append((title, items))
    return {"score": raw["score"], "counts": raw["counts"], "groups": groups}
