"""Account management: create, update, disable, delete, unlock, password change and reset, MFA enrolment."""

import secrets
from dataclasses import dataclass

import pyotp
from sqlalchemy import delete, func, select

from electroanalyzer.audit import service as audit
from electroanalyzer.auth import lockout
from electroanalyzer.auth import service as auth_service
from electroanalyzer.auth.models import AuthSession, RecoveryCode
from electroanalyzer.auth.permissions import Role
from electroanalyzer.auth.tokens import hash_token
from electroanalyzer.core.context import ServerContext
from electroanalyzer.core.errors import Conflict, InvalidCredentials, InvalidInput, NotFound, WeakPassword
from electroanalyzer.documents.models import Document
from electroanalyzer.users.models import User
from electroanalyzer.users.passwords import (
    generate_password,
    hash_password,
    password_problems,
    verify_password,
)


@dataclass(frozen=True)
class UserView:
    id: int
    username: str
    email: str | None
    full_name: str | None
    role: Role
    is_active: bool
    mfa_enabled: bool
    must_change_password: bool = False


def view(user: User) -> UserView:
    return UserView(
        user.id,
        user.username,
        user.email,
        user.full_name,
        Role(user.role),
        user.is_active,
        user.mfa_enabled,
        user.must_change_password,
    )


def check_password(ctx: ServerContext, password: str, *, username: str, email: str | None) -> None:
    problems = password_problems(password, ctx.settings.policies.password, username=username, email=email)
    if problems:
        raise WeakPassword("The password does not meet the policy: " + "; ".join(problems) + ".")


def create_user(
    ctx: ServerContext,
    *,
    username: str,
    password: str,
    role: Role,
    email: str | None = None,
    full_name: str | None = None,
    actor_id: int | None = None,
    must_change_password: bool = False,
) -> UserView:
    """Create an account; `must_change_password` makes the user replace the password at first sign-in."""
    username = username.strip().lower()
    email = email.strip().lower() if email else None
    check_password(ctx, password, username=username, email=email)
    with ctx.session_factory() as db, db.begin():
        same_identity = User.username == username
        if email is not None:
            same_identity = same_identity | (User.email == email)
        clash = db.scalar(select(func.count()).select_from(User).where(same_identity))
        if clash:
            raise Conflict("That username or email address is already in use; choose another.")
        user = User(
            username=username,
            email=email,
            full_name=full_name,
            role=role.value,
            password_hash=hash_password(password, ctx.settings.policies.password.bcrypt_rounds),
            password_changed_at=ctx.clock.now(),
            must_change_password=must_change_password,
        )
        db.add(user)
        db.flush()
        created = view(user)
    audit.record(
        ctx,
        "user:create",
        actor_id=actor_id,
        target_type="user",
        target_id=created.id,
        details={"role": role.value, "must_change_password": must_change_password},
    )
    auth_service.signal(
        "user:changed", "success", user_id=actor_id, change="create", target_user=str(created.id)
    )
    return created


def get_user(ctx: ServerContext, user_id: int) -> UserView:
    with ctx.session_factory() as db:
        user = db.get(User, user_id)
        if user is None:
            raise NotFound()
        return view(user)


def list_users(ctx: ServerContext, *, limit: int, offset: int) -> tuple[list[UserView], int]:
    with ctx.session_factory() as db:
        total = db.scalar(select(func.count()).select_from(User)) or 0
        users = db.scalars(select(User).order_by(User.id).limit(limit).offset(offset))
        return [view(user) for user in users], total


