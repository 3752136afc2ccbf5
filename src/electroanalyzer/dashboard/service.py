"""Dashboard figures from scores and rule outcomes only (no decryption, no PHI)."""

from typing import Any

from sqlalchemy import String, cast, func, select

from electroanalyzer.analyses.models import Analysis, FindingOutcome
from electroanalyzer.core.context import ServerContext
from electroanalyzer.users.models import User

SUCCEEDED = "succeeded"


def _scope(query: Any, owner_id: int | None) -> Any:
    query = query.where(Analysis.status == SUCCEEDED)
    return query.where(Analysis.owner_id == owner_id) if owner_id is not None else query


def score_trend(ctx: ServerContext, owner_id: int | None, *, limit: int = 60) -> list[dict[str, Any]]:
    """Daily average score and count, newest `limit` days, oldest first (days in the database's UTC)."""
    day = func.substr(cast(Analysis.created_at, String()), 1, 10)
    query = _scope(select(day.label("day"), func.avg(Analysis.score), func.count()), owner_id)
    with ctx.session_factory() as db:
        rows = db.execute(query.group_by("day").order_by(day.desc()).limit(limit)).all()
    return [
        {"day": row[0], "average_score": round(float(row[1] or 0), 1), "analyses": row[2]}
        for row in reversed(rows)
    ]


def most_missed_rules(ctx: ServerContext, owner_id: int | None, *, limit: int = 10) -> list[dict[str, Any]]:
    query = (
        select(FindingOutcome.rule_id, func.count())
        .join(Analysis, Analysis.id == FindingOutcome.analysis_id)
        .where(FindingOutcome.status.in_(("missing", "partly_met")))
    )
    query = (
        _scope(query, owner_id)
        .group_by(FindingOutcome.rule_id)
        .order_by(func.count().desc(), FindingOutcome.rule_id)
    )
    with ctx.session_factory() as db:
        rows = db.execute(query.limit(limit)).all()
    return [{"rule_id": row[0], "missed": row[1]} for row in rows]


def per_discipline(ctx: ServerContext, owner_id: int | None) -> list[dict[str, Any]]:
    query = _scope(select(Analysis.discipline, func.avg(Analysis.score), func.count()), owner_id)
    with ctx.session_factory() as db:
        rows = db.execute(query.group_by(Analysis.discipline).order_by(Analysis.discipline)).all()
    return [
        {"discipline": row[0], "average_score": round(float(row[1] or 0), 1), "analyses": row[2]}
        for row in rows
    ]


def per_therapist(ctx: ServerContext) -> list[dict[str, Any]]:
    query = (
        select(User.id, User.username, func.avg(Analysis.score), func.count())
        .join(Analysis, Analysis.owner_id == User.id)
        .where(Analysis.status == SUCCEEDED)
        .group_by(User.id, User.username)
        .order_by(User.username)
    )
    with ctx.session_factory() as db:
        rows = db.execute(query).all()
    return [
        {
            "user_id": row[0],
            "username": row[1],
            "average_score": round(float(row[2] or 0), 1),
            "analyses": row[3],
        }
        for row in rows
    ]
