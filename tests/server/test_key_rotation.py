"""`keys rotate`: killed midway, every record still decrypts; a rerun finishes and retires the old keys."""

import json
import os
import signal
import subprocess
import time
from pathlib import Path

from sqlalchemy import select

from electroanalyzer.audit import service as audit
from electroanalyzer.core.context import build_context
from electroanalyzer.core.key_rotation_models import KeyRotation
from electroanalyzer.core.settings import load_settings
from electroanalyzer.documents.models import Document
from electroanalyzer.users.models import User
from server.support import Api, cli_environment, run_cli

DOCUMENTS = 60


def seed(api: Api) -> list[tuple[str, bytes]]:
    """Store documents (encrypted name and file) straight through the services' storage."""
    owner = api.create_user("rotator")
    stored: list[tuple[str, bytes]] = []
    with api.ctx.session_factory() as db, db.begin():
        user = db.get(User, owner)
        assert user is not None
        user.mfa_secret = "JBSWY3DPEHPK3PXP"
        for index in range(DOCUMENTS):
            document_id = f"00000000-0000-0000-0000-{index:012d}"
            content = f"note {index} for rotation".encode()
            name = api.ctx.vault.new_name()
            api.ctx.vault.store(name, document_id, content)
            db.add(
                Document(
                    id=document_id,
                    owner_id=owner,
                    file_name=f"n{index}.txt",
                    format="txt",
                    byte_size=len(content),
                    vault_name=name,
                )
            )
            stored.append((document_id, content))
    return stored


def env_values(path: Path) -> dict[str, str]:
    return dict(line.split("=", 1) for line in path.read_text().splitlines() if "=" in line)


def check_everything_decrypts(api: Api, env_file: Path, stored: list[tuple[str, bytes]]) -> None:
    values = env_values(env_file)
    settings = load_settings(
        **{key: values[key] for key in ("SECRET_KEY", "FILE_ENCRYPTION_KEY", "DATABASE_ENCRYPTION_KEY")},
        data_dir=api.ctx.settings.data_dir,
        config_dir=api.ctx.settings.config_dir,
        database_url=api.ctx.settings.database_url,
    )
    ctx = build_context(settings)
    with ctx.session_factory() as db:
        documents = {doc.id: doc for doc in db.scalars(select(Document))}
        assert db.scalar(select(User.mfa_secret).where(User.username == "rotator")) == "JBSWY3DPEHPK3PXP"
    for document_id, content in stored:
        document = documents[document_id]
        assert document.file_name.startswith("n")
        assert document.vault_name is not None
        assert ctx.vault.load(document.vault_name, document_id) == content
    ctx.engine.dispose()


def test_rotation_killed_midway_loses_nothing_and_resumes(api_on: Api, tmp_path: Path) -> None:
    stored = seed(api_on)
    settings = api_on.ctx.settings
    env_file = tmp_path / ".env"
    env_file.write_text(
        "".join(
            f"{key}={settings.secret(key)}\n"
            for key in ("SECRET_KEY", "FILE_ENCRYPTION_KEY", "DATABASE_ENCRYPTION_KEY")
        )
    )
    env_file.chmod(0o600)
    env = cli_environment(settings)
    for key in ("SECRET_KEY", "FILE_ENCRYPTION_KEY", "DATABASE_ENCRYPTION_KEY"):
        env.pop(key)
    executable = Path(os.environ.get("VIRTUAL_ENV", "")) / "bin" / "electroanalyzer"
    if not executable.exists():
        import sys

        executable = Path(sys.executable).parent / "electroanalyzer"
    process = subprocess.Popen(
        [
            str(executable),
            "keys",
            "rotate",
            "--env-file",
            str(env_file),
            "--batch-size",
            "2",
            "--batch-pause",
            "0.05",
        ],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with api_on.ctx.session_factory() as db:
            rotation = db.scalars(select(KeyRotation)).first()
        if rotation is not None and "files" in (rotation.progress or {}):
            break
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL
    assert "," in env_values(env_file)["FILE_ENCRYPTION_KEY"], "old keys stay until the rotation ends"
    check_everything_decrypts(api_on, env_file, stored)

    rerun = run_cli(["keys", "rotate", "--env-file", str(env_file)], env, tmp_path)
    assert rerun.returncode == 0, rerun.stderr
    summary = json.loads(rerun.stdout.strip().splitlines()[-1])
    assert summary["resumed"] is True
    values = env_values(env_file)
    assert "," not in values["FILE_ENCRYPTION_KEY"] and "," not in values["DATABASE_ENCRYPTION_KEY"]
    assert oct(env_file.stat().st_mode & 0o777) == "0o600"
    check_everything_decrypts(api_on, env_file, stored)
    actions = [entry["action"] for entry in audit.export_entries(api_on.ctx, None, None)]
    assert actions.count("key:rotate") == 2


def test_rotation_refuses_keys_from_the_process_environment(api: Api, tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text("")
    result = run_cli(
        ["keys", "rotate", "--env-file", str(env_file)], cli_environment(api.ctx.settings), tmp_path
    )
    assert result.returncode == 2
    assert "process environment" in result.stderr
