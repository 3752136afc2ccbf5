"""/api/v2/admin: users, sessions and policy settings (admin only; every change audited)."""

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select

from electroanalyzer.admin import settings_service
from electroanalyzer.audit import service as audit
from electroanalyzer.auth import service as auth_service
from electroanalyzer.auth.dependencies import get_context, require
from electroanalyzer.auth.models import AuthSession
from electroanalyzer.auth.permissions import Permission, Role
from electroanalyzer.auth.schemas import EMAIL_PATTERN, UserRead
from electroanalyzer.auth.service import CurrentUser
from electroanalyzer.core.context import ServerContext
from electroanalyzer.core.errors import NotFound
from electroanalyzer.users import service as users

router = APIRouter(prefix="/admin", tags=["admin"])
Context = Annotated[ServerContext, Depends(get_context)]
UserAdmin = Annotated[CurrentUser, Depends(require(Permission.USERS_MANAGE))]
SessionAdmin = Annotated[CurrentUser, Depends(require(Permission.SESSIONS_MANAGE))]


class UserCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    username: str = Field(min_length=3, max_length=64, pattern=r"^[A-Za-z0-9._-]+$")
    password: str = Field(min_length=1, max_length=4096)
    role: Role
    email: str | None = Field(default=None, max_length=254, pattern=EMAIL_PATTERN)
    full_name: str | None = Field(default=None, max_length=128)


class UserUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    role: Role | None = None
    is_active: bool | None = Field(default=None, strict=True)
    email: str | None = Field(default=None, max_length=254, pattern=EMAIL_PATTERN)
    full_name: str | None = Field(default=None, max_length=128)


class PasswordReset(BaseModel):
    model_config = ConfigDict(extra="forbid")

    password: str | None = Field(
        default=None, min_length=1, max_length=4096, description="New password; omit to generate one."
    )


class PasswordResetResult(BaseModel):
    temporary_password: str | None = Field(
        description="The generated password, shown only in this response; null when the request set it."
    )


class UserPage(BaseModel):
    items: list[UserRead]
    total: int


class SessionRead(BaseModel):
    id: str
    user_id: int
    created_at: datetime
    last_seen_at: datetime
    mfa_pending: bool


class SettingsUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    policies: dict[str, Any]


def _read(view: users.UserView) -> UserRead:
    return UserRead.model_validate(view.__dict__)


@router.get("/users", response_model=UserPage)
def list_users(
    _admin: UserAdmin,
    ctx: Context,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> UserPage:
    items, total = users.list_users(ctx, limit=limit, offset=offset)
    return UserPage(items=[_read(item) for item in items], total=total)


@router.post("/users", response_model=UserRead, status_code=201)
def create_user(body: UserCreate, admin: UserAdmin, ctx: Context) -> UserRead:
    created = users.create_user(
        ctx,
        username=body.username,
        password=body.password,
        role=body.role,
        email=body.email,
        full_name=body.full_name,
        actor_id=admin.id,
    )
    return _read(created)


@router.patch("/users/{user_id}", response_model=UserRead)
def update_user(user_id: int, body: UserUpdate, admin: UserAdmin, ctx: Context) -> UserRead:
    """Change role, email, name or active state; disabling ends the user's sessions at once."""
    return _read(
        users.update_user(
            ctx,
            user_id,
            actor_id=admin.id,
            role=body.role,
            is_active=body.is_active,
            email=body.email,
            full_name=body.full_name,
        )
    )


@router.post("/users/{user_id}/disable", response_model=UserRead)
def disable_user(user_id: int, admin: UserAdmin, ctx: Context) -> UserRead:
    return _read(users.update_user(ctx, user_id, actor_id=admin.id, is_active=False))


@router.delete("/users/{user_id}", status_code=204)
def delete_user(user_id: int, admin: UserAdmin, ctx: Context) -> Response:
    users.delete_user(ctx, user_id, actor_id=admin.id)
    return Response(status_code=204)


@router.post("/users/{user_id}/unlock", status_code=204)
def unlock_user(user_id: int, admin: UserAdmin, ctx: Context) -> Response:
    users.unlock_user(ctx, user_id, actor_id=admin.id)
    return Response(status_code=204)


@router.post("/users/{user_id}/reset-password", response_model=PasswordResetResult)
def reset_password(
    user_id: int, admin: UserAdmin, ctx: Context, body: PasswordReset | None = None
) -> PasswordResetResult:
    """Set a new password (generated unless given), end all the user's sessions, and make the user change
    it at the next sign-in."""
    chosen = body.password if body else None
    password = users.reset_password(ctx, user_id, actor_id=admin.id, new_password=chosen)
    return PasswordResetResult(temporary_password=None if chosen else password)


@router.post("/users/{user_id}/reset-mfa", status_code=204)
def reset_mfa(user_id: int, admin: UserAdmin, ctx: Context) -> Response:
    users.disable_mfa(ctx, user_id, actor_id=admin.id)
    return Response(status_code=204)


@router.get("/sessions", response_model=list[SessionRead])
def list_sessions(
    _admin: SessionAdmin, ctx: Context, user_id: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None
) -> list[SessionRead]:
    query = select(AuthSession).where(AuthSession.ended_at.is_(None)).order_by(AuthSession.created_at.desc())
    if user_id is not None:
        query = query.where(AuthSession.user_id == user_id)
    with ctx.session_factory() as db:
        return [
            SessionRead(
                id=row.id,
                user_id=row.user_id,
                created_at=row.created_at,
                last_seen_at=row.last_seen_at,
                mfa_pending=row.mfa_pending,
            )
            for row in db.scalars(query.limit(500))
        ]


@router.delete("/sessions/{session_id}", status_code=204)
def end_session(session_id: str, admin: SessionAdmin, ctx: Context) -> Response:
    with ctx.session_factory() as db:
        session = db.get(AuthSession, session_id[:36])
        owner = session.user_id if session and session.ended_at is None else None
    if owner is None:
        raise NotFound()
    auth_service.end_sessions(ctx, owner, reason="ended_by_admin", only_session=session_id)
    audit.record(
        ctx,
        "session:end",
        actor_id=admin.id,
        target_type="session",
        target_id=session_id,
        details={"user_id": owner},
    )
    return Response(status_code=204)


@router.get("/settings")
def read_settings(
    _admin: Annotated[CurrentUser, Depends(require(Permission.SETTINGS_READ))], ctx: Context
) -> dict[str, Any]:
    """The effective security policy (file plus admin changes); no keys or secrets."""
    return {"policies": ctx.settings.policies.model_dump(mode="json")}


@router.patch("/settings")
def update_settings(
    body: SettingsUpdate,
    admin: Annotated[CurrentUser, Depends(require(Permission.SETTINGS_UPDATE))],
    ctx: Context,
) -> dict[str, Any]:
    """Change policy values (partial, by section); validated, stored, audited and applied immediately."""
    policies = settings_service.update_policies(ctx, body.policies, actor_id=admin.id)
    return {"policies": policies.model_dump(mode="json")}
