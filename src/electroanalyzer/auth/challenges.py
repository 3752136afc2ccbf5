"""Server-side MFA challenges: the state between a verified password and the second factor.

The challenge id is 256 random bits handed to the client once. Only its SHA-256 is stored, so a copy
of the table cannot complete a sign-in. A challenge lives `mfa.challenge_minutes`, takes at most
`mfa.challenge_max_attempts` wrong codes, and is deleted when it is used up. Expired rows are deleted
whenever a new challenge is created.
"""

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import Session

from electroanalyzer.auth.models import MfaChallenge
from electroanalyzer.auth.tokens import hash_token
from electroanalyzer.core.errors import DomainError
from electroanalyzer.core.policies import MfaPolicy

# token_urlsafe(32) gives 43 characters, so a much longer id cannot be one of ours.
MAX_CHALLENGE_ID_LENGTH = 64


class MfaChallengeInvalid(DomainError):
    status = 401
    code = "mfa_challenge_invalid"
    message = (
        "This sign-in step is unknown, expired, already used or had too many wrong codes. "
        "Sign in again with your username and password."
    )


@dataclass(frozen=True)
class IssuedChallenge:
    challenge_id: str
    expires_in: int  # seconds


def create(
    db: Session, *, user_id: int, account_key: str, now: datetime, policy: MfaPolicy
) -> IssuedChallenge:
    """Store a new challenge for `user_id`, dropping expired ones and the user's oldest beyond the cap."""
    db.execute(delete(MfaChallenge).where(MfaChallenge.expires_at <= now))
    open_ids = list(
        db.scalars(
            select(MfaChallenge.id_hash)
            .where(MfaChallenge.user_id == user_id)
            .order_by(MfaChallenge.created_at, MfaChallenge.id_hash)
        )
    )
    excess = len(open_ids) - (policy.challenge_max_open - 1)
    if excess > 0:
        db.execute(delete(MfaChallenge).where(MfaChallenge.id_hash.in_(open_ids[:excess])))
    challenge_id = secrets.token_urlsafe(32)
    db.add(
        MfaChallenge(
            id_hash=hash_token(challenge_id),
            user_id=user_id,
            account_key=account_key,
            created_at=now,
            expires_at=now + timedelta(minutes=policy.challenge_minutes),
            failed_attempts=0,
        )
    )
    return IssuedChallenge(challenge_id, policy.challenge_minutes * 60)


def find_live(db: Session, challenge_id: str, now: datetime) -> MfaChallenge:
    """Return the unexpired challenge with this id, locked for update; raise MfaChallengeInvalid."""
    if not challenge_id or len(challenge_id) > MAX_CHALLENGE_ID_LENGTH:
        raise MfaChallengeInvalid()
    challenge = db.scalar(
        select(MfaChallenge).where(MfaChallenge.id_hash == hash_token(challenge_id)).with_for_update()
    )
    if challenge is None or challenge.expires_at <= now:
        raise MfaChallengeInvalid()
    return challenge


def consume(db: Session, challenge: MfaChallenge) -> bool:
    """Delete the challenge; False when a concurrent request deleted it first."""
    result = db.execute(
        delete(MfaChallenge)
        .where(MfaChallenge.id_hash == challenge.id_hash)
        .execution_options(synchronize_session=False)
    )
    db.expunge(challenge)
    return isinstance(result, CursorResult) and result.rowcount == 1


def record_failure(db: Session, challenge: MfaChallenge, policy: MfaPolicy) -> int:
    """Count one wrong code; return the attempts left, deleting the challenge when none are."""
    challenge.failed_attempts += 1
    remaining = max(0, policy.challenge_max_attempts - challenge.failed_attempts)
    if remaining == 0:
        db.delete(challenge)
    return remaining
