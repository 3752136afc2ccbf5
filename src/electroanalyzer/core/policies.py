"""Pydantic models for every section of `config/security_policies.yaml`.

The defaults equal the shipped file, so an installation without a config folder still runs on the
documented policy. Unknown keys are rejected so that a misspelt key stops start-up instead of being
silently ignored.
"""

from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError


class PolicyModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PasswordRules(PolicyModel):
    min_length: int = Field(ge=8, le=256)
    require_upper: bool
    require_lower: bool
    require_digit: bool
    require_special: bool
    special_characters: str = Field(default="!@#$%^&*", min_length=1)


class PasswordPolicy(PolicyModel):
    profile: Literal["standard", "nist"] = "standard"
    standard: PasswordRules = PasswordRules(
        min_length=12, require_upper=True, require_lower=True, require_digit=True, require_special=True
    )
    nist: PasswordRules = PasswordRules(
        min_length=15, require_upper=False, require_lower=False, require_digit=False, require_special=False
    )
    passphrase_min_length: int = Field(default=64, ge=16, le=256)
    max_length: int = Field(default=256, ge=64, le=4096)
    bcrypt_rounds: int = Field(default=12, ge=4, le=16)

    @property
    def active_rules(self) -> PasswordRules:
        return self.nist if self.profile == "nist" else self.standard


class SessionPolicy(PolicyModel):
    access_token_minutes: int = Field(default=30, ge=1, le=24 * 60)
    refresh_token_hours: int = Field(default=8, ge=1, le=24 * 30)
    max_inactive_minutes: int = Field(default=15, ge=1, le=24 * 60)
    max_concurrent: int = Field(default=3, ge=1, le=100)


class LockoutPolicy(PolicyModel):
    max_failures_per_account: int = Field(default=5, ge=1, le=1000)
    max_failures_per_client: int = Field(default=20, ge=1, le=100000)
    failure_window_minutes: int = Field(default=15, ge=1, le=24 * 60)
    lock_minutes: int = Field(default=15, ge=1, le=7 * 24 * 60)


class MfaPolicy(PolicyModel):
    required_for_roles: list[Literal["admin", "therapist", "viewer"]] = ["admin"]
    issuer: str = Field(default="ElectroAnalyzer", min_length=1, max_length=64)
    recovery_codes: int = Field(default=10, ge=1, le=50)
    # The second sign-in step: how long a password-verified challenge lives and how many codes it takes.
    challenge_minutes: int = Field(default=5, ge=1, le=60)
    challenge_max_attempts: int = Field(default=3, ge=1, le=20)
    challenge_max_open: int = Field(default=3, ge=1, le=20)
    # TOTP time steps (30 s each) accepted before and after the server's current step.
    totp_valid_window: int = Field(default=1, ge=0, le=2)


class RegistrationPolicy(PolicyModel):
    self_registration_enabled: bool = False


class UploadSizeLimits(PolicyModel):
    pdf: int = Field(default=50 * 1024 * 1024, ge=1)
    docx: int = Field(default=25 * 1024 * 1024, ge=1)
    doc: int = Field(default=25 * 1024 * 1024, ge=1)
    txt: int = Field(default=10 * 1024 * 1024, ge=1)

    def largest(self) -> int:
        return max(self.pdf, self.docx, self.doc, self.txt)


class UploadPolicy(PolicyModel):
    max_bytes: UploadSizeLimits = UploadSizeLimits()
    max_request_bytes: int = Field(default=53477376, ge=1024)
    max_form_fields: int = Field(default=10, ge=1, le=1000)
    max_form_files: int = Field(default=1, ge=1, le=100)
    max_field_bytes: int = Field(default=65536, ge=64)
    parse_timeout_seconds: int = Field(default=30, ge=1, le=3600)
    parse_cpu_seconds: int = Field(default=20, ge=1, le=3600)
    parse_memory_mb: int = Field(default=1024, ge=64, le=65536)
    per_user_concurrent_analyses: int = Field(default=3, ge=1, le=100)


class RateLimit(PolicyModel):
    per_minute: int = Field(ge=1)
    per_hour: int = Field(ge=1)
    burst: int = Field(ge=1)


def _default_endpoint_limits() -> dict[str, RateLimit]:
    return {
        "/api/v2/auth/token": RateLimit(per_minute=10, per_hour=100, burst=5),
        "/api/v2/auth/mfa/challenge": RateLimit(per_minute=10, per_hour=100, burst=5),
        "/login": RateLimit(per_minute=10, per_hour=100, burst=5),
        "/login/mfa": RateLimit(per_minute=10, per_hour=100, burst=5),
        "/api/v2/auth/register": RateLimit(per_minute=5, per_hour=20, burst=3),
        "/api/v2/analysis/analyze": RateLimit(per_minute=20, per_hour=200, burst=10),
        "/api/v2/admin/settings": RateLimit(per_minute=5, per_hour=50, burst=3),
        "/api/v2/health": RateLimit(per_minute=120, per_hour=2000, burst=50),
    }


