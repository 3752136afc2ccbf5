"""Behaviour rules over live events: token misuse, credential stuffing, per-account limits, shared blocks."""

import asyncio
import uuid
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from electroanalyzer.core.signals import SecuritySignal, emit
from electroanalyzer.security.blocklist import ClientBlocklist
from electroanalyzer.security.models import SecurityIncident

from .conftest import THERAPIST_PASSWORD, custom_config, redis_prefix


def incident_kinds(app: Any) -> list[str]:
    app.flush_events()
    with app.context.session_factory() as db:
        return list(db.scalars(select(SecurityIncident.kind)))


def test_invalid_tokens_open_token_misuse_incident(tmp_path: Path, live_app: Any) -> None:
    config = custom_config(
        tmp_path,
        {"rate_limits": {"trusted_proxies": ["127.0.0.1/32"]}, "incidents": {"token_misuse_count": 5}},
    )
    app = live_app(config_dir=config, enable_rate_limiting=False)
    with app.client() as client:
        for index in range(5):
            response = client.get(
                "/api/v2/auth/me",
                headers={"Authorization": f"Bearer forged.token.{index}", "X-Forwarded-For": "198.51.100.20"},
            )
            assert response.status_code == 401
        blocked = client.get("/api/v2/health", headers={"X-Forwarded-For": "198.51.100.20"})
    assert "behaviour:token_misuse" in incident_kinds(app)
    # Token misuse is medium severity: recorded and opened, but below the blocking severity.
    assert blocked.status_code == 200


def test_many_usernames_from_one_client_is_stuffing(tmp_path: Path, live_app: Any) -> None:
    config = custom_config(tmp_path, {"incidents": {"stuffing_usernames": 4, "brute_force_failures": 50}})
    app = live_app(config_dir=config)
    for index in range(4):
        emit(
            SecuritySignal(
                kind="auth:login:failed",
                outcome="failure",
                client_address="203.0.113.50",
                attributes={"username": f"person{index}"},
            )
        )
    kinds = incident_kinds(app)
    assert "behaviour:credential_stuffing" in kinds
    with app.client() as client:
        response = client.get("/api/v2/health", headers={"X-Forwarded-For": "203.0.113.50"})
    assert response.status_code == 200  # not a trusted proxy here, so the header changes nothing


def test_authenticated_account_limited_across_addresses(tmp_path: Path, live_app: Any) -> None:
    limits = {"per_minute": 120, "per_hour": 3000, "burst": 4}
    config = custom_config(
        tmp_path, {"rate_limits": {"trusted_proxies": ["127.0.0.1/32"], "default": limits}}
    )
    app = live_app(config_dir=config)
    app.create_user("busy", "therapist", THERAPIST_PASSWORD)
    with app.client() as client:
        token = client.post(
            "/api/v2/auth/token", json={"username": "busy", "password": THERAPIST_PASSWORD}
        ).json()["access_token"]
        codes = []
        for index in range(6):
            client.cookies.clear()
            response = client.get(
                "/api/v2/auth/me",
                headers={"Authorization": f"Bearer {token}", "X-Forwarded-For": f"198.51.100.{60 + index}"},
            )
            codes.append(response.status_code)
    assert codes[:4] == [200] * 4
    assert 429 in codes[4:]


@pytest.mark.redis
def test_blocks_shared_through_redis() -> None:
    prefix = redis_prefix()
    first = ClientBlocklist("redis://127.0.0.1:6379/0", prefix)
    second = ClientBlocklist("redis://127.0.0.1:6379/0", prefix)
    address = f"192.0.2.{uuid.uuid4().int % 250 + 1}"
    first.block(address, 60)

    async def lookup() -> int:
        try:
            return await second.blocked_for(address)
        finally:
            await second.aclose()

    assert 0 < asyncio.run(lookup()) <= 60
    first.unblock(address)
    assert first.remaining_seconds(address) == 0


def test_blocks_expire() -> None:
    blocklist = ClientBlocklist()
    blocklist.block("192.0.2.1", 1)
    assert blocklist.remaining_seconds("192.0.2.1") >= 1
    blocklist.block("192.0.2.2", 0)
    assert blocklist.remaining_seconds("192.0.2.2") == 0


def test_failed_logins_for_many_accounts_are_stuffing(tmp_path: Path, live_app: Any) -> None:
    config = custom_config(
        tmp_path,
        {
            "rate_limits": {"trusted_proxies": ["127.0.0.1/32"]},
            "incidents": {"stuffing_usernames": 5, "brute_force_failures": 50},
        },
    )
    app = live_app(config_dir=config, enable_rate_limiting=False)
    with app.client() as client:
        for index in range(5):
            client.cookies.clear()
            response = client.post(
                "/api/v2/auth/token",
                json={"username": f"someone{index}", "password": "Wrong-password-1!"},
                headers={"X-Forwarded-For": "198.51.100.77"},
            )
            assert response.status_code == 401
        kinds = incident_kinds(app)  # waits until the events are stored and the rules have run
        after = client.get("/api/v2/health", headers={"X-Forwarded-For": "198.51.100.77"})
    assert "behaviour:credential_stuffing" in kinds
    assert after.status_code == 403  # high severity: the address is blocked
