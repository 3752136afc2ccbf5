"""History (search, filter, sort, page), rubrics (browse, add custom) and the help page."""

import logging
from datetime import date
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from electroanalyzer.auth.permissions import Permission
from electroanalyzer.core.errors import DomainError, NotFound
from electroanalyzer.web import data
from electroanalyzer.web.context import WebUser, page_permission, page_user
from electroanalyzer.web.errors import PageNotFound
from electroanalyzer.web.formatting import DOCUMENT_TYPE_NAMES
from electroanalyzer.web.notices import notice_flashes
from electroanalyzer.web.templating import render_page

logger = logging.getLogger(__name__)
router = APIRouter()
SORT_OPTIONS = [
    ("-created_at", "Newest first"),
    ("created_at", "Oldest first"),
    ("-score", "Highest score"),
    ("score", "Lowest score"),
]
PAGE_SIZE = 20


def _parse_date(value: str) -> date | None:
    return date.fromisoformat(value) if value else None


@router.get("/history", response_class=HTMLResponse)
def history(
    request: Request,
    user: Annotated[WebUser, Depends(page_user)],
    q: Annotated[str, Query(max_length=200)] = "",
    discipline: Annotated[str, Query(max_length=8)] = "",
    document_type: Annotated[str, Query(max_length=32)] = "",
    min_score: Annotated[str, Query(max_length=5)] = "",
    max_score: Annotated[str, Query(max_length=5)] = "",
    date_from: Annotated[str, Query(max_length=10)] = "",
    date_to: Annotated[str, Query(max_length=10)] = "",
    sort: Annotated[str, Query(max_length=16)] = "-created_at",
    page: Annotated[int, Query(ge=1, le=100000)] = 1,
    notice: str | None = None,
) -> Response:
    if not (user.can(Permission.DOCUMENT_READ) or user.can(Permission.SHARED_REPORT_READ)):
        raise PageNotFound()
    request.state.web_context["flashes"] = notice_flashes(notice)
    filters = {
        "q": q,
        "discipline": discipline,
        "document_type": document_type,
        "min_score": min_score,
        "max_score": max_score,
        "date_from": date_from,
        "date_to": date_to,
        "sort": sort if sort in dict(SORT_OPTIONS) else "-created_at",
    }
    filter_error = ""
    try:
        query = data.HistoryQuery(
            text=q.strip(),
            discipline=discipline if discipline in ("PT", "OT", "SLP") else None,
            document_type=document_type if document_type in DOCUMENT_TYPE_NAMES else None,
            min_score=float(min_score) if min_score else None,
            max_score=float(max_score) if max_score else None,
            date_from=_parse_date(date_from),
            date_to=_parse_date(date_to),
            sort=filters["sort"],
            page=page,
            page_size=PAGE_SIZE,
        )
    except ValueError:
        filter_error = (
            "A score must be a number from 0 to 100 and a date must look like 2026-12-31. "
            "Correct the filter and apply it again."
        )
        query = data.HistoryQuery(page=1, page_size=PAGE_SIZE)
    analyses, page_info = data.history(request, user, query)
    context = {
        "filters": filters,
        "filter_error": filter_error,
        "analyses": analyses,
        "page": page_info,
        "base_query": urlencode({key: value for key, value in filters.items() if value}),
        "document_types": list(DOCUMENT_TYPE_NAMES.items()),
        "sort_options": SORT_OPTIONS,
    }
    return render_page(request, "history.html", context)


@router.get("/shared", response_class=HTMLResponse)
def shared(
    request: Request, user: Annotated[WebUser, Depends(page_permission(Permission.SHARED_REPORT_READ))]
) -> Response:
    return RedirectResponse("/history", status_code=303)


@router.get("/rubrics", response_class=HTMLResponse)
def rubrics(
    request: Request,
    user: Annotated[WebUser, Depends(page_permission(Permission.RUBRIC_READ))],
    notice: str | None = None,
) -> Response:
    request.state.web_context["flashes"] = notice_flashes(notice)
    context = {"rubrics": data.list_rubrics(request), "can_manage": user.can(Permission.RUBRIC_CREATE)}
    return render_page(request, "rubrics.html", context)


@router.get("/rubrics/new", response_class=HTMLResponse)
def rubric_new(
    request: Request, user: Annotated[WebUser, Depends(page_permission(Permission.RUBRIC_CREATE))]
) -> Response:
    return render_page(request, "rubric_new.html", {"errors": {}, "rubric_yaml": ""})


@router.post("/rubrics/new", response_class=HTMLResponse)
def rubric_create(
    request: Request,
    user: Annotated[WebUser, Depends(page_permission(Permission.RUBRIC_CREATE))],
    rubric_yaml: Annotated[str, Form(max_length=200_000)] = "",
) -> Response:
    if not rubric_yaml.strip():
        errors = {"rubric_yaml": "Paste the rubric's YAML text; the field is empty."}
        return render_page(
            request, "rubric_new.html", {"errors": errors, "rubric_yaml": rubric_yaml}, status_code=422
        )
    try:
        data.add_rubric(request, user, rubric_yaml)
    except DomainError as error:
        logger.info("web_rubric_rejected", extra={"user_id": user.id, "code": error.code})
        errors = {"rubric_yaml": error.detail}
        return render_page(
            request, "rubric_new.html", {"errors": errors, "rubric_yaml": rubric_yaml}, status_code=422
        )
    return RedirectResponse("/rubrics?notice=rubric_saved", status_code=303)


@router.get("/rubrics/{rubric_key}", response_class=HTMLResponse)
def rubric_detail(
    request: Request,
    rubric_key: str,
    user: Annotated[WebUser, Depends(page_permission(Permission.RUBRIC_READ))],
) -> Response:
    try:
        rubric, rules = data.show_rubric(request, rubric_key)
    except NotFound:
        raise PageNotFound() from None
    return render_page(request, "rubric_detail.html", {"rubric": rubric, "rules": rules})


@router.get("/help", response_class=HTMLResponse)
def help_page(request: Request) -> Response:
    return render_page(request, "help.html")
