"""Test hostile token cases T01-T15.

The server responds to every bad token with a 401 problem+json response, never with a 500."""

import base64
import json
import time
from datetime import timedelta

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from electroanalyzer.auth.permissions import Role
from electroanalyzer.core.keys import derive_key
from server.support import PASSWORD, Api

ME = "/api/v2/auth/me"


def b64(data: dict[str, object] | bytes) -> str:
    raw = data if isinstance(data, bytes) else json.dumps(data).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def claims_of(token: str) -> dict[str, object]:
    return dict(jwt.decode(token, options={"verify_signature": False}))


def assert_rejected(api: Api, token: str) -> None:
    response = api.get(ME, token=token)
    assert response.status_code == 401, (token, response.text)
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["code"] == "not_authenticated"


@pytest.fixture
def session(api_on: Api) -> tuple[Api, str]:
    api_on.create_user("tess")
    return api_on, api_on.token("tess")


@pytest.mark.parametrize("alg", ["none", "None", "NONE", "nOnE"])
def test_t01_alg_none_in_any_spelling_is_rejected(session: tuple[Api, str], alg: str) -> None:
    api, token = session
    payload = claims_of(token)
    assert_rejected(api, f"{b64({'alg': alg, 'typ': 'JWT'})}.{b64(payload)}.")
    assert_rejected(api, f"{b64({'alg': alg, 'typ': 'JWT'})}.{b64(payload)}.{token.split('.')[2]}")


@pytest.mark.parametrize("alg", ["HS384", "HS512"])
def test_t02_other_hmac_algorithms_with_the_right_key_are_rejected(
    session: tuple[Api, str], alg: str
) -> None:
    api, token = session
    forged = jwt.encode(claims_of(token), derive_key(api.ctx.settings, "jwt"), algorithm=alg)
    assert_rejected(api, forged)


def test_t02_key_confusion_rs256_public_key_as_hmac_secret(session: tuple[Api, str]) -> None:
    api, token = session
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    public_pem = private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    header = b64({"alg": "HS256", "typ": "JWT"})
    import hashlib
    import hmac

    body = f"{header}.{b64(claims_of(token))}"
    signature = b64(hmac.new(public_pem, body.encode(), hashlib.sha256).digest())
    assert_rejected(api, f"{body}.{signature}")
    assert_rejected(api, jwt.encode(claims_of(token), private, algorithm="RS256"))


@pytest.mark.parametrize("missing", ["exp", "sub", "jti", "sid", "iat", "typ"])
def test_t04_missing_claims_are_rejected(session: tuple[Api, str], missing: str) -> None:
    api, token = session
    claims = claims_of(token)
    claims.pop(missing)
    assert_rejected(api, jwt.encode(claims, derive_key(api.ctx.settings, "jwt"), algorithm="HS256"))


def test_t04_expired_and_not_yet_valid_tokens_are_rejected(session: tuple[Api, str]) -> None:
    api, token = session
    key = derive_key(api.ctx.settings, "jwt")
    now = int(time.time())
    expired = {**claims_of(token), "exp": now - 1}
    future = {**claims_of(token), "nbf": now + 3600}
    assert_rejected(api, jwt.encode(expired, key, algorithm="HS256"))
    assert_rejected(api, jwt.encode(future, key, algorithm="HS256"))
    api.ctx.clock.advance(timedelta(minutes=31))
    assert_rejected(api, token)


@pytest.mark.parametrize(
    "mangle",
    [
        lambda t: ".".join([t.split(".")[0], b64({**claims_of(t), "sub": "999"}), t.split(".")[2]]),
        lambda t: ".".join([t.split(".")[0], b64({**claims_of(t), "role": "admin"}), t.split(".")[2]]),
        lambda t: t[:-5],
        lambda t: t + ".extra",
        lambda t: "%%%." + t.split(".")[1] + "." + t.split(".")[2],
        lambda t: t.split(".")[0] + ".!!!notbase64!!!." + t.split(".")[2],
        lambda t: "a.b",
        lambda t: "x" * 5000,
        lambda t: b64(b"\xff\xfe") + "." + b64(b"[]") + ".sig",
    ],
)
def test_t05_tampered_truncated_and_malformed_tokens_are_rejected(
    session: tuple[Api, str], mangle: object
) -> None:
    api, token = session
    assert callable(mangle)
    assert_rejected(api, mangle(token))


def test_t07_refresh_token_and_wrong_typ_are_not_access_tokens(session: tuple[Api, str]) -> None:
    api, _ = session
    pair = api.login("tess")
    assert_rejected(api, pair["refresh_token"])
    wrong_type = {**claims_of(pair["access_token"]), "typ": "refresh"}
    assert_rejected(api, jwt.encode(wrong_type, derive_key(api.ctx.settings, "jwt"), algorithm="HS256"))
    signed_with_raw_secret = jwt.encode(
        claims_of(pair["access_token"]), api.ctx.settings.secret("SECRET_KEY"), algorithm="HS256"
    )
    assert_rejected(api, signed_with_raw_secret)


def test_t09_token_replayed_after_logout_is_rejected(session: tuple[Api, str]) -> None:
    api, token = session
    assert api.post("/api/v2/auth/logout", token=token).status_code == 204
    assert_rejected(api, token)