def update_user(
    ctx: ServerContext,
    user_id: int,
    *,
    actor_id: int,
    role: Role | None = None,
    is_active: bool | None = None,
    email: str | None = None,
    full_name: str | None = None,
) -> UserView:
    changed: list[str] = []
    with ctx.session_factory() as db, db.begin():
        user = db.get(User, user_id)
        if user is None:
            raise NotFound()
        if role is not None and role.value != user.role:
            user.role, changed = role.value, [*changed, "role"]
        if is_active is not None and is_active != user.is_active:
            user.is_active, changed = is_active, [*changed, "is_active"]
        if email is not None and email.lower() != user.email:
            user.email, changed = email.lower(), [*changed, "email"]
        if full_name is not None and full_name != user.full_name:
            user.full_name, changed = full_name, [*changed, "full_name"]
        updated = view(user)
    if is_active is False:
        auth_service.end_sessions(ctx, user_id, reason="account_disabled")
    audit.record(
        ctx,
        "user:update",
        actor_id=actor_id,
        target_type="user",
        target_id=user_id,
        details={"fields": ",".join(changed)},
    )
    auth_service.signal(
        "user:changed", "success", user_id=actor_id, change="update", target_user=str(user_id)
    )
    return updated


def delete_user(ctx: ServerContext, user_id: int, *, actor_id: int) -> None:
    """Delete an account, its sessions, documents and analyses, and its encrypted originals."""
    if user_id == actor_id:
        raise InvalidInput("You cannot delete your own account; ask another administrator.")
    with ctx.session_factory() as db, db.begin():
        user = db.get(User, user_id)
        if user is None:
            raise NotFound()
        vault_names = [
            name for name in db.scalars(select(Document.vault_name).where(Document.owner_id == user_id))
        ]
        db.execute(delete(AuthSession).where(AuthSession.user_id == user_id))
        db.delete(user)
    for name in vault_names:
        if name:
            ctx.vault.delete(name)
    audit.record(
        ctx,
        "user:delete",
        actor_id=actor_id,
        target_type="user",
        target_id=user_id,
        details={"originals_deleted": len(vault_names)},
    )
    auth_service.signal(
        "user:changed", "success", user_id=actor_id, change="delete", target_user=str(user_id)
    )


def unlock_user(ctx: ServerContext, user_id: int, *, actor_id: int) -> None:
    with ctx.session_factory() as db, db.begin():
        user = db.get(User, user_id)
        if user is None:
            raise NotFound()
        lockout.clear_account(db, auth_service.account_key(ctx, user.username))
    audit.record(ctx, "user:unlock", actor_id=actor_id, target_type="user", target_id=user_id)
    auth_service.signal(
        "user:changed", "success", user_id=actor_id, change="unlock", target_user=str(user_id)
    )


def change_password(
    ctx: ServerContext, user_id: int, current_password: str, new_password: str, *, keep_session: str | None
) -> int:
    """Change a password after checking the current one; end every other session. Returns how many ended."""
    with ctx.session_factory() as db, db.begin():
        user = db.get(User, user_id)
        if user is None or not verify_password(current_password, user.password_hash):
            raise InvalidCredentials("The current password is wrong.")
        check_password(ctx, new_password, username=user.username, email=user.email)
        if verify_password(new_password, user.password_hash):
            raise WeakPassword("Choose a password different from the current one.")
        user.password_hash = hash_password(new_password, ctx.settings.policies.password.bcrypt_rounds)
        user.password_changed_at = ctx.clock.now()
        user.must_change_password = False
    ended = auth_service.end_sessions(ctx, user_id, reason="password_changed", keep=keep_session)
    audit.record(
        ctx,
        "user:password_change",
        actor_id=user_id,
        target_type="user",
        target_id=user_id,
        details={"sessions_ended": ended},
    )
    auth_service.signal("user:changed", "success", user_id=user_id, change="password")
    return ended


