"""Access rules for a session whose user must replace a password that an administrator set."""

from collections.abc import Iterable

from electroanalyzer.auth.permissions import MFA_ENROLMENT_PERMISSIONS, Permission
from electroanalyzer.core.errors import DomainError

# Reading the own account (which includes signing out) and changing the password.
API_PERMISSIONS = frozenset({Permission.SELF_READ, Permission.SELF_UPDATE})


class PasswordChangeRequired(DomainError):
    status = 403
    code = "password_change_required"
    message = (
        "An administrator set your password: change it first with POST /api/v2/auth/password "
        "or on the web page /account/password."
    )


def password_change_blocks(
    permissions: Iterable[Permission], mfa_pending: bool, allowed: frozenset[Permission] = API_PERMISSIONS
) -> bool:
    """Return True when none of `permissions` is open to a user who must change their password.

    A user who also has to enrol in MFA may do that first. The MFA check blocks the password change
    until enrolment ends, so without this exception each requirement would block the other.
    """
    if mfa_pending:
        allowed = allowed | MFA_ENROLMENT_PERMISSIONS
    return allowed.isdisjoint(permissions)
