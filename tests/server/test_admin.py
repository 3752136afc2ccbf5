"""Admin API (users, sessions, settings), dashboards, rubrics, health and retention."""

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from electroanalyzer.analyses.service import purge_originals
from electroanalyzer.audit import service as audit
from electroanalyzer.auth.permissions import Role
from electroanalyzer.documents.models import Document
from server.conftest import TEST_POLICY, start_api
from server.support import Api, wait_for_analysis

NOTE = b"PT daily note. Gait training 3x10 with min assist; patient tolerated well. Plan: continue per POC.\n"


@pytest.fixture
def admin(api_on: Api) -> tuple[Api, str]:
    api_on.create_user("root", role=Role.ADMIN)
    return api_on, api_on.token("root")


def test_users_create_update_disable_delete(admin: tuple[Api, str]) -> None:
    api, token = admin
    created = api.post(
        "/api/v2/admin/users",
        token=token,
        json={"username": "newtherapist", "password": "Amber!Canyon73Ridge", "role": "therapist"},
    )
    assert created.status_code == 201, created.text
    user_id = created.json()["id"]
    assert (
        api.patch(f"/api/v2/admin/users/{user_id}", token=token, json={"role": "viewer"}).json()["role"]
        == "viewer"
    )
    for field in (
        {"password_hash": "x"},
        {"id": 5},
        {"is_active": "true"},
        {"role": ["admin"]},
        {"role": {"$ne": None}},
    ):
        assert api.patch(f"/api/v2/admin/users/{user_id}", token=token, json=field).status_code == 422, field
    assert api.post(f"/api/v2/admin/users/{user_id}/disable", token=token).json()["is_active"] is False
    listing = api.get("/api/v2/admin/users?limit=1", token=token).json()
    assert listing["total"] == 2 and len(listing["items"]) == 1
    assert api.delete(f"/api/v2/admin/users/{user_id}", token=token).status_code == 204
    assert api.delete(f"/api/v2/admin/users/{user_id}", token=token).status_code == 404
    me = api.get("/api/v2/auth/me", token=token).json()["id"]
    assert api.delete(f"/api/v2/admin/users/{me}", token=token).status_code == 422
    actions = [entry["action"] for entry in audit.export_entries(api.ctx, None, None)]
    assert {"user:create", "user:update", "user:delete"} <= set(actions)


def test_sessions_list_and_end(admin: tuple[Api, str]) -> None:
    api, token = admin
    api.create_user("sess")
    user_token = api.token("sess")
    sessions = api.get("/api/v2/admin/sessions", token=token).json()
    target = next(
        item for item in sessions if item["user_id"] != api.get("/api/v2/auth/me", token=token).json()["id"]
    )
    assert api.delete(f"/api/v2/admin/sessions/{target['id']}", token=token).status_code == 204
    assert api.get("/api/v2/auth/me", token=user_token).status_code == 401
    assert api.delete(f"/api/v2/admin/sessions/{target['id']}", token=token).status_code == 404


def test_settings_update_is_validated_applied_and_audited(admin: tuple[Api, str]) -> None:
    api, token = admin
    current = api.get("/api/v2/admin/settings", token=token).json()["policies"]
    assert current["session"]["max_concurrent"] == 3
    text = str(current)
    for secret_name in ("SECRET_KEY", "FILE_ENCRYPTION_KEY"):
        assert api.ctx.settings.secret(secret_name) not in text
    changed = api.patch(
        "/api/v2/admin/settings", token=token, json={"policies": {"session": {"max_concurrent": 2}}}
    )
    assert changed.status_code == 200 and changed.json()["policies"]["session"]["max_concurrent"] == 2
    api.create_user("capped")
    first = api.token("capped")
    api.token("capped")
    assert api.login("capped")["ended_session_count"] == 1
    assert api.get("/api/v2/auth/me", token=first).status_code == 401
    for bad in (
        {"session": {"max_concurrent": 0}},
        {"retention": {"audit_years": 1}},
        {"password": {"nope": 1}},
    ):
        assert api.patch("/api/v2/admin/settings", token=token, json={"policies": bad}).status_code == 422, (
            bad
        )
    actions = [
        entry for entry in audit.export_entries(api.ctx, None, None) if entry["action"] == "settings:update"
    ]
    assert actions and actions[0]["details"] == {"keys": "session.max_concurrent"}


