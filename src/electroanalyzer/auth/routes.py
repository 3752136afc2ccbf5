"""/api/v2/auth: token, refresh, logout, me, register, password change and MFA."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response
from pydantic import ValidationError

from electroanalyzer.auth import service
from electroanalyzer.auth.dependencies import (
    ACCESS_COOKIE,
    SECURE_ACCESS_COOKIE,
    client_address,
    current_user,
    get_context,
    public,
    record_denial,
    require,
)
from electroanalyzer.auth.permissions import Permission, Role, has_permission
from electroanalyzer.auth.schemas import (
    LoginRequest,
    MfaChallengeRequest,
    MfaCodeRequest,
    MfaDisableRequest,
    MfaEnrolment,
    PasswordChangeRequest,
    RecoveryCodes,
    RefreshRequest,
    RegisterRequest,
    TokenResponse,
    UserRead,
)
from electroanalyzer.auth.service import CurrentUser, TokenPair
from electroanalyzer.core.context import ServerContext
from electroanalyzer.core.errors import InvalidInput, MfaEnrolmentRequired, PermissionDenied
from electroanalyzer.core.request_forms import read_small_form
from electroanalyzer.users import service as users

router = APIRouter(prefix="/auth", tags=["auth"])
Context = Annotated[ServerContext, Depends(get_context)]


def _token_response(pair: TokenPair) -> TokenResponse:
    notice = None
    if pair.ended_session_ids:
        notice = "Your oldest session was signed out: only a limited number of sessions may be open at once."
    return TokenResponse(
        access_token=pair.access_token,
        refresh_token=pair.refresh_token,
        expires_in=pair.expires_in,
        session_id=pair.session_id,
        mfa_enrolment_required=pair.mfa_enrolment_required,
        ended_session_count=len(pair.ended_session_ids),
        notice=notice,
    )


def set_access_cookie(request: Request, response: Response, pair: TokenPair) -> None:
    secure = request.url.scheme == "https"
    response.set_cookie(
        SECURE_ACCESS_COOKIE if secure else ACCESS_COOKIE,
        pair.access_token,
        max_age=pair.expires_in,
        httponly=True,
        secure=secure,
        samesite="strict",
        path="/",
    )


async def _login_request(request: Request) -> LoginRequest:
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    try:
        if content_type == "application/json":
            return LoginRequest.model_validate_json(await request.body())
        if content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
            fields: dict[str, Any] = await read_small_form(request)
            fields.pop("grant_type", None)  # OAuth2 password grant sends grant_type=password
            for oauth_field in ("scope", "client_id", "client_secret"):
                if not fields.get(oauth_field):
                    fields.pop(oauth_field, None)
            return LoginRequest.model_validate(fields)
    except ValidationError as error:
        locations = sorted({".".join(str(part) for part in item["loc"]) for item in error.errors()})
        raise InvalidInput(
            "Send username and password (and otp when asked); problems in: " + ", ".join(locations)
        ) from None
    raise InvalidInput("Send the credentials as JSON or as an OAuth2 password form.")


# The route parses its body itself (JSON or an OAuth2 password form), so the accepted media types are
# declared for the OpenAPI document here. Both carry the LoginRequest fields.
_LOGIN_BODY_SCHEMA = LoginRequest.model_json_schema()
TOKEN_REQUEST_BODY = {
    "required": True,
    "content": {
        "application/json": {"schema": _LOGIN_BODY_SCHEMA},
        "application/x-www-form-urlencoded": {"schema": _LOGIN_BODY_SCHEMA},
    },
}


@router.post(
    "/token",
    response_model=TokenResponse,
    dependencies=[Depends(public)],
    openapi_extra={"requestBody": TOKEN_REQUEST_BODY},
)
async def issue_token(request: Request, response: Response, ctx: Context) -> TokenResponse:
    """Sign in (OAuth2 password form or JSON). Starting a 4th session ends the oldest; the answer says so.

    An MFA-enrolled account without `otp` or `recovery_code` gets 401 `mfa_required` with a
    `challenge_id`; finish with POST /api/v2/auth/mfa/challenge.
    """
    body = await _login_request(request)
    from starlette.concurrency import run_in_threadpool

    pair = await run_in_threadpool(
        service.login,
        ctx,
        body.username,
        body.password,
        client=client_address(request),
        otp=body.otp,
        recovery_code=body.recovery_code,
    )
    if body.set_cookie:
        set_access_cookie(request, response, pair)
    response.headers["Cache-Control"] = "no-store"
    return _token_response(pair)


@router.post("/mfa/challenge", response_model=TokenResponse, dependencies=[Depends(public)])
def complete_mfa_challenge(
    body: MfaChallengeRequest, request: Request, response: Response, ctx: Context
) -> TokenResponse:
    """Finish a sign-in that /token answered with mfa_required: send its challenge_id and one code."""
    if (body.otp is None) == (body.recovery_code is None):
        raise InvalidInput("Send exactly one of `otp` (6 digits) and `recovery_code` with the challenge_id.")
    pair = service.complete_mfa_challenge(
        ctx,
        body.challenge_id,
        client=client_address(request),
        otp=body.otp,
        recovery_code=body.recovery_code,
    )
    if body.set_cookie:
        set_access_cookie(request, response, pair)
    response.headers["Cache-Control"] = "no-store"
    return _token_response(pair)


@router.post("/refresh", response_model=TokenResponse, dependencies=[Depends(public)])
def refresh_token(body: RefreshRequest, request: Request, response: Response, ctx: Context) -> TokenResponse:
    pair = service.refresh(ctx, body.refresh_token, client=client_address(request))
    response.headers["Cache-Control"] = "no-store"
    if request.cookies.get(ACCESS_COOKIE) or request.cookies.get(SECURE_ACCESS_COOKIE):
        set_access_cookie(request, response, pair)
    return _token_response(pair)


@router.post("/logout", status_code=204)
def logout(
    request: Request, user: Annotated[CurrentUser, Depends(require(Permission.SELF_READ))], ctx: Context
) -> Response:
    service.logout(ctx, user, client=client_address(request))
    response = Response(status_code=204)
    response.delete_cookie(ACCESS_COOKIE, path="/")
    response.delete_cookie(SECURE_ACCESS_COOKIE, path="/", secure=True)
    return response


@router.get("/me", response_model=UserRead)
async def me(user: Annotated[CurrentUser, Depends(require(Permission.SELF_READ))]) -> UserRead:
    """The signed-in account, as loaded by this request's session check (no further query)."""
    return UserRead(
        id=user.id,
        username=user.username,
        email=user.email,
        full_name=user.full_name,
        role=user.role,
        is_active=True,
        mfa_enabled=user.mfa_enabled,
    )


