"""/api/v2/dashboard: score trends, most-missed rules, per discipline, and per therapist (admin)."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends

from electroanalyzer.auth.dependencies import get_context, require
from electroanalyzer.auth.permissions import Permission, Role
from electroanalyzer.auth.service import CurrentUser
from electroanalyzer.core.context import ServerContext
from electroanalyzer.dashboard import service

router = APIRouter(prefix="/dashboard", tags=["dashboard"])
Context = Annotated[ServerContext, Depends(get_context)]
Reader = Annotated[
    CurrentUser, Depends(require(Permission.DASHBOARD_OWN_READ, Permission.DASHBOARD_AGGREGATE_READ))
]


def _owner_scope(user: CurrentUser) -> int | None:
    """Therapists see their own figures; viewers and admins see the clinic-wide aggregate."""
    return user.id if user.role == Role.THERAPIST else None


@router.get("/trends")
def trends(user: Reader, ctx: Context) -> list[dict[str, Any]]:
    return service.score_trend(ctx, _owner_scope(user))


@router.get("/missed-rules")
def missed_rules(user: Reader, ctx: Context) -> list[dict[str, Any]]:
    return service.most_missed_rules(ctx, _owner_scope(user))


@router.get("/disciplines")
def disciplines(user: Reader, ctx: Context) -> list[dict[str, Any]]:
    return service.per_discipline(ctx, _owner_scope(user))


@router.get("/therapists")
def therapists(
    _user: Annotated[CurrentUser, Depends(require(Permission.DASHBOARD_THERAPIST_READ))], ctx: Context
) -> list[dict[str, Any]]:
    return service.per_therapist(ctx)
