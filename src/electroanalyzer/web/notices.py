"""Fixed messages shown after a redirect, chosen by a `notice` code in the query string.

Only codes travel in the URL, never names, ids or any text the user typed, so nothing
sensitive lands in browser history or server logs.
"""

NOTICES: dict[str, tuple[str, str]] = {
    "signed_out": ("info", "You are signed out."),
    "timeout": (
        "warning",
        "You were signed out because there was no activity for a while. Sign in again to continue.",
    ),
    "session_ended": ("warning", "Your session ended. Sign in again to continue."),
    "mfa_restart": (
        "warning",
        "The verification step expired or had too many wrong codes. Sign in again with your password.",
    ),
    "password_changed": ("success", "Your password is changed. Other sessions were signed out."),
    "password_expired": ("warning", "Choose a new password before you continue."),
    "mfa_enabled": ("success", "Two-step verification is on."),
    "analysis_deleted": ("success", "The analysis and its original file are deleted."),
    "user_updated": ("success", "The account is updated."),
    "session_ended_by_admin": (
        "success",
        "The session is ended. That browser is signed out at its next request.",
    ),
    "incident_updated": ("success", "The incident status is saved."),
    "rubric_saved": ("success", "The custom rubric is validated and saved."),
    "too_many_sessions": ("info", "You were signed in on too many devices, so the oldest session was ended."),
}


def notice_flashes(code: str | None) -> list[dict[str, str]]:
    if not code or code not in NOTICES:
        return []
    kind, text = NOTICES[code]
    return [{"kind": kind, "text": text}]
