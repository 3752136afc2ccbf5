"""Compliance dashboard and audit-trail report data; ids and counts only, never PHI."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select

from .safeguards import SAFEGUARDS, CheckResult, LiveState

logger = logging.getLogger(__name__)
STATUS_POINTS = {"met": 1.0, "partial": 0.5, "not_met": 0.0}
MAX_TRAIL_ENTRIES = 1000


def dashboard(context: Any, *, layers: Any | None = None, https: bool | None = None) -> dict[str, Any]:
    """Evaluate every safeguard against live state and score the ones the software can evidence."""
    state = LiveState(context, layers, https)
    items: list[dict[str, Any]] = []
    for safeguard in SAFEGUARDS:
        try:
            result = safeguard.check(state)
        except Exception as error:
            # A failing check must show as not met, never as a crash of the whole dashboard.
            logger.exception("compliance_check_failed", extra={"citation": safeguard.citation})
            result = CheckResult("not_met", f"the check failed ({type(error).__name__})")
        items.append(
            {
                "citation": safeguard.citation,
                "name": safeguard.name,
                "category": safeguard.category,
                "requirement": safeguard.requirement,
                "status": result.status,
                "evidence": result.evidence,
            }
        )
    scored = [item for item in items if item["status"] in STATUS_POINTS]
    points = sum(STATUS_POINTS[item["status"]] for item in scored)
    score = round(100 * points / len(scored)) if scored else 0
    counts = {
        status: sum(1 for item in items if item["status"] == status) for status in (*STATUS_POINTS, "manual")
    }
    return {
        "generated_at": datetime.now(UTC).isoformat(),
        "score": score,
        "counts": counts,
        "safeguards": items,
    }


def page_dashboard(context: Any) -> dict[str, Any]:
    """Dashboard data for the web page, which passes only the server context."""
    return dashboard(context)


def audit_trail(context: Any, since: datetime | None, until: datetime | None, limit: int) -> dict[str, Any]:
    """Return audit entries (ids and codes) of a period, counts per action, and the chain status."""
    from electroanalyzer.audit.models import AuditEntry
    from electroanalyzer.audit.service import verify_chain

    conditions = []
    if since is not None:
        conditions.append(AuditEntry.occurred_at >= since)
    if until is not None:
        conditions.append(AuditEntry.occurred_at < until)
    limit = max(1, min(limit, MAX_TRAIL_ENTRIES))
    with context.session_factory() as db:
        counts = db.execute(
            select(AuditEntry.action, AuditEntry.outcome, func.count())
            .where(*conditions)
            .group_by(AuditEntry.action, AuditEntry.outcome)
        ).all()
        rows = db.scalars(
            select(AuditEntry).where(*conditions).order_by(AuditEntry.id.desc()).limit(limit)
        ).all()
        entries = [
            {
                "id": row.id,
                "occurred_at": row.occurred_at.isoformat(),
                "action": row.action,
                "outcome": row.outcome,
                "actor_id": row.actor_id,
                "target_type": row.target_type,
                "target_id": row.target_id,
                "request_id": row.request_id,
            }
            for row in rows
        ]
    chain = verify_chain(context)
    by_action: dict[str, dict[str, int]] = {}
    for action, outcome, count in counts:
        by_action.setdefault(str(action), {})[str(outcome)] = int(count)
    return {
        "since": since.isoformat() if since else None,
        "until": until.isoformat() if until else None,
        "chain": {"ok": chain.ok, "checked": chain.checked, "first_bad_id": chain.first_bad_id},
        "counts_by_action": by_action,
        "total": sum(sum(value.values()) for value in by_action.values()),
        "entries": entries,
    }
