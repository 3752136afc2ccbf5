"""The security layers' view of the settings, validated once at start-up.

The policy sections come from `security_policies.yaml` (loaded by the core settings); this
module re-validates the sections the defence layers use, so a wrong value stops start-up
with the file, the key and the fix instead of failing on the first request.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

POLICY_FILE = "security_policies.yaml"
Severity = Literal["low", "medium", "high", "critical"]
SEVERITY_RANK: dict[str, int] = {"low": 1, "medium": 2, "high": 3, "critical": 4}


class SecurityConfigError(ValueError):
    """An invalid security setting; the message names the file, the key and the fix."""

    def __init__(self, file: str, key: str, problem: str, fix: str) -> None:
        self.file, self.key, self.problem, self.fix = file, key, problem, fix
        super().__init__(f"{file}: invalid value for '{key}': {problem}. Fix: {fix}")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class WindowLimits(_Model):
    """Requests allowed per minute, per hour and per second (burst)."""

    per_minute: int = Field(ge=1, le=1_000_000)
    per_hour: int = Field(ge=1, le=100_000_000)
    burst: int = Field(ge=1, le=1_000_000)


class RateLimitPolicy(_Model):
    default: WindowLimits = WindowLimits(per_minute=120, per_hour=3000, burst=30)
    endpoints: dict[str, WindowLimits] = Field(default_factory=dict)
    storage_fail_open: bool = False
    trusted_proxies: list[str] = Field(default_factory=list)
    account_endpoints: list[str] = Field(default_factory=lambda: ["/api/v2/auth/token"])
    # Endpoints whose own limits count only submissions: showing the form (GET, HEAD) counts
    # against the default limits, so colleagues behind one clinic address can still open it.
    submit_only_endpoints: list[str] = Field(default_factory=list)
    account_body_max_bytes: int = Field(default=8192, ge=256, le=1_048_576)
    storage_timeout_seconds: float = Field(default=0.5, gt=0, le=30)
    key_prefix: str = Field(default="ea", pattern=r"^[A-Za-z0-9_.:-]{1,64}$")

    @field_validator("endpoints")
    @classmethod
    def _paths_absolute(cls, value: dict[str, WindowLimits]) -> dict[str, WindowLimits]:
        for path in value:
            if not path.startswith("/"):
                raise ValueError(f"endpoint '{path}' must be an absolute path such as /api/v2/auth/token")
        return value

    @field_validator("trusted_proxies")
    @classmethod
    def _networks(cls, value: list[str]) -> list[str]:
        for item in value:
            ipaddress.ip_network(item, strict=False)
        return value


class CorsPolicy(_Model):
    allowed_origins: list[str] = Field(default_factory=list)
    allowed_methods: list[str] = Field(default_factory=lambda: ["GET", "POST", "PUT", "PATCH", "DELETE"])
    allowed_headers: list[str] = Field(
        default_factory=lambda: ["Authorization", "Content-Type", "X-CSRF-Token", "X-Request-ID"]
    )
    max_age_seconds: int = Field(default=600, ge=0, le=86400)

    @field_validator("allowed_origins")
    @classmethod
    def _no_wildcard(cls, value: list[str]) -> list[str]:
        for origin in value:
            if origin.strip() in {"*", "null"}:
                raise ValueError("wildcard and 'null' origins are not allowed; list each origin")
        return value


class HeaderPolicy(_Model):
    hsts_max_age_seconds: int = Field(default=31536000, ge=31536000, le=126144000)
    content_security_policy: str
    referrer_policy: Literal[
        "no-referrer", "same-origin", "strict-origin", "strict-origin-when-cross-origin"
    ] = "no-referrer"
    permissions_policy: str = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"

    @field_validator("content_security_policy")
    @classmethod
    def _strict_csp(cls, value: str) -> str:
        lowered = value.lower()
        for required in ("frame-ancestors 'none'", "object-src 'none'", "base-uri 'none'"):
            if required not in lowered:
                raise ValueError(f"the policy must contain {required}")
        if "'unsafe-inline'" in lowered or "'unsafe-eval'" in lowered:
            raise ValueError("'unsafe-inline' and 'unsafe-eval' are not allowed")
        return " ".join(value.split())


class ContainmentPolicy(_Model):
    block_client_minutes: int = Field(default=30, ge=0, le=10080)
    lock_account: bool = True
    end_sessions: bool = True


class IncidentPolicy(_Model):
    open_at_severity: Severity = "medium"
    containment: ContainmentPolicy = ContainmentPolicy()
    phi_access_per_hour_threshold: int = Field(default=200, ge=1, le=1_000_000)
    brute_force_failures: int = Field(default=10, ge=2, le=10_000)
    brute_force_window_minutes: int = Field(default=15, ge=1, le=1440)
    stuffing_usernames: int = Field(default=10, ge=2, le=10_000)
    token_misuse_count: int = Field(default=10, ge=2, le=10_000)
    block_at_severity: Severity = "high"
    # Payload detections block the client only when they repeat, so one odd URL does not lock anyone out.
    block_after_detections: int = Field(default=3, ge=1, le=1000)


class NetworkPolicy(_Model):
    """Host names the server answers to and how plain HTTP is treated."""

    allowed_hosts: list[str] = Field(default_factory=lambda: ["127.0.0.1", "localhost", "[::1]"])
    refuse_plain_http_in_production: bool = True
    max_header_bytes: int = Field(default=16384, ge=1024, le=1_048_576)
    max_header_count: int = Field(default=100, ge=10, le=1000)
    max_json_body_bytes: int = Field(default=1_048_576, ge=1024, le=104_857_600)
    # URL-encoding grows text about 1.5x; a custom rubric posted from the web page is about 80 KB.
    max_form_body_bytes: int = Field(default=1_048_576, ge=1024, le=10_485_760)
    max_part_header_bytes: int = Field(default=4096, ge=256, le=65536)
    # A body that trickles in slower than this is cut off (slow-body attacks); headers need a proxy timeout.
    body_timeout_seconds: float = Field(default=60.0, gt=0, le=3600)


class UploadLimits(_Model):
    model_config = ConfigDict(extra="ignore", frozen=True)

    max_request_bytes: int = Field(default=53477376, ge=1024)
    max_form_fields: int = Field(default=10, ge=1, le=1000)
    max_form_files: int = Field(default=1, ge=0, le=100)
    max_field_bytes: int = Field(default=65536, ge=64)


SECTION_MODELS: dict[str, type[BaseModel]] = {
    "rate_limits": RateLimitPolicy,
    "cors": CorsPolicy,
    "headers": HeaderPolicy,
    "incidents": IncidentPolicy,
    "network": NetworkPolicy,
    "uploads": UploadLimits,
}


@dataclass(frozen=True)
class SecurityConfig:
    """Everything the defence layers and the monitoring read from settings."""

    rate_limits: RateLimitPolicy
    cors: CorsPolicy
    headers: HeaderPolicy
    incidents: IncidentPolicy
    network: NetworkPolicy
    uploads: UploadLimits
    secret_key: bytes
    token_key: bytes
    production: bool
    enable_rate_limiting: bool = True
    enable_csrf_protection: bool = True
    enable_security_headers: bool = True
    enable_threat_detection: bool = True
    rate_limit_storage_url: str | None = None
    rate_limit_key_prefix: str = "ea"


def setting(settings: Any, name: str, default: Any = None) -> Any:
    """Read one setting by its field name, trying the lower- and the upper-case spelling."""
    for candidate in (name.lower(), name.upper()):
        if hasattr(settings, candidate):
            return getattr(settings, candidate)
    return default


def _token_key(settings: Any, secret: bytes) -> bytes:
    """Return the key access tokens are signed with: the core's derived JWT key when available."""
    try:
        from electroanalyzer.core.keys import derive_key
    except ImportError:
        return secret
    try:
        return derive_key(settings, "jwt")
    except (AttributeError, TypeError, ValueError):
        return secret