@router.post("/password", status_code=200)
def change_password(
    body: PasswordChangeRequest,
    user: Annotated[CurrentUser, Depends(require(Permission.SELF_UPDATE))],
    ctx: Context,
) -> dict[str, int]:
    """Change the password; every other session ends at once, this one stays."""
    ended = users.change_password(
        ctx, user.id, body.current_password, body.new_password, keep_session=user.session_id
    )
    return {"sessions_ended": ended}


def _registration_actor(request: Request, ctx: ServerContext) -> int | None:
    """Self-registration when the policy allows it; otherwise an admin with USER_REGISTER."""
    if ctx.settings.policies.registration.self_registration_enabled:
        return None
    user = current_user(request, ctx)
    if user.mfa_pending:
        raise MfaEnrolmentRequired()
    if not has_permission(user.role, Permission.USER_REGISTER):
        record_denial(ctx, request, user, (Permission.USER_REGISTER,))
        raise PermissionDenied()
    return user.id


@router.post("/register", response_model=UserRead, status_code=201, dependencies=[Depends(public)])
def register(body: RegisterRequest, request: Request, ctx: Context) -> UserRead:
    """Create a therapist account: admins only, unless self-registration is enabled by policy."""
    actor = _registration_actor(request, ctx)
    if actor is None and not ctx.settings.policies.registration.self_registration_enabled:
        raise PermissionDenied()
    created = users.create_user(
        ctx,
        username=body.username,
        password=body.password,
        role=Role.THERAPIST,
        email=body.email,
        full_name=body.full_name,
        actor_id=actor,
    )
    return UserRead.model_validate(created.__dict__)


@router.post("/mfa/enroll", response_model=MfaEnrolment)
def mfa_enroll(
    user: Annotated[CurrentUser, Depends(require(Permission.MFA_MANAGE))], ctx: Context
) -> MfaEnrolment:
    """Start TOTP enrolment: returns the secret and an otpauth:// URI for an authenticator app."""
    secret, uri = users.begin_mfa_enrolment(ctx, user.id)
    return MfaEnrolment(otpauth_uri=uri, secret=secret)


@router.post("/mfa/verify", response_model=RecoveryCodes)
def mfa_verify(
    body: MfaCodeRequest, user: Annotated[CurrentUser, Depends(require(Permission.MFA_MANAGE))], ctx: Context
) -> RecoveryCodes:
    """Finish enrolment with a current code; returns recovery codes, shown only this once."""
    return RecoveryCodes(recovery_codes=users.confirm_mfa_enrolment(ctx, user.id, body.otp))


@router.post("/mfa/disable", status_code=204)
def mfa_disable(
    body: MfaDisableRequest,
    user: Annotated[CurrentUser, Depends(require(Permission.MFA_MANAGE))],
    ctx: Context,
) -> Response:
    """Turn MFA off (password required); all sessions end, so sign in again."""
    if user.role.value in ctx.settings.policies.mfa.required_for_roles:
        raise PermissionDenied("Your role requires MFA; ask an administrator to reset it instead.")
    users.disable_mfa(ctx, user.id, actor_id=user.id, password=body.password)
    return Response(status_code=204)
