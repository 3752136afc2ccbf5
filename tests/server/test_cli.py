"""Test the server commands as a user runs them.

The commands are keys generate, db upgrade, users create, retention purge and the production key
checks. serve --prepare runs on a fresh folder and receives real HTTP on a free loopback port."""

import os
import signal
import subprocess
import time
from pathlib import Path

import httpx
import pytest

from server.support import free_port, run_cli


def clean_environment(folder: Path, **extra: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("EA_", "DATABASE_"))
        and key not in ("SECRET_KEY", "FILE_ENCRYPTION_KEY", "DATABASE_ENCRYPTION_KEY")
    }
    config = folder / "config"
    config.mkdir(exist_ok=True)
    (config / "security_policies.yaml").write_text(
        "password:\n  bcrypt_rounds: 4\nmfa:\n  required_for_roles: []\n"
    )
    env.update(
        EA_CONFIG_DIR=str(config), EA_DATA_DIR=str(folder / "var"), ENABLE_RATE_LIMITING="false", **extra
    )
    return env


def test_keys_generate_writes_owner_only_env_and_keeps_existing_keys(tmp_path: Path) -> None:
    env = clean_environment(tmp_path)
    first = run_cli(["keys", "generate"], env, tmp_path)
    assert first.returncode == 0, first.stderr
    env_file = tmp_path / ".env"
    assert oct(env_file.stat().st_mode & 0o777) == "0o600"
    content = env_file.read_text()
    assert all(
        name in content for name in ("SECRET_KEY=", "FILE_ENCRYPTION_KEY=", "DATABASE_ENCRYPTION_KEY=")
    )
    again = run_cli(["keys", "generate"], env, tmp_path)
    assert again.returncode == 0
    assert env_file.read_text() == content


def test_users_create_with_generated_and_typed_passwords(tmp_path: Path) -> None:
    env = clean_environment(tmp_path)
    run_cli(["keys", "generate"], env, tmp_path)
    assert run_cli(["db", "upgrade"], env, tmp_path).returncode == 0
    generated = run_cli(["users", "create", "firstadmin", "--role", "admin", "--generate"], env, tmp_path)
    assert generated.returncode == 0, generated.stderr
    password = generated.stdout.split("shown once, store it safely): ")[1].split()[0]
    assert len(password) >= 20
    typed = run_cli(
        ["users", "create", "therapist1"], env, tmp_path, stdin="Copper#Willow58Drift\nCopper#Willow58Drift\n"
    )
    assert typed.returncode == 0, typed.stderr + typed.stdout
    weak = run_cli(["users", "create", "weakone"], env, tmp_path, stdin="password123\npassword123\n")
    assert weak.returncode == 2
    assert "password" in weak.stderr
    duplicate = run_cli(["users", "create", "firstadmin", "--generate"], env, tmp_path)
    assert duplicate.returncode == 2
    purge = run_cli(["retention", "purge"], env, tmp_path)
    assert purge.returncode == 0
    assert "Purged 0 original(s)." in purge.stdout


