"""The Jinja2 environment and the one function every page handler uses to respond with HTML.

Autoescaping is on for every template. Every page is sent with `Cache-Control: no-store`,
because almost every page shows PHI or account data and a shared browser cache must never
keep a copy of any of them.
"""

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from electroanalyzer.web import formatting
from electroanalyzer.web.backend import csrf_token
from electroanalyzer.web.charts import legend_marker

TEMPLATE_DIR = Path(__file__).parent / "templates"
STATIC_DIR = Path(__file__).parent / "static"
NO_STORE_HEADERS = {"Cache-Control": "no-store", "Pragma": "no-cache"}


def build_environment() -> Environment:
    environment = Environment(
        loader=FileSystemLoader(TEMPLATE_DIR),
        autoescape=select_autoescape(enabled_extensions=("html", "svg"), default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters.update(formatting.FILTERS)
    environment.globals["legend_marker"] = legend_marker
    return environment


_environment = build_environment()


def render_page(
    request: Request,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    status_code: int = 200,
) -> HTMLResponse:
    """Render `template` with the page context (user, CSRF token, navigation) and no-store caching."""
    page_context = dict(getattr(request.state, "web_context", {}))
    page_context.setdefault("user", None)
    # Read at render time: the CSRF layer runs inside the page-context middleware and sets the token later.
    user = page_context["user"]
    page_context["csrf_token"] = csrf_token(request, user.session_id if user else None)
    page_context.setdefault("idle_seconds", 0)
    page_context.setdefault("warn_seconds", 0)
    page_context["request_path"] = request.url.path
    page_context.update(context or {})
    body = _environment.get_template(template).render(page_context)
    return HTMLResponse(body, status_code=status_code, headers=NO_STORE_HEADERS)
