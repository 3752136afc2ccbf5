"""Start-up validation of the security configuration: the error names the file, the key and the fix."""

import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from electroanalyzer.security.config import SecurityConfigError, security_config
from electroanalyzer.security.layers import build_runtime

from .conftest import CONFIG_DIR


def config_with(tmp_path: Path, section: str, key: str, value: Any) -> Path:
    folder = tmp_path / "config"
    shutil.copytree(CONFIG_DIR, folder)
    policy_path = folder / "security_policies.yaml"
    policies = yaml.safe_load(policy_path.read_text(encoding="utf-8"))
    policies[section][key] = value
    policy_path.write_text(yaml.safe_dump(policies), encoding="utf-8")
    return folder


def test_shipped_defaults_are_valid(make_settings: Any) -> None:
    config = security_config(make_settings())
    assert config.enable_rate_limiting
    assert config.enable_csrf_protection
    assert config.enable_security_headers
    assert config.enable_threat_detection
    assert config.headers.hsts_max_age_seconds >= 31536000
    assert config.rate_limits.endpoints["/api/v2/auth/token"].burst == 5


BAD_VALUES = [
    ("headers", "hsts_max_age_seconds", 3600, "headers.hsts_max_age_seconds"),
    ("headers", "content_security_policy", "default-src *", "headers.content_security_policy"),
    (
        "headers",
        "content_security_policy",
        "script-src 'unsafe-inline'; frame-ancestors 'none'; object-src 'none'; base-uri 'none'",
        "headers.content_security_policy",
    ),
    ("cors", "allowed_origins", ["*"], "cors.allowed_origins"),
    ("cors", "allowed_origins", ["null"], "cors.allowed_origins"),
    ("rate_limits", "trusted_proxies", ["not-an-address"], "rate_limits.trusted_proxies"),
    ("incidents", "open_at_severity", "urgent", "incidents.open_at_severity"),
]


@pytest.mark.parametrize(("section", "key", "value", "named"), BAD_VALUES)
def test_invalid_value_stops_startup(
    tmp_path: Path, make_settings: Any, section: str, key: str, value: Any, named: str
) -> None:
    try:
        settings = make_settings(config_dir=config_with(tmp_path, section, key, value))
    except ValueError as error:
        # The core settings rejected it first; its message names the file and the key too.
        assert "security_policies.yaml" in str(error)
        assert key in str(error)
        return
    with pytest.raises(SecurityConfigError) as caught:
        security_config(settings)
    message = str(caught.value)
    assert "security_policies.yaml" in message
    assert named in message
    assert "Fix:" in message


def test_unknown_rate_limit_storage_scheme_rejected(make_settings: Any) -> None:
    from fastapi import FastAPI

    settings = make_settings(rate_limit_storage_url="mongodb://127.0.0.1:27017")
    with pytest.raises(SecurityConfigError, match="RATE_LIMIT_STORAGE_URL"):
        build_runtime(FastAPI(), settings)


def test_invalid_threat_pattern_file_stops_startup(tmp_path: Path, make_settings: Any) -> None:
    from fastapi import FastAPI

    folder = tmp_path / "config"
    shutil.copytree(CONFIG_DIR, folder)
    (folder / "threat_patterns.yaml").write_text("version: 2\npatterns: []\n", encoding="utf-8")
    with pytest.raises(SecurityConfigError) as caught:
        build_runtime(FastAPI(), make_settings(config_dir=folder))
    assert "threat_patterns.yaml" in str(caught.value)
    assert "version" in str(caught.value)