def _as_mapping(value: Any) -> Mapping[str, Any] | None:
    if value is None:
        return None
    if isinstance(value, Mapping):
        return value
    if hasattr(value, "model_dump"):
        dumped: Mapping[str, Any] = value.model_dump()
        return dumped
    return None


def _secret(value: Any) -> bytes:
    if value is None:
        return b""
    if hasattr(value, "get_secret_value"):
        value = value.get_secret_value()
    return value.encode() if isinstance(value, str) else bytes(value)


def validate_section(name: str, raw: Mapping[str, Any] | None) -> BaseModel:
    """Validate one policy section, raising SecurityConfigError with the exact key and fix."""
    model = SECTION_MODELS[name]
    try:
        return model.model_validate(dict(raw or {}))
    except ValidationError as error:
        first = error.errors()[0]
        key = ".".join([name, *(str(part) for part in first["loc"])])
        problem = first["msg"]
        fix = "correct the value or delete the key to use the safe default"
        if first["type"] == "extra_forbidden":
            fix = "remove the unknown key or correct its spelling"
        raise SecurityConfigError(POLICY_FILE, key, problem, fix) from None


def security_config(settings: Any) -> SecurityConfig:
    """Build and validate the security configuration from the application settings."""
    policies = setting(settings, "policies")
    sections: dict[str, Any] = {}
    for name in SECTION_MODELS:
        raw = _as_mapping(getattr(policies, name, None) if policies is not None else None)
        if raw is None and isinstance(policies, Mapping):
            raw = _as_mapping(policies.get(name))
        sections[name] = validate_section(name, raw) if name != "headers" or raw else None
    if sections["headers"] is None:
        sections["headers"] = validate_section("headers", {"content_security_policy": DEFAULT_CSP})

    environment = str(
        setting(settings, "EA_ENVIRONMENT", None) or setting(settings, "environment", "development")
    )
    secret = _secret(setting(settings, "SECRET_KEY"))
    if len(secret) < 32:
        raise SecurityConfigError(
            "environment",
            "SECRET_KEY",
            "it is shorter than 32 characters",
            "set SECRET_KEY to a random value of at least 32 characters",
        )
    storage_url = setting(settings, "RATE_LIMIT_STORAGE_URL")
    token_key = _token_key(settings, secret)
    trusted_hosts = setting(settings, "trusted_hosts")
    if trusted_hosts:
        # The core settings' trusted_hosts (config.yaml) names the hosts; the policy section keeps the rest.
        sections["network"] = sections["network"].model_copy(update={"allowed_hosts": list(trusted_hosts)})
    return SecurityConfig(
        rate_limits=sections["rate_limits"],
        cors=sections["cors"],
        headers=sections["headers"],
        incidents=sections["incidents"],
        network=sections["network"],
        uploads=sections["uploads"],
        secret_key=secret,
        token_key=token_key,
        production=environment.lower() == "production",
        enable_rate_limiting=bool(setting(settings, "ENABLE_RATE_LIMITING", True)),
        enable_csrf_protection=bool(setting(settings, "ENABLE_CSRF_PROTECTION", True)),
        enable_security_headers=bool(setting(settings, "ENABLE_SECURITY_HEADERS", True)),
        enable_threat_detection=bool(setting(settings, "ENABLE_THREAT_DETECTION", True)),
        rate_limit_storage_url=str(storage_url) if storage_url else None,
        rate_limit_key_prefix=sections["rate_limits"].key_prefix,
    )


DEFAULT_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)
