"""Security log analysis: a summary of a stored time window, or an uploaded JSON-lines log.

An uploaded log is validated line by line (bounded size and line count); valid lines are
stored as security events with source "log_import", so the behaviour rules run over them
and may open incidents exactly as for live events.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .events import EventRecord, safe_attributes
from .models import SecurityEvent, SecurityIncident
from .monitor import SecurityMonitor
from .service import Window, events_by_kind

MAX_LOG_BYTES = 5 * 1024 * 1024
MAX_LOG_LINES = 50_000
MAX_REPORTED_BAD_LINES = 20


class LogLine(BaseModel):
    """One line of an uploaded security log."""

    model_config = ConfigDict(extra="ignore")

    time: datetime
    kind: str = Field(pattern=r"^[a-z][a-z0-9_]*(:[a-z0-9_]+){1,3}$", max_length=64)
    outcome: Literal["success", "failure", "denied", "blocked", "detected"]
    user_id: int | None = Field(default=None, ge=1)
    client_address: str | None = Field(default=None, max_length=64)
    username: str | None = Field(default=None, max_length=254)
    attributes: dict[str, Any] = Field(default_factory=dict)


class LogTooLarge(ValueError):
    pass


def summarize_window(session: Session, window: Window) -> dict[str, Any]:
    """Return counts per event kind and the incidents opened in the window."""
    incidents = session.execute(
        select(SecurityIncident.severity, func.count())
        .where(SecurityIncident.opened_at >= window.since, SecurityIncident.opened_at < window.until)
        .group_by(SecurityIncident.severity)
    ).all()
    detections = session.scalar(
        select(func.count())
        .select_from(SecurityEvent)
        .where(
            SecurityEvent.occurred_at >= window.since,
            SecurityEvent.occurred_at < window.until,
            SecurityEvent.kind.like("behaviour:%") | SecurityEvent.kind.like("threat:%"),
        )
    )
    return {
        "since": window.since.isoformat(),
        "until": window.until.isoformat(),
        "events_by_kind": events_by_kind(session, window),
        "detections": int(detections or 0),
        "incidents_opened_by_severity": {str(severity): int(count) for severity, count in incidents},
    }


def import_log(session: Session, monitor: SecurityMonitor, data: bytes) -> dict[str, Any]:
    """Store each valid line as an event and run the rules; return counts and bad line numbers."""
    if len(data) > MAX_LOG_BYTES:
        raise LogTooLarge(f"the log may hold at most {MAX_LOG_BYTES} bytes")
    first_incident = session.scalar(select(func.max(SecurityIncident.id))) or 0
    stored = 0
    bad_lines: list[int] = []
    bad_count = 0
    times: list[datetime] = []
    for number, raw in enumerate(data.splitlines(), start=1):
        if number > MAX_LOG_LINES:
            raise LogTooLarge(f"the log may hold at most {MAX_LOG_LINES} lines")
        if not raw.strip():
            continue
        try:
            line = LogLine.model_validate(json.loads(raw))
        except (ValueError, ValidationError):
            bad_count += 1
            if len(bad_lines) < MAX_REPORTED_BAD_LINES:
                bad_lines.append(number)
            continue
        occurred = line.time if line.time.tzinfo else line.time.replace(tzinfo=UTC)
        times.append(occurred)
        record = EventRecord(
            kind=line.kind,
            outcome=line.outcome,
            severity="info",
            source="log_import",
            user_id=line.user_id,
            client=line.client_address,
            subject=line.username.casefold() if line.username else None,
            attributes=safe_attributes(line.attributes),
            occurred_at=occurred.astimezone(UTC),
        )
        monitor.store(session, record, now=record.occurred_at)
        stored += 1
    session.flush()
    opened = session.scalars(
        select(SecurityIncident).where(SecurityIncident.id > first_incident).order_by(SecurityIncident.id)
    ).all()
    return {
        "lines_stored": stored,
        "lines_rejected": bad_count,
        "rejected_line_numbers": bad_lines,
        "since": min(times).isoformat() if times else None,
        "until": max(times).isoformat() if times else None,
        "incidents_opened": [
            {
                "id": incident.id,
                "kind": incident.kind,
                "severity": incident.severity,
                "status": incident.status,
            }
            for incident in opened
        ],
    }
