"""Sign-in, sessions and per-request authentication, usable without HTTP (the web pages call these).

Every request is checked against the server-side session row, so logout, the session cap, inactivity,
password change and account disable take effect on the next request.
"""

import hmac
import logging
import threading
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from electroanalyzer.audit import service as audit
from electroanalyzer.auth import challenges, lockout, totp
from electroanalyzer.auth.models import AuthSession, RecoveryCode
from electroanalyzer.auth.permissions import Role
from electroanalyzer.auth.tokens import (
    AccessClaims,
    decode_access_token,
    hash_token,
    issue_access_token,
    new_refresh_token,
)
from electroanalyzer.core.context import ServerContext
from electroanalyzer.core.errors import InvalidCredentials, MfaRequired, NotAuthenticated
from electroanalyzer.core.keys import keyed_digest
from electroanalyzer.core.request_id import current_request_id
from electroanalyzer.core.signals import SecuritySignal, emit
from electroanalyzer.users.models import User
from electroanalyzer.users.passwords import dummy_hash, hash_password, needs_rehash, verify_password

logger = logging.getLogger(__name__)
# Seconds between writes of a session's last activity time; bounds write load under many reads.
LAST_SEEN_WRITE_INTERVAL = 15
# SQLite has no row locks, so session creation is serialised in-process to keep the cap exact.
_session_lock = threading.Lock()


@dataclass(frozen=True)
class CurrentUser:
    id: int
    username: str
    role: Role
    session_id: str
    mfa_pending: bool = False
    email: str | None = None
    full_name: str | None = None
    mfa_enabled: bool = False
    must_change_password: bool = False


@dataclass(frozen=True)
class TokenPair:
    access_token: str
    refresh_token: str
    expires_in: int
    session_id: str
    mfa_enrolment_required: bool = False
    ended_session_ids: list[str] = field(default_factory=list)


def signal(
    kind: str, outcome: str, *, user_id: int | None = None, client: str | None = None, **attributes: str
) -> None:
    emit(
        SecuritySignal(
            kind=kind,
            outcome=outcome,
            user_id=user_id,
            client_address=client,
            request_id=current_request_id(),
            attributes=dict(attributes),
        )
    )


def account_key(ctx: ServerContext, username: str) -> str:
    return keyed_digest(ctx.lookup_key, "account:" + username.strip().lower())


def client_key(ctx: ServerContext, client: str | None) -> str:
    return keyed_digest(ctx.lookup_key, "client:" + (client or "unknown"))


def accept_totp(ctx: ServerContext, db: Session, user: User, code: str) -> bool:
    """Check a TOTP code of `user` and record its time step, so the same code is never accepted again."""
    if not user.mfa_secret:
        return False
    return totp.accept_code(
        db,
        user_id=user.id,
        secret=user.mfa_secret,
        code=code,
        now=ctx.clock.now(),
        valid_window=ctx.settings.policies.mfa.totp_valid_window,
        lookup_key=ctx.lookup_key,
    )


def _verify_second_factor(
    ctx: ServerContext, db: Session, user: User, otp: str | None, recovery_code: str | None, now: datetime
) -> bool:
    """Check a TOTP code (each time step once) or use up one recovery code."""
    if otp:
        return accept_totp(ctx, db, user, otp)
    if recovery_code:
        digest = hash_token(recovery_code.strip().replace("-", "").lower())
        for code in db.scalars(
            select(RecoveryCode).where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
        ):
            if hmac.compare_digest(code.code_hash, digest):
                code.used_at = now
                return True
    return False


