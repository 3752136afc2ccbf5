"""Test sign-in.

The server returns identical responses for unknown users and wrong passwords. It locks out per
account and per client, and an admin can unlock. Other tests cover the rehash on a higher bcrypt
cost, the OAuth2 form and the registration rules."""

from collections.abc import Callable
from datetime import timedelta

import pytest
from sqlalchemy import select

from electroanalyzer.auth.permissions import Role
from electroanalyzer.core.settings import Settings
from electroanalyzer.users.models import User
from electroanalyzer.users.passwords import hash_cost
from server.conftest import TEST_POLICY, start_api
from server.support import PASSWORD, Api

TOKEN_URL = "/api/v2/auth/token"


def failed_login(api: Api, username: str, password: str = "Wrong!Password123") -> dict[str, object]:  # noqa: S107
    response = api.post(TOKEN_URL, json={"username": username, "password": password})
    body: dict[str, object] = response.json()
    body.pop("request_id", None)
    return {"status": response.status_code, **body}


def test_unknown_user_and_wrong_password_answer_identically(api_on: Api) -> None:
    api_on.create_user("known")
    assert failed_login(api_on, "known") == failed_login(api_on, "nobody-here")
    assert failed_login(api_on, "known")["status"] == 401


def test_oauth2_password_form_is_accepted(api_on: Api) -> None:
    api_on.create_user("formuser")
    response = api_on.post(
        TOKEN_URL, data={"grant_type": "password", "username": "formuser", "password": PASSWORD}
    )
    assert response.status_code == 200, response.text
    assert response.json()["token_type"] == "bearer"


def test_account_locks_after_the_policy_limit_and_unlocks_with_time(api_on: Api) -> None:
    api_on.create_user("locky")
    for _ in range(5):
        assert failed_login(api_on, "locky")["status"] == 401
    locked = api_on.post(TOKEN_URL, json={"username": "locky", "password": PASSWORD})
    assert locked.status_code == 429
    assert locked.json()["code"] == "login_locked"
    assert int(locked.headers["retry-after"]) > 0
    api_on.ctx.clock.advance(timedelta(minutes=16))
    assert api_on.post(TOKEN_URL, json={"username": "locky", "password": PASSWORD}).status_code == 200


def test_unknown_usernames_lock_the_same_way(api_on: Api) -> None:
    for _ in range(5):
        failed_login(api_on, "ghost")
    assert failed_login(api_on, "ghost")["status"] == 429


def test_admin_unlocks_a_locked_account(api_on: Api) -> None:
    api_on.create_user("boss", role=Role.ADMIN)
    admin = api_on.token("boss")
    user_id = api_on.create_user("stuck")
    for _ in range(5):
        failed_login(api_on, "stuck")
    assert failed_login(api_on, "stuck", PASSWORD)["status"] == 429
    assert api_on.post(f"/api/v2/admin/users/{user_id}/unlock", token=admin).status_code == 204
    assert api_on.post(TOKEN_URL, json={"username": "stuck", "password": PASSWORD}).status_code == 200


def test_client_address_locks_after_many_accounts_fail(make_settings: Callable[..., Settings]) -> None:
    policy = {**TEST_POLICY, "lockout": {"max_failures_per_client": 4, "max_failures_per_account": 50}}
    for api in start_api(make_settings(policy)):
        api.create_user("victim")
        for index in range(4):
            failed_login(api, f"sprayed-{index}")
        assert api.post(TOKEN_URL, json={"username": "victim", "password": PASSWORD}).status_code == 429


def test_login_rehashes_when_the_configured_cost_rises(make_settings: Callable[..., Settings]) -> None:
    for api in start_api(make_settings({**TEST_POLICY, "password": {"bcrypt_rounds": 4}})):
        api.create_user("rehash")
        policies = api.ctx.settings.policies
        raised = policies.model_copy(
            update={"password": policies.password.model_copy(update={"bcrypt_rounds": 5})}
        )
        api.ctx.settings = api.ctx.settings.model_copy(update={"policies": raised})
        api.login("rehash")
        with api.ctx.session_factory() as db:
            stored = db.scalar(select(User.password_hash).where(User.username == "rehash"))
        assert stored is not None
        assert hash_cost(stored) == 5


def test_default_policy_uses_bcrypt_cost_12(make_settings: Callable[..., Settings]) -> None:
    for api in start_api(make_settings({})):
        assert api.ctx.settings.policies.password.bcrypt_rounds == 12
        api.create_user("costly", role=Role.THERAPIST)
        with api.ctx.session_factory() as db:
            stored = db.scalar(select(User.password_hash).where(User.username == "costly"))
        assert stored is not None
        assert hash_cost(stored) == 12


@pytest.mark.parametrize(
    "extra",
    [{"role": "admin"}, {"is_superuser": True}, {"is_active": True}, {"id": 1}, {"mfa_enabled": True}],
)
def test_a05_register_rejects_extra_fields(api_on: Api, extra: dict[str, object]) -> None:
    api_on.create_user("reg-admin", role=Role.ADMIN)
    admin = api_on.token("reg-admin")
    body = {"username": "newbie", "password": "Orchid$Quokka42Trail", **extra}
    response = api_on.post("/api/v2/auth/register", token=admin, json=body)
    assert response.status_code == 422
    assert "Orchid$Quokka42Trail" not in response.text


def test_register_is_admin_only_unless_self_registration_is_on(
    api_on: Api, make_settings: Callable[..., Settings]
) -> None:
    body = {"username": "walkin", "password": "Orchid$Quokka42Trail"}
    assert api_on.post("/api/v2/auth/register", json=body).status_code == 401
    api_on.create_user("plain")
    assert api_on.post("/api/v2/auth/register", token=api_on.token("plain"), json=body).status_code == 403
    for api in start_api(make_settings({**TEST_POLICY, "registration": {"self_registration_enabled": True}})):
        created = api.post("/api/v2/auth/register", json=body)
        assert created.status_code == 201
        assert created.json()["role"] == "therapist"


def test_weak_passwords_are_rejected_with_the_reason_and_without_echo(api_on: Api) -> None:
    api_on.create_user("reg-admin2", role=Role.ADMIN)
    admin = api_on.token("reg-admin2")
    response = api_on.post(
        "/api/v2/auth/register", token=admin, json={"username": "weakling", "password": "Password2024!"}
    )
    assert response.status_code == 422
    assert response.json()["code"] == "weak_password"
    assert "Password2024!" not in response.text


def test_validation_errors_never_echo_input(api_on: Api) -> None:
    secret_text = "Patient Jane Roe DOB 01/02/1950"
    response = api_on.post(
        TOKEN_URL, json={"username": secret_text, "password": secret_text, "unexpected": secret_text}
    )
    assert response.status_code == 422
    assert "Jane" not in response.text
    response = api_on.post("/api/v2/auth/refresh", json={"refresh_token": 5, "other": secret_text})
    assert response.status_code == 422
    assert "Jane" not in response.text


def test_cookie_sign_in_for_the_web_pages(api_on: Api) -> None:
    api_on.create_user("cookie")
    response = api_on.client.post(
        TOKEN_URL, json={"username": "cookie", "password": PASSWORD, "set_cookie": True}
    )
    assert response.status_code == 200
    cookie_header = response.headers["set-cookie"].lower()
    assert "ea_access=" in cookie_header
    assert "httponly" in cookie_header
    assert "samesite=strict" in cookie_header
    me = api_on.client.get("/api/v2/auth/me")
    api_on.client.cookies.clear()
    assert me.status_code == 200
    assert me.json()["username"] == "cookie"
    assert api_on.get("/api/v2/auth/me").status_code == 401
