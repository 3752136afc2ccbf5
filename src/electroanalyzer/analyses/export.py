"""Export a finished analysis as HTML, PDF or JSON through the report renderers."""

import json
from enum import StrEnum
from typing import Any

from electroanalyzer.analyses import service
from electroanalyzer.analyses.stored_result import from_stored
from electroanalyzer.audit import service as audit
from electroanalyzer.auth import service as auth_service
from electroanalyzer.auth.service import CurrentUser
from electroanalyzer.core.context import ServerContext


class ExportFormat(StrEnum):
    HTML = "html"
    PDF = "pdf"
    JSON = "json"


MEDIA_TYPES = {
    ExportFormat.HTML: "text/html; charset=utf-8",
    ExportFormat.PDF: "application/pdf",
    ExportFormat.JSON: "application/json",
}


def _render(stored: dict[str, Any], file_name: str, export_format: ExportFormat) -> bytes:
    from electroanalyzer.reports import render_html, render_json, render_pdf

    result = from_stored(stored)
    if export_format == ExportFormat.PDF:
        return render_pdf(result, file=file_name)
    if export_format == ExportFormat.HTML:
        return render_html(result, file=file_name).encode("utf-8")
    return json.dumps(render_json([(file_name, result)]), indent=2).encode("utf-8")


def export(
    ctx: ServerContext,
    user: CurrentUser,
    analysis_id: str,
    export_format: ExportFormat,
    *,
    reason: str | None,
) -> tuple[bytes, str]:
    """Return the rendered report and its media type; audited as a PHI export."""
    file_name, payload = service.result(ctx, user, analysis_id, reason=reason)
    body = _render(payload, file_name, export_format)
    audit.record(
        ctx,
        "phi:export",
        actor_id=user.id,
        target_type="analysis",
        target_id=analysis_id,
        details={"format": export_format.value},
    )
    auth_service.signal("phi:export", "success", user_id=user.id, format=export_format.value)
    return body, MEDIA_TYPES[export_format]