def login(
    ctx: ServerContext,
    username: str,
    password: str,
    *,
    client: str | None,
    otp: str | None = None,
    recovery_code: str | None = None,
) -> TokenPair:
    """Check the password (and the second factor, when given) and open a session.

    Raises InvalidCredentials or LoginLocked. For an MFA-enrolled user without `otp` or `recovery_code`,
    raises MfaRequired carrying `challenge_id` and `expires_in`: complete_mfa_challenge() finishes the
    sign-in with that id, so the password is never needed again. Unknown users cost one bcrypt
    verification like real ones.
    """
    policies = ctx.settings.policies
    now = ctx.clock.now()
    a_key, c_key = account_key(ctx, username), client_key(ctx, client)
    challenge: challenges.IssuedChallenge | None = None
    with ctx.session_factory() as db, db.begin():
        lockout.check_not_locked(db, account_key=a_key, client_key=c_key, now=now)
        user = db.scalar(select(User).where(User.username == username.strip().lower()))
        stored_hash = user.password_hash if user else dummy_hash(policies.password.bcrypt_rounds)
        password_ok = verify_password(password, stored_hash)
        accepted = user is not None and password_ok and user.is_active
        if accepted and user is not None:
            if needs_rehash(user.password_hash, policies.password.bcrypt_rounds):
                user.password_hash = hash_password(password, policies.password.bcrypt_rounds)
            if user.mfa_enabled and not (otp or recovery_code):
                challenge = challenges.create(
                    db, user_id=user.id, account_key=a_key, now=now, policy=policies.mfa
                )
            elif user.mfa_enabled:
                accepted = _verify_second_factor(ctx, db, user, otp, recovery_code, now)
    if challenge is not None:
        raise MfaRequired(
            "Send a code from your authenticator app (`otp`) or a recovery code (`recovery_code`) with "
            "`challenge_id` to /api/v2/auth/mfa/challenge before the challenge expires.",
            challenge_id=challenge.challenge_id,
            expires_in=challenge.expires_in,
        )
    if not accepted or user is None:
        _fail_login(ctx, a_key, c_key, now, user.id if user else None, client)
        raise InvalidCredentials()
    factor = "none"
    if user.mfa_enabled:
        factor = "totp" if otp else "recovery_code"
    return _finish_login(ctx, user.id, a_key, client, second_factor=factor)


def complete_mfa_challenge(
    ctx: ServerContext,
    challenge_id: str,
    *,
    client: str | None,
    otp: str | None = None,
    recovery_code: str | None = None,
) -> TokenPair:
    """Finish a sign-in that login() paused with MfaRequired, using a TOTP code or a recovery code.

    A wrong code counts toward the account lockout like a wrong password, emits auth:login:failed and
    raises InvalidCredentials with `attempts_remaining`. Raises MfaChallengeInvalid for an unknown,
    expired, used or exhausted challenge, and LoginLocked while the account or the client is locked.
    """
    policies = ctx.settings.policies
    now = ctx.clock.now()
    c_key = client_key(ctx, client)
    try:
        with ctx.session_factory() as db, db.begin():
            challenge = challenges.find_live(db, challenge_id, now)
            a_key, user_id = challenge.account_key, challenge.user_id
            lockout.check_not_locked(db, account_key=a_key, client_key=c_key, now=now)
            user = db.get(User, user_id)
            verified = (
                user is not None
                and user.is_active
                and user.mfa_enabled
                and bool(otp or recovery_code)
                and _verify_second_factor(ctx, db, user, otp, recovery_code, now)
            )
            remaining = 0
            if not verified:
                remaining = challenges.record_failure(db, challenge, policies.mfa)
            elif not challenges.consume(db, challenge):
                raise challenges.MfaChallengeInvalid()
    except challenges.MfaChallengeInvalid:
        audit.record(ctx, "auth:login", "failure", details={"reason": "mfa_challenge_invalid"})
        signal("auth:login:failed", "failure", client=client, reason="mfa_challenge_invalid")
        raise
    if not verified:
        _fail_login(ctx, a_key, c_key, now, user_id, client, reason="invalid_second_factor")
        if remaining == 0:
            raise challenges.MfaChallengeInvalid()
        raise InvalidCredentials(
            "The verification code is wrong or was already used. Type the code your app shows now.",
            attempts_remaining=remaining,
        )
    return _finish_login(ctx, user_id, a_key, client, second_factor="totp" if otp else "recovery_code")


