"""The /api/v2/compliance endpoints: HIPAA dashboard and audit-trail reports (administrators)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request

from electroanalyzer.auth.dependencies import get_context, require
from electroanalyzer.auth.permissions import Permission
from electroanalyzer.auth.service import CurrentUser
from electroanalyzer.core.context import ServerContext
from electroanalyzer.core.errors import InvalidInput

from . import service
from .schemas import AuditTrail, ComplianceDashboard

router = APIRouter(prefix="/compliance", tags=["compliance"])
Reader = Annotated[CurrentUser, Depends(require(Permission.COMPLIANCE_READ))]
AuditReader = Annotated[CurrentUser, Depends(require(Permission.AUDIT_READ))]
Context = Annotated[ServerContext, Depends(get_context)]


@router.get("/dashboard", response_model=ComplianceDashboard)
def compliance_dashboard(request: Request, user: Reader, ctx: Context) -> dict[str, Any]:
    runtime = getattr(request.app.state, "security", None)
    https = request.url.scheme == "https"
    if runtime is not None:
        https = runtime.resolver.scheme(request.scope) == "https"
    return service.dashboard(ctx, layers=runtime.config if runtime else None, https=https)


@router.get("/audit-trail", response_model=AuditTrail)
def audit_trail(
    user: AuditReader,
    ctx: Context,
    since: Annotated[datetime | None, Query(description="Start (ISO 8601 with time zone)")] = None,
    until: Annotated[datetime | None, Query(description="End (ISO 8601 with time zone)")] = None,
    limit: Annotated[int, Query(ge=1, le=service.MAX_TRAIL_ENTRIES)] = 200,
) -> dict[str, Any]:
    for value in (since, until):
        if value is not None and value.tzinfo is None:
            raise InvalidInput("send times with a time zone, for example 2026-01-31T00:00:00Z")
    if since and until and until <= since:
        raise InvalidInput("`since` must be before `until`")
    return service.audit_trail(ctx, since, until, limit)
