"""Failed sign-in counting and locks, per account and per client address.

Accounts are keyed by an HMAC of the lower-cased username whether or not the account exists, so unknown
and real usernames lock alike and the lock reveals nothing.
"""

from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from electroanalyzer.auth.models import LoginFailure, LoginLock
from electroanalyzer.core.errors import LoginLocked
from electroanalyzer.core.policies import LockoutPolicy


def check_not_locked(db: Session, *, account_key: str, client_key: str, now: datetime) -> None:
    row = db.execute(
        select(func.max(LoginLock.locked_until)).where(
            ((LoginLock.kind == "account") & (LoginLock.key == account_key))
            | ((LoginLock.kind == "client") & (LoginLock.key == client_key)),
            LoginLock.locked_until > now,
        )
    ).scalar()
    if row is not None:
        retry_after = max(1, int((row - now).total_seconds()))
        raise LoginLocked(headers={"Retry-After": str(retry_after)}, retry_after_seconds=retry_after)


def record_failure(
    db: Session, *, account_key: str, client_key: str, now: datetime, policy: LockoutPolicy
) -> list[str]:
    """Store one failure and lock what crossed its limit; return the kinds locked now."""
    db.add(LoginFailure(account_key=account_key, client_key=client_key, occurred_at=now))
    db.flush()
    window_start = now - timedelta(minutes=policy.failure_window_minutes)
    locked: list[str] = []
    checks = (
        ("account", LoginFailure.account_key, account_key, policy.max_failures_per_account),
        ("client", LoginFailure.client_key, client_key, policy.max_failures_per_client),
    )
    for kind, column, key, limit in checks:
        count = db.execute(
            select(func.count())
            .select_from(LoginFailure)
            .where(column == key, LoginFailure.occurred_at > window_start)
        ).scalar_one()
        if count >= limit:
            db.add(LoginLock(kind=kind, key=key, locked_until=now + timedelta(minutes=policy.lock_minutes)))
            locked.append(kind)
    return locked


def clear_account(db: Session, account_key: str) -> None:
    db.execute(delete(LoginFailure).where(LoginFailure.account_key == account_key))
    db.execute(delete(LoginLock).where(LoginLock.kind == "account", LoginLock.key == account_key))


def purge_old_failures(db: Session, *, now: datetime, policy: LockoutPolicy) -> None:
    cutoff = now - timedelta(minutes=policy.failure_window_minutes + policy.lock_minutes)
    db.execute(delete(LoginFailure).where(LoginFailure.occurred_at < cutoff))
    db.execute(delete(LoginLock).where(LoginLock.locked_until < now))
