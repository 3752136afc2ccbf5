"""Admin pages: users (create, change role, disable, unlock, reset password or MFA), sessions, settings,
audit log."""

import logging
import string
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from electroanalyzer.auth.permissions import Permission, Role
from electroanalyzer.core.errors import Conflict, DomainError, NotFound, WeakPassword
from electroanalyzer.users import service as users_service
from electroanalyzer.users.passwords import generate_password
from electroanalyzer.web import admin_data
from electroanalyzer.web.backend import context_of
from electroanalyzer.web.context import WebUser, page_permission
from electroanalyzer.web.errors import PageNotFound
from electroanalyzer.web.notices import notice_flashes
from electroanalyzer.web.templating import render_page

logger = logging.getLogger(__name__)
router = APIRouter()
ROLE_OPTIONS = [(role.value, role.value.capitalize()) for role in Role]
USERNAME_CHARACTERS = set(string.ascii_letters + string.digits + "._-")
AUDIT_PAGE_SIZE = 50

ManageUsers = Annotated[WebUser, Depends(page_permission(Permission.USERS_MANAGE))]


def _users_page(
    request: Request,
    user: WebUser,
    errors: dict[str, str],
    form: dict[str, str],
    *,
    created: tuple[str, str] | None = None,
    reset: tuple[str, str] | None = None,
    status: int = 200,
) -> Response:
    context = {
        "users": admin_data.list_users(request),
        "roles": [role.value for role in Role],
        "role_options": ROLE_OPTIONS,
        "errors": errors,
        "form": form,
        "created_username": created[0] if created else "",
        "created_password": created[1] if created else "",
        "reset_username": reset[0] if reset else "",
        "reset_password": reset[1] if reset else "",
    }
    return render_page(request, "admin/users.html", context, status_code=status)


@router.get("/admin", response_class=HTMLResponse)
def admin_home(user: ManageUsers) -> Response:
    return RedirectResponse("/admin/users", status_code=303)


@router.get("/admin/users", response_class=HTMLResponse)
def users(request: Request, user: ManageUsers, notice: str | None = None) -> Response:
    request.state.web_context["flashes"] = notice_flashes(notice)
    return _users_page(request, user, {}, {"new_username": "", "new_email": "", "new_role": "therapist"})


@router.post("/admin/users", response_class=HTMLResponse)
def user_create(
    request: Request,
    user: ManageUsers,
    new_username: Annotated[str, Form(max_length=64)] = "",
    new_email: Annotated[str, Form(max_length=254)] = "",
    new_role: Annotated[str, Form(max_length=16)] = "therapist",
    new_password: Annotated[str, Form(max_length=4096)] = "",
) -> Response:
    form = {"new_username": new_username, "new_email": new_email, "new_role": new_role}
    errors: dict[str, str] = {}
    username = new_username.strip()
    if not 3 <= len(username) <= 64 or not set(username) <= USERNAME_CHARACTERS:
        errors["new_username"] = "Use 3 to 64 letters, digits, dots, dashes or underscores."
    if new_email and "@" not in new_email:
        errors["new_email"] = "Enter an email address like name@clinic.org, or leave the field empty."
    if new_role not in {role.value for role in Role}:
        errors["new_role"] = "Pick admin, therapist or viewer."
    if errors:
        return _users_page(request, user, errors, form, status=422)
    ctx = context_of(request)
    email = new_email.strip() or None
    password = new_password or generate_password(
        ctx.settings.policies.password, username=username.lower(), email=email
    )
    try:
        # A generated password is shown to the admin, so the user must replace it at first sign-in.
        users_service.create_user(
            ctx,
            username=username,
            password=password,
            role=Role(new_role),
            email=email,
            actor_id=user.id,
            must_change_password=not new_password,
        )
    except WeakPassword as error:
        return _users_page(request, user, {"new_password": error.detail}, form, status=422)
    except Conflict as error:
        return _users_page(request, user, {"new_username": error.detail}, form, status=409)
    created = (username.lower(), password if not new_password else "")
    if new_password:
        return RedirectResponse("/admin/users?notice=user_updated", status_code=303)
    empty = {"new_username": "", "new_email": "", "new_role": "therapist"}
    return _users_page(request, user, {}, empty, created=created, status=201)


def _user_action(
    request: Request, user: WebUser, user_id: int, action: str, role: str | None = None
) -> Response:
    try:
        admin_data.user_action(request, user, user_id, action, role)
    except NotFound:
        raise PageNotFound() from None
    except DomainError as error:
        extra = {"actor_id": user.id, "user_id": user_id, "code": error.code}
        logger.info("web_user_action_rejected", extra=extra)
        return _users_page(
            request,
            user,
            {"_form": error.detail},
            {"new_username": "", "new_email": "", "new_role": "therapist"},
            status=error.status,
        )
    return RedirectResponse("/admin/users?notice=user_updated", status_code=303)


