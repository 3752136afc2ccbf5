"""One validated settings object for the server, built from init values, the environment, `.env` and
`config/config.yaml` (in that order of precedence), with the security policy file attached.

Secrets are `SecretStr`. `load_settings` checks the keys: in production (`EA_ENVIRONMENT=production`)
it rejects missing, short, placeholder or reused keys; in development it rejects missing or malformed
keys and warns about the rest.
"""

import base64
import binascii
import logging
import os
import secrets
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import AliasChoices, Field, SecretStr, ValidationError, model_validator
from pydantic.fields import FieldInfo
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from electroanalyzer.core.policies import SecurityPolicies, load_policies

logger = logging.getLogger(__name__)

KEY_VARIABLES = ("SECRET_KEY", "FILE_ENCRYPTION_KEY", "DATABASE_ENCRYPTION_KEY")
MIN_SECRET_KEY_LENGTH = 32
# Fragments of published example keys and of the usual "fill me in" values. They are listed one per
# line in a data file beside this module, and production start-up rejects a key containing any of them.
PLACEHOLDER_FRAGMENTS = tuple(
    line.strip()
    for line in (Path(__file__).with_name("placeholder_key_fragments.txt"))
    .read_text(encoding="utf-8")
    .splitlines()
    if line.strip() and not line.startswith("#")
)


class SettingsError(ValueError):
    """A setting is missing or invalid; the message names the variable and the fix."""


class ConfigYamlSource(PydanticBaseSettingsSource):
    """Values from `<config dir>/config.yaml`; unknown keys are an error, not silently ignored."""

    def __init__(self, settings_cls: type[BaseSettings], config_dir: Path) -> None:
        super().__init__(settings_cls)
        self.path = config_dir / "config.yaml"

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        return None, field_name, False  # unused: __call__ returns the whole mapping

    def __call__(self) -> dict[str, Any]:
        if not self.path.is_file():
            return {}
        try:
            raw = yaml.safe_load(self.path.read_text(encoding="utf-8")) or {}
        except yaml.YAMLError as error:
            raise SettingsError(
                f"{self.path}: not valid YAML ({error}); fix the syntax and restart"
            ) from None
        if not isinstance(raw, dict):
            raise SettingsError(f"{self.path}: the top level must be a mapping of setting names to values")
        allowed = set(YAML_SETTINGS)
        unknown = sorted(str(key) for key in raw if key not in allowed)
        if unknown:
            raise SettingsError(
                f"{self.path}: unknown settings {', '.join(unknown)}; allowed: {', '.join(sorted(allowed))}"
            )
        return dict(raw)


# Settings that config.yaml may set; secrets and the environment switch come only from the environment.
YAML_SETTINGS = (
    "host",
    "port",
    "log_level",
    "data_dir",
    "database_url",
    "job_backend",
    "job_workers",
    "job_queue",
    "redis_url",
    "rate_limit_storage_url",
    "retention_purge_interval_minutes",
    "sse_poll_seconds",
    "api_docs_enabled",
    "enable_rate_limiting",
    "enable_csrf_protection",
    "enable_security_headers",
    "enable_threat_detection",
    "trusted_hosts",
)


