"""HTML error pages.

A page the user may not open gets exactly the response of a page that does not exist (same status,
same text), so the pages never reveal whether a record or an admin area exists. Each page
says what happened and what to do next.
"""

from dataclasses import dataclass

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse

from electroanalyzer.web.templating import render_page


class PageNotFound(Exception):
    """The page does not exist or the signed-in user may not open it (deliberately the same)."""


class LoginRequired(Exception):
    """The page needs a signed-in user; the browser is sent to the sign-in page."""


class MfaEnrolmentNeeded(Exception):
    """The user's role requires MFA and it is not set up yet; the browser is sent to the enrolment page."""


class PasswordChangeNeeded(Exception):
    """An administrator set the user's password; the browser is sent to the password change page."""


@dataclass(frozen=True)
class ErrorText:
    heading: str
    explanation: str
    next_step: str


ERROR_TEXTS: dict[int, ErrorText] = {
    400: ErrorText(
        "The request could not be understood",
        "The page received a request it could not read, perhaps from an old bookmark or an edited link.",
        "Go back to the previous page and try again.",
    ),
    403: ErrorText(
        "The form has expired",
        "The form's security token is missing or out of date, which happens after signing in again in "
        "another tab or leaving a page open for a long time.",
        "Go back, reload the page and submit the form again.",
    ),
    404: ErrorText(
        "Page not found",
        "There is no page at this address, or it is not available to your account.",
        "Check the address, or go to your home page and find the item from there.",
    ),
    413: ErrorText(
        "The file is too large",
        "The upload is larger than the limit for its type.",
        "Split the document or save it as plain text, then try again.",
    ),
    429: ErrorText(
        "Too many requests",
        "Too many requests came from your account or address in a short time.",
        "Wait a minute, then try again.",
    ),
    500: ErrorText(
        "Something went wrong on the server",
        "The server could not finish the request. Nothing you did caused this, and no data was lost.",
        "Try again in a moment. If it keeps happening, tell your administrator the reference below.",
    ),
}


def render_error(request: Request, status_code: int) -> HTMLResponse:
    text = ERROR_TEXTS.get(status_code, ERROR_TEXTS[500 if status_code >= 500 else 400])
    user = getattr(request.state, "web_context", {}).get("user")
    return render_page(
        request,
        "error.html",
        {
            "heading": text.heading,
            "explanation": text.explanation,
            "next_step": text.next_step,
            "action_href": "/" if user else "/login",
            "action_label": "Go to your home page" if user else "Go to sign in",
            "request_id": _request_id(),
        },
        status_code=status_code,
    )


def _request_id() -> str | None:
    try:
        from electroanalyzer.core.request_id import current_request_id
    except ImportError:
        return None
    return current_request_id()


async def page_not_found_handler(request: Request, _error: Exception) -> HTMLResponse:
    return render_error(request, 404)


async def mfa_enrolment_handler(_request: Request, _error: Exception) -> RedirectResponse:
    return RedirectResponse("/account/mfa", status_code=303)


async def password_change_handler(_request: Request, _error: Exception) -> RedirectResponse:
    return RedirectResponse("/account/password", status_code=303)


async def login_required_handler(request: Request, _error: Exception) -> RedirectResponse:
    target = request.url.path
    if request.url.query:
        target += "?" + request.url.query
    from urllib.parse import quote

    return RedirectResponse(f"/login?next={quote(target, safe='/')}", status_code=303)
