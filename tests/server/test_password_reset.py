"""Admin password reset (API and CLI) and the must-change-password restriction it sets."""

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from electroanalyzer.audit import service as audit
from electroanalyzer.auth.permissions import Role
from electroanalyzer.core.settings import Settings
from electroanalyzer.core.signals import SecuritySignal, subscribe, unsubscribe
from electroanalyzer.users import service as users
from server.conftest import TEST_POLICY, start_api
from server.support import PASSWORD, Api, cli_environment, run_cli

NEW_PASSWORD = "Harbor#Lantern62Quill"


@pytest.fixture
def signals() -> Iterator[list[SecuritySignal]]:
    received: list[SecuritySignal] = []
    subscribe(received.append)
    yield received
    unsubscribe(received.append)


@pytest.fixture
def admin_token(api: Api) -> str:
    api.create_user("root", role=Role.ADMIN)
    return api.token("root")


def test_reset_generates_password_and_ends_sessions(
    api: Api, admin_token: str, signals: list[SecuritySignal]
) -> None:
    user_id = api.create_user("forgetful")
    old_token = api.token("forgetful")
    response = api.post(f"/api/v2/admin/users/{user_id}/reset-password", token=admin_token)
    assert response.status_code == 200, response.text
    temporary = response.json()["temporary_password"]
    assert isinstance(temporary, str) and len(temporary) >= 20
    assert api.get("/api/v2/auth/me", token=old_token).status_code == 401
    assert (
        api.post("/api/v2/auth/token", json={"username": "forgetful", "password": PASSWORD}).status_code
        == 401
    )
    assert api.token("forgetful", temporary)
    entries = [
        entry
        for entry in audit.export_entries(api.ctx, None, None)
        if entry["action"] == "user:password_reset"
    ]
    assert len(entries) == 1
    assert str(entries[0]["target_id"]) == str(user_id)
    assert temporary not in str(entries)
    changed = [item for item in signals if item.kind == "user:changed" and item.outcome == "success"]
    assert any("password_reset" in str(item) for item in changed)


def test_reset_with_chosen_password_returns_none(api: Api, admin_token: str) -> None:
    user_id = api.create_user("chosen")
    response = api.post(
        f"/api/v2/admin/users/{user_id}/reset-password", token=admin_token, json={"password": NEW_PASSWORD}
    )
    assert response.status_code == 200, response.text
    assert response.json()["temporary_password"] is None
    assert api.token("chosen", NEW_PASSWORD)


def test_reset_rejects_weak_password_and_unknown_user(api: Api, admin_token: str) -> None:
    user_id = api.create_user("weakreset")
    weak = api.post(
        f"/api/v2/admin/users/{user_id}/reset-password", token=admin_token, json={"password": "password123"}
    )
    assert weak.status_code == 422
    assert api.token("weakreset")
    missing = api.post("/api/v2/admin/users/999999/reset-password", token=admin_token)
    assert missing.status_code == 404


@pytest.mark.parametrize("role", [None, Role.THERAPIST, Role.VIEWER])
def test_reset_denied_without_users_permission(api: Api, role: Role | None) -> None:
    target = api.create_user("target")
    token = None
    if role is not None:
        api.create_user("caller", role=role)
        token = api.token("caller")
    response = api.post(f"/api/v2/admin/users/{target}/reset-password", token=token)
    assert response.status_code == (401 if role is None else 403)
    assert api.token("target")
    if role is not None:
        denials = [e for e in audit.export_entries(api.ctx, None, None) if e["action"] == "authz:denied"]
        assert denials


def test_flag_allows_only_me_logout_and_password_change(api: Api, admin_token: str) -> None:
    user_id = api.create_user("flagged")
    temporary = api.post(f"/api/v2/admin/users/{user_id}/reset-password", token=admin_token).json()[
        "temporary_password"
    ]
    token = api.token("flagged", temporary)
    blocked = api.get("/api/v2/analysis", token=token)
    assert blocked.status_code == 403
    assert blocked.json()["code"] == "password_change_required"
    me = api.get("/api/v2/auth/me", token=token)
    assert me.status_code == 200
    changed = api.post(
        "/api/v2/auth/password",
        token=token,
        json={"current_password": temporary, "new_password": NEW_PASSWORD},
    )
    assert changed.status_code == 200, changed.text
    assert api.get("/api/v2/analysis", token=token).status_code != 403
    assert api.post("/api/v2/auth/logout", token=token).status_code == 204


def test_flagged_user_can_sign_out(api: Api, admin_token: str) -> None:
    user_id = api.create_user("leaver")
    temporary = api.post(f"/api/v2/admin/users/{user_id}/reset-password", token=admin_token).json()[
        "temporary_password"
    ]
    token = api.token("leaver", temporary)
    assert api.post("/api/v2/auth/logout", token=token).status_code == 204
    assert api.get("/api/v2/auth/me", token=token).status_code == 401


def test_cli_reset_password(api: Api, admin_token: str, tmp_path: Path) -> None:
    api.create_user("clireset")
    old_token = api.token("clireset")
    settings: Settings = api.ctx.settings
    env = cli_environment(settings)
    generated = run_cli(["users", "reset-password", "clireset", "--generate"], env, tmp_path)
    assert generated.returncode == 0, generated.stderr
    password = generated.stdout.split("shown once, store it safely): ")[1].split()[0]
    assert "must choose a new password" in generated.stdout
    assert api.get("/api/v2/auth/me", token=old_token).status_code == 401
    token = api.token("clireset", password)
    assert api.get("/api/v2/analysis", token=token).json()["code"] == "password_change_required"
    typed = run_cli(
        ["users", "reset-password", "clireset"], env, tmp_path, stdin=f"{NEW_PASSWORD}\n{NEW_PASSWORD}\n"
    )
    assert typed.returncode == 0, typed.stderr
    assert api.token("clireset", NEW_PASSWORD)
    unknown = run_cli(["users", "reset-password", "nobody", "--generate"], env, tmp_path)
    assert unknown.returncode == 2
    assert "No user is named" in unknown.stderr


def test_mfa_enrolment_comes_before_password_change(make_settings: Callable[..., Settings]) -> None:
    policy = {**TEST_POLICY, "mfa": {"required_for_roles": ["admin"]}}
    for api in start_api(make_settings(policy)):
        users.create_user(
            api.ctx, username="newadmin", password=PASSWORD, role=Role.ADMIN, must_change_password=True
        )
        token = api.token("newadmin")
        early = api.post(
            "/api/v2/auth/password",
            token=token,
            json={"current_password": PASSWORD, "new_password": NEW_PASSWORD},
        )
        assert early.status_code == 403
        assert early.json()["code"] == "mfa_enrolment_required"
        api.enrol_mfa(token)
        blocked = api.get("/api/v2/admin/users", token=token)
        assert blocked.status_code == 403
        assert blocked.json()["code"] == "password_change_required"
        changed = api.post(
            "/api/v2/auth/password",
            token=token,
            json={"current_password": PASSWORD, "new_password": NEW_PASSWORD},
        )
        assert changed.status_code == 200, changed.text
        assert api.get("/api/v2/admin/users", token=token).status_code == 200
