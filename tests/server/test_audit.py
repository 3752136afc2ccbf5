"""Test the HMAC-chained audit trail.

Verification passes on an intact chain and detects edited, removed, reordered and truncated entries.
Export writes JSON lines, and entries contain ids only."""

import json
from pathlib import Path

from sqlalchemy import text

from electroanalyzer.audit import service as audit
from server.support import Api, cli_environment, run_cli


def fill(api: Api, count: int = 6) -> None:
    for index in range(count):
        audit.record(
            api.ctx, "test:event", actor_id=index, target_type="thing", target_id=index, details={"n": index}
        )


def test_chain_verifies_then_detects_an_edited_row(api_on: Api) -> None:
    fill(api_on)
    assert audit.verify_chain(api_on.ctx).ok
    with api_on.ctx.engine.begin() as connection:
        connection.execute(text("UPDATE audit_log SET actor_id = 99 WHERE id = 3"))
    report = audit.verify_chain(api_on.ctx)
    assert not report.ok
    assert report.first_bad_id == 3
    assert "edited" in (report.problem or "")


def test_detects_a_removed_row(api_on: Api) -> None:
    fill(api_on)
    with api_on.ctx.engine.begin() as connection:
        connection.execute(text("DELETE FROM audit_log WHERE id = 4"))
    report = audit.verify_chain(api_on.ctx)
    assert not report.ok
    assert report.first_bad_id == 4


def test_detects_reordered_rows(api_on: Api) -> None:
    fill(api_on)
    with api_on.ctx.engine.begin() as connection:
        connection.execute(text("UPDATE audit_log SET id = 100 WHERE id = 2"))
        connection.execute(text("UPDATE audit_log SET id = 2 WHERE id = 3"))
        connection.execute(text("UPDATE audit_log SET id = 3 WHERE id = 100"))
    report = audit.verify_chain(api_on.ctx)
    assert not report.ok
    assert report.first_bad_id == 2


def test_detects_removed_newest_entries(api_on: Api) -> None:
    fill(api_on)
    with api_on.ctx.engine.begin() as connection:
        connection.execute(text("DELETE FROM audit_log WHERE id >= 5"))
    report = audit.verify_chain(api_on.ctx)
    assert not report.ok
    assert report.first_bad_id == 5


def test_detects_a_recomputed_mac_without_the_key(api_on: Api) -> None:
    import hashlib

    fill(api_on)
    with api_on.ctx.engine.begin() as connection:
        connection.execute(
            text("UPDATE audit_log SET outcome = 'denied', mac = :mac WHERE id = 2"),
            {"mac": hashlib.sha256(b"forged").hexdigest()},
        )
    assert audit.verify_chain(api_on.ctx).first_bad_id == 2


def test_concurrent_appends_keep_the_chain(api_on: Api) -> None:
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(lambda n: audit.record(api_on.ctx, "test:parallel", actor_id=n), range(40)))
    report = audit.verify_chain(api_on.ctx)
    assert report.ok
    assert report.checked == 40


def test_login_logout_and_failures_are_audited_without_secrets(api_on: Api) -> None:
    api_on.create_user("audited")
    token = api_on.token("audited")
    api_on.post("/api/v2/auth/token", json={"username": "audited", "password": "Nope!Nope!Nope1"})
    api_on.post("/api/v2/auth/logout", token=token)
    exported = list(audit.export_entries(api_on.ctx, None, None))
    actions = [(entry["action"], entry["outcome"]) for entry in exported]
    assert ("auth:login", "success") in actions
    assert ("auth:login", "failure") in actions
    assert ("auth:logout", "success") in actions
    assert ("user:create", "success") in actions
    dumped = json.dumps(exported)
    assert "Nope!Nope!Nope1" not in dumped
    assert token not in dumped
    assert "audited" not in dumped


def test_cli_verify_passes_then_names_the_edited_entry(api: Api, tmp_path: Path) -> None:
    api_on = api
    fill(api_on)
    env = cli_environment(api_on.ctx.settings)
    ok = run_cli(["audit", "verify"], env, tmp_path)
    assert ok.returncode == 0, ok.stderr
    assert "6 entries verified" in ok.stdout
    with api_on.ctx.engine.begin() as connection:
        connection.execute(text("UPDATE audit_log SET details = '{\"n\": 42}' WHERE id = 5"))
    broken = run_cli(["audit", "verify"], env, tmp_path)
    assert broken.returncode == 1
    assert "entry 5" in broken.stderr


def test_cli_export_writes_json_lines_for_a_date_range(api: Api, tmp_path: Path) -> None:
    api_on = api
    fill(api_on, 3)
    env = cli_environment(api_on.ctx.settings)
    output = tmp_path / "audit.jsonl"
    done = run_cli(["audit", "export", "--since", "2000-01-01", "--output", str(output)], env, tmp_path)
    assert done.returncode == 0, done.stderr
    lines = [json.loads(line) for line in output.read_text().splitlines()]
    assert [line["id"] for line in lines] == [1, 2, 3]
    assert all(line["mac"] for line in lines)
    none = run_cli(["audit", "export", "--until", "2000-01-01"], env, tmp_path)
    assert none.stdout == ""
    assert "Exported 0" in none.stderr
    bad = run_cli(["audit", "export", "--since", "yesterday"], env, tmp_path)
    assert bad.returncode == 2
    assert "--since" in bad.stderr