def test_t10_password_change_ends_other_sessions(session: tuple[Api, str]) -> None:
    api, first = session
    second = api.token("tess")
    response = api.post(
        "/api/v2/auth/password",
        token=second,
        json={"current_password": "Quartz!Meadow7Lantern", "new_password": "Velvet#Harbor9Compass"},
    )
    assert response.status_code == 200, response.text
    assert response.json()["sessions_ended"] == 1
    assert_rejected(api, first)
    assert api.get(ME, token=second).status_code == 200


def test_t11_disabled_and_deleted_users_lose_access_at_once(api_on: Api) -> None:
    api_on.create_user("root1", role=Role.ADMIN)
    admin = api_on.token("root1")
    user_id = api_on.create_user("gone")
    token = api_on.token("gone")
    assert api_on.post(f"/api/v2/admin/users/{user_id}/disable", token=admin).status_code == 200
    assert_rejected(api_on, token)
    other_id = api_on.create_user("gone2")
    other = api_on.token("gone2")
    assert api_on.delete(f"/api/v2/admin/users/{other_id}", token=admin).status_code == 204
    assert_rejected(api_on, other)


def test_t11_role_downgrade_applies_on_the_next_request(api_on: Api) -> None:
    from electroanalyzer.auth.permissions import Role

    api_on.create_user("root2", role=Role.ADMIN)
    admin = api_on.token("root2")
    user_id = api_on.create_user("demoted", role=Role.ADMIN)
    token = api_on.token("demoted")
    assert api_on.get("/api/v2/admin/users", token=token).status_code == 200
    api_on.patch(f"/api/v2/admin/users/{user_id}", token=admin, json={"role": "viewer"})
    assert api_on.get("/api/v2/admin/users", token=token).status_code == 403


def test_t12_fourth_login_ends_the_oldest_session_and_says_so(session: tuple[Api, str]) -> None:
    api, first = session
    second, third = api.token("tess"), api.token("tess")
    fourth = api.login("tess")
    assert fourth["ended_session_count"] == 1
    assert fourth["notice"]
    assert_rejected(api, first)
    for token in (second, third, fourth["access_token"]):
        assert api.get(ME, token=token).status_code == 200


def test_t12_parallel_logins_never_leave_more_than_the_cap(session: tuple[Api, str]) -> None:
    from concurrent.futures import ThreadPoolExecutor

    from fastapi.testclient import TestClient
    from sqlalchemy import func, select

    from electroanalyzer.auth.models import AuthSession

    api, _ = session

    def login_with_own_client(_: int) -> int:
        # One client per thread: a shared cookie jar would let one thread's response cookie ride on
        # another thread's login, which the CSRF layer then rejects.
        client = TestClient(api.client.app, base_url=str(api.client.base_url))
        response = client.post("/api/v2/auth/token", json={"username": "tess", "password": PASSWORD})
        return response.status_code

    with ThreadPoolExecutor(max_workers=6) as pool:
        statuses = list(pool.map(login_with_own_client, range(6)))
    assert statuses == [200] * 6
    with api.ctx.session_factory() as db:
        active = db.scalar(
            select(func.count()).select_from(AuthSession).where(AuthSession.ended_at.is_(None))
        )
    assert active == 3


def test_t13_idle_session_ends_after_the_inactivity_limit(session: tuple[Api, str]) -> None:
    api, token = session
    api.ctx.clock.advance(timedelta(minutes=14, seconds=59))
    assert api.get(ME, token=token).status_code == 200
    api.ctx.clock.advance(timedelta(minutes=15, seconds=1))
    assert_rejected(api, token)


def test_t13_active_session_still_ends_at_the_token_lifetime_and_refresh_continues(
    session: tuple[Api, str],
) -> None:
    api, _ = session
    pair = api.login("tess")
    for _ in range(3):
        api.ctx.clock.advance(timedelta(minutes=9))
        assert api.get(ME, token=pair["access_token"]).status_code == 200
    api.ctx.clock.advance(timedelta(minutes=4))
    assert_rejected(api, pair["access_token"])
    refreshed = api.post("/api/v2/auth/refresh", json={"refresh_token": pair["refresh_token"]})
    assert refreshed.status_code == 200
    assert api.get(ME, token=refreshed.json()["access_token"]).status_code == 200


def test_refresh_token_rotation_and_reuse_ends_the_session(session: tuple[Api, str]) -> None:
    api, _ = session
    pair = api.login("tess")
    first = api.post("/api/v2/auth/refresh", json={"refresh_token": pair["refresh_token"]})
    assert first.status_code == 200
    reused = api.post("/api/v2/auth/refresh", json={"refresh_token": pair["refresh_token"]})
    assert reused.status_code == 401
    assert_rejected(api, first.json()["access_token"])
    again = api.post("/api/v2/auth/refresh", json={"refresh_token": first.json()["refresh_token"]})
    assert again.status_code == 401


@pytest.mark.parametrize("name", ["token", "access_token", "jwt", "auth"])
def test_t15_token_in_the_query_string_is_never_accepted(session: tuple[Api, str], name: str) -> None:
    api, token = session
    assert api.get(f"{ME}?{name}={token}").status_code == 401


def test_tokens_are_stored_only_as_hashes(session: tuple[Api, str]) -> None:
    from sqlalchemy import text

    api, token = session
    pair = api.login("tess")
    with api.ctx.engine.connect() as connection:
        rows = [str(row) for row in connection.execute(text("SELECT * FROM auth_sessions")).all()]
    joined = " ".join(rows)
    assert pair["refresh_token"] not in joined
    assert pair["refresh_token"].split(".")[1] not in joined
    assert token not in joined
