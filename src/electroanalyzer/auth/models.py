"""Server-side sessions, sign-in failures and locks, MFA challenges, TOTP steps and recovery codes.

Tokens and challenge ids are stored only as hashes.
"""

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from electroanalyzer.core.database import Base, UtcDateTime, utcnow


class AuthSession(Base):
    __tablename__ = "auth_sessions"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    refresh_token_hash: Mapped[str] = mapped_column(String(64), index=True)
    mfa_pending: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True, index=True)
    end_reason: Mapped[str | None] = mapped_column(String(32), nullable=True)
    client_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)


class LoginFailure(Base):
    """One failed sign-in, counted per account key and per client key (both keyed HMACs)."""

    __tablename__ = "login_failures"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_key: Mapped[str] = mapped_column(String(64), index=True)
    client_key: Mapped[str] = mapped_column(String(64), index=True)
    occurred_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, index=True)


class LoginLock(Base):
    __tablename__ = "login_locks"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(8))  # "account" or "client"
    key: Mapped[str] = mapped_column(String(64), index=True)
    locked_until: Mapped[datetime] = mapped_column(UtcDateTime)


class RecoveryCode(Base):
    __tablename__ = "mfa_recovery_codes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    used_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)


class MfaChallenge(Base):
    """A password-verified sign-in waiting for its second factor; the browser holds only the random id."""

    __tablename__ = "mfa_challenges"

    id_hash: Mapped[str] = mapped_column(String(64), primary_key=True)  # SHA-256 of the challenge id
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    account_key: Mapped[str] = mapped_column(String(64))  # lockout key of the username typed in step one
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0)


class TotpLastStep(Base):
    """The latest TOTP time step accepted for a user, so a code is never accepted twice."""

    __tablename__ = "mfa_totp_last_steps"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    last_step: Mapped[int] = mapped_column(BigInteger)
    secret_digest: Mapped[str] = mapped_column(String(64))  # keyed digest of the secret the step belongs to
