"""The two-step sign-in over the API: the MFA challenge's lifetime, attempts, binding to one user and
single use, TOTP replay protection, single-use recovery codes and the lockout shared by both steps."""

import hashlib
import io
import logging
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from electroanalyzer.auth.models import MfaChallenge, TotpLastStep
from electroanalyzer.core.logging import JsonFormatter
from electroanalyzer.core.signals import SecuritySignal, subscribe, unsubscribe
from server.support import PASSWORD, Api

TOKEN_URL = "/api/v2/auth/token"
CHALLENGE_URL = "/api/v2/auth/mfa/challenge"


def enrolled_user(api: Api, username: str) -> tuple[int, str]:
    user_id = api.create_user(username)
    secret = api.enrol_mfa(api.token(username))
    return user_id, secret


def start_challenge(api: Api, username: str) -> str:
    response = api.post(TOKEN_URL, json={"username": username, "password": PASSWORD})
    assert response.status_code == 401, response.text
    body = response.json()
    assert body["code"] == "mfa_required"
    return str(body["challenge_id"])


def answer(api: Api, challenge_id: str, **code: str) -> httpx.Response:
    return api.post(CHALLENGE_URL, json={"challenge_id": challenge_id, **code})


@pytest.fixture
def signals() -> Iterator[list[SecuritySignal]]:
    received: list[SecuritySignal] = []
    subscribe(received.append)
    yield received
    unsubscribe(received.append)


def test_challenge_completes_the_sign_in(api_on: Api) -> None:
    user_id, secret = enrolled_user(api_on, "twostep")
    response = api_on.post(TOKEN_URL, json={"username": "twostep", "password": PASSWORD})

    body = response.json()
    assert response.status_code == 401
    assert body["code"] == "mfa_required"
    assert body["expires_in"] == 300
    assert len(body["challenge_id"]) >= 43
    assert "access_token" not in body

    done = answer(api_on, body["challenge_id"], otp=api_on.authenticator(secret).code())
    assert done.status_code == 200, done.text
    assert done.headers["cache-control"] == "no-store"
    me = api_on.get("/api/v2/auth/me", token=done.json()["access_token"])
    assert me.json()["id"] == user_id


def test_challenge_stored_only_as_hash(api_on: Api) -> None:
    user_id, _ = enrolled_user(api_on, "hashed")
    challenge_id = start_challenge(api_on, "hashed")

    with api_on.ctx.session_factory() as db:
        rows = list(db.scalars(select(MfaChallenge).where(MfaChallenge.user_id == user_id)))
    assert len(rows) == 1
    assert rows[0].id_hash == hashlib.sha256(challenge_id.encode()).hexdigest()
    assert rows[0].id_hash != challenge_id


def test_used_challenge_is_rejected(api_on: Api) -> None:
    _, secret = enrolled_user(api_on, "replayer")
    challenge_id = start_challenge(api_on, "replayer")
    assert answer(api_on, challenge_id, otp=api_on.authenticator(secret).code()).status_code == 200

    replayed = answer(api_on, challenge_id, otp="123456")

    assert replayed.status_code == 401
    assert replayed.json()["code"] == "mfa_challenge_invalid"


def test_challenge_expires(api: Api) -> None:
    _, secret = enrolled_user(api, "slowpoke")
    challenge_id = start_challenge(api, "slowpoke")
    api.ctx.clock.advance(timedelta(minutes=5, seconds=1))

    late = answer(api, challenge_id, otp=api.authenticator(secret).code())

    assert late.status_code == 401
    assert late.json()["code"] == "mfa_challenge_invalid"


def test_challenge_allows_max_attempts(api: Api) -> None:
    _, secret = enrolled_user(api, "fumbler")
    challenge_id = start_challenge(api, "fumbler")
    wrong = "000000" if api.authenticator(secret).totp.now() != "000000" else "111111"

    first = answer(api, challenge_id, otp=wrong)
    second = answer(api, challenge_id, otp=wrong)
    third = answer(api, challenge_id, otp=wrong)
    after = answer(api, challenge_id, otp=api.authenticator(secret).code())

    assert first.status_code == 401
    assert first.json()["code"] == "invalid_credentials"
    assert first.json()["attempts_remaining"] == 2
    assert second.json()["attempts_remaining"] == 1
    assert third.json()["code"] == "mfa_challenge_invalid"
    assert after.json()["code"] == "mfa_challenge_invalid"


