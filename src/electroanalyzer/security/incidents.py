"""Incidents: opening, linking evidence, automatic containment, and the open/contained/resolved workflow."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from .config import SEVERITY_RANK, IncidentPolicy
from .models import SecurityEvent, SecurityIncident

logger = logging.getLogger(__name__)

TRANSITIONS = {"open": {"contained", "resolved"}, "contained": {"resolved"}, "resolved": set()}
MAX_NOTE_LENGTH = 4000


class IncidentError(ValueError):
    """An incident update that the workflow does not allow; `code` is stable."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass
class ContainmentActions:
    """Actions containment may take; the account callables come from the auth services when present."""

    block_client: Callable[[str, int], None]
    lock_account: Callable[[int], bool] | None = None
    end_sessions: Callable[[int], int] | None = None


def opens_incident(severity: str, policy: IncidentPolicy) -> bool:
    return SEVERITY_RANK.get(severity, 0) >= SEVERITY_RANK[policy.open_at_severity]


def open_or_update(
    session: Session,
    *,
    kind: str,
    severity: str,
    client_hash: str | None,
    user_id: int | None,
    evidence_ids: list[int],
    client_address: str | None,
    policy: IncidentPolicy,
    actions: ContainmentActions,
    now: datetime,
) -> SecurityIncident:
    """Add the detection to the open incident of the same kind and subject, or open a new one."""
    subject = []
    if client_hash:
        subject.append(SecurityIncident.client_hash == client_hash)
    if user_id is not None:
        subject.append(SecurityIncident.user_id == user_id)
    incident = None
    if subject:
        incident = session.scalars(
            select(SecurityIncident)
            .where(SecurityIncident.kind == kind, SecurityIncident.status != "resolved", or_(*subject))
            .order_by(SecurityIncident.id.desc())
            .limit(1)
        ).first()
    if incident is None:
        incident = SecurityIncident(
            kind=kind,
            severity=severity,
            status="open",
            client_hash=client_hash,
            user_id=user_id,
            detection_count=1,
            containment_actions=[],
            opened_at=now,
            updated_at=now,
        )
        session.add(incident)
        session.flush()
        logger.warning(
            "security_incident_opened", extra={"incident_id": incident.id, "kind": kind, "severity": severity}
        )
    else:
        incident.detection_count += 1
        if SEVERITY_RANK[severity] > SEVERITY_RANK.get(incident.severity, 0):
            incident.severity = severity
        incident.updated_at = now
    if evidence_ids:
        session.execute(
            update(SecurityEvent)
            .where(SecurityEvent.id.in_(evidence_ids), SecurityEvent.incident_id.is_(None))
            .values(incident_id=incident.id)
        )
    _contain(incident, client_address, policy, actions, now)
    return incident


def _contain(
    incident: SecurityIncident,
    client_address: str | None,
    policy: IncidentPolicy,
    actions: ContainmentActions,
    now: datetime,
) -> None:
    if (
        incident.status == "resolved"
        or SEVERITY_RANK[incident.severity] < SEVERITY_RANK[policy.block_at_severity]
    ):
        return
    done = list(incident.containment_actions or [])
    minutes = policy.containment.block_client_minutes
    repeated = (
        incident.kind.startswith("behaviour:") or incident.detection_count >= policy.block_after_detections
    )
    if client_address and minutes > 0 and repeated and "client_blocked" not in done:
        actions.block_client(client_address, minutes * 60)
        done.append("client_blocked")
        incident.contained_until = now + timedelta(minutes=minutes)
    user_id = incident.user_id
    if user_id is not None:
        done += _contain_account(user_id, policy, actions, done)
    if done != list(incident.containment_actions or []):
        incident.containment_actions = done
        incident.status = "contained"
        logger.warning(
            "security_incident_contained", extra={"incident_id": incident.id, "actions": ",".join(done)}
        )


def _contain_account(
    user_id: int, policy: IncidentPolicy, actions: ContainmentActions, done: list[str]
) -> list[str]:
    added: list[str] = []
    lock = actions.lock_account if policy.containment.lock_account else None
    if lock is not None and "account_locked" not in done and lock(user_id):
        added.append("account_locked")
    end = actions.end_sessions if policy.containment.end_sessions else None
    if end is not None and "sessions_ended" not in done:
        end(user_id)
        added.append("sessions_ended")
    return added


def change_status(
    incident: SecurityIncident,
    status: str,
    *,
    root_cause: str | None,
    resolution: str | None,
    actor_id: int | None,
    now: datetime,
) -> SecurityIncident:
    """Move an incident along open -> contained -> resolved; resolved incidents are final."""
    if status not in TRANSITIONS:
        raise IncidentError("invalid_status", f"status must be one of {', '.join(TRANSITIONS)}")
    if status != incident.status and status not in TRANSITIONS[incident.status]:
        raise IncidentError(
            "invalid_transition", f"an incident that is {incident.status} cannot become {status}"
        )
    if incident.status == "resolved":
        raise IncidentError("incident_closed", "a resolved incident cannot be changed")
    for note in (root_cause, resolution):
        if note is not None and len(note) > MAX_NOTE_LENGTH:
            raise IncidentError("note_too_long", f"notes may hold at most {MAX_NOTE_LENGTH} characters")
    if status == "resolved" and not (
        (root_cause or incident.root_cause) and (resolution or incident.resolution)
    ):
        raise IncidentError(
            "notes_required", "resolving an incident needs both a root cause and a resolution note"
        )
    if root_cause is not None:
        incident.root_cause = root_cause
    if resolution is not None:
        incident.resolution = resolution
    incident.status = status
    incident.updated_at = now
    incident.updated_by = actor_id
    if status == "resolved":
        incident.resolved_at = now
    return incident
