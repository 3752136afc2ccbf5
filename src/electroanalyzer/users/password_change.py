"""What a session may do while its user must replace a password that an administrator set."""

from electroanalyzer.auth.permissions import Permission
from electroanalyzer.core.errors import DomainError

# Reading the own account (which includes signing out) and changing the password.
PASSWORD_CHANGE_PERMISSIONS = frozenset({Permission.SELF_READ, Permission.SELF_UPDATE})


class PasswordChangeRequired(DomainError):
    status = 403
    code = "password_change_required"
    message = (
        "An administrator set your password: change it first with POST /api/v2/auth/password "
        "or on the web page /account/password."
    )