@router.post("/admin/users/{user_id}/role")
def user_role(
    request: Request, user_id: int, user: ManageUsers, role: Annotated[str, Form(max_length=16)] = ""
) -> Response:
    if role not in {item.value for item in Role}:
        return _users_page(
            request,
            user,
            {"_form": "Pick admin, therapist or viewer as the new role."},
            {"new_username": "", "new_email": "", "new_role": "therapist"},
            status=422,
        )
    return _user_action(request, user, user_id, "role", role)


@router.post("/admin/users/{user_id}/reset-password", response_class=HTMLResponse)
def user_reset_password(request: Request, user_id: int, user: ManageUsers) -> Response:
    """Set a generated password, end the user's sessions, and show the password once."""
    ctx = context_of(request)
    try:
        target = users_service.get_user(ctx, user_id)
        password = users_service.reset_password(ctx, user_id, actor_id=user.id)
    except NotFound:
        raise PageNotFound() from None
    empty = {"new_username": "", "new_email": "", "new_role": "therapist"}
    return _users_page(request, user, {}, empty, reset=(target.username, password))


@router.post("/admin/users/{user_id}/{action}")
def user_other_action(request: Request, user_id: int, action: str, user: ManageUsers) -> Response:
    if action not in ("disable", "enable", "unlock", "reset-mfa"):
        raise PageNotFound()
    return _user_action(request, user, user_id, action)


@router.get("/admin/sessions", response_class=HTMLResponse)
def sessions(
    request: Request,
    user: Annotated[WebUser, Depends(page_permission(Permission.SESSIONS_MANAGE))],
    notice: str | None = None,
) -> Response:
    request.state.web_context["flashes"] = notice_flashes(notice)
    return render_page(
        request, "admin/sessions.html", {"sessions": admin_data.active_sessions(request, user)}
    )


@router.post("/admin/sessions/{session_id}/end")
def session_end(
    request: Request,
    session_id: str,
    user: Annotated[WebUser, Depends(page_permission(Permission.SESSIONS_MANAGE))],
) -> Response:
    try:
        admin_data.end_session(request, user, session_id)
    except NotFound:
        raise PageNotFound() from None
    return RedirectResponse("/admin/sessions?notice=session_ended_by_admin", status_code=303)


@router.get("/admin/settings", response_class=HTMLResponse)
def settings_page(
    request: Request, user: Annotated[WebUser, Depends(page_permission(Permission.SETTINGS_READ))]
) -> Response:
    policies, layers = admin_data.policies(request)
    return render_page(request, "admin/settings.html", {"policies": policies, "layers": layers})


@router.get("/admin/audit", response_class=HTMLResponse)
def audit_log(
    request: Request,
    user: Annotated[WebUser, Depends(page_permission(Permission.AUDIT_READ))],
    action: Annotated[str, Query(max_length=64)] = "",
    outcome: Annotated[str, Query(max_length=16)] = "",
    user_filter: Annotated[str, Query(alias="user", max_length=12)] = "",
    date_from: Annotated[str, Query(max_length=10)] = "",
    date_to: Annotated[str, Query(max_length=10)] = "",
    page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
) -> Response:
    filters = {
        "action": action,
        "outcome": outcome,
        "user": user_filter,
        "date_from": date_from,
        "date_to": date_to,
    }
    entries, page_info, error = admin_data.audit_entries(request, filters, page, AUDIT_PAGE_SIZE)
    if error:
        request.state.web_context["flashes"] = [{"kind": "error", "text": error}]
    context = {
        "filters": filters,
        "entries": entries,
        "page": page_info,
        "base_query": urlencode({key: value for key, value in filters.items() if value}),
        "verification": None,
    }
    return render_page(request, "admin/audit.html", context)


@router.post("/admin/audit/verify", response_class=HTMLResponse)
def audit_verify(
    request: Request, user: Annotated[WebUser, Depends(page_permission(Permission.AUDIT_READ))]
) -> Response:
    verification = admin_data.verify_audit_chain(request, user)
    filters = {"action": "", "outcome": "", "user": "", "date_from": "", "date_to": ""}
    entries, page_info, _ = admin_data.audit_entries(request, filters, 1, AUDIT_PAGE_SIZE)
    context = {
        "filters": filters,
        "entries": entries,
        "page": page_info,
        "base_query": "",
        "verification": verification,
    }
    return render_page(request, "admin/audit.html", context)
