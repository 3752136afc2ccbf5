"""Behaviour rules over stored security events: brute force, stuffing, token misuse, PHI volume."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import distinct, func, select
from sqlalchemy.orm import Session

from .config import IncidentPolicy
from .models import SecurityEvent

LOGIN_FAILED = "auth:login:failed"
# An event kind, not a password.
TOKEN_INVALID = "auth:token:invalid"  # noqa: S105  # nosec B105
PHI_KINDS = ("phi:view", "phi:export", "phi:download")


@dataclass(frozen=True)
class BehaviourFinding:
    """A behaviour rule that fired, with the events that prove it."""

    kind: str
    severity: str
    user_id: int | None
    client_hash: str | None
    evidence_ids: list[int]


def _evidence(session: Session, *conditions: object, limit: int = 200) -> list[int]:
    query = select(SecurityEvent.id).where(*conditions).order_by(SecurityEvent.id.desc()).limit(limit)  # type: ignore[arg-type]
    return list(session.scalars(query))


def evaluate(
    session: Session, event: SecurityEvent, policy: IncidentPolicy, now: datetime
) -> list[BehaviourFinding]:
    """Run the rules that the newly stored event can trigger."""
    findings: list[BehaviourFinding] = []
    window_start = now - timedelta(minutes=policy.brute_force_window_minutes)
    recent = SecurityEvent.occurred_at >= window_start

    if event.kind == LOGIN_FAILED:
        if event.subject_hash or event.user_id is not None:
            same_account = (
                SecurityEvent.subject_hash == event.subject_hash
                if event.subject_hash
                else SecurityEvent.user_id == event.user_id
            )
            conditions = (SecurityEvent.kind == LOGIN_FAILED, recent, same_account)
            count = session.scalar(select(func.count()).where(*conditions))
            if count is not None and count >= policy.brute_force_failures:
                findings.append(
                    BehaviourFinding(
                        "behaviour:brute_force",
                        "high",
                        event.user_id,
                        event.client_hash,
                        _evidence(session, *conditions),
                    )
                )
        if event.client_hash:
            conditions = (
                SecurityEvent.kind == LOGIN_FAILED,
                recent,
                SecurityEvent.client_hash == event.client_hash,
            )
            failures = session.scalar(select(func.count()).where(*conditions)) or 0
            names = (
                session.scalar(select(func.count(distinct(SecurityEvent.subject_hash))).where(*conditions))
                or 0
            )
            if names >= policy.stuffing_usernames:
                findings.append(
                    BehaviourFinding(
                        "behaviour:credential_stuffing",
                        "high",
                        None,
                        event.client_hash,
                        _evidence(session, *conditions),
                    )
                )
            elif failures >= policy.brute_force_failures and not findings:
                findings.append(
                    BehaviourFinding(
                        "behaviour:brute_force",
                        "high",
                        None,
                        event.client_hash,
                        _evidence(session, *conditions),
                    )
                )

    if event.kind == TOKEN_INVALID and event.client_hash:
        conditions = (
            SecurityEvent.kind == TOKEN_INVALID,
            recent,
            SecurityEvent.client_hash == event.client_hash,
        )
        count = session.scalar(select(func.count()).where(*conditions)) or 0
        if count >= policy.token_misuse_count:
            findings.append(
                BehaviourFinding(
                    "behaviour:token_misuse",
                    "medium",
                    event.user_id,
                    event.client_hash,
                    _evidence(session, *conditions),
                )
            )

    if event.kind in PHI_KINDS and event.user_id is not None:
        conditions = (
            SecurityEvent.kind.in_(PHI_KINDS),
            SecurityEvent.occurred_at >= now - timedelta(hours=1),
            SecurityEvent.user_id == event.user_id,
        )
        count = session.scalar(select(func.count()).where(*conditions)) or 0
        if count > policy.phi_access_per_hour_threshold:
            findings.append(
                BehaviourFinding(
                    "behaviour:phi_access_volume",
                    "high",
                    event.user_id,
                    None,
                    _evidence(session, *conditions),
                )
            )
    return findings