def _finish_login(
    ctx: ServerContext, user_id: int, a_key: str, client: str | None, *, second_factor: str
) -> TokenPair:
    """Clear the account's failures, open the session, then audit and signal the sign-in."""
    policies = ctx.settings.policies
    with ctx.session_factory() as db, db.begin():
        fresh = db.get(User, user_id)
        assert fresh is not None
        lockout.clear_account(db, a_key)
        mfa_pending = fresh.role in policies.mfa.required_for_roles and not fresh.mfa_enabled
    pair = open_session(ctx, user_id, client=client, mfa_pending=mfa_pending)
    audit.record(
        ctx,
        "auth:login",
        actor_id=user_id,
        target_type="session",
        target_id=pair.session_id,
        details={
            "ended_sessions": len(pair.ended_session_ids),
            "mfa_pending": mfa_pending,
            "second_factor": second_factor,
        },
    )
    signal("auth:login:success", "success", user_id=user_id, client=client)
    return pair


def _fail_login(
    ctx: ServerContext,
    a_key: str,
    c_key: str,
    now: datetime,
    user_id: int | None,
    client: str | None,
    *,
    reason: str = "invalid_credentials",
) -> None:
    with ctx.session_factory() as db, db.begin():
        locked = lockout.record_failure(
            db, account_key=a_key, client_key=c_key, now=now, policy=ctx.settings.policies.lockout
        )
    audit.record(ctx, "auth:login", "failure", actor_id=user_id, details={"reason": reason})
    signal("auth:login:failed", "failure", user_id=user_id, client=client, account=a_key, reason=reason)
    for kind in locked:
        audit.record(ctx, "auth:lockout", "failure", actor_id=user_id, details={"scope": kind})
        signal("auth:lockout", "failure", user_id=user_id, client=client, scope=kind)


def open_session(
    ctx: ServerContext, user_id: int, *, client: str | None, mfa_pending: bool = False
) -> TokenPair:
    """Create a session, ending the oldest ones so at most `max_concurrent` stay active."""
    session_policy = ctx.settings.policies.session
    now = ctx.clock.now()
    session_id = str(uuid.uuid4())
    refresh = new_refresh_token(session_id)
    with _session_lock, ctx.session_factory() as db, db.begin():
        db.execute(update(User).where(User.id == user_id).values(id=user_id))  # row lock on PostgreSQL
        active = list(
            db.scalars(
                select(AuthSession)
                .where(AuthSession.user_id == user_id, AuthSession.ended_at.is_(None))
                .order_by(AuthSession.created_at, AuthSession.id)
            )
        )
        excess = len(active) - (session_policy.max_concurrent - 1)
        ended = active[: max(0, excess)]
        for old in ended:
            old.ended_at, old.end_reason = now, "session_limit"
        db.add(
            AuthSession(
                id=session_id,
                user_id=user_id,
                refresh_token_hash=hash_token(refresh),
                mfa_pending=mfa_pending,
                created_at=now,
                last_seen_at=now,
                expires_at=now + timedelta(hours=session_policy.refresh_token_hours),
                client_hash=client_key(ctx, client),
            )
        )
    access = issue_access_token(
        ctx.jwt_key,
        user_id=user_id,
        session_id=session_id,
        now=now,
        minutes=session_policy.access_token_minutes,
    )
    return TokenPair(
        access,
        refresh,
        session_policy.access_token_minutes * 60,
        session_id,
        mfa_pending,
        [old.id for old in ended],
    )


def _session_is_live(ctx: ServerContext, session: AuthSession, now: datetime) -> str | None:
    """Return why the session is no longer valid, or None."""
    if session.ended_at is not None:
        return "ended"
    if session.expires_at <= now:
        return "expired"
    if now - session.last_seen_at > timedelta(minutes=ctx.settings.policies.session.max_inactive_minutes):
        return "inactive"
    return None


# Built once: constructing the statement and its cache key on every request cost more CPU than the query.
SESSION_AND_USER = (
    select(AuthSession, User)
    .join(User, User.id == AuthSession.user_id)
    .where(AuthSession.id == bindparam("session_id"), User.id == bindparam("user_id"))
)


