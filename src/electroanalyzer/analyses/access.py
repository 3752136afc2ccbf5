"""Who may open which analysis. Another user's record answers 404 exactly like a missing one, and
the attempt is audited as denied; an admin opening another user's record must give a reason, and the
access is audited as emergency access."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from electroanalyzer.analyses.models import Analysis, Share
from electroanalyzer.audit import service as audit
from electroanalyzer.auth import service as auth_service
from electroanalyzer.auth.permissions import Permission, has_permission
from electroanalyzer.auth.service import CurrentUser
from electroanalyzer.core.context import ServerContext
from electroanalyzer.core.errors import NotFound, ReasonRequired

MIN_REASON_CHARS = 10
MAX_REASON_CHARS = 500


def load_for(
    ctx: ServerContext, db: Session, user: CurrentUser, analysis_id: str, *, reason: str | None, action: str
) -> Analysis:
    """Return the analysis if `user` may reach it for `action` (view, export, delete, status)."""
    analysis = db.get(Analysis, analysis_id) if len(analysis_id) <= 36 else None
    if analysis is not None and analysis.owner_id == user.id:
        return analysis
    if analysis is not None and has_permission(user.role, Permission.ANY_DOCUMENT_READ):
        cleaned = (reason or "").strip()
        if not MIN_REASON_CHARS <= len(cleaned) <= MAX_REASON_CHARS:
            raise ReasonRequired()
        # NOTE: only the reason's length is audited, because free text may name a patient; a
        # reviewer asks the admin for the reason itself.
        audit.record(
            ctx,
            "phi:emergency_access",
            actor_id=user.id,
            target_type="analysis",
            target_id=analysis.id,
            details={"action": action, "owner_id": analysis.owner_id, "reason_chars": len(cleaned)},
        )
        kind = {"export": "phi:export", "download": "phi:download"}.get(action, "phi:view")
        auth_service.signal(kind, "success", user_id=user.id, emergency="true")
        return analysis
    if (
        analysis is not None
        and action in ("view", "export", "status")
        and has_permission(user.role, Permission.SHARED_REPORT_READ)
        and db.scalar(select(Share.id).where(Share.analysis_id == analysis.id, Share.viewer_id == user.id))
    ):
        return analysis
    audit.record(
        ctx,
        "authz:denied",
        "denied",
        actor_id=user.id,
        target_type="analysis",
        target_id=analysis_id[:36],
        details={"action": action},
    )
    auth_service.signal("authz:denied", "denied", user_id=user.id, resource="analysis")
    raise NotFound()
