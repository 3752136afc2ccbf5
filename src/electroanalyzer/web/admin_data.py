"""Users, sessions, policies and the audit log for the admin pages, through the account and audit services."""

import json
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from fastapi import Request
from sqlalchemy import func, select

from electroanalyzer.auth import service as auth_service
from electroanalyzer.auth.models import AuthSession
from electroanalyzer.auth.permissions import Role
from electroanalyzer.core.errors import NotFound
from electroanalyzer.users.models import User
from electroanalyzer.web.backend import context_of

USER_LIST_LIMIT = 500
SESSION_LIST_LIMIT = 500


@dataclass(frozen=True)
class PageInfo:
    number: int
    pages: int
    total: int


def list_users(request: Request) -> list[dict[str, Any]]:
    from electroanalyzer.users import service as users

    views, _ = users.list_users(context_of(request), limit=USER_LIST_LIMIT, offset=0)
    with context_of(request).session_factory() as db:
        created = {int(row[0]): row[1] for row in db.execute(select(User.id, User.created_at))}
    return [
        {
            "id": view.id,
            "username": view.username,
            "role": str(view.role),
            "is_active": view.is_active,
            "mfa_enabled": view.mfa_enabled,
            "created_at": created.get(view.id),
        }
        for view in views
    ]


def create_user(
    request: Request, actor: Any, username: str, password: str, role: Role, email: str | None
) -> None:
    from electroanalyzer.users import service as users

    users.create_user(
        context_of(request), username=username, password=password, role=role, email=email, actor_id=actor.id
    )


def user_action(request: Request, actor: Any, user_id: int, action: str, role: str | None) -> None:
    from electroanalyzer.users import service as users

    ctx = context_of(request)
    if action == "role" and role is not None:
        users.update_user(ctx, user_id, actor_id=actor.id, role=Role(role))
    elif action == "disable":
        users.update_user(ctx, user_id, actor_id=actor.id, is_active=False)
    elif action == "enable":
        users.update_user(ctx, user_id, actor_id=actor.id, is_active=True)
    elif action == "unlock":
        users.unlock_user(ctx, user_id, actor_id=actor.id)
    elif action == "reset-mfa":
        users.disable_mfa(ctx, user_id, actor_id=actor.id)
    else:
        raise NotFound()


def active_sessions(request: Request, actor: Any) -> list[dict[str, Any]]:
    ctx = context_of(request)
    with ctx.session_factory() as db:
        rows = db.execute(
            select(AuthSession, User.username)
            .join(User, User.id == AuthSession.user_id)
            .where(AuthSession.ended_at.is_(None), AuthSession.expires_at > ctx.clock.now())
            .order_by(AuthSession.last_seen_at.desc())
            .limit(SESSION_LIST_LIMIT)
        ).all()
    return [
        {
            "id": session.id,
            "username": username,
            "created_at": session.created_at,
            "last_seen_at": session.last_seen_at,
            "expires_at": session.expires_at,
            "current": session.id == actor.session_id,
        }
        for session, username in rows
    ]


def end_session(request: Request, actor: Any, session_id: str) -> None:
    from electroanalyzer.audit import service as audit

    ctx = context_of(request)
    with ctx.session_factory() as db:
        session = db.get(AuthSession, session_id[:36])
        if session is None or session.ended_at is not None:
            raise NotFound()
        owner = session.user_id
    auth_service.end_sessions(ctx, owner, reason="ended_by_admin", only_session=session_id)
    audit.record(ctx, "admin:session:end", actor_id=actor.id, target_type="session", target_id=session_id)


def policies(request: Request) -> tuple[dict[str, list[tuple[str, str]]], list[tuple[str, bool]]]:
    settings = request.app.state.settings
    sections: dict[str, list[tuple[str, str]]] = {}
    for name, value in settings.policies.model_dump(mode="json").items():
        sections[name] = [(key, _display(item)) for key, item in _flatten(value)]
    layers = [
        ("Rate limiting", settings.enable_rate_limiting),
        ("CSRF protection", settings.enable_csrf_protection),
        ("Security headers", settings.enable_security_headers),
        ("Threat detection", settings.enable_threat_detection),
    ]
    return sections, layers


def _flatten(value: Any, prefix: str = "") -> list[tuple[str, Any]]:
    if isinstance(value, dict):
        items: list[tuple[str, Any]] = []
        for key, item in value.items():
            items.extend(_flatten(item, f"{prefix}{key}."))
        return items
    return [(prefix.rstrip("."), value)]


def _display(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(str(item) for item in value) or "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def audit_entries(
    request: Request, filters: dict[str, str], page: int, page_size: int
) -> tuple[list[dict[str, Any]], PageInfo, str]:
    """Return one page of audit entries, newest first, and a message when a filter is invalid."""
    from electroanalyzer.audit.models import AuditEntry

    conditions: list[Any] = []
    error = ""
    if filters["action"]:
        conditions.append(AuditEntry.action.startswith(filters["action"].strip()))
    if filters["outcome"] in ("success", "failure", "denied"):
        conditions.append(AuditEntry.outcome == filters["outcome"])
    try:
        if filters["user"]:
            conditions.append(AuditEntry.actor_id == int(filters["user"]))
        if filters["date_from"]:
            conditions.append(
                AuditEntry.occurred_at >= datetime.combine(date.fromisoformat(filters["date_from"]), time.min)
            )
        if filters["date_to"]:
            end = datetime.combine(date.fromisoformat(filters["date_to"]), time.min) + timedelta(days=1)
            conditions.append(AuditEntry.occurred_at < end)
    except ValueError:
        error = (
            "The user id must be a number and dates must look like 2026-12-31. "
            "Correct the filter and apply it again."
        )
        conditions = []
    with context_of(request).session_factory() as db:
        total = int(db.scalar(select(func.count()).select_from(AuditEntry).where(*conditions)) or 0)
        rows = db.scalars(
            select(AuditEntry)
            .where(*conditions)
            .order_by(AuditEntry.id.desc())
            .limit(page_size)
            .offset((page - 1) * page_size)
        ).all()
        entries = [
            {
                "id": row.id,
                "occurred_at": row.occurred_at,
                "action": row.action,
                "outcome": row.outcome,
                "user": row.actor_id,
                "target": f"{row.target_type}:{row.target_id}" if row.target_type else None,
                "details": json.dumps(row.details, sort_keys=True) if row.details else "",
            }
            for row in rows
        ]
    pages = max(1, -(-total // page_size))
    return entries, PageInfo(min(page, pages), pages, total), error


def verify_audit_chain(request: Request, actor: Any) -> dict[str, Any]:
    from electroanalyzer.audit import service as audit

    ctx = context_of(request)
    report = audit.verify_chain(ctx)
    audit.record(
        ctx,
        "audit:verify",
        "success" if report.ok else "failure",
        actor_id=actor.id,
        details={"checked": report.checked},
    )
    message = f"Entry {report.first_bad_id}: {report.problem}." if not report.ok else ""
    return {"ok": report.ok, "checked": report.checked, "message": message}