def authenticate(ctx: ServerContext, token: str, *, client: str | None = None) -> CurrentUser:
    """Validate an access token and its server-side session; record the activity."""
    now = ctx.clock.now()
    try:
        claims: AccessClaims = decode_access_token(token, ctx.jwt_key, now=now)
    except NotAuthenticated as error:
        signal("auth:token:invalid", "failure", client=client, reason=str(error.data.get("reason_code", "")))
        raise
    with ctx.session_factory() as db, db.begin():
        row = db.execute(
            SESSION_AND_USER, {"session_id": claims.session_id, "user_id": claims.user_id}
        ).first()
        session, user = (row[0], row[1]) if row is not None else (None, None)
        problem = (
            "unknown_session" if session is None or user is None else _session_is_live(ctx, session, now)
        )
        if problem is None and (
            session is None or user is None or session.user_id != user.id or not user.is_active
        ):
            problem = "account"
        if problem is not None:
            if session is not None and session.ended_at is None and problem in ("inactive", "expired"):
                session.ended_at, session.end_reason = now, problem
            signal("auth:token:invalid", "failure", user_id=claims.user_id, client=client, reason=problem)
            raise NotAuthenticated(reason_code=problem)
        assert session is not None and user is not None
        if (now - session.last_seen_at).total_seconds() >= LAST_SEEN_WRITE_INTERVAL:
            session.last_seen_at = now
        return CurrentUser(
            user.id,
            user.username,
            Role(user.role),
            session.id,
            session.mfa_pending,
            user.email,
            user.full_name,
            user.mfa_enabled,
            user.must_change_password,
        )


def refresh(ctx: ServerContext, refresh_token: str, *, client: str | None) -> TokenPair:
    """Exchange a refresh token for new tokens; a reused (already rotated) token ends its session."""
    now = ctx.clock.now()
    session_id = refresh_token.split(".", 1)[0] if "." in refresh_token else ""
    with ctx.session_factory() as db, db.begin():
        session = db.get(AuthSession, session_id[:36]) if session_id else None
        if session is None or _session_is_live(ctx, session, now) is not None:
            raise NotAuthenticated(reason_code="refresh_invalid")
        if not hmac.compare_digest(session.refresh_token_hash, hash_token(refresh_token)):
            session.ended_at, session.end_reason = now, "refresh_reuse"
            user_id = session.user_id
        else:
            user_id = None
            user = db.get(User, session.user_id)
            if user is None or not user.is_active:
                raise NotAuthenticated(reason_code="account")
            new_refresh = new_refresh_token(session.id)
            session.refresh_token_hash = hash_token(new_refresh)
            session.last_seen_at = now
            owner, mfa_pending, sid = session.user_id, session.mfa_pending, session.id
    if user_id is not None:
        audit.record(
            ctx,
            "auth:refresh",
            "failure",
            actor_id=user_id,
            target_type="session",
            target_id=session_id,
            details={"reason": "refresh_token_reuse"},
        )
        signal("auth:token:invalid", "failure", user_id=user_id, client=client, reason="refresh_reuse")
        raise NotAuthenticated(reason_code="refresh_reuse")
    minutes = ctx.settings.policies.session.access_token_minutes
    access = issue_access_token(ctx.jwt_key, user_id=owner, session_id=sid, now=now, minutes=minutes)
    return TokenPair(access, new_refresh, minutes * 60, sid, mfa_pending)


def logout(ctx: ServerContext, user: CurrentUser, *, client: str | None = None) -> None:
    end_sessions(ctx, user.id, reason="logout", only_session=user.session_id)
    audit.record(ctx, "auth:logout", actor_id=user.id, target_type="session", target_id=user.session_id)
    signal("auth:logout", "success", user_id=user.id, client=client)


def end_sessions(
    ctx: ServerContext, user_id: int, *, reason: str, only_session: str | None = None, keep: str | None = None
) -> int:
    now = ctx.clock.now()
    with ctx.session_factory() as db, db.begin():
        query = select(AuthSession).where(AuthSession.user_id == user_id, AuthSession.ended_at.is_(None))
        if only_session:
            query = query.where(AuthSession.id == only_session)
        sessions = [session for session in db.scalars(query) if session.id != keep]
        for session in sessions:
            session.ended_at, session.end_reason = now, reason
    return len(sessions)


def finish_mfa_enrolment(ctx: ServerContext, user_id: int) -> None:
    with ctx.session_factory() as db, db.begin():
        db.execute(
            update(AuthSession)
            .where(AuthSession.user_id == user_id, AuthSession.ended_at.is_(None))
            .values(mfa_pending=False)
        )
