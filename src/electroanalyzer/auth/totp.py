"""TOTP verification that accepts each time step at most once per user (RFC 6238, section 5.2).

The accepted step is stored in `mfa_totp_last_steps`; a code is valid only for a step later than the
stored one, so a code seen by an onlooker or sent twice cannot sign in again. The stored step is tied
to a keyed digest of the secret, so a re-enrolment with a new secret starts afresh.
"""

import hmac
from datetime import datetime

import pyotp
from sqlalchemy import update
from sqlalchemy.engine import CursorResult
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from electroanalyzer.auth.models import TotpLastStep
from electroanalyzer.core.keys import keyed_digest

CODE_DIGITS = 6


def matching_step(secret: str, code: str, now: datetime, valid_window: int) -> int | None:
    """Return the time step within `valid_window` steps of `now` whose code equals `code`, or None."""
    code = code.strip()
    if len(code) != CODE_DIGITS or not code.isdigit():
        return None
    totp = pyotp.TOTP(secret)
    current = totp.timecode(now)
    for offset in range(-valid_window, valid_window + 1):
        if hmac.compare_digest(totp.at(now, counter_offset=offset), code):
            return current + offset
    return None


def accept_code(
    db: Session, *, user_id: int, secret: str, code: str, now: datetime, valid_window: int, lookup_key: bytes
) -> bool:
    """Check `code` and record its time step; False for a wrong code or a step already accepted.

    The step only moves forward through a conditional UPDATE (or the primary key on the first insert),
    so of two requests racing with the same code at most one succeeds.
    NOTE: only PostgreSQL is tested with truly concurrent requests. On SQLite the loser may instead fail
    with "database is locked" after the busy timeout, which still rejects the replay.
    """
    step = matching_step(secret, code, now, valid_window)
    if step is None:
        return False
    digest = keyed_digest(lookup_key, "totp-secret:" + secret)
    stored = db.get(TotpLastStep, user_id)
    if stored is None:
        try:
            with db.begin_nested():
                db.add(TotpLastStep(user_id=user_id, last_step=step, secret_digest=digest))
        except IntegrityError:
            return False  # another request recorded a step for this user at the same moment
        return True
    same_secret = TotpLastStep.secret_digest == digest
    moved = db.execute(
        update(TotpLastStep)
        .where(
            TotpLastStep.user_id == user_id,
            (TotpLastStep.last_step < step) | ~same_secret,
        )
        .values(last_step=step, secret_digest=digest)
        .execution_options(synchronize_session=False)
    )
    db.expire(stored)
    return isinstance(moved, CursorResult) and moved.rowcount == 1
