"""The web pages' calls into the server's services: sign-in, sessions, cookies and MFA.

Everything here delegates to `electroanalyzer.auth.service` and friends; this module only adds
what a browser needs around them (cookies, the MFA challenge cookie, CSRF tokens).
"""

from dataclasses import dataclass
from typing import Any

from fastapi import Request
from starlette.responses import RedirectResponse, Response

from electroanalyzer.auth import service as auth_service
from electroanalyzer.auth.dependencies import (
    ACCESS_COOKIE,
    SECURE_ACCESS_COOKIE,
    bearer_or_cookie,
    client_address,
)
from electroanalyzer.auth.permissions import Permission
from electroanalyzer.auth.service import CurrentUser, TokenPair
from electroanalyzer.core.context import ServerContext
from electroanalyzer.core.errors import MfaRequired, NotAuthenticated
from electroanalyzer.users.models import User
from electroanalyzer.users.passwords import KEYBOARD_ROWS, REPEAT_LENGTH, SEQUENCE_LENGTH

REFRESH_COOKIE = "ea_refresh"
SECURE_REFRESH_COOKIE = "__Host-ea_refresh"
# The cookie contains only the random id of the server-side MFA challenge, never the password or username.
CHALLENGE_COOKIE = "ea_mfa_challenge"
SECURE_CHALLENGE_COOKIE = "__Host-ea_mfa_challenge"


def context_of(request: Request) -> ServerContext:
    ctx: ServerContext = request.app.state.context
    return ctx


def is_secure(request: Request) -> bool:
    return request.url.scheme == "https"


def resolve_user(request: Request) -> Any:
    """Return the signed-in `WebUser`, or None; never raises for a bad or expired cookie."""
    from electroanalyzer.web.context import WebUser

    token = bearer_or_cookie(request)
    if not token:
        return None
    ctx = context_of(request)
    current: CurrentUser | None
    try:
        current = auth_service.authenticate(ctx, token, client=client_address(request))
    except NotAuthenticated as error:
        current = _refresh(request, ctx, str(error.data.get("reason_code", "")))
    if current is None:
        return None
    request.state.current_user = current
    request.state.user_id = current.id
    with ctx.session_factory() as db:
        user = db.get(User, current.id)
        mfa_enabled = bool(user and user.mfa_enabled)
    return WebUser(
        id=current.id,
        username=current.username,
        role=str(current.role),
        session_id=current.session_id,
        mfa_enabled=mfa_enabled,
        mfa_pending=current.mfa_pending,
    )


def _refresh(request: Request, ctx: ServerContext, reason: str) -> CurrentUser | None:
    """Renew an expired access token from the refresh cookie; the new cookies go out with the response."""
    refresh_token = request.cookies.get(SECURE_REFRESH_COOKIE) or request.cookies.get(REFRESH_COOKIE)
    if reason != "expired" or not refresh_token:
        return None
    try:
        pair = auth_service.refresh(ctx, refresh_token, client=client_address(request))
        current = auth_service.authenticate(ctx, pair.access_token, client=client_address(request))
    except NotAuthenticated:
        return None
    request.state.renewed_tokens = pair
    return current


def apply_renewed_tokens(request: Request, response: Response) -> None:
    pair = getattr(request.state, "renewed_tokens", None)
    if isinstance(pair, TokenPair):
        set_session_cookies(request, response, pair)


def csrf_token(request: Request, session_id: str | None) -> str:
    """Return the CSRF token the defence layer put on this request, or issue one bound to the session."""
    token = getattr(request.state, "csrf_token", None)
    if isinstance(token, str) and token:
        return token
    from electroanalyzer.security.csrf import issue_csrf_token

    return issue_csrf_token(session_id, request.app.state.settings)


def record_denial(request: Request, user: Any, permission: Permission) -> None:
    """Audit a page the role may not open, exactly like a denied API call."""
    from electroanalyzer.audit import service as audit

    ctx = context_of(request)
    audit.record(
        ctx,
        "authz:denied",
        "denied",
        actor_id=user.id,
        details={"permission": permission.value, "path": request.url.path[:200]},
    )
    auth_service.signal(
        "authz:denied", "denied", user_id=user.id, client=client_address(request), permission=permission.value
    )


def _cookie_names(request: Request) -> tuple[str, str, str]:
    if is_secure(request):
        return SECURE_ACCESS_COOKIE, SECURE_REFRESH_COOKIE, SECURE_CHALLENGE_COOKIE
    return ACCESS_COOKIE, REFRESH_COOKIE, CHALLENGE_COOKIE


