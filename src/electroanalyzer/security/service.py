"""Security metrics, trends and the daily summary, computed from the event and incident tables.

Every figure is an aggregate or an id; no request text, user name or address leaves here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .config import SecurityConfig
from .models import SecurityEvent, SecurityIncident

FAILED_LOGIN = "auth:login:failed"
BLOCKED_OUTCOMES = ("blocked",)
SEVERITY_PENALTY = {"critical": 30, "high": 15, "medium": 5, "low": 1}
LAYER_PENALTY = 10
MAX_TREND_BUCKETS = 400


@dataclass(frozen=True)
class Window:
    since: datetime
    until: datetime

    @classmethod
    def last(cls, hours: int, now: datetime | None = None) -> Window:
        until = now or datetime.now(UTC)
        return cls(until - timedelta(hours=hours), until)


def _count(session: Session, *conditions: Any) -> int:
    return int(session.scalar(select(func.count()).select_from(SecurityEvent).where(*conditions)) or 0)


def _in_window(window: Window) -> tuple[Any, Any]:
    return SecurityEvent.occurred_at >= window.since, SecurityEvent.occurred_at < window.until


def active_incidents(session: Session) -> dict[str, int]:
    """Return the number of open or contained incidents per severity."""
    rows = session.execute(
        select(SecurityIncident.severity, func.count())
        .where(SecurityIncident.status != "resolved")
        .group_by(SecurityIncident.severity)
    ).all()
    return {str(severity): int(count) for severity, count in rows}


def threat_level(active: dict[str, int], blocked: int) -> str:
    for level in ("critical", "high", "medium"):
        if active.get(level):
            return level
    return "medium" if blocked >= 100 else "low"


def security_score(active: dict[str, int], failed_logins: int, config: SecurityConfig | None) -> int:
    """Score 0-100: 100 minus penalties for active incidents, failed logins and disabled layers."""
    penalty = sum(SEVERITY_PENALTY.get(severity, 0) * count for severity, count in active.items())
    penalty += min(10, failed_logins // 10)
    if config is not None:
        flags = (
            config.enable_rate_limiting,
            config.enable_csrf_protection,
            config.enable_security_headers,
            config.enable_threat_detection,
        )
        penalty += LAYER_PENALTY * sum(1 for enabled in flags if not enabled)
    return max(0, 100 - penalty)


def metrics(session: Session, window: Window, config: SecurityConfig | None) -> dict[str, Any]:
    since, until = _in_window(window)
    failed = _count(session, since, until, SecurityEvent.kind == FAILED_LOGIN)
    blocked = _count(session, since, until, SecurityEvent.outcome.in_(BLOCKED_OUTCOMES))
    threats = _count(session, since, until, SecurityEvent.kind.like("threat:%"))
    behaviour = _count(session, since, until, SecurityEvent.kind.like("behaviour:%"))
    opened = int(
        session.scalar(
            select(func.count())
            .select_from(SecurityIncident)
            .where(SecurityIncident.opened_at >= window.since, SecurityIncident.opened_at < window.until)
        )
        or 0
    )
    active = active_incidents(session)
    return {
        "since": window.since.isoformat(),
        "until": window.until.isoformat(),
        "threat_level": threat_level(active, blocked),
        "incident_count": sum(active.values()),
        "incidents_opened": opened,
        "active_incidents_by_severity": active,
        "blocked_attempts": blocked,
        "failed_logins": failed,
        "threat_detections": threats,
        "behaviour_detections": behaviour,
        "security_score": security_score(active, failed, config),
    }


def trends(session: Session, window: Window, bucket_hours: int) -> list[dict[str, Any]]:
    """Return per-bucket counts of failed logins, blocked attempts, detections and incidents opened."""
    bucket = timedelta(hours=bucket_hours)
    span = window.until - window.since
    count = min(MAX_TREND_BUCKETS, max(1, int(span / bucket) + (1 if span % bucket else 0)))
    buckets: list[dict[str, Any]] = [
        {
            "start": (window.since + bucket * index).isoformat(),
            "failed_logins": 0,
            "blocked_attempts": 0,
            "threat_detections": 0,
            "behaviour_detections": 0,
            "incidents_opened": 0,
        }
        for index in range(count)
    ]

    def slot(moment: datetime) -> int | None:
        index = int((moment - window.since) / bucket)
        return index if 0 <= index < count else None

    since, until = _in_window(window)
    rows = session.execute(
        select(SecurityEvent.occurred_at, SecurityEvent.kind, SecurityEvent.outcome).where(since, until)
    )
    for occurred_at, kind, outcome in rows:
        index = slot(occurred_at)
        if index is None:
            continue
        if kind == FAILED_LOGIN:
            buckets[index]["failed_logins"] += 1
        if outcome in BLOCKED_OUTCOMES:
            buckets[index]["blocked_attempts"] += 1
        if kind.startswith("threat:"):
            buckets[index]["threat_detections"] += 1
        if kind.startswith("behaviour:"):
            buckets[index]["behaviour_detections"] += 1
    incidents = session.scalars(
        select(SecurityIncident.opened_at).where(
            SecurityIncident.opened_at >= window.since, SecurityIncident.opened_at < window.until
        )
    )
    for opened_at in incidents:
        index = slot(opened_at)
        if index is not None:
            buckets[index]["incidents_opened"] += 1
    return buckets


def events_by_kind(session: Session, window: Window) -> dict[str, int]:
    since, until = _in_window(window)
    rows = session.execute(
        select(SecurityEvent.kind, func.count()).where(since, until).group_by(SecurityEvent.kind)
    )
    return {str(kind): int(count) for kind, count in rows}


def incident_view(incident: SecurityIncident, evidence_count: int | None = None) -> dict[str, Any]:
    view: dict[str, Any] = {
        "id": incident.id,
        "kind": incident.kind,
        "severity": incident.severity,
        "status": incident.status,
        "opened_at": incident.opened_at.isoformat(),
        "updated_at": incident.updated_at.isoformat() if incident.updated_at else None,
        "resolved_at": incident.resolved_at.isoformat() if incident.resolved_at else None,
        "detection_count": incident.detection_count,
        "containment_actions": list(incident.containment_actions or []),
        "contained_until": incident.contained_until.isoformat() if incident.contained_until else None,
        "user_id": incident.user_id,
        "client_hash": incident.client_hash[:16] if incident.client_hash else None,
        "root_cause": incident.root_cause,
        "resolution": incident.resolution,
    }
    if evidence_count is not None:
        view["evidence_count"] = evidence_count
    return view


def list_incidents(
    session: Session, *, status: str | None, severity: str | None, limit: int, offset: int
) -> tuple[list[dict[str, Any]], int]:
    query = select(SecurityIncident)
    if status:
        query = query.where(SecurityIncident.status == status)
    if severity:
        query = query.where(SecurityIncident.severity == severity)
    total = int(session.scalar(select(func.count()).select_from(query.subquery())) or 0)
    rows = session.scalars(query.order_by(SecurityIncident.id.desc()).limit(limit).offset(offset))
    return [incident_view(row) for row in rows], total


def incident_detail(session: Session, incident: SecurityIncident) -> dict[str, Any]:
    evidence = session.scalars(
        select(SecurityEvent)
        .where(SecurityEvent.incident_id == incident.id)
        .order_by(SecurityEvent.id)
        .limit(500)
    ).all()
    view = incident_view(incident, evidence_count=len(evidence))
    view["evidence"] = [
        {
            "id": event.id,
            "occurred_at": event.occurred_at.isoformat(),
            "kind": event.kind,
            "severity": event.severity,
            "outcome": event.outcome,
            "user_id": event.user_id,
            "pattern_id": event.pattern_id,
            "request_id": event.request_id,
        }
        for event in evidence
    ]
    return view


def daily_report(session: Session, day: datetime, config: SecurityConfig | None) -> dict[str, Any]:
    """Return the summary of one UTC day: metrics, events per kind and the incidents it saw."""
    start = datetime(day.year, day.month, day.day, tzinfo=UTC)
    window = Window(start, start + timedelta(days=1))
    opened = session.scalars(
        select(SecurityIncident)
        .where(SecurityIncident.opened_at >= window.since, SecurityIncident.opened_at < window.until)
        .order_by(SecurityIncident.id)
    ).all()
    resolved = int(
        session.scalar(
            select(func.count())
            .select_from(SecurityIncident)
            .where(SecurityIncident.resolved_at >= window.since, SecurityIncident.resolved_at < window.until)
        )
        or 0
    )
    return {
        "date": start.date().isoformat(),
        "generated_at": datetime.now(UTC).isoformat(),
        "metrics": metrics(session, window, config),
        "events_by_kind": events_by_kind(session, window),
        "incidents_opened": [incident_view(incident) for incident in opened],
        "incidents_resolved": resolved,
        "trend": trends(session, window, 1),
    }