def test_challenge_binds_one_user(api: Api) -> None:
    alice_id, alice_secret = enrolled_user(api, "alice")
    _, bob_secret = enrolled_user(api, "bob")
    alice_challenge = start_challenge(api, "alice")

    crossed = answer(api, alice_challenge, otp=api.authenticator(bob_secret).code())
    alice_done = answer(api, alice_challenge, otp=api.authenticator(alice_secret).code())

    assert crossed.status_code == 401
    assert crossed.json()["code"] == "invalid_credentials"
    assert alice_done.status_code == 200
    me = api.get("/api/v2/auth/me", token=alice_done.json()["access_token"]).json()
    assert me["username"] == "alice"
    assert me["id"] == alice_id


def test_unknown_challenge_is_rejected(api: Api) -> None:
    response = answer(api, "A" * 43, otp="123456")

    assert response.status_code == 401
    assert response.json()["code"] == "mfa_challenge_invalid"


def test_challenge_needs_exactly_one_code(api: Api) -> None:
    enrolled_user(api, "greedy")
    challenge_id = start_challenge(api, "greedy")

    neither = answer(api, challenge_id)
    both = answer(api, challenge_id, otp="123456", recovery_code="abcde-fghij")

    assert neither.status_code == 422
    assert both.status_code == 422


def test_oldest_open_challenge_is_dropped(api: Api) -> None:
    _, secret = enrolled_user(api, "restless")
    challenges = [start_challenge(api, "restless") for _ in range(4)]  # policy keeps 3 open

    oldest = answer(api, challenges[0], otp="123456")  # rejected before the code is checked
    newest = answer(api, challenges[-1], otp=api.authenticator(secret).code())

    assert oldest.json()["code"] == "mfa_challenge_invalid"
    assert newest.status_code == 200


def test_totp_code_is_accepted_once(api_on: Api) -> None:
    user_id, secret = enrolled_user(api_on, "onetime")
    code = api_on.authenticator(secret).code()
    assert answer(api_on, start_challenge(api_on, "onetime"), otp=code).status_code == 200

    again = answer(api_on, start_challenge(api_on, "onetime"), otp=code)
    one_call = api_on.post(TOKEN_URL, json={"username": "onetime", "password": PASSWORD, "otp": code})

    assert again.status_code == 401
    assert again.json()["code"] == "invalid_credentials"
    assert one_call.status_code == 401
    with api_on.ctx.session_factory() as db:
        stored = db.get(TotpLastStep, user_id)
    assert stored is not None
    assert stored.last_step == api_on.authenticator(secret).last_step


def test_earlier_totp_step_is_rejected(api: Api) -> None:
    _, secret = enrolled_user(api, "backwards")
    device = api.authenticator(secret)
    ahead = device.code()  # the step after the enrolment's: valid now, within the window
    earlier = device.totp.at(api.ctx.clock.now(), counter_offset=-1)
    assert answer(api, start_challenge(api, "backwards"), otp=ahead).status_code == 200

    response = answer(api, start_challenge(api, "backwards"), otp=earlier)

    assert response.status_code == 401


def test_recovery_code_through_challenge_works_once(api: Api) -> None:
    api.create_user("rescued")
    token = api.token("rescued")
    secret = api.post("/api/v2/auth/mfa/enroll", token=token).json()["secret"]
    otp = api.authenticator(secret).code()
    codes = api.post("/api/v2/auth/mfa/verify", token=token, json={"otp": otp}).json()["recovery_codes"]

    first = answer(api, start_challenge(api, "rescued"), recovery_code=codes[0])
    second = answer(api, start_challenge(api, "rescued"), recovery_code=codes[0])
    other = answer(api, start_challenge(api, "rescued"), recovery_code=codes[1])

    assert first.status_code == 200
    assert second.status_code == 401
    assert other.status_code == 200


