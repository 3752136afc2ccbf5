"""TOTP MFA: enrolment, sign-in with codes and recovery codes, the admin requirement and admin reset."""

from collections.abc import Callable

from electroanalyzer.auth.permissions import Role
from electroanalyzer.core.settings import Settings
from server.conftest import TEST_POLICY, start_api
from server.support import PASSWORD, Api

TOKEN_URL = "/api/v2/auth/token"


def test_enrol_then_sign_in_needs_a_code(api: Api) -> None:
    api.create_user("mfauser")
    secret = api.enrol_mfa(api.token("mfauser"))
    missing = api.post(TOKEN_URL, json={"username": "mfauser", "password": PASSWORD})
    assert missing.status_code == 401 and missing.json()["code"] == "mfa_required"
    wrong = api.post(TOKEN_URL, json={"username": "mfauser", "password": PASSWORD, "otp": "000000"})
    assert wrong.status_code == 401
    otp = api.authenticator(secret).code()
    good = api.post(TOKEN_URL, json={"username": "mfauser", "password": PASSWORD, "otp": otp})
    assert good.status_code == 200


def test_recovery_codes_work_once(api: Api) -> None:
    api.create_user("recover")
    token = api.token("recover")
    secret = api.post("/api/v2/auth/mfa/enroll", token=token).json()["secret"]
    codes = api.post(
        "/api/v2/auth/mfa/verify", token=token, json={"otp": api.authenticator(secret).code()}
    ).json()
    code = codes["recovery_codes"][0]
    body = {"username": "recover", "password": PASSWORD, "recovery_code": code}
    assert api.post(TOKEN_URL, json=body).status_code == 200
    assert api.post(TOKEN_URL, json=body).status_code == 401


def test_mfa_secret_is_stored_encrypted(api: Api) -> None:
    from sqlalchemy import text

    api.create_user("secretive")
    secret = api.enrol_mfa(api.token("secretive"))
    with api.ctx.engine.connect() as connection:
        stored = connection.execute(text("SELECT mfa_secret FROM users WHERE username='secretive'")).scalar()
    assert stored and secret not in stored


def test_admins_must_enrol_before_anything_else(make_settings: Callable[..., Settings]) -> None:
    policy = {**TEST_POLICY, "mfa": {"required_for_roles": ["admin"]}}
    for api in start_api(make_settings(policy)):
        api.create_user("newadmin", role=Role.ADMIN)
        pair = api.login("newadmin")
        assert pair["mfa_enrolment_required"] is True
        token = pair["access_token"]
        blocked = api.get("/api/v2/admin/users", token=token)
        assert blocked.status_code == 403 and blocked.json()["code"] == "mfa_enrolment_required"
        assert api.get("/api/v2/auth/me", token=token).status_code == 200
        secret = api.enrol_mfa(token)
        assert api.get("/api/v2/admin/users", token=token).status_code == 200
        again = api.post(
            TOKEN_URL,
            json={"username": "newadmin", "password": PASSWORD, "otp": api.authenticator(secret).code()},
        )
        assert again.status_code == 200 and again.json()["mfa_enrolment_required"] is False


def test_admin_resets_a_users_mfa(api: Api) -> None:
    api.create_user("mfaadmin", role=Role.ADMIN)
    admin = api.token("mfaadmin")
    user_id = api.create_user("lostphone")
    api.enrol_mfa(api.token("lostphone"))
    assert api.post(f"/api/v2/admin/users/{user_id}/reset-mfa", token=admin).status_code == 204
    assert api.post(TOKEN_URL, json={"username": "lostphone", "password": PASSWORD}).status_code == 200


def test_user_disables_own_mfa_with_password(api: Api) -> None:
    api.create_user("optout")
    token = api.token("optout")
    api.enrol_mfa(token)
    assert api.post("/api/v2/auth/mfa/disable", token=token, json={"password": "wrong"}).status_code == 401
    assert api.post("/api/v2/auth/mfa/disable", token=token, json={"password": PASSWORD}).status_code == 204
    assert api.post(TOKEN_URL, json={"username": "optout", "password": PASSWORD}).status_code == 200
