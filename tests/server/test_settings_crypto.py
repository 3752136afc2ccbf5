"""Test settings loaded from the environment and files, and the policy models.

Also test the password rules and the crypto primitives, which are the vault and the key ring."""

import os
from pathlib import Path

import pytest

from electroanalyzer.core.crypto import DecryptionError, FieldKeyRing, FileVault
from electroanalyzer.core.policies import PasswordPolicy, PolicyFileError, load_policies
from electroanalyzer.core.settings import SettingsError, generate_key_values, load_settings
from electroanalyzer.users.passwords import hash_password, password_problems, verify_password

SECURITY_GUIDE_VARIABLES = {
    "SESSION_TIMEOUT_MINUTES": ("10", lambda s: s.policies.session.access_token_minutes == 10),
    "MAX_CONCURRENT_SESSIONS": ("2", lambda s: s.policies.session.max_concurrent == 2),
    "MAX_INACTIVE_MINUTES": ("5", lambda s: s.policies.session.max_inactive_minutes == 5),
    "ENABLE_RATE_LIMITING": ("false", lambda s: s.enable_rate_limiting is False),
    "ENABLE_CSRF_PROTECTION": ("false", lambda s: s.enable_csrf_protection is False),
    "ENABLE_SECURITY_HEADERS": ("false", lambda s: s.enable_security_headers is False),
    "ENABLE_THREAT_DETECTION": ("false", lambda s: s.enable_threat_detection is False),
    "EA_ENVIRONMENT": ("production", lambda s: s.is_production),
    "DATABASE_URL": (
        "postgresql+psycopg://x@127.0.0.1/db",
        lambda s: s.sqlalchemy_url.startswith("postgresql"),
    ),
    "RATE_LIMIT_STORAGE_URL": ("redis://127.0.0.1:6379/3", lambda s: s.rate_limit_storage_url.endswith("/3")),
}


