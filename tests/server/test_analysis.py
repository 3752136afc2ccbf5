"""Test the analysis API end to end.

A therapist uploads an MTSamples note, follows the job, then reads, exports and deletes the result.
Other tests cover data isolation between therapists, emergency access by admins and shares with
viewers. They also check that no plaintext is stored at rest."""

import json
import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text

from electroanalyzer.audit.models import AuditEntry
from electroanalyzer.auth.permissions import Role
from server.support import Api, wait_for_analysis

ANALYZE = "/api/v2/analysis/analyze"
MARKER_NAME = "Zebulon Quistgaard"
MARKER_FILE = "zebulon-quistgaard-eval.txt"


@pytest.fixture(scope="module")
def note(therapy_notes_dir: Path) -> bytes:
    text_bytes = (therapy_notes_dir / "PT_physical-therapy-ankle-sprain_1612.txt").read_bytes()
    return text_bytes + f"\n\nPatient: {MARKER_NAME}. MRN 99887766.\n".encode()


def upload(api: Api, token: str, data: bytes, name: str = MARKER_FILE, **fields: str) -> Any:
    return api.post(ANALYZE, token=token, files={"file": (name, data, "text/plain")}, data=fields)


def finished(api: Api, token: str, data: bytes, **fields: str) -> dict[str, Any]:
    response = upload(api, token, data, **fields)
    assert response.status_code == 202, response.text
    body = wait_for_analysis(api, response.json()["id"], token)
    assert body["status"] == "succeeded", body
    return body


def audit_actions(api: Api) -> list[tuple[str, str]]:
    with api.ctx.session_factory() as db:
        return [(row.action, row.outcome) for row in db.scalars(select(AuditEntry).order_by(AuditEntry.id))]


def test_upload_analyze_read_export_delete(api_on: Api, note: bytes) -> None:
    api_on.create_user("thera")
    token = api_on.token("thera")
    body = finished(api_on, token, note, discipline="PT", strictness="strict")
    analysis_id = body["id"]
    assert body["discipline"] == "PT"
    assert body["score"] is not None

    result = api_on.get(f"/api/v2/analysis/{analysis_id}/result", token=token)
    assert result.status_code == 200
    assert result.json()["file_name"] == MARKER_FILE
    assert result.json()["result"]["findings"]
    assert MARKER_NAME not in result.json()["redacted_text"]

    html = api_on.get(f"/api/v2/analysis/{analysis_id}/export?format=html", token=token)
    assert html.status_code == 200
    assert html.headers["content-type"].startswith("text/html")
    pdf = api_on.get(f"/api/v2/analysis/{analysis_id}/export?format=pdf", token=token)
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF")
    exported = api_on.get(f"/api/v2/analysis/{analysis_id}/export?format=json", token=token)
    assert exported.status_code == 200
    assert exported.json()["documents"][0]["score"] == body["score"]
    assert api_on.get(f"/api/v2/analysis/{analysis_id}/export?format=exe", token=token).status_code == 422

    original = api_on.get(f"/api/v2/analysis/{analysis_id}/original", token=token)
    assert original.status_code == 200
    assert original.content == note
    assert original.headers["content-disposition"].startswith("attachment")

    events = api_on.get(f"/api/v2/analysis/{analysis_id}/events", token=token)
    assert events.headers["content-type"].startswith("text/event-stream")
    assert "event: done" in events.text

    listed = api_on.get("/api/v2/analysis", token=token).json()
    assert listed["total"] == 1
    assert listed["items"][0]["id"] == analysis_id

    assert api_on.delete(f"/api/v2/analysis/{analysis_id}", token=token).status_code == 204
    assert api_on.get(f"/api/v2/analysis/{analysis_id}", token=token).status_code == 404
    actions = audit_actions(api_on)
    for expected in ("document:upload", "phi:view", "phi:export", "phi:download", "document:delete"):
        assert (expected, "success") in actions


