"""Permissions (`scope:resource:action`) and the one table that grants them to roles.

Routes declare a permission through `require(...)`; no handler compares role names.
"""

from enum import StrEnum


class Role(StrEnum):
    ADMIN = "admin"
    THERAPIST = "therapist"
    VIEWER = "viewer"


class Permission(StrEnum):
    SELF_READ = "auth:self:read"
    SELF_UPDATE = "auth:self:update"
    MFA_MANAGE = "auth:mfa:manage"
    USER_REGISTER = "auth:user:register"

    DOCUMENT_CREATE = "analysis:document:create"
    DOCUMENT_READ = "analysis:document:read"
    DOCUMENT_DELETE = "analysis:document:delete"
    REPORT_EXPORT = "analysis:report:export"
    SHARED_REPORT_READ = "analysis:shared:read"
    ANY_DOCUMENT_READ = "analysis:any:read"  # emergency access to other users' records, with a reason
    REPORT_SHARE = "analysis:report:share"

    DASHBOARD_OWN_READ = "dashboard:own:read"
    DASHBOARD_AGGREGATE_READ = "dashboard:aggregate:read"
    DASHBOARD_THERAPIST_READ = "dashboard:therapist:read"

    RUBRIC_READ = "rubric:rubric:read"
    RUBRIC_CREATE = "rubric:rubric:create"

    USERS_MANAGE = "admin:users:manage"
    SESSIONS_MANAGE = "admin:sessions:manage"
    SETTINGS_READ = "admin:settings:read"
    SETTINGS_UPDATE = "admin:settings:update"
    AUDIT_READ = "admin:audit:read"

    SECURITY_READ = "security:monitoring:read"
    SECURITY_MANAGE = "security:incidents:manage"
    COMPLIANCE_READ = "compliance:dashboard:read"


_THERAPIST = frozenset(
    {
        Permission.SELF_READ,
        Permission.SELF_UPDATE,
        Permission.MFA_MANAGE,
        Permission.DOCUMENT_CREATE,
        Permission.DOCUMENT_READ,
        Permission.DOCUMENT_DELETE,
        Permission.REPORT_EXPORT,
        Permission.DASHBOARD_OWN_READ,
        Permission.RUBRIC_READ,
    }
)
_VIEWER = frozenset(
    {
        Permission.SELF_READ,
        Permission.SELF_UPDATE,
        Permission.MFA_MANAGE,
        Permission.SHARED_REPORT_READ,
        Permission.DASHBOARD_AGGREGATE_READ,
        Permission.RUBRIC_READ,
    }
)

ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.ADMIN: frozenset(Permission),
    Role.THERAPIST: _THERAPIST,
    Role.VIEWER: _VIEWER,
}

# What a session may do while its user still has to enrol in MFA (admins by default).
MFA_ENROLMENT_PERMISSIONS = frozenset({Permission.SELF_READ, Permission.MFA_MANAGE})


def has_permission(role: str, permission: Permission) -> bool:
    try:
        return permission in ROLE_PERMISSIONS[Role(role)]
    except ValueError:
        return False
