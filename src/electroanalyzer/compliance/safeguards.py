"""The HIPAA Security Rule safeguards the software can evidence, each checked against live state.

Citations are to 45 CFR Part 164. A check returns met, partial or not_met with a short
reason; "manual" marks safeguards that depend on the organisation (training, facility
access) and are listed for completeness without a score.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from sqlalchemy import func, select

Status = Literal["met", "partial", "not_met", "manual"]


@dataclass(frozen=True)
class CheckResult:
    status: Status
    evidence: str


@dataclass(frozen=True)
class Safeguard:
    citation: str
    name: str
    category: Literal["administrative", "physical", "technical"]
    requirement: Literal["required", "addressable", "standard"]
    check: Callable[[Any], CheckResult]


@dataclass
class LiveState:
    """What the checks read: the server context plus facts about the running defence layers."""

    context: Any
    layers: Any | None = None
    https: bool | None = None
    _chain: Any = None

    def chain(self) -> Any:
        if self._chain is None:
            from electroanalyzer.audit.service import verify_chain

            self._chain = verify_chain(self.context)
        return self._chain


def _policies(state: LiveState) -> Any:
    return state.context.settings.policies


def _access_control(state: LiveState) -> CheckResult:
    from electroanalyzer.auth.permissions import ROLE_PERMISSIONS, Permission, Role

    admin_only = {Permission.SECURITY_READ, Permission.AUDIT_READ, Permission.USERS_MANAGE}
    leaked = [role.value for role in (Role.THERAPIST, Role.VIEWER) if ROLE_PERMISSIONS[role] & admin_only]
    if leaked:
        return CheckResult("not_met", f"roles {', '.join(leaked)} hold administrator permissions")
    return CheckResult(
        "met", "role-based permissions, deny by default; admin permissions held by admins only"
    )


def _unique_ids(state: LiveState) -> CheckResult:
    from electroanalyzer.users.models import User

    with state.context.session_factory() as db:
        total = db.scalar(select(func.count()).select_from(User)) or 0
        distinct = db.scalar(select(func.count(func.distinct(func.lower(User.username))))) or 0
        defaults = db.scalar(
            select(func.count())
            .select_from(User)
            .where(func.lower(User.username).in_(("admin", "root", "sa")))
        )
    if total != distinct:
        return CheckResult("not_met", "two accounts share a user name")
    if defaults:
        return CheckResult("partial", "an account uses a default-looking name (admin, root or sa)")
    return CheckResult("met", f"{total} accounts, each with a unique user name and id")


def _emergency_access(state: LiveState) -> CheckResult:
    from electroanalyzer.auth.permissions import Permission

    if not hasattr(Permission, "ANY_DOCUMENT_READ"):
        return CheckResult("not_met", "no emergency access permission exists")
    return CheckResult("met", "administrators may open another user's record with a stated reason, audited")


def _automatic_logoff(state: LiveState) -> CheckResult:
    session = _policies(state).session
    detail = (
        f"inactivity {session.max_inactive_minutes} min, token lifetime {session.access_token_minutes} min"
    )
    if session.max_inactive_minutes <= 15 and session.access_token_minutes <= 30:
        return CheckResult("met", detail)
    if session.max_inactive_minutes <= 60:
        return CheckResult("partial", detail + " (longer than the 15/30 minute policy)")
    return CheckResult("not_met", detail)


def _encryption_at_rest(state: LiveState) -> CheckResult:
    settings = state.context.settings
    missing = [
        name
        for name in ("FILE_ENCRYPTION_KEY", "DATABASE_ENCRYPTION_KEY")
        if getattr(settings, name.lower(), None) is None
    ]
    if missing:
        return CheckResult("not_met", f"missing {', '.join(missing)}")
    files = len(settings.key_list("FILE_ENCRYPTION_KEY"))
    fields = len(settings.key_list("DATABASE_ENCRYPTION_KEY"))
    return CheckResult(
        "met", f"AES-256-GCM file vault ({files} key(s)); Fernet field encryption ({fields} key(s))"
    )


def _audit_controls(state: LiveState) -> CheckResult:
    report = state.chain()
    if not report.ok:
        return CheckResult("not_met", f"audit chain broken at entry {report.first_bad_id}")
    return CheckResult("met", f"audit chain verifies over {report.checked} entries")


def _integrity(state: LiveState) -> CheckResult:
    report = state.chain()
    if not report.ok:
        return CheckResult("partial", "stored files are authenticated, but the audit chain does not verify")
    return CheckResult("met", "authenticated encryption on files and fields; audit chain verifies")


def _authentication(state: LiveState) -> CheckResult:
    from electroanalyzer.users.models import User

    required = list(_policies(state).mfa.required_for_roles)
    with state.context.session_factory() as db:
        base = select(func.count()).select_from(User).where(User.is_active.is_(True), User.role.in_(required))
        total = db.scalar(base) or 0
        enrolled = db.scalar(base.where(User.mfa_enabled.is_(True))) or 0
    detail = (
        f"MFA required for {', '.join(required) or 'no role'}; {enrolled} of {total} such accounts enrolled"
    )
    if total and enrolled < total:
        return CheckResult("partial", detail)
    return CheckResult("met", detail)


def _transmission(state: LiveState) -> CheckResult:
    settings = state.context.settings
    if state.https:
        return CheckResult("met", "this request arrived over HTTPS (TLS 1.3 when the server terminates TLS)")
    proxies = list(_policies(state).rate_limits.trusted_proxies)
    if proxies:
        return CheckResult("partial", "TLS is expected at the configured proxy; this request was plain HTTP")
    if not settings.is_production:
        return CheckResult("partial", "development mode over plain HTTP; start with --tls-cert and --tls-key")
    return CheckResult(
        "not_met", "production without TLS; start with --tls-cert and --tls-key or a TLS proxy"
    )


def _activity_review(state: LiveState) -> CheckResult:
    from electroanalyzer.security.models import SecurityEvent

    layers = state.layers
    if layers is not None and not layers.enable_threat_detection:
        return CheckResult("partial", "threat detection is switched off")
    since = datetime.now(UTC) - timedelta(days=1)
    with state.context.session_factory() as db:
        events = db.scalar(
            select(func.count()).select_from(SecurityEvent).where(SecurityEvent.occurred_at >= since)
        )
    return CheckResult(
        "met", f"security events, metrics, trends and daily report; {events or 0} events in 24 h"
    )


def _login_monitoring(state: LiveState) -> CheckResult:
    lockout = _policies(state).lockout
    return CheckResult(
        "met",
        f"failed logins recorded; lock after {lockout.max_failures_per_account} per account "
        f"in {lockout.failure_window_minutes} min; brute-force and stuffing rules open incidents",
    )


def _incident_procedures(state: LiveState) -> CheckResult:
    from electroanalyzer.security.models import SecurityIncident

    stale = datetime.now(UTC) - timedelta(days=7)
    with state.context.session_factory() as db:
        old_open = db.scalar(
            select(func.count())
            .select_from(SecurityIncident)
            .where(
                SecurityIncident.status != "resolved",
                SecurityIncident.severity.in_(("high", "critical")),
                SecurityIncident.opened_at < stale,
            )
        )
    if old_open:
        return CheckResult("partial", f"{old_open} high or critical incident(s) unresolved for over 7 days")
    return CheckResult("met", "incidents with severity, containment and open/contained/resolved workflow")


def _termination(state: LiveState) -> CheckResult:
    return CheckResult("met", "disabling or deleting an account ends all its sessions on the next request")


def _retention(state: LiveState) -> CheckResult:
    years = _policies(state).retention.audit_years
    if years >= 6:
        return CheckResult("met", f"audit and incident records kept {years} years")
    return CheckResult("not_met", f"audit retention is {years} years; six are required")


def _layers(state: LiveState) -> CheckResult:
    layers = state.layers
    if layers is None:
        return CheckResult("not_met", "the defence layers are not installed")
    off = [
        name
        for name, enabled in (
            ("rate limiting", layers.enable_rate_limiting),
            ("CSRF protection", layers.enable_csrf_protection),
            ("security headers", layers.enable_security_headers),
            ("threat detection", layers.enable_threat_detection),
        )
        if not enabled
    ]
    if off:
        return CheckResult("partial", f"switched off: {', '.join(off)}")
    return CheckResult("met", "upload type and size checks, threat detection, rate limits and CSRF all on")


def _manual(_state: LiveState) -> CheckResult:
    return CheckResult("manual", "an organisational procedure outside the software")


SAFEGUARDS: tuple[Safeguard, ...] = (
    Safeguard("164.312(a)(1)", "Access control", "technical", "standard", _access_control),
    Safeguard("164.312(a)(2)(i)", "Unique user identification", "technical", "required", _unique_ids),
    Safeguard("164.312(a)(2)(ii)", "Emergency access procedure", "technical", "required", _emergency_access),
    Safeguard("164.312(a)(2)(iii)", "Automatic logoff", "technical", "addressable", _automatic_logoff),
    Safeguard(
        "164.312(a)(2)(iv)", "Encryption and decryption", "technical", "addressable", _encryption_at_rest
    ),
    Safeguard("164.312(b)", "Audit controls", "technical", "required", _audit_controls),
    Safeguard("164.312(c)(1)", "Integrity", "technical", "standard", _integrity),
    Safeguard("164.312(c)(2)", "Mechanism to authenticate ePHI", "technical", "addressable", _integrity),
    Safeguard("164.312(d)", "Person or entity authentication", "technical", "required", _authentication),
    Safeguard("164.312(e)(1)", "Transmission security", "technical", "standard", _transmission),
    Safeguard("164.312(e)(2)(i)", "Integrity controls in transit", "technical", "addressable", _transmission),
    Safeguard("164.312(e)(2)(ii)", "Encryption in transit", "technical", "addressable", _transmission),
    Safeguard(
        "164.308(a)(1)(ii)(D)",
        "Information system activity review",
        "administrative",
        "required",
        _activity_review,
    ),
    Safeguard(
        "164.308(a)(3)(ii)(C)", "Termination procedures", "administrative", "addressable", _termination
    ),
    Safeguard(
        "164.308(a)(5)(ii)(B)", "Protection from malicious software", "administrative", "addressable", _layers
    ),
    Safeguard(
        "164.308(a)(5)(ii)(C)", "Log-in monitoring", "administrative", "addressable", _login_monitoring
    ),
    Safeguard(
        "164.308(a)(6)(ii)",
        "Security incident response and reporting",
        "administrative",
        "required",
        _incident_procedures,
    ),
    Safeguard("164.308(a)(5)(i)", "Security awareness and training", "administrative", "standard", _manual),
    Safeguard("164.310(a)(1)", "Facility access controls", "physical", "standard", _manual),
    Safeguard("164.310(d)(1)", "Device and media controls", "physical", "standard", _encryption_at_rest),
    Safeguard(
        "164.316(b)(2)(i)", "Documentation retention (6 years)", "administrative", "required", _retention
    ),
)
