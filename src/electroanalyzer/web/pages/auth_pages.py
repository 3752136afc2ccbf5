"""Sign-in (with the TOTP step), sign-out, the keep-alive ping, account, MFA enrolment and password change."""

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from electroanalyzer.auth.challenges import MfaChallengeInvalid
from electroanalyzer.auth.permissions import Permission
from electroanalyzer.core.errors import (
    DomainError,
    InvalidCredentials,
    LoginLocked,
    MfaRequired,
    WeakPassword,
)
from electroanalyzer.web import backend
from electroanalyzer.web.context import WebUser, page_permission, page_user
from electroanalyzer.web.notices import notice_flashes
from electroanalyzer.web.qr import qr_svg
from electroanalyzer.web.templating import render_page

router = APIRouter()
GENERIC_LOGIN_ERROR = (
    "The username or password is wrong. Check both and try again; "
    "after several failures the account is locked for a while."
)


def safe_next(target: str | None) -> str:
    """Allow only same-site relative paths as the post-login destination (no open redirect)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    if target.startswith(("/login", "/logout")):
        return "/"
    return target


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, next: str = "/", reason: str | None = None) -> Response:
    if request.state.web_context.get("user") is not None:
        return RedirectResponse(safe_next(next), status_code=303)
    request.state.web_context["flashes"] = notice_flashes(reason)
    return render_page(
        request, "auth/login.html", {"errors": {}, "username": "", "next_url": safe_next(next)}
    )


@router.post("/login", response_class=HTMLResponse)
def login_submit(
    request: Request,
    username: Annotated[str, Form(max_length=256)] = "",
    password: Annotated[str, Form(max_length=4096)] = "",
    next: Annotated[str, Form(max_length=2048)] = "/",
) -> Response:
    target = safe_next(next)
    errors: dict[str, str] = {}
    if not username.strip():
        errors["username"] = "Enter your username."
    if not password:
        errors["password"] = "Enter your password."  # noqa: S105 (a message, not a password)
    if errors:
        return _login_page(request, errors, username, target, 422)
    try:
        outcome = backend.login(request, username.strip(), password)
    except MfaRequired as pending:
        response = RedirectResponse(f"/login/mfa?next={target}", status_code=303)
        backend.remember_challenge(request, response, pending)
        return response
    except LoginLocked as error:
        return _login_page(request, {"_form": error.detail}, username, target, 429)
    except InvalidCredentials:
        return _login_page(request, {"_form": GENERIC_LOGIN_ERROR}, username, target, 401)
    return backend.finish_login(request, outcome, target)


def _login_page(
    request: Request, errors: dict[str, str], username: str, target: str, status: int
) -> Response:
    context = {"errors": errors, "username": username, "next_url": target}
    return render_page(request, "auth/login.html", context, status_code=status)


@router.get("/login/mfa", response_class=HTMLResponse)
def login_mfa_form(request: Request, next: str = "/") -> Response:
    if backend.challenge_id(request) is None:
        return RedirectResponse("/login", status_code=303)
    return render_page(request, "auth/login_mfa.html", {"errors": {}, "next_url": safe_next(next)})


@router.post("/login/mfa", response_class=HTMLResponse)
def login_mfa_submit(
    request: Request,
    code: Annotated[str, Form(max_length=64)] = "",
    next: Annotated[str, Form(max_length=2048)] = "/",
) -> Response:
    target = safe_next(next)
    challenge_id = backend.challenge_id(request)
    if challenge_id is None:
        return RedirectResponse("/login?reason=session_ended", status_code=303)
    cleaned = code.replace(" ", "").strip()
    if not cleaned:
        return _mfa_page(
            request, {"code": "Enter the 6-digit code from your app, or a recovery code."}, target
        )
    try:
        outcome = backend.complete_mfa(request, challenge_id, cleaned)
    except MfaChallengeInvalid:
        restart = RedirectResponse(f"/login?reason=mfa_restart&next={target}", status_code=303)
        backend.forget_challenge(request, restart)
        return restart
    except InvalidCredentials:
        return _mfa_page(
            request,
            {
                "code": "That code is not valid or was already used. Codes change every 30 seconds: "
                "type the one shown now."
            },
            target,
        )
    except LoginLocked as error:
        locked = _mfa_page(request, {"_form": error.detail}, target, 429)
        backend.forget_challenge(request, locked)
        return locked
    response = backend.finish_login(request, outcome, target)
    backend.forget_challenge(request, response)
    return response


def _mfa_page(request: Request, errors: dict[str, str], target: str, status: int = 401) -> Response:
    return render_page(
        request, "auth/login_mfa.html", {"errors": errors, "next_url": target}, status_code=status
    )


@router.post("/logout")
def logout(request: Request, reason: Annotated[str, Form(max_length=32)] = "") -> Response:
    user = request.state.web_context.get("user")
    notice = "timeout" if reason == "timeout" else "signed_out"
    response = RedirectResponse(f"/login?reason={notice}", status_code=303)
    backend.logout(request, response, user)
    return response


@router.post("/session/keepalive")
def keepalive(user: Annotated[WebUser, Depends(page_user)]) -> JSONResponse:
    # Resolving the user already recorded activity on the server-side session.
    return JSONResponse({"ok": True}, headers={"Cache-Control": "no-store"})


@router.get("/account", response_class=HTMLResponse)
def account(
    request: Request,
    user: Annotated[WebUser, Depends(page_permission(Permission.SELF_READ))],
    notice: str | None = None,
) -> Response:
    request.state.web_context["flashes"] = notice_flashes(notice)
    return render_page(request, "auth/account.html", {"mfa_enabled": user.mfa_enabled})


@router.get("/account/mfa", response_class=HTMLResponse)
def mfa_form(
    request: Request, user: Annotated[WebUser, Depends(page_permission(Permission.MFA_MANAGE))]
) -> Response:
    if user.mfa_enabled:
        return RedirectResponse("/account", status_code=303)
    enrolment = backend.mfa_begin(request, user)
    return _enrol_page(request, user, enrolment, {})


def _enrol_page(
    request: Request, user: WebUser, enrolment: backend.MfaEnrolment, errors: dict[str, str]
) -> Response:
    context = {
        "errors": errors,
        "qr": qr_svg(enrolment.uri, title="QR code for your authenticator app"),
        "secret": enrolment.secret,
        "required": backend.mfa_required(request, user),
    }
    return render_page(request, "auth/mfa_enrol.html", context, status_code=422 if errors else 200)


@router.post("/account/mfa", response_class=HTMLResponse)
def mfa_confirm(
    request: Request,
    user: Annotated[WebUser, Depends(page_permission(Permission.MFA_MANAGE))],
    code: Annotated[str, Form(max_length=16)] = "",
    secret: Annotated[str, Form(max_length=64, pattern="^[A-Z2-7]*$")] = "",
) -> Response:
    cleaned = code.replace(" ", "").strip()
    try:
        if not (len(cleaned) == 6 and cleaned.isdigit()):
            raise InvalidCredentials()
        codes = backend.mfa_confirm(request, user, cleaned)
    except DomainError:
        enrolment = (
            backend.mfa_redisplay(request, user, secret) if secret else backend.mfa_begin(request, user)
        )
        error = (
            "That code is not valid. Type the 6 digits the app shows now, "
            "and check that the phone's clock is right."
        )
        return _enrol_page(request, user, enrolment, {"code": error})
    return render_page(
        request, "auth/mfa_recovery.html", {"recovery_codes": codes, "continue_url": "/?notice=mfa_enabled"}
    )


@router.get("/account/password", response_class=HTMLResponse)
def password_form(
    request: Request,
    user: Annotated[WebUser, Depends(page_permission(Permission.SELF_UPDATE))],
    notice: str | None = None,
) -> Response:
    request.state.web_context["flashes"] = notice_flashes(notice)
    return render_page(
        request, "auth/password.html", {"errors": {}, "notice": "", "policy": backend.password_rules(request)}
    )


@router.post("/account/password", response_class=HTMLResponse)
def password_submit(
    request: Request,
    user: Annotated[WebUser, Depends(page_permission(Permission.SELF_UPDATE))],
    current_password: Annotated[str, Form(max_length=4096)] = "",
    new_password: Annotated[str, Form(max_length=4096)] = "",
    confirm_password: Annotated[str, Form(max_length=4096)] = "",
) -> Response:
    errors: dict[str, str] = {}
    if not current_password:
        errors["current_password"] = "Enter your current password."  # noqa: S105
    if not new_password:
        errors["new_password"] = "Enter a new password that meets every rule in the list."  # noqa: S105
    elif new_password != confirm_password:
        errors["confirm_password"] = "The new passwords differ. Type the same password in both fields."  # noqa: S105
    if not errors:
        try:
            response = RedirectResponse("/account?notice=password_changed", status_code=303)
            backend.change_password(request, response, user, current_password, new_password)
            return response
        except InvalidCredentials:
            errors["current_password"] = "The current password is wrong. Type it again."  # noqa: S105
        except WeakPassword as error:
            errors["new_password"] = error.detail
    context = {"errors": errors, "notice": "", "policy": backend.password_rules(request)}
    return render_page(request, "auth/password.html", context, status_code=422)