def set_session_cookies(request: Request, response: Response, pair: TokenPair) -> None:
    access_name, refresh_name, _ = _cookie_names(request)
    secure = is_secure(request)
    refresh_seconds = context_of(request).settings.policies.session.refresh_token_hours * 3600
    response.set_cookie(
        access_name,
        pair.access_token,
        max_age=pair.expires_in,
        path="/",
        secure=secure,
        httponly=True,
        samesite="strict",
    )
    response.set_cookie(
        refresh_name,
        pair.refresh_token,
        max_age=refresh_seconds,
        path="/",
        secure=secure,
        httponly=True,
        samesite="strict",
    )


def clear_session_cookies(request: Request, response: Response) -> None:
    secure = is_secure(request)
    for name in _cookie_names(request):
        response.delete_cookie(name, path="/", secure=secure, httponly=True, samesite="strict")


def login(request: Request, username: str, password: str) -> TokenPair:
    """Check the password through the auth service; raises MfaRequired with the challenge for MFA users."""
    return auth_service.login(context_of(request), username, password, client=client_address(request))


def complete_mfa(request: Request, challenge_id: str, code: str) -> TokenPair:
    """Finish the sign-in with the challenge; a 6-digit code is a TOTP, anything longer a recovery code."""
    otp, recovery_code = (code, None) if len(code) == 6 and code.isdigit() else (None, code)
    return auth_service.complete_mfa_challenge(
        context_of(request),
        challenge_id,
        client=client_address(request),
        otp=otp,
        recovery_code=recovery_code,
    )


def finish_login(request: Request, pair: TokenPair, target: str) -> Response:
    if pair.mfa_enrolment_required:
        target = "/account/mfa"
    elif pair.ended_session_ids:
        target = "/?notice=too_many_sessions" if target == "/" else target
    response = RedirectResponse(target, status_code=303)
    set_session_cookies(request, response, pair)
    return response


def logout(request: Request, response: Response, user: Any) -> None:
    current = getattr(request.state, "current_user", None)
    if user is not None and isinstance(current, CurrentUser):
        auth_service.logout(context_of(request), current, client=client_address(request))
    clear_session_cookies(request, response)


def remember_challenge(request: Request, response: Response, pending: MfaRequired) -> None:
    """Send the MFA challenge id in an HttpOnly, SameSite=Strict cookie that expires with the challenge."""
    _, _, name = _cookie_names(request)
    response.set_cookie(
        name,
        str(pending.data["challenge_id"]),
        max_age=int(pending.data["expires_in"]),
        path="/",
        secure=is_secure(request),
        httponly=True,
        samesite="strict",
    )


def challenge_id(request: Request) -> str | None:
    _, _, name = _cookie_names(request)
    return request.cookies.get(name) or None


def forget_challenge(request: Request, response: Response) -> None:
    _, _, name = _cookie_names(request)
    secure = is_secure(request)
    response.delete_cookie(name, path="/", secure=secure, httponly=True, samesite="strict")


def mfa_required(request: Request, user: Any) -> bool:
    return str(user.role) in context_of(request).settings.policies.mfa.required_for_roles


def password_rules(request: Request) -> dict[str, Any]:
    """The active password policy, flattened for the live checklist on the password page."""
    policy = context_of(request).settings.policies.password
    rules = policy.active_rules
    return {
        "min_length": rules.min_length,
        "max_length": policy.max_length,
        "passphrase_min_length": policy.passphrase_min_length,
        "special_characters": rules.special_characters,
        "require_upper": rules.require_upper,
        "require_lower": rules.require_lower,
        "require_digit": rules.require_digit,
        "require_special": rules.require_special,
        "sequences": " ".join(KEYBOARD_ROWS),
        "sequence_length": SEQUENCE_LENGTH,
        "repeat_length": REPEAT_LENGTH,
    }


@dataclass(frozen=True)
class MfaEnrolment:
    secret: str
    uri: str


def mfa_begin(request: Request, user: Any) -> MfaEnrolment:
    from electroanalyzer.users import service as users

    secret, uri = users.begin_mfa_enrolment(context_of(request), user.id)
    return MfaEnrolment(secret, uri)


def mfa_redisplay(request: Request, user: Any, secret: str) -> MfaEnrolment:
    """Rebuild the enrolment shown before a mistyped code, so the user need not scan a new QR code."""
    import pyotp

    issuer = context_of(request).settings.policies.mfa.issuer
    return MfaEnrolment(secret, pyotp.TOTP(secret).provisioning_uri(name=user.username, issuer_name=issuer))


def mfa_confirm(request: Request, user: Any, code: str) -> list[str]:
    from electroanalyzer.users import service as users

    return users.confirm_mfa_enrolment(context_of(request), user.id, code)


def change_password(request: Request, response: Response, user: Any, current: str, new: str) -> None:
    from electroanalyzer.users import service as users

    users.change_password(context_of(request), user.id, current, new, keep_session=user.session_id)