class RateLimitPolicy(PolicyModel):
    default: RateLimit = RateLimit(per_minute=120, per_hour=3000, burst=30)
    endpoints: dict[str, RateLimit] = Field(default_factory=_default_endpoint_limits)
    storage_fail_open: bool = False
    trusted_proxies: list[str] = []
    # Defence-layer settings (validated again in electroanalyzer.security.config).
    key_prefix: str = Field(default="ea", pattern=r"^[A-Za-z0-9_.:-]{1,64}$")
    account_endpoints: list[str] = ["/api/v2/auth/token", "/login"]
    submit_only_endpoints: list[str] = ["/login", "/login/mfa"]
    account_body_max_bytes: int = Field(default=8192, ge=256, le=1_048_576)
    storage_timeout_seconds: float = Field(default=0.5, gt=0, le=30)


_DEFAULT_ORIGINS = [
    f"{scheme}://{host}{port}"
    for scheme in ("http", "https")
    for host in ("127.0.0.1", "localhost")
    for port in ("", ":3000", ":3001")
] + ["app://.", "file://"]


class CorsPolicy(PolicyModel):
    allowed_origins: list[str] = _DEFAULT_ORIGINS
    allowed_methods: list[str] = ["GET", "POST", "PUT", "PATCH", "DELETE"]
    allowed_headers: list[str] = ["Authorization", "Content-Type", "X-CSRF-Token", "X-Request-ID"]
    max_age_seconds: int = Field(default=600, ge=0, le=86400)


class HeaderPolicy(PolicyModel):
    hsts_max_age_seconds: int = Field(default=31536000, ge=0)
    content_security_policy: str = (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
        "frame-ancestors 'none'; form-action 'self'"
    )
    referrer_policy: str = "no-referrer"
    permissions_policy: str = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"


class ContainmentPolicy(PolicyModel):
    block_client_minutes: int = Field(default=30, ge=0)
    lock_account: bool = True
    end_sessions: bool = True


class IncidentPolicy(PolicyModel):
    open_at_severity: Literal["low", "medium", "high", "critical"] = "medium"
    containment: ContainmentPolicy = ContainmentPolicy()
    phi_access_per_hour_threshold: int = Field(default=200, ge=1)
    # Behaviour-rule thresholds (validated again in electroanalyzer.security.config).
    brute_force_failures: int = Field(default=10, ge=2, le=10_000)
    brute_force_window_minutes: int = Field(default=15, ge=1, le=1440)
    stuffing_usernames: int = Field(default=10, ge=2, le=10_000)
    token_misuse_count: int = Field(default=10, ge=2, le=10_000)
    block_at_severity: Literal["low", "medium", "high", "critical"] = "high"
    block_after_detections: int = Field(default=3, ge=1, le=1000)


class RetentionPolicy(PolicyModel):
    original_days: int = Field(default=30, ge=1, le=3650)
    # HIPAA 45 CFR 164.316(b)(2)(i) keeps documentation six years, so fewer is rejected.
    audit_years: int = Field(default=6, ge=6, le=100)


class SecurityPolicies(PolicyModel):
    """The whole policy file; helper areas may add sections with defaults."""

    model_config = ConfigDict(extra="allow", frozen=True)

    password: PasswordPolicy = PasswordPolicy()
    session: SessionPolicy = SessionPolicy()
    lockout: LockoutPolicy = LockoutPolicy()
    mfa: MfaPolicy = MfaPolicy()
    registration: RegistrationPolicy = RegistrationPolicy()
    uploads: UploadPolicy = UploadPolicy()
    rate_limits: RateLimitPolicy = RateLimitPolicy()
    cors: CorsPolicy = CorsPolicy()
    headers: HeaderPolicy = HeaderPolicy()
    incidents: IncidentPolicy = IncidentPolicy()
    retention: RetentionPolicy = RetentionPolicy()


class PolicyFileError(ValueError):
    """The policy file is missing a valid value; the message names the file, the key and the fix."""


def load_policies(path: Path | None) -> SecurityPolicies:
    """Read and validate the policy file; with no file, return the shipped defaults."""
    if path is None or not path.is_file():
        return SecurityPolicies()
    try:
        raw: Any = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as error:
        raise PolicyFileError(f"{path}: not valid YAML ({error}); fix the syntax and restart") from None
    if not isinstance(raw, dict):
        raise PolicyFileError(f"{path}: the top level must be a mapping of sections")
    try:
        return SecurityPolicies.model_validate(raw)
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in item['loc'])}: {item['msg']}" for item in error.errors()
        )
        raise PolicyFileError(
            f"{path}: invalid policy ({problems}); correct these keys and restart"
        ) from None