@pytest.mark.parametrize("variable", sorted(SECURITY_GUIDE_VARIABLES))
def test_security_guide_variables_work_from_the_environment(
    variable: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    value, check = SECURITY_GUIDE_VARIABLES[variable]
    for key, key_value in generate_key_values().items():
        monkeypatch.setenv(key, key_value)
    monkeypatch.setenv(variable, value)
    monkeypatch.setenv("EA_CONFIG_DIR", str(tmp_path))
    monkeypatch.chdir(tmp_path)
    assert check(load_settings())


def test_config_yaml_values_apply_and_unknown_keys_stop_start_up(tmp_path: Path) -> None:
    keys = generate_key_values()
    (tmp_path / "config.yaml").write_text("port: 9123\njob_workers: 4\n")
    settings = load_settings(**keys, config_dir=tmp_path)
    assert settings.port == 9123
    assert settings.job_workers == 4
    (tmp_path / "config.yaml").write_text("port: 9123\nsecret_key: nope\n")
    with pytest.raises(SettingsError, match="unknown settings secret_key"):
        load_settings(**keys, config_dir=tmp_path)
    (tmp_path / "config.yaml").write_text("port: [1, 2\n")
    with pytest.raises(SettingsError, match="not valid YAML"):
        load_settings(**keys, config_dir=tmp_path)


def test_invalid_policy_file_names_the_key(tmp_path: Path) -> None:
    path = tmp_path / "security_policies.yaml"
    path.write_text("password:\n  bcrypt_rounds: 2\nsession:\n  max_concurrent: 0\n")
    with pytest.raises(PolicyFileError) as raised:
        load_policies(path)
    assert "password.bcrypt_rounds" in str(raised.value)
    assert "session.max_concurrent" in str(raised.value)
    path.write_text("pasword:\n  min_length: 3\n")
    assert load_policies(path).password.bcrypt_rounds == 12  # unknown sections are kept for other areas


def test_shipped_policy_file_matches_the_model_defaults() -> None:
    shipped = Path(__file__).resolve().parents[2] / "config" / "security_policies.yaml"
    loaded = load_policies(shipped)
    defaults = load_policies(None)
    for section in ("password", "session", "lockout", "mfa", "registration", "uploads", "retention"):
        assert getattr(loaded, section) == getattr(defaults, section), section


@pytest.mark.parametrize(
    ("password", "accepted"),
    [
        ("Xk9#mQ2v!Lp7", True),
        ("Copper#Willow58Drift", True),
        ("P@ssw0rd2024!", False),
        ("Summer2024!!", False),
        ("Welcome123!A", False),
        ("Aaaa#1bcXyz9", False),
        ("Zx#12345qwPo", False),
        ("Qwerty#9Lmn2", False),
        ("short#1A", False),
        ("nouppercase#12", False),
        ("NOLOWERCASE#12", False),
        ("NoDigitsHere#x", False),
        ("NoSpecials12Ab", False),
        ("abcabcabcabcabc", False),
        ("Alice-Xk9#mQ2v", False),
        ("a very long passphrase about rivers and lanterns that anyone can remember easily", True),
        ("ü" * 70, False),
    ],
)
def test_standard_password_profile(password: str, accepted: bool) -> None:
    problems = password_problems(password, PasswordPolicy(), username="alice", email="alice@clinic.example")
    assert (problems == []) is accepted, problems


def test_nist_profile_drops_class_rules_but_keeps_the_blocklist() -> None:
    policy = PasswordPolicy(profile="nist")
    assert password_problems("correct horse staple", policy, username="bob", email=None) == []
    assert password_problems("Xk9#mQ2v!Lp7", policy, username="bob", email=None)  # too short for nist
    assert password_problems("passwordpassword", policy, username="bob", email=None)


def test_long_passphrases_are_not_truncated_at_72_bytes() -> None:
    base = "ü" * 40  # 80 bytes in UTF-8
    stored = hash_password(base + "first", 4)
    assert verify_password(base + "first", stored)
    assert not verify_password(base + "other", stored)


def test_vault_uses_fresh_nonces_and_the_file_id_as_associated_data(tmp_path: Path) -> None:
    key = generate_key_values()["FILE_ENCRYPTION_KEY"]
    vault = FileVault(tmp_path, [key])
    first, second = vault.seal("doc-1", b"same text"), vault.seal("doc-1", b"same text")
    assert first != second
    assert b"same text" not in first
    assert vault.open_sealed("doc-1", first) == b"same text"
    with pytest.raises(DecryptionError):
        vault.open_sealed("doc-2", first)
    tampered = first[:-1] + bytes([first[-1] ^ 1])
    with pytest.raises(DecryptionError):
        vault.open_sealed("doc-1", tampered)
    other = FileVault(tmp_path, [generate_key_values()["FILE_ENCRYPTION_KEY"]])
    with pytest.raises(DecryptionError, match="not in FILE_ENCRYPTION_KEY"):
        other.open_sealed("doc-1", first)
    with pytest.raises(ValueError):
        vault.path_for("../escape")


def test_vault_files_are_owner_only_and_rotation_keeps_them_readable(tmp_path: Path) -> None:
    old, new = generate_key_values()["FILE_ENCRYPTION_KEY"], generate_key_values()["FILE_ENCRYPTION_KEY"]
    vault = FileVault(tmp_path, [old])
    name = vault.new_name()
    vault.store(name, "doc", b"content")
    assert oct(os.stat(vault.path_for(name)).st_mode & 0o777) == "0o600"
    rotated = FileVault(tmp_path, [new, old])
    assert rotated.rotate_file(name, "doc") is True
    assert rotated.rotate_file(name, "doc") is False
    assert FileVault(tmp_path, [new]).load(name, "doc") == b"content"


def test_field_key_ring_rotation() -> None:
    old, new = (
        generate_key_values()["DATABASE_ENCRYPTION_KEY"],
        generate_key_values()["DATABASE_ENCRYPTION_KEY"],
    )
    token = FieldKeyRing([old]).encrypt("Jane Roe")
    ring = FieldKeyRing([new, old])
    assert ring.decrypt(token) == "Jane Roe"
    assert not ring.is_current(token)
    rotated = ring.rotate(token)
    assert ring.is_current(rotated)
    assert FieldKeyRing([new]).decrypt(rotated) == "Jane Roe"
    with pytest.raises(DecryptionError):
        FieldKeyRing([new]).decrypt(token)
