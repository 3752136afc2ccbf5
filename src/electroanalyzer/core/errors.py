"""Domain exceptions and the one place that turns them into `application/problem+json` answers.

Every body has `type`, `title`, `status`, `code`, `detail` and `request_id`. Validation errors list the
location and message of each problem but never the submitted value, which may be PHI or a password.
"""

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import JSONResponse

from electroanalyzer.core.request_id import current_request_id

logger = logging.getLogger(__name__)
PROBLEM_TYPE_BASE = "https://electroanalyzer.local/problems/"


class DomainError(Exception):
    """Base of every expected failure; subclasses set the status, a stable code and a safe message."""

    status: int = 400
    code: str = "bad_request"
    message: str = "The request could not be processed."

    def __init__(
        self,
        message: str | None = None,
        *,
        code: str | None = None,
        headers: dict[str, str] | None = None,
        **data: Any,
    ) -> None:
        super().__init__(message or self.message)
        self.detail = message or self.message
        if code is not None:
            self.code = code
        self.headers = headers or {}
        self.data = data


class NotAuthenticated(DomainError):
    status = 401
    code = "not_authenticated"
    message = "Sign in again: the credentials are missing, invalid or expired."


class InvalidCredentials(DomainError):
    status = 401
    code = "invalid_credentials"
    message = "The username or password is wrong."


class MfaRequired(DomainError):
    status = 401
    code = "mfa_required"
    message = "Enter the code from your authenticator app (field `otp`) or a recovery code."


class LoginLocked(DomainError):
    status = 429
    code = "login_locked"
    message = "Too many failed sign-ins. Wait until the lock ends or ask an administrator to unlock."


class PermissionDenied(DomainError):
    status = 403
    code = "permission_denied"
    message = "Your role does not allow this action."


class MfaEnrolmentRequired(DomainError):
    status = 403
    code = "mfa_enrolment_required"
    message = "Your role requires multi-factor authentication: enrol at /api/v2/auth/mfa/enroll first."


class NotFound(DomainError):
    status = 404
    code = "not_found"
    message = "No such resource."


class Conflict(DomainError):
    status = 409
    code = "conflict"
    message = "The resource already exists or changed meanwhile."


class InvalidInput(DomainError):
    status = 422
    code = "invalid_input"
    message = "The request has invalid values."


class WeakPassword(DomainError):
    status = 422
    code = "weak_password"
    message = "The password does not meet the password policy."


class PayloadTooLarge(DomainError):
    status = 413
    code = "payload_too_large"
    message = "The upload is larger than allowed."


class TooManyJobs(DomainError):
    status = 429
    code = "too_many_analyses"
    message = "You already have the maximum number of analyses running; wait for one to finish."


class ReasonRequired(DomainError):
    status = 400
    code = "access_reason_required"
    message = "Opening another user's record needs a reason: send header X-Access-Reason (10-500 characters)."


def problem_response(
    status: int,
    code: str,
    detail: str,
    *,
    headers: dict[str, str] | None = None,
    extra: dict[str, Any] | None = None,
) -> JSONResponse:
    body: dict[str, Any] = {
        "type": PROBLEM_TYPE_BASE + code,
        "title": code.replace("_", " ").capitalize(),
        "status": status,
        "code": code,
        "detail": detail,
        "request_id": current_request_id(),
    }
    if extra:
        body.update(extra)
    response = JSONResponse(body, status_code=status, media_type="application/problem+json", headers=headers)
    response.headers["Cache-Control"] = "no-store"
    return response


def _safe_validation_errors(error: RequestValidationError) -> list[dict[str, Any]]:
    return [
        {
            "loc": [str(part) for part in item.get("loc", ())],
            "msg": str(item.get("msg", "")),
            "type": item.get("type"),
        }
        for item in error.errors()
    ]


async def _domain_handler(_request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, DomainError)
    extra = {
        key: value
        for key, value in error.data.items()
        if isinstance(value, str | int | float | bool) and not key.startswith("reason")
    }
    return problem_response(error.status, error.code, error.detail, headers=error.headers, extra=extra)


async def _validation_handler(_request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, RequestValidationError)
    return problem_response(
        422,
        "validation_failed",
        "Some fields are missing, unknown or invalid; see `errors` and correct them.",
        extra={"errors": _safe_validation_errors(error)},
    )


async def _http_handler(_request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, StarletteHTTPException)
    codes = {404: "not_found", 405: "method_not_allowed", 401: "not_authenticated", 403: "permission_denied"}
    code = codes.get(error.status_code, f"http_{error.status_code}")
    detail = error.detail if isinstance(error.detail, str) and error.status_code != 500 else "Request failed."
    return problem_response(error.status_code, code, detail, headers=dict(error.headers or {}))


async def _unexpected_handler(_request: Request, error: Exception) -> JSONResponse:
    logger.error("unhandled_error", extra={"error_type": type(error).__name__})
    return problem_response(
        500, "internal_error", "Something went wrong on the server. Quote the request id when reporting it."
    )


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(DomainError, _domain_handler)
    app.add_exception_handler(RequestValidationError, _validation_handler)
    app.add_exception_handler(StarletteHTTPException, _http_handler)
    app.add_exception_handler(Exception, _unexpected_handler)
