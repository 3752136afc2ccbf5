"""The web pages for therapists and administrators: server-rendered HTML over the same services as the API.

`mount_web(app, settings)` adds the page routes at `/`, the static files at `/static`, and the HTML
error pages. Pages use only static CSS and JS files (the CSP allows no inline script or style)
and every form carries the CSRF token.
"""

from typing import Any

from fastapi import FastAPI, Request
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from electroanalyzer.web.errors import (
    LoginRequired,
    MfaEnrolmentNeeded,
    PageNotFound,
    PasswordChangeNeeded,
    login_required_handler,
    mfa_enrolment_handler,
    page_not_found_handler,
    password_change_handler,
)
from electroanalyzer.web.templating import STATIC_DIR

API_PREFIX = "/api/"


def mount_web(app: FastAPI, settings: Any) -> None:
    from electroanalyzer.web.context import PageContextMiddleware
    from electroanalyzer.web.pages import (
        admin_pages,
        analysis_pages,
        auth_pages,
        catalogue_pages,
        security_pages,
    )

    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    for module in (auth_pages, analysis_pages, catalogue_pages, admin_pages, security_pages):
        app.include_router(module.router, include_in_schema=False)
    app.add_middleware(PageContextMiddleware)
    app.add_exception_handler(PageNotFound, page_not_found_handler)
    app.add_exception_handler(LoginRequired, login_required_handler)
    app.add_exception_handler(MfaEnrolmentNeeded, mfa_enrolment_handler)
    app.add_exception_handler(PasswordChangeNeeded, password_change_handler)
    _wrap_http_error_handler(app)
    _wrap_domain_error_handler(app)


def _wrap_http_error_handler(app: FastAPI) -> None:
    """Render HTTP errors on page paths as the HTML error page; API paths keep the JSON problem response."""
    from fastapi.exception_handlers import http_exception_handler

    from electroanalyzer.web.errors import render_error

    previous = app.exception_handlers.get(StarletteHTTPException, http_exception_handler)

    async def handler(request: Request, error: Exception) -> Response:
        assert isinstance(error, StarletteHTTPException)
        if request.url.path.startswith(API_PREFIX) or not hasattr(request.state, "web_context"):
            return await _call(previous, request, error)
        status = 404 if error.status_code in (401, 403, 404, 405) else error.status_code
        return render_error(request, status)

    app.add_exception_handler(StarletteHTTPException, handler)


def _wrap_domain_error_handler(app: FastAPI) -> None:
    """Render service errors that reach a page path as HTML; 401 sends the browser to sign in.

    Forbidden and missing records both get the same 404 page.
    """
    from electroanalyzer.core.errors import DomainError
    from electroanalyzer.web.errors import render_error

    previous = app.exception_handlers.get(DomainError)

    async def handler(request: Request, error: Exception) -> Response:
        assert isinstance(error, DomainError)
        if request.url.path.startswith(API_PREFIX) or not hasattr(request.state, "web_context"):
            if previous is None:
                raise error
            return await _call(previous, request, error)
        if error.status == 401:
            return await login_required_handler(request, error)
        status = 404 if error.status in (403, 404) else error.status
        return render_error(request, status)

    app.add_exception_handler(DomainError, handler)


async def _call(handler: Any, request: Request, error: Exception) -> Response:
    """Call a previously registered exception handler, which may be sync or async."""
    response = handler(request, error)
    if isinstance(response, Response):
        return response
    result: Response = await response
    return result
