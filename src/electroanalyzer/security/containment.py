"""Account containment through the auth services: lock the sign-in and end every session.

Both run after the incident's own transaction has committed, because SQLite allows one
writer at a time and these open transactions of their own.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from sqlalchemy import select

logger = logging.getLogger(__name__)


def lock_account(context: Any, user_id: int, minutes: int) -> bool:
    """Lock sign-in for the user's account for `minutes`, the same way repeated failures do."""
    from electroanalyzer.auth.models import LoginLock
    from electroanalyzer.auth.service import account_key
    from electroanalyzer.users.models import User

    now = context.clock.now()
    with context.session_factory() as db, db.begin():
        username = db.scalar(select(User.username).where(User.id == user_id))
        if username is None:
            return False
        key = account_key(context, username)
        db.add(LoginLock(kind="account", key=key, locked_until=now + timedelta(minutes=minutes)))
    logger.warning("security_containment_account_locked", extra={"user_id": user_id, "minutes": minutes})
    return True


def end_sessions(context: Any, user_id: int) -> int:
    from electroanalyzer.auth.service import end_sessions as end_user_sessions

    ended = int(end_user_sessions(context, user_id, reason="security_incident"))
    logger.warning("security_containment_sessions_ended", extra={"user_id": user_id, "sessions": ended})
    return ended