def test_other_therapist_gets_404_everywhere_and_is_audited(api_on: Api, note: bytes) -> None:
    api_on.create_user("owner")
    api_on.create_user("intruder")
    owner, intruder = api_on.token("owner"), api_on.token("intruder")
    analysis_id = finished(api_on, owner, note)["id"]
    missing_id = "00000000-0000-0000-0000-000000000000"
    for suffix in ("", "/result", "/export?format=json", "/events", "/original"):
        theirs = api_on.get(f"/api/v2/analysis/{analysis_id}{suffix}", token=intruder)
        absent = api_on.get(f"/api/v2/analysis/{missing_id}{suffix}", token=intruder)
        assert theirs.status_code == absent.status_code == 404
        assert {k: v for k, v in theirs.json().items() if k != "request_id"} == {
            k: v for k, v in absent.json().items() if k != "request_id"
        }
    assert api_on.delete(f"/api/v2/analysis/{analysis_id}", token=intruder).status_code == 404
    assert api_on.get("/api/v2/analysis?owner_id=1", token=intruder).json()["total"] == 0
    assert ("authz:denied", "denied") in audit_actions(api_on)
    assert api_on.get(f"/api/v2/analysis/{analysis_id}/result", token=owner).status_code == 200


def test_admin_needs_a_reason_and_the_access_is_audited_as_emergency(api_on: Api, note: bytes) -> None:
    api_on.create_user("clin")
    api_on.create_user("chief", role=Role.ADMIN)
    analysis_id = finished(api_on, api_on.token("clin"), note)["id"]
    admin = api_on.token("chief")
    refused = api_on.get(f"/api/v2/analysis/{analysis_id}/result", token=admin)
    assert refused.status_code == 400
    assert refused.json()["code"] == "access_reason_required"
    short = api_on.get(
        f"/api/v2/analysis/{analysis_id}/result", token=admin, headers={"X-Access-Reason": "x"}
    )
    assert short.status_code == 400
    allowed = api_on.get(
        f"/api/v2/analysis/{analysis_id}/result",
        token=admin,
        headers={"X-Access-Reason": "Billing dispute review ticket 4411"},
    )
    assert allowed.status_code == 200
    assert ("phi:emergency_access", "success") in audit_actions(api_on)


def test_viewer_reads_only_shared_reports_and_cannot_upload(api_on: Api, note: bytes) -> None:
    api_on.create_user("sharer")
    api_on.create_user("lead", role=Role.ADMIN)
    viewer_id = api_on.create_user("auditor", role=Role.VIEWER)
    viewer = api_on.token("auditor")
    therapist = api_on.token("sharer")
    shared_id = finished(api_on, therapist, note)["id"]
    private_id = finished(api_on, therapist, note)["id"]
    assert upload(api_on, viewer, note).status_code == 403
    assert api_on.get(f"/api/v2/analysis/{shared_id}/result", token=viewer).status_code == 404
    share = api_on.post(
        f"/api/v2/analysis/{shared_id}/shares", token=api_on.token("lead"), json={"viewer_id": viewer_id}
    )
    assert share.status_code == 204
    assert api_on.get(f"/api/v2/analysis/{shared_id}/result", token=viewer).status_code == 200
    assert api_on.get(f"/api/v2/analysis/{shared_id}/export?format=json", token=viewer).status_code == 200
    assert api_on.get(f"/api/v2/analysis/{private_id}/result", token=viewer).status_code == 404
    assert api_on.get(f"/api/v2/analysis/{shared_id}/original", token=viewer).status_code == 403
    assert api_on.delete(f"/api/v2/analysis/{shared_id}", token=viewer).status_code == 403
    listed = api_on.get("/api/v2/analysis", token=viewer).json()
    assert [item["id"] for item in listed["items"]] == [shared_id]
    assert (
        api_on.post(
            f"/api/v2/analysis/{shared_id}/shares", token=therapist, json={"viewer_id": viewer_id}
        ).status_code
        == 403
    )