def reset_password(
    ctx: ServerContext, user_id: int, *, actor_id: int | None, new_password: str | None = None
) -> str:
    """Set a password chosen by an administrator (generated when `new_password` is None), flag the account
    so the user must change it, and end all the user's sessions. Returns the password, to show once."""
    policy = ctx.settings.policies.password
    with ctx.session_factory() as db, db.begin():
        user = db.get(User, user_id)
        if user is None:
            raise NotFound()
        if new_password is None:
            new_password = generate_password(policy, username=user.username, email=user.email)
        else:
            check_password(ctx, new_password, username=user.username, email=user.email)
        user.password_hash = hash_password(new_password, policy.bcrypt_rounds)
        user.password_changed_at = ctx.clock.now()
        user.must_change_password = True
    ended = auth_service.end_sessions(ctx, user_id, reason="password_reset")
    audit.record(
        ctx,
        "user:password_reset",
        actor_id=actor_id,
        target_type="user",
        target_id=user_id,
        details={"sessions_ended": ended},
    )
    auth_service.signal(
        "user:changed", "success", user_id=actor_id, change="password_reset", target_user=str(user_id)
    )
    return new_password


def find_user_id(ctx: ServerContext, username: str) -> int:
    with ctx.session_factory() as db:
        user_id = db.scalar(select(User.id).where(User.username == username.strip().lower()))
    if user_id is None:
        raise NotFound(f"No user is named {username!r}; list the accounts on the web page /admin/users.")
    return user_id


def begin_mfa_enrolment(ctx: ServerContext, user_id: int) -> tuple[str, str]:
    """Store a new (not yet active) TOTP secret and return it with its otpauth:// URI."""
    with ctx.session_factory() as db, db.begin():
        user = db.get(User, user_id)
        if user is None:
            raise NotFound()
        if user.mfa_enabled:
            raise Conflict("MFA is already enabled; disable it first to enrol a new device.")
        secret = pyotp.random_base32()
        user.mfa_secret = secret
        uri = pyotp.TOTP(secret).provisioning_uri(
            name=user.username, issuer_name=ctx.settings.policies.mfa.issuer
        )
    audit.record(ctx, "mfa:enrol_start", actor_id=user_id, target_type="user", target_id=user_id)
    return secret, uri


def _new_recovery_codes(count: int) -> list[str]:
    return ["-".join(secrets.token_hex(5)[i : i + 5] for i in (0, 5)) for _ in range(count)]


def confirm_mfa_enrolment(ctx: ServerContext, user_id: int, otp: str) -> list[str]:
    """Activate MFA once a code from the new secret checks out; return the recovery codes (shown once)."""
    codes = _new_recovery_codes(ctx.settings.policies.mfa.recovery_codes)
    with ctx.session_factory() as db, db.begin():
        user = db.get(User, user_id)
        if user is None or not user.mfa_secret or user.mfa_enabled:
            raise InvalidInput("Start the enrolment first (POST /api/v2/auth/mfa/enroll).")
        if not auth_service.accept_totp(ctx, db, user, otp):
            raise InvalidCredentials(
                "The code is not valid; check the device clock and type the current code."
            )
        user.mfa_enabled = True
        db.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user_id))
        for code in codes:
            db.add(RecoveryCode(user_id=user_id, code_hash=hash_token(code.replace("-", ""))))
    auth_service.finish_mfa_enrolment(ctx, user_id)
    audit.record(ctx, "mfa:enable", actor_id=user_id, target_type="user", target_id=user_id)
    auth_service.signal("user:changed", "success", user_id=user_id, change="mfa_enabled")
    return codes


def disable_mfa(ctx: ServerContext, user_id: int, *, actor_id: int, password: str | None = None) -> None:
    """Turn MFA off: by the user (password required) or by an admin resetting it."""
    with ctx.session_factory() as db, db.begin():
        user = db.get(User, user_id)
        if user is None:
            raise NotFound()
        if password is not None and not verify_password(password, user.password_hash):
            raise InvalidCredentials("The password is wrong.")
        user.mfa_enabled, user.mfa_secret = False, None
        db.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user_id))
    auth_service.end_sessions(ctx, user_id, reason="mfa_reset")
    audit.record(ctx, "mfa:disable", actor_id=actor_id, target_type="user", target_id=user_id)
    auth_service.signal(
        "user:changed", "success", user_id=actor_id, change="mfa_disabled", target_user=str(user_id)
    )
