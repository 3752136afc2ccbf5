"""The signed-in user, their permissions, and the values every page template needs.

`PageContextMiddleware` resolves the `ea_access` cookie once per request into a `WebUser` (or
None) and stores the template context on `request.state.web_context`. Page handlers then ask
for `page_user` (redirects to sign-in when no user is signed in) or `page_permission(...)`
(returns the 404 page when the role lacks the permission, so a forbidden page looks
exactly like a missing one).
"""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from fastapi import Request
from starlette.concurrency import run_in_threadpool
from starlette.middleware.base import BaseHTTPMiddleware
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from electroanalyzer.auth.permissions import MFA_ENROLMENT_PERMISSIONS, Permission, has_permission
from electroanalyzer.web import backend
from electroanalyzer.web.errors import LoginRequired, MfaEnrolmentNeeded, PageNotFound, PasswordChangeNeeded

STATIC_PREFIX = "/static/"
API_PREFIX = "/api/"
WARNING_SECONDS = 120
PROBLEM_JSON = "application/problem+json"
# The pages a user whose password an administrator set may open before choosing a new one.
PASSWORD_CHANGE_PATHS = frozenset({"/account/password", "/session/keepalive"})


@dataclass(frozen=True)
class WebUser:
    id: int
    username: str
    role: str
    session_id: str
    mfa_enabled: bool
    mfa_pending: bool = False

    def can(self, permission: Permission) -> bool:
        # Until a user whose role requires MFA has enrolled, only the enrolment pages are open.
        if self.mfa_pending and permission not in MFA_ENROLMENT_PERMISSIONS:
            return False
        return has_permission(self.role, permission)


@dataclass(frozen=True)
class NavItem:
    href: str
    label: str
    permission: Permission


NAV_ITEMS = (
    NavItem("/", "Home", Permission.SELF_READ),
    NavItem("/analyze", "Analyze", Permission.DOCUMENT_CREATE),
    NavItem("/history", "History", Permission.DOCUMENT_READ),
    NavItem("/shared", "Shared with me", Permission.SHARED_REPORT_READ),
    NavItem("/rubrics", "Rubrics", Permission.RUBRIC_READ),
    NavItem("/admin/users", "Admin", Permission.USERS_MANAGE),
)


def navigation(user: WebUser, path: str) -> list[dict[str, Any]]:
    items = []
    for item in NAV_ITEMS:
        if item.href == "/shared" and user.can(Permission.DOCUMENT_READ):
            continue  # therapists and admins see shared reports in History
        if not user.can(item.permission):
            continue
        active = _is_current(item.href, path)
        items.append({"href": item.href, "label": item.label, "active": active})
    return items


SECTION_PREFIXES = {
    "/": ("/account",),
    "/history": ("/history", "/reports/", "/analyses/"),
    "/admin/users": ("/admin",),
}


def _is_current(href: str, path: str) -> bool:
    """Return True when the page at `path` belongs to the section of navigation entry `href`."""
    if path == href:
        return True
    prefixes = SECTION_PREFIXES.get(href, (href + "/",) if href != "/" else ())
    return any(path.startswith(prefix) for prefix in prefixes)


def _is_page_request(request: Request) -> bool:
    path = request.url.path
    return not (path.startswith(STATIC_PREFIX) or path.startswith(API_PREFIX))


class PageContextMiddleware(BaseHTTPMiddleware):
    """Build `request.state.web_context` for HTML pages; API and static requests pass untouched."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        # API and static requests skip BaseHTTPMiddleware's per-request task group and streams.
        if scope["type"] == "http" and str(scope.get("path", "")).startswith((STATIC_PREFIX, API_PREFIX)):
            await self.app(scope, receive, send)
            return
        await super().__call__(scope, receive, send)

    async def dispatch(
        self, request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        if not _is_page_request(request):
            return await call_next(request)
        request.state.web_context = await run_in_threadpool(build_context, request)
        response = await call_next(request)
        wants_json = "application/json" in request.headers.get("accept", "")
        if response.headers.get("content-type", "").startswith(PROBLEM_JSON) and not wants_json:
            response = _as_html_error(request, response)
        backend.apply_renewed_tokens(request, response)
        return response


def _as_html_error(request: Request, problem: Response) -> Response:
    """Replace a defence layer's JSON rejection of a page (CSRF, rate limit, size) with the HTML page."""
    from electroanalyzer.web.errors import render_error

    page = render_error(request, problem.status_code)
    for name in ("retry-after", "set-cookie"):
        for value in problem.headers.getlist(name):
            page.headers.append(name, value)
    return page


def build_context(request: Request) -> dict[str, Any]:
    user = backend.resolve_user(request)
    settings = request.app.state.settings
    idle_seconds = settings.policies.session.max_inactive_minutes * 60 if user else 0
    context: dict[str, Any] = {
        "user": user,
        "idle_seconds": idle_seconds,
        "warn_seconds": min(WARNING_SECONDS, idle_seconds // 2),
        "nav_items": navigation(user, request.url.path) if user else [],
        "flashes": [],
    }
    return context


def _must_change_password(request: Request) -> bool:
    # `backend.resolve_user` stores the authenticated `CurrentUser`, which carries the flag.
    current = getattr(request.state, "current_user", None)
    return bool(getattr(current, "must_change_password", False))


def page_user(request: Request) -> WebUser:
    """FastAPI dependency: the signed-in user, or a redirect to the sign-in page (or to the password
    page while an administrator-set password must be changed)."""
    user = getattr(request.state, "web_context", {}).get("user")
    if user is None:
        raise LoginRequired()
    # MFA enrolment goes first (only its pages are open meanwhile), then the password change.
    on_allowed_page = request.url.path in PASSWORD_CHANGE_PATHS
    if _must_change_password(request) and not user.mfa_pending and not on_allowed_page:
        raise PasswordChangeNeeded()
    return user


def page_permission(permission: Permission) -> Callable[[Request], WebUser]:
    """FastAPI dependency factory: the signed-in user holding `permission`, else the 404 page."""

    def dependency(request: Request) -> WebUser:
        user = page_user(request)
        if user.mfa_pending and not user.can(permission):
            raise MfaEnrolmentNeeded()
        if not user.can(permission):
            backend.record_denial(request, user, permission)
            raise PageNotFound()
        return user

    return dependency