class Settings(BaseSettings):
    """Server settings; environment variable names are those of the security guide."""

    model_config = SettingsConfigDict(
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        populate_by_name=True,
        frozen=True,
    )

    secret_key: SecretStr | None = Field(default=None)
    file_encryption_key: SecretStr | None = Field(default=None)
    database_encryption_key: SecretStr | None = Field(default=None)
    # Optional dedicated key for the audit chain MAC; derived from SECRET_KEY when absent.
    audit_hmac_key: SecretStr | None = Field(default=None)

    session_timeout_minutes: int | None = Field(
        default=None,
        ge=1,
        le=1440,
    )
    max_concurrent_sessions: int | None = Field(
        default=None,
        ge=1,
        le=100,
    )
    max_inactive_minutes: int | None = Field(
        default=None,
        ge=1,
        le=1440,
    )
    enable_rate_limiting: bool = Field(default=True)
    enable_csrf_protection: bool = Field(default=True)
    enable_security_headers: bool = Field(default=True)
    enable_threat_detection: bool = Field(default=True)

    database_url: str | None = Field(default=None)
    rate_limit_storage_url: str = Field(default="memory://")
    redis_url: str = Field(default="redis://127.0.0.1:6379/0")
    environment: Literal["development", "production"] = Field(
        default="development", validation_alias=AliasChoices("EA_ENVIRONMENT", "environment")
    )
    data_dir: Path = Field(default=Path("var"), validation_alias=AliasChoices("EA_DATA_DIR", "data_dir"))
    config_dir: Path = Field(
        default=Path("config"), validation_alias=AliasChoices("EA_CONFIG_DIR", "config_dir")
    )

    host: str = Field(default="127.0.0.1", validation_alias=AliasChoices("EA_HOST", "host"))
    port: int = Field(default=8001, ge=1, le=65535, validation_alias=AliasChoices("EA_PORT", "port"))
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field(
        default="INFO", validation_alias=AliasChoices("EA_LOG_LEVEL", "log_level")
    )
    job_backend: Literal["memory", "redis"] = Field(
        default="memory", validation_alias=AliasChoices("EA_JOB_BACKEND", "job_backend")
    )
    job_queue: str = Field(
        default="electroanalyzer:analysis-jobs",
        min_length=1,
        max_length=128,
        validation_alias=AliasChoices("EA_JOB_QUEUE", "job_queue"),
    )
    job_workers: int = Field(
        default=2, ge=1, le=64, validation_alias=AliasChoices("EA_JOB_WORKERS", "job_workers")
    )
    retention_purge_interval_minutes: int = Field(
        default=60,
        ge=0,
        le=7 * 24 * 60,
        validation_alias=AliasChoices(
            "EA_RETENTION_PURGE_INTERVAL_MINUTES", "retention_purge_interval_minutes"
        ),
    )
    sse_poll_seconds: float = Field(default=0.5, gt=0, le=60)
    api_docs_enabled: bool = Field(
        default=True, validation_alias=AliasChoices("EA_API_DOCS", "api_docs_enabled")
    )
    trusted_hosts: list[str] = ["127.0.0.1", "localhost", "testserver"]

    policies: SecurityPolicies = SecurityPolicies()

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        init_values = getattr(init_settings, "init_kwargs", {})
        # pydantic-settings keys init values by the field's first alias, EA_CONFIG_DIR.
        config_dir = Path(
            init_values.get("EA_CONFIG_DIR")
            or init_values.get("config_dir")
            or os.environ.get("EA_CONFIG_DIR")
            or cls.model_fields["config_dir"].default
        )
        return (init_settings, env_settings, dotenv_settings, ConfigYamlSource(settings_cls, config_dir))

    @model_validator(mode="before")
    @classmethod
    def _load_policy_file(cls, values: Any) -> Any:
        if not isinstance(values, dict) or values.get("policies") is not None:
            return values
        config_dir = Path(
            values.get("config_dir") or values.get("EA_CONFIG_DIR") or cls.model_fields["config_dir"].default
        )
        return {**values, "policies": load_policies(config_dir / "security_policies.yaml")}

    @model_validator(mode="after")
    def _apply_overrides_and_check_keys(self) -> "Settings":
        session = self.policies.session
        overrides = {
            "access_token_minutes": self.session_timeout_minutes,
            "max_concurrent": self.max_concurrent_sessions,
            "max_inactive_minutes": self.max_inactive_minutes,
        }
        changed = {key: value for key, value in overrides.items() if value is not None}
        if changed:
            new_session = session.model_copy(update=changed)
            object.__setattr__(self, "policies", self.policies.model_copy(update={"session": new_session}))
        return self

    @property
    def is_production(self) -> bool:
        return self.environment == "production"

    @property
    def vault_dir(self) -> Path:
        return self.data_dir / "vault"

    @property
    def sqlalchemy_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'electroanalyzer.db').resolve()}"

    def secret(self, variable: str) -> str:
        """Return the value of one key variable (checked at start-up, so present here)."""
        value = getattr(self, variable.lower())
        if value is None:
            raise SettingsError(f"{variable} is not set; run `electroanalyzer keys generate` and restart")
        return str(value.get_secret_value())

    def key_list(self, variable: str) -> list[str]:
        """Return a key ring variable as its comma-separated keys, newest first."""
        return [part.strip() for part in self.secret(variable).split(",") if part.strip()]