def test_wrong_codes_count_toward_lockout(api_on: Api, signals: list[SecuritySignal]) -> None:
    user_id, secret = enrolled_user(api_on, "besieged")
    for _ in range(3):  # the policy locks the account at the 5th failure
        wrong = api_on.post(TOKEN_URL, json={"username": "besieged", "password": "Wrong!Password123"})
        assert wrong.status_code == 401
    challenge_id = start_challenge(api_on, "besieged")
    bad_code = "000000" if api_on.authenticator(secret).totp.now() != "000000" else "111111"

    fourth = answer(api_on, challenge_id, otp=bad_code)
    fifth = answer(api_on, challenge_id, otp=bad_code)
    after = api_on.post(TOKEN_URL, json={"username": "besieged", "password": PASSWORD})

    assert fourth.status_code == 401
    assert fifth.status_code == 401
    assert after.status_code == 429
    assert after.json()["code"] == "login_locked"
    second_step_failures = [
        signal
        for signal in signals
        if signal.kind == "auth:login:failed"
        and signal.user_id == user_id
        and signal.attributes.get("reason") == "invalid_second_factor"
    ]
    assert len(second_step_failures) == 2
    assert any(signal.kind == "auth:lockout" and signal.user_id == user_id for signal in signals)


def test_locked_account_cannot_finish_challenge(api: Api) -> None:
    _, secret = enrolled_user(api, "frozen")
    challenge_id = start_challenge(api, "frozen")
    for _ in range(5):
        api.post(TOKEN_URL, json={"username": "frozen", "password": "Wrong!Password123"})

    response = answer(api, challenge_id, otp=api.authenticator(secret).code())

    assert response.status_code == 429
    assert response.json()["code"] == "login_locked"


def test_successful_second_step_clears_failures(api: Api) -> None:
    _, secret = enrolled_user(api, "recovered")
    for _ in range(4):
        api.post(TOKEN_URL, json={"username": "recovered", "password": "Wrong!Password123"})
    assert (
        answer(api, start_challenge(api, "recovered"), otp=api.authenticator(secret).code()).status_code
        == 200
    )

    for _ in range(4):
        api.post(TOKEN_URL, json={"username": "recovered", "password": "Wrong!Password123"})
    response = api.post(TOKEN_URL, json={"username": "recovered", "password": PASSWORD})

    assert response.json()["code"] == "mfa_required"


@pytest.fixture
def json_logs() -> Iterator[io.StringIO]:
    """Every log record, with its extra fields, as JSON lines."""
    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    previous = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    yield buffer
    root.removeHandler(handler)
    root.setLevel(previous)


def test_set_cookie_carries_no_password(api: Api, json_logs: io.StringIO) -> None:
    _, secret = enrolled_user(api, "cookiejar")
    first = api.post(TOKEN_URL, json={"username": "cookiejar", "password": PASSWORD, "set_cookie": True})
    challenge_id = str(first.json()["challenge_id"])
    done = api.post(
        CHALLENGE_URL,
        json={"challenge_id": challenge_id, "otp": api.authenticator(secret).code(), "set_cookie": True},
    )

    assert done.status_code == 200
    cookies: list[Any] = first.headers.get_list("set-cookie") + done.headers.get_list("set-cookie")
    assert any(cookie.startswith("ea_access=") for cookie in cookies)
    assert all(PASSWORD not in cookie for cookie in cookies)
    assert json_logs.getvalue() != ""  # the capture saw the requests
    assert PASSWORD not in json_logs.getvalue()


def test_new_secret_starts_new_steps(api: Api) -> None:
    from electroanalyzer.auth.permissions import Role
    from electroanalyzer.users import service as users

    admin_id = api.create_user("resetter", role=Role.ADMIN)
    user_id, _ = enrolled_user(api, "newphone")
    users.disable_mfa(api.ctx, user_id, actor_id=admin_id)

    secret, _ = users.begin_mfa_enrolment(api.ctx, user_id)
    current = api.authenticator(secret).totp.at(api.ctx.clock.now())

    assert len(users.confirm_mfa_enrolment(api.ctx, user_id, current)) == 10


def test_racing_requests_accept_code_once(api_on: Api) -> None:
    """Two sign-ins sending the same code at the same moment: the database lets exactly one through."""
    import threading

    from electroanalyzer.auth import totp

    if api_on.ctx.engine.dialect.name != "postgresql":
        pytest.skip("SQLite serialises writers, so only PostgreSQL runs the two requests concurrently")
    user_id, secret = enrolled_user(api_on, "racer")
    code = api_on.authenticator(secret).code()
    barrier = threading.Barrier(2)
    results: list[bool] = []

    def submit() -> None:
        with api_on.ctx.session_factory() as db, db.begin():
            barrier.wait(timeout=10)
            accepted = totp.accept_code(
                db,
                user_id=user_id,
                secret=secret,
                code=code,
                now=api_on.ctx.clock.now(),
                valid_window=1,
                lookup_key=api_on.ctx.lookup_key,
            )
            results.append(accepted)

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(results) == [False, True]
