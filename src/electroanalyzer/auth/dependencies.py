"""FastAPI dependencies: `current_user`, `require(permission)` and the `public` marker.

Credentials come from `Authorization: Bearer` or the HttpOnly cookie `ea_access` (`__Host-ea_access` under
TLS). Tokens in the query string are never read. Every route under /api/v2 declares `require(...)` or
`public`; a test fails when one declares neither.
"""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Request
from starlette.concurrency import run_in_threadpool

from electroanalyzer.auth import service
from electroanalyzer.auth.permissions import MFA_ENROLMENT_PERMISSIONS, Permission, has_permission
from electroanalyzer.auth.service import CurrentUser
from electroanalyzer.core.context import ServerContext
from electroanalyzer.core.errors import MfaEnrolmentRequired, NotAuthenticated, PermissionDenied
from electroanalyzer.users.password_change import PasswordChangeRequired, password_change_blocks

ACCESS_COOKIE = "ea_access"
SECURE_ACCESS_COOKIE = "__Host-ea_access"


async def get_context(request: Request) -> ServerContext:
    context: ServerContext = request.app.state.context
    return context


def client_address(request: Request) -> str | None:
    return request.client.host if request.client else None


def bearer_or_cookie(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    return request.cookies.get(SECURE_ACCESS_COOKIE) or request.cookies.get(ACCESS_COOKIE)


def current_user(request: Request, ctx: Annotated[ServerContext, Depends(get_context)]) -> CurrentUser:
    cached = getattr(request.state, "current_user", None)
    if isinstance(cached, CurrentUser):
        return cached
    token = bearer_or_cookie(request)
    if not token:
        raise NotAuthenticated(headers={"WWW-Authenticate": "Bearer"})
    try:
        user = service.authenticate(ctx, token, client=client_address(request))
    except NotAuthenticated as error:
        error.headers.setdefault("WWW-Authenticate", 'Bearer error="invalid_token"')
        raise
    request.state.current_user = user
    request.state.user_id = user.id  # for the defence layers' per-account limits and logs
    return user


def record_denial(
    ctx: ServerContext, request: Request, user: CurrentUser, permissions: tuple[Permission, ...]
) -> None:
    from electroanalyzer.audit import service as audit

    wanted = ",".join(permission.value for permission in permissions)
    path = request.url.path[:200]
    details: dict[str, str | int | float | bool | None] = {"permission": wanted, "path": path}
    audit.record(ctx, "authz:denied", "denied", actor_id=user.id, details=details)
    client = client_address(request)
    service.signal("authz:denied", "denied", user_id=user.id, client=client, permission=wanted)


def require(*permissions: Permission) -> Callable[..., Awaitable[CurrentUser]]:
    """Return a dependency that authenticates and checks that the role has at least one of
    `permissions`; denials are audited."""

    async def dependency(
        request: Request,
        user: Annotated[CurrentUser, Depends(current_user)],
        ctx: Annotated[ServerContext, Depends(get_context)],
    ) -> CurrentUser:
        if user.mfa_pending and not MFA_ENROLMENT_PERMISSIONS.intersection(permissions):
            raise MfaEnrolmentRequired()
        if user.must_change_password and password_change_blocks(permissions, user.mfa_pending):
            raise PasswordChangeRequired()
        if not any(has_permission(user.role, permission) for permission in permissions):
            await run_in_threadpool(record_denial, ctx, request, user, permissions)
            raise PermissionDenied()
        return user

    dependency.required_permission = ",".join(permission.value for permission in permissions)  # type: ignore[attr-defined]
    return dependency


def public() -> None:
    """Marks a route as deliberately open to anonymous callers."""


public.is_public_marker = True  # type: ignore[attr-defined]


def declared_access(dependant: Any) -> list[str]:
    """Return the permissions and public markers declared anywhere in a route's dependency tree."""
    found: list[str] = []
    for sub in dependant.dependencies:
        call = sub.call
        if getattr(call, "is_public_marker", False):
            found.append("public")
        permission = getattr(call, "required_permission", None)
        if permission is not None:
            found.append(str(permission))
        found.extend(declared_access(sub))
    return found


@dataclass(frozen=True)
class RouteAccess:
    path: str
    methods: frozenset[str]
    declared: list[str]


def route_access_table(app: Any, prefix: str = "/api/v2") -> list[RouteAccess]:
    """List every API route under `prefix` with the access it declares (through included routers too)."""
    from fastapi.routing import iter_route_contexts

    table: list[RouteAccess] = []
    for route in iter_route_contexts(app.routes):
        dependant = getattr(route, "dependant", None)
        path = route.path or ""
        if dependant is None or not path.startswith(prefix):
            continue
        methods = frozenset(getattr(route, "methods", None) or ())
        table.append(RouteAccess(path, methods, declared_access(dependant)))
    return table