def _is_placeholder(value: str) -> bool:
    lowered = value.lower()
    return any(fragment in lowered for fragment in PLACEHOLDER_FRAGMENTS) or len(set(value)) < 10


def _fernet_key_problem(key: str) -> str | None:
    try:
        raw = base64.urlsafe_b64decode(key.encode("ascii"))
    except (binascii.Error, ValueError, UnicodeEncodeError):
        return "is not URL-safe base64"
    if len(raw) != 32:
        return f"decodes to {len(raw)} bytes instead of 32"
    return None


def check_keys(settings: Settings) -> None:
    """Reject missing or malformed keys always, and short, placeholder or reused keys in production."""
    fix = "run `electroanalyzer keys generate` (writes .env, mode 0600) or set it in the environment"
    values: dict[str, str] = {}
    for variable in KEY_VARIABLES:
        secret = getattr(settings, variable.lower())
        if secret is None or not secret.get_secret_value().strip():
            raise SettingsError(f"{variable} is missing; {fix}")
        values[variable] = secret.get_secret_value()

    warnings: list[str] = []
    secret_key = values["SECRET_KEY"]
    if len(secret_key) < MIN_SECRET_KEY_LENGTH:
        warnings.append(f"SECRET_KEY is shorter than {MIN_SECRET_KEY_LENGTH} characters; {fix}")
    for variable, value in values.items():
        if _is_placeholder(value):
            warnings.append(f"{variable} looks like a placeholder value; {fix}")
    for variable in ("FILE_ENCRYPTION_KEY", "DATABASE_ENCRYPTION_KEY"):
        for key in settings.key_list(variable):
            problem = _fernet_key_problem(key)
            if problem:
                raise SettingsError(
                    f"{variable} {problem}; it must be a Fernet key (32 bytes, base64); {fix}"
                )
    all_keys = [
        secret_key,
        *settings.key_list("FILE_ENCRYPTION_KEY"),
        *settings.key_list("DATABASE_ENCRYPTION_KEY"),
    ]
    if len(set(all_keys)) != len(all_keys):
        warnings.append(f"SECRET_KEY, FILE_ENCRYPTION_KEY and DATABASE_ENCRYPTION_KEY reuse a key; {fix}")

    if warnings and settings.is_production:
        raise SettingsError("; ".join(warnings))
    for warning in warnings:
        logger.warning("insecure_key_setting", extra={"problem": warning.split(";")[0]})


def generate_key_values() -> dict[str, str]:
    """Return fresh values for the three key variables."""
    return {
        "SECRET_KEY": secrets.token_urlsafe(48),
        "FILE_ENCRYPTION_KEY": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode("ascii"),
        "DATABASE_ENCRYPTION_KEY": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode("ascii"),
    }


def load_settings(**overrides: Any) -> Settings:
    """Build and check settings; `overrides` use field names (`data_dir=...`) or variable names
    (`SECRET_KEY=...`). Raises SettingsError naming each bad setting, without echoing any value."""
    fields = Settings.model_fields
    normalized = {key.lower() if key.lower() in fields else key: value for key, value in overrides.items()}
    try:
        settings = Settings(**normalized)
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in item['loc']) or 'settings'}: {item['msg']}"
            for item in error.errors()
        )
        raise SettingsError(
            f"invalid settings ({problems}); correct them in the environment, .env or config.yaml"
        ) from None
    check_keys(settings)
    return settings


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Return the process-wide settings, built once from the environment."""
    return load_settings()