def _raw_database_text(api: Api) -> str:
    if api.ctx.settings.database_url is None:
        folder = api.ctx.settings.data_dir
        return b"".join(path.read_bytes() for path in folder.glob("electroanalyzer.db*")).decode("latin-1")
    parts: list[str] = []
    with api.ctx.engine.connect() as connection:
        for table in ("documents", "analyses", "finding_outcomes", "audit_log", "users"):
            parts.extend(str(row) for row in connection.execute(text(f"SELECT * FROM {table}")))  # noqa: S608
    return "\n".join(parts)


def test_no_plaintext_in_the_database_storage_or_temp_files(api_on: Api, note: bytes, tmp_path: Path) -> None:
    import tempfile

    api_on.create_user("plain")
    token = api_on.token("plain")
    started = time.time()
    big_note = note + b"\n" + (b"Gait training continued with cues. " * 40000)  # > 1 MB: past the spool size
    analysis_id = finished(api_on, token, note)["id"]
    assert upload(api_on, token, big_note).status_code == 202
    api_on.get(f"/api/v2/analysis/{analysis_id}/result", token=token)

    markers = [MARKER_NAME, "Quistgaard", "tripped over her dog toy", MARKER_FILE, "99887766"]
    raw = _raw_database_text(api_on)
    vault = b"".join(path.read_bytes() for path in api_on.ctx.settings.vault_dir.rglob("*") if path.is_file())
    assert vault, "the vault holds the encrypted original"
    for marker in markers:
        assert marker not in raw, marker
        assert marker.encode() not in vault, marker
    for path in Path(tempfile.gettempdir()).glob("*"):
        if path.is_file() and path.stat().st_mtime >= started and path.stat().st_size < 50_000_000:
            assert MARKER_NAME.encode() not in path.read_bytes(), path


def test_paging_sorting_and_filters_are_allow_listed(api_on: Api, note: bytes) -> None:
    api_on.create_user("pager")
    token = api_on.token("pager")
    for _ in range(3):
        finished(api_on, token, note)
    page = api_on.get("/api/v2/analysis?limit=2&offset=1&sort=score&direction=asc", token=token).json()
    assert page["total"] == 3
    assert len(page["items"]) == 2
    for query in (
        "sort=created_at;DROP TABLE analyses--",
        "sort=(CASE WHEN 1=1 THEN id END)",
        "direction=asc,1",
        "limit=1000000",
        "limit=-1",
        "offset=1e309",
        "limit=NaN",
        "status=' OR '1'='1",
        "discipline=%' --",
        "owner_id=abc",
    ):
        assert api_on.get(f"/api/v2/analysis?{query}", token=token).status_code == 422, query
    assert api_on.get("/api/v2/analysis", token=token).json()["total"] == 3


def test_too_many_running_analyses_are_refused(make_settings: Any, note: bytes) -> None:
    from electroanalyzer.analyses.models import Analysis
    from server.conftest import TEST_POLICY, start_api

    policy = {**TEST_POLICY, "uploads": {"per_user_concurrent_analyses": 1}}
    for api in start_api(make_settings(policy)):
        api.create_user("busy")
        token = api.token("busy")
        finished_id = finished(api, token, note)["id"]
        with api.ctx.session_factory() as db, db.begin():
            row = db.get(Analysis, finished_id)
            assert row is not None
            row.status = "running"  # as if its job were still going
        refused = upload(api, token, note)
        assert refused.status_code == 429
        assert refused.json()["code"] == "too_many_analyses"


def test_result_of_an_unfinished_or_failed_analysis(api: Api) -> None:
    api.create_user("failer")
    token = api.token("failer")
    response = upload(api, token, b"\x00\x01\x02 not really text \xff" * 10)
    if response.status_code == 202:
        body = wait_for_analysis(api, response.json()["id"], token)
        assert body["status"] == "failed"
        assert body["error_code"]
        assert api.get(f"/api/v2/analysis/{body['id']}/result", token=token).status_code == 404
    else:
        assert response.status_code in (415, 422)
    assert json.loads(response.text)
