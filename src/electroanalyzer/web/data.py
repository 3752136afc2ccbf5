"""Analyses, history, dashboards and rubrics for the therapist pages, through the analysis services."""

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from fastapi import Request
from sqlalchemy import select

from electroanalyzer.core.errors import InvalidInput
from electroanalyzer.web.backend import context_of

# History filters file names (stored encrypted) in this process, so it reads at most this many
# of the newest analyses the user may see.
# NOTE: for a user with more analyses than this, History lists only the newest ones.
HISTORY_SCAN_LIMIT = 2000
DISPLAY_SIZE_UNITS = ((1024 * 1024, "MB"), (1024, "KB"))
HOME_RECENT_LIMIT = 5
TREND_DAYS = 30
MISSED_RULES = 5


@dataclass(frozen=True)
class HistoryQuery:
    text: str = ""
    discipline: str | None = None
    document_type: str | None = None
    min_score: float | None = None
    max_score: float | None = None
    date_from: date | None = None
    date_to: date | None = None
    sort: str = "-created_at"
    page: int = 1
    page_size: int = 20

    def __post_init__(self) -> None:
        for score in (self.min_score, self.max_score):
            if score is not None and not 0 <= score <= 100:
                raise ValueError("scores run from 0 to 100")


@dataclass(frozen=True)
class PageInfo:
    number: int
    pages: int
    total: int


@dataclass
class AnalysisSummary:
    id: str
    file_name: str
    discipline: str | None
    document_type: str | None
    score: float | None
    state: str
    created_at: datetime


@dataclass(frozen=True)
class StatusView:
    state: str
    stage: str | None
    progress: float
    message: str | None


@dataclass
class HomeDashboard:
    summary: dict[str, Any]
    trend: list[tuple[str, float]]
    missed: list[dict[str, Any]]
    recent: list[AnalysisSummary] = field(default_factory=list)


STATE_NAMES = {"queued": "queued", "running": "running", "succeeded": "done", "failed": "failed"}


def _current(request: Request) -> Any:
    return request.state.current_user


def _file_names(request: Request, document_ids: list[str]) -> dict[str, str]:
    from electroanalyzer.documents.models import Document

    if not document_ids:
        return {}
    with context_of(request).session_factory() as db:
        rows = db.execute(select(Document.id, Document.file_name).where(Document.id.in_(document_ids))).all()
    return {str(document_id): str(name) for document_id, name in rows}


def _visible_analyses(request: Request, user: Any, *, limit: int) -> list[AnalysisSummary]:
    from electroanalyzer.analyses import service
    from electroanalyzer.analyses.schemas import SortDirection, SortField

    items, _ = service.list_for(
        context_of(request),
        _current(request),
        limit=limit,
        offset=0,
        sort=SortField.CREATED_AT,
        direction=SortDirection.DESC,
        status_filter=None,
        discipline=None,
        owner_id=None,
    )
    names = _file_names(request, [item.document_id for item in items])
    return [
        AnalysisSummary(
            id=item.id,
            file_name=names.get(item.document_id, ""),
            discipline=item.discipline,
            document_type=item.document_type,
            score=item.score,
            state=STATE_NAMES.get(str(item.status), str(item.status)),
            created_at=item.created_at,
        )
        for item in items
    ]