def test_dashboard_and_rubrics(admin: tuple[Api, str]) -> None:
    api, token = admin
    api.create_user("dash")
    therapist = api.token("dash")
    response = api.post(
        "/api/v2/analysis/analyze",
        token=therapist,
        files={"file": ("n.txt", NOTE)},
        data={"discipline": "PT"},
    )
    assert wait_for_analysis(api, response.json()["id"], therapist)["status"] == "succeeded"
    for path in ("trends", "missed-rules", "disciplines"):
        own = api.get(f"/api/v2/dashboard/{path}", token=therapist)
        assert own.status_code == 200 and own.json(), path
    per_therapist = api.get("/api/v2/dashboard/therapists", token=token).json()
    assert per_therapist[0]["username"] == "dash"
    assert api.get("/api/v2/dashboard/therapists", token=therapist).status_code == 403

    rubrics = api.get("/api/v2/rubrics", token=therapist).json()
    builtin = rubrics[0]["id"]
    shown = api.get(f"/api/v2/rubrics/{builtin}", token=therapist).json()
    assert shown["rules"]
    assert api.get("/api/v2/rubrics/nope", token=therapist).status_code == 404
    import yaml

    custom = dict(shown, id="clinic-pt", name="Clinic PT rubric", version="1.0.0")
    body = {"yaml_text": yaml.safe_dump(custom)}
    assert api.post("/api/v2/rubrics", token=therapist, json=body).status_code == 403
    added = api.post("/api/v2/rubrics", token=token, json=body)
    assert added.status_code == 201, added.text
    assert api.post("/api/v2/rubrics", token=token, json=body).status_code == 409
    assert api.post("/api/v2/rubrics", token=token, json={"yaml_text": "id: [broken"}).status_code == 422
    assert any(
        item["id"] == "clinic-pt" and item["custom"]
        for item in api.get("/api/v2/rubrics", token=token).json()
    )


def test_health_is_public_and_reveals_nothing(api_on: Api) -> None:
    for path in ("/api/v2/health", "/api/v2/health/live", "/api/v2/health/ready"):
        response = api_on.get(path)
        assert response.status_code == 200
        for secret_name in ("SECRET_KEY", "FILE_ENCRYPTION_KEY", "DATABASE_ENCRYPTION_KEY"):
            assert api_on.ctx.settings.secret(secret_name) not in response.text
        assert "postgres" not in response.text and str(api_on.ctx.settings.data_dir) not in response.text


def test_retention_purges_old_originals_and_keeps_results(api: Api) -> None:
    api.create_user("keeper")
    token = api.token("keeper")
    response = api.post("/api/v2/analysis/analyze", token=token, files={"file": ("n.txt", NOTE)})
    analysis_id = response.json()["id"]
    wait_for_analysis(api, analysis_id, token)
    assert purge_originals(api.ctx) == 0
    api.ctx.clock.advance(timedelta(days=31))
    assert purge_originals(api.ctx) == 1
    assert not [path for path in api.ctx.settings.vault_dir.rglob("*") if path.is_file()]
    status = api.get(f"/api/v2/analysis/{analysis_id}", token=token)
    assert status.status_code == 401  # the clock moved past the session too
    with api.ctx.session_factory() as db:
        document = db.scalars(select(Document)).one()
    assert document.vault_name is None and document.purged_at is not None
    assert "retention:purge" in [entry["action"] for entry in audit.export_entries(api.ctx, None, None)]


def test_periodic_purge_runs_in_the_server(make_settings: Any) -> None:
    import time
    from datetime import UTC, datetime

    settings = make_settings(TEST_POLICY)
    for api in start_api(settings):
        owner = api.create_user("old-owner")
        name = api.ctx.vault.new_name()
        document_id = "11111111-1111-1111-1111-111111111111"
        api.ctx.vault.store(name, document_id, NOTE)
        with api.ctx.session_factory() as db, db.begin():
            db.add(
                Document(
                    id=document_id,
                    owner_id=owner,
                    file_name="old.txt",
                    format="txt",
                    byte_size=len(NOTE),
                    vault_name=name,
                    created_at=datetime.now(UTC) - timedelta(days=40),
                )
            )
    for api in start_api(settings.model_copy(update={"retention_purge_interval_minutes": 1})):
        for _ in range(200):
            if "retention:purge" in [entry["action"] for entry in audit.export_entries(api.ctx, None, None)]:
                break
            time.sleep(0.05)
        else:
            pytest.fail("the server's periodic task did not purge the old original")
        assert not api.ctx.vault.path_for(name).exists()