def test_serve_prepare_on_a_fresh_folder_serves_the_api(tmp_path: Path) -> None:
    env = clean_environment(tmp_path)
    port = free_port()
    process = subprocess.Popen(
        [str(Path(os.sys.executable).parent / "electroanalyzer"), "serve", "--prepare", "--port", str(port)],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/api/v2/health/ready", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        else:
            raise AssertionError("server did not start")
        created = run_cli(["users", "create", "live", "--generate"], env, tmp_path)
        password = created.stdout.split("safely): ")[1].split()[0]
        token = httpx.post(
            f"http://127.0.0.1:{port}/api/v2/auth/token",
            json={"username": "live", "password": password},
            timeout=10,
        ).json()["access_token"]
        me = httpx.get(
            f"http://127.0.0.1:{port}/api/v2/auth/me", headers={"Authorization": f"Bearer {token}"}
        )
        assert me.status_code == 200
        assert me.json()["username"] == "live"
        assert httpx.get(f"http://127.0.0.1:{port}/api/v2/docs").status_code == 200
    finally:
        process.send_signal(signal.SIGINT)
        stdout, stderr = process.communicate(timeout=30)
    assert "API docs: http://127.0.0.1:" in stdout
    assert "users create" in stdout
    assert oct((tmp_path / ".env").stat().st_mode & 0o777) == "0o600"
    for line in stderr.splitlines():
        if line.startswith("{"):
            assert password not in line
            assert token not in line


@pytest.mark.parametrize(
    ("variable", "value", "expected"),
    [
        ("SECRET_KEY", "", "SECRET_KEY is missing"),
        ("SECRET_KEY", "short-key-1234", "SECRET_KEY is shorter than 32"),
        ("SECRET_KEY", "your-super-secret-jwt-key-minimum-32-chars", "SECRET_KEY looks like a placeholder"),
        ("SECRET_KEY", "changeme-changeme-changeme-changeme-42", "placeholder"),
        ("FILE_ENCRYPTION_KEY", "your-base64-encoded-fernet-key", "FILE_ENCRYPTION_KEY"),
        ("DATABASE_ENCRYPTION_KEY", "@@@", "DATABASE_ENCRYPTION_KEY decodes to 0 bytes"),
        ("DATABASE_ENCRYPTION_KEY", "abc", "DATABASE_ENCRYPTION_KEY is not URL-safe base64"),
        ("DATABASE_ENCRYPTION_KEY", "FILE", "reuse a key"),
    ],
)
def test_production_refuses_bad_keys_naming_the_variable(
    tmp_path: Path, variable: str, value: str, expected: str
) -> None:
    from electroanalyzer.core.settings import SettingsError, generate_key_values, load_settings

    keys = generate_key_values()
    keys[variable] = keys["FILE_ENCRYPTION_KEY"] if value == "FILE" else value
    with pytest.raises(SettingsError) as raised:
        load_settings(**keys, environment="production", data_dir=tmp_path, config_dir=tmp_path)
    assert expected in str(raised.value)
    assert "keys generate" in str(raised.value)
    for key_value in keys.values():
        if len(key_value) >= 32:
            assert key_value not in str(raised.value)


def test_production_start_up_stops_with_the_message(tmp_path: Path) -> None:
    env = clean_environment(tmp_path, EA_ENVIRONMENT="production")
    run_cli(["keys", "generate"], env, tmp_path)
    env["SECRET_KEY"] = "your-super-secret-jwt-key-minimum-32-chars"
    result = run_cli(["db", "upgrade"], env, tmp_path)
    assert result.returncode == 2
    assert "SECRET_KEY looks like a placeholder" in result.stderr
    assert "keys generate" in result.stderr


def test_development_warns_but_still_requires_keys(tmp_path: Path) -> None:
    from electroanalyzer.core.settings import SettingsError, generate_key_values, load_settings

    keys = generate_key_values()
    keys["SECRET_KEY"] = "short-but-allowed-in-development"[:20]
    assert load_settings(**keys, data_dir=tmp_path, config_dir=tmp_path).environment == "development"
    keys.pop("FILE_ENCRYPTION_KEY")
    with pytest.raises(SettingsError, match="FILE_ENCRYPTION_KEY is missing"):
        load_settings(**keys, data_dir=tmp_path, config_dir=tmp_path, FILE_ENCRYPTION_KEY="")


def test_users_create_admin_points_to_web_mfa_set_up(tmp_path: Path) -> None:
    env = clean_environment(tmp_path, EA_PORT="8123")
    (tmp_path / "config" / "security_policies.yaml").write_text(
        "password:\n  bcrypt_rounds: 4\nmfa:\n  required_for_roles: [admin]\n"
    )
    run_cli(["keys", "generate"], env, tmp_path)
    assert run_cli(["db", "upgrade"], env, tmp_path).returncode == 0
    created = run_cli(["users", "create", "mfaadmin", "--role", "admin", "--generate"], env, tmp_path)
    assert created.returncode == 0, created.stderr
    assert "sign in at the web pages (http://127.0.0.1:8123/)" in created.stdout
    web_position = created.stdout.index("web pages")
    api_position = created.stdout.index("POST /api/v2/auth/mfa/enroll")
    assert web_position < api_position