def history(request: Request, user: Any, query: HistoryQuery) -> tuple[list[AnalysisSummary], PageInfo]:
    items = _visible_analyses(request, user, limit=HISTORY_SCAN_LIMIT)
    text = query.text.lower()
    selected = [
        item
        for item in items
        if (not text or text in item.file_name.lower())
        and (query.discipline is None or item.discipline == query.discipline)
        and (query.document_type is None or item.document_type == query.document_type)
        and (query.min_score is None or (item.score is not None and item.score >= query.min_score))
        and (query.max_score is None or (item.score is not None and item.score <= query.max_score))
        and (query.date_from is None or item.created_at.date() >= query.date_from)
        and (query.date_to is None or item.created_at.date() <= query.date_to)
    ]
    key = query.sort.lstrip("-")
    if key == "score":
        selected.sort(
            key=lambda item: (item.score is None, item.score or 0.0), reverse=query.sort.startswith("-")
        )
        if query.sort.startswith("-"):
            selected.sort(key=lambda item: item.score is None)
    else:
        selected.sort(key=lambda item: item.created_at, reverse=query.sort.startswith("-"))
    total = len(selected)
    pages = max(1, -(-total // query.page_size))
    number = min(query.page, pages)
    start = (number - 1) * query.page_size
    return selected[start : start + query.page_size], PageInfo(number, pages, total)


def upload_limits_text(request: Request) -> dict[str, str]:
    limits = request.app.state.settings.policies.uploads.max_bytes
    return {name: _size_text(getattr(limits, name)) for name in ("pdf", "docx", "doc", "txt")}


def _size_text(size: int) -> str:
    for factor, unit in DISPLAY_SIZE_UNITS:
        if size >= factor:
            return f"{size / factor:.0f} {unit}"
    return f"{size} bytes"


async def read_upload(request: Request) -> Any:
    """Read the multipart form from the request stream with the upload limits; nothing is spooled to disk."""
    from electroanalyzer.documents.intake import read_multipart

    form = await read_multipart(request, context_of(request).settings.policies.uploads)
    form.fields.pop("csrf_token", None)
    form.fields = {name: value for name, value in form.fields.items() if value}
    return form


async def queue_analysis(request: Request, form: Any) -> str:
    """Store the upload encrypted, queue its analysis on the job runner and return the analysis id."""
    from starlette.concurrency import run_in_threadpool

    from electroanalyzer.analyses import service

    created = await run_in_threadpool(service.submit, context_of(request), _current(request), form)
    request.app.state.jobs.submit(created.id)
    return str(created.id)


def analysis_status(request: Request, user: Any, analysis_id: str) -> StatusView:
    from electroanalyzer.analyses import service

    read = service.status(context_of(request), _current(request), analysis_id, reason=None)
    state = STATE_NAMES.get(str(read.status), str(read.status))
    message = None
    if state == "failed":
        message = (read.error_message or "The analysis failed.") + " Check the file, then upload it again."
    return StatusView(state, read.stage, float(read.progress or 0.0), message)


def analysis_report(
    request: Request, user: Any, analysis_id: str, reason: str | None = None
) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """Return the analysis metadata and its result (None while it is still running)."""
    from electroanalyzer.analyses import service

    ctx = context_of(request)
    read = service.status(ctx, _current(request), analysis_id, reason=reason)
    meta = {"id": read.id, "created_at": read.created_at, "file_name": "", "state": str(read.status)}
    if str(read.status) != "succeeded":
        return meta, None
    file_name, stored = service.result(ctx, _current(request), analysis_id, reason=reason)
    meta["file_name"] = file_name
    return meta, report_of(stored)


def report_of(stored: dict[str, Any]) -> dict[str, Any]:
    """Flatten the stored result (the JSON report entry plus the redacted text) for the report page."""
    report = dict(stored.get("report", stored))
    report["redacted_text"] = stored.get("redacted_text", report.get("redacted_text", ""))
    rubric = report.get("rubric") or {}
    report["rubric_id"] = rubric.get("id", "")
    report["rubric_version"] = rubric.get("version", "")
    return report


def analysis_meta(request: Request, user: Any, analysis_id: str) -> dict[str, Any]:
    from electroanalyzer.analyses import service

    read = service.status(context_of(request), _current(request), analysis_id, reason=None)
    names = _file_names(request, [read.document_id])
    return {
        "id": read.id,
        "created_at": read.created_at,
        "file_name": names.get(read.document_id, ""),
        "state": str(read.status),
    }


def delete_analysis(request: Request, user: Any, analysis_id: str) -> None:
    from electroanalyzer.analyses import service

    service.delete_analysis(context_of(request), _current(request), analysis_id)


def list_rubrics(request: Request) -> list[dict[str, Any]]:
    from electroanalyzer.rubrics_api import routes as rubrics

    return [
        {
            "key": item.id,
            "name": item.name,
            "discipline": item.discipline,
            "version": item.version,
            "rule_count": item.rule_count,
            "custom": item.custom,
        }
        for item in rubrics.list_rubrics(_current(request), context_of(request))
    ]


def show_rubric(request: Request, key: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    from electroanalyzer.rubrics_api import routes as rubrics

    rubric = rubrics.show_rubric(key, _current(request), context_of(request))
    info = {"name": rubric["name"], "discipline": rubric["discipline"], "version": rubric["version"]}
    rules = [
        {
            "id": rule["id"],
            "title": rule["title"],
            "severity": rule["severity"],
            "advisory": rule.get("advisory", False),
            "requirement": rule["requirement"],
            "fix": rule["fix"],
            "source": rule["source"],
            "document_types": rule.get("document_types", []),
        }
        for rule in rubric["rules"]
    ]
    return info, rules


def add_rubric(request: Request, user: Any, text: str) -> None:
    """Validate and store a custom rubric; raises InvalidInput or Conflict with a message for the form."""
    from pydantic import ValidationError

    from electroanalyzer.rubrics_api import routes as rubrics

    try:
        body = rubrics.RubricCreate(yaml_text=text)
    except ValidationError:
        raise InvalidInput(
            f"The rubric must be between 10 and {rubrics.MAX_RUBRIC_YAML_CHARS} characters of YAML."
        ) from None
    rubrics.add_rubric(body, _current(request), context_of(request))


def home_dashboard(request: Request, user: Any) -> HomeDashboard:
    from electroanalyzer.dashboard import service as dashboard

    ctx = context_of(request)
    recent = _visible_analyses(request, user, limit=HOME_RECENT_LIMIT)
    trend = dashboard.score_trend(ctx, user.id, limit=TREND_DAYS)
    missed = dashboard.most_missed_rules(ctx, user.id, limit=MISSED_RULES)
    scored = [row for row in trend if row["analyses"]]
    total = sum(int(row["analyses"]) for row in scored)
    average = (
        sum(float(row["average_score"]) * int(row["analyses"]) for row in scored) / total if total else None
    )
    latest = next((item.score for item in recent if item.score is not None), None)
    rules = _rule_index()
    return HomeDashboard(
        summary={"count": total, "average": average, "latest": latest},
        trend=[(str(row["day"])[5:10], float(row["average_score"])) for row in trend],
        missed=[
            {
                "rule_id": row["rule_id"],
                "count": row["missed"],
                "title": rules.get(row["rule_id"], {}).get("title", row["rule_id"]),
                "fix": rules.get(row["rule_id"], {}).get("fix", ""),
                "rubric": rules.get(row["rule_id"], {}).get("rubric", ""),
            }
            for row in missed
        ],
        recent=recent,
    )


def team_scores(request: Request) -> list[dict[str, Any]]:
    """Average score and analysis count per therapist (administrators only; scores and counts, no PHI)."""
    from electroanalyzer.dashboard import service as dashboard

    return dashboard.per_therapist(context_of(request))


def _rule_index() -> dict[str, dict[str, str]]:
    """Map every built-in rule id to its title, fix and discipline, for links from the dashboard."""
    from electroanalyzer.engine.rubrics import list_builtin_rubrics

    index: dict[str, dict[str, str]] = {}
    for rubric in list_builtin_rubrics():
        for rule in rubric.rules:
            index.setdefault(rule.id, {"title": rule.title, "fix": rule.fix, "rubric": rubric.id})
    return index


def export_report(request: Request, user: Any, analysis_id: str, export_format: str) -> tuple[bytes, str]:
    from electroanalyzer.analyses.export import ExportFormat, export

    return export(
        context_of(request), _current(request), analysis_id, ExportFormat(export_format), reason=None
    )
