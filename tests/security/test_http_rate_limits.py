"""Rate limits over HTTP: burst and per-minute windows, forwarded-header spoofing, per-account
limits, limits shared across servers through Redis, and Redis outages."""

import time
import uuid
from pathlib import Path
from typing import Any

import pytest

from .conftest import custom_config, free_port, redis_prefix

TOKEN = "/api/v2/auth/token"
LOGIN = {"username": "nobody", "password": "wrong-password"}

# Five sign-ins a minute with a wide burst: tests that are about whose requests are counted, not about
# the one-second burst window, then reject the sixth request however slowly the machine runs.
FIVE_A_MINUTE = {"endpoints": {TOKEN: {"per_minute": 5, "per_hour": 100, "burst": 50}}}


def post(client: Any, path: str = TOKEN, **options: Any) -> Any:
    """POST like an API client: no cookies kept, so no CSRF token is needed."""
    client.cookies.clear()
    options.setdefault("json", LOGIN)
    return client.post(path, **options)


def statuses(client: Any, count: int, path: str = TOKEN, **options: Any) -> list[int]:
    """Failed sign-ins under fresh user names, so the account lockout (also 429) never interferes."""
    codes = []
    for _ in range(count):
        body = {**LOGIN, "username": f"user-{uuid.uuid4().hex[:10]}"}
        codes.append(post(client, path, json=body, **options).status_code)
    return codes


def test_login_burst_limited(live_app: Any) -> None:
    app = live_app()
    with app.client() as client:
        codes = statuses(client, 6)
        limited = post(client)
    assert codes[:5] == [401] * 5
    assert codes[5] == 429
    assert limited.status_code == 429
    assert limited.headers["content-type"] == "application/problem+json"
    assert limited.json()["code"] == "rate_limited"
    assert 1 <= int(limited.headers["retry-after"]) <= 60


def test_login_per_minute_limited(tmp_path: Path, live_app: Any) -> None:
    # Ten failed sign-ins under ten user names from one address also trip the brute-force and
    # credential-stuffing rules, whose containment blocks the address (403) before the rate limiter
    # runs. Both thresholds are raised so that only the rate-limit layer acts here. The test
    # test_failed_logins_for_many_accounts_are_stuffing checks that stuffing does block the address.
    incidents = {"brute_force_failures": 100, "stuffing_usernames": 100}
    config = custom_config(tmp_path, {"incidents": incidents})
    app = live_app(config_dir=config)
    with app.client() as client:
        first = statuses(client, 5)
        time.sleep(1.1)
        second = statuses(client, 5)
        time.sleep(1.1)
        eleventh = post(client)
    assert 429 not in first + second
    assert eleventh.status_code == 429
    assert int(eleventh.headers["retry-after"]) > 1  # the minute window, not the one-second burst
    # The rate limiter rejects the eleventh request before the login handler runs, so no failure is added.
    kinds = event_kinds(app)
    assert kinds.count("auth:login:failed") == 10
    assert "ratelimit:exceeded" in kinds


def event_kinds(app: Any) -> list[str]:
    from sqlalchemy import select

    from electroanalyzer.security.models import SecurityEvent

    app.flush_events()
    with app.context.session_factory() as db:
        return list(db.scalars(select(SecurityEvent.kind)))


@pytest.mark.parametrize(
    "header",
    ["X-Forwarded-For", "X-Real-IP", "True-Client-IP", "Forwarded", "X-Client-IP"],
)
def test_rotating_forwarded_headers_still_limited(tmp_path: Path, live_app: Any, header: str) -> None:
    app = live_app(config_dir=custom_config(tmp_path, {"rate_limits": FIVE_A_MINUTE}))
    codes = []
    with app.client() as client:
        for index in range(8):
            value = f"203.0.113.{index + 1}"
            if header == "Forwarded":
                value = f"for={value}"
            codes.append(post(client, headers={header: value}).status_code)
    assert 429 in codes
    assert codes.index(429) == 5


def test_forwarded_for_ignored_from_untrusted_proxy(tmp_path: Path, live_app: Any) -> None:
    config = custom_config(tmp_path, {"rate_limits": {"trusted_proxies": ["10.9.9.9"], **FIVE_A_MINUTE}})
    app = live_app(config_dir=config)
    with app.client() as client:
        codes = [
            post(
                client,
                TOKEN,
                json={**LOGIN, "username": f"u{index}"},
                headers={"X-Forwarded-For": f"198.51.100.{index}"},
            ).status_code
            for index in range(7)
        ]
    assert 429 in codes


def test_forwarded_for_believed_from_trusted_proxy(tmp_path: Path, live_app: Any) -> None:
    config = custom_config(tmp_path, {"rate_limits": {"trusted_proxies": ["127.0.0.1/32"]}})
    app = live_app(config_dir=config)
    with app.client() as client:
        codes = [
            post(
                client,
                TOKEN,
                json={**LOGIN, "username": f"u{index}"},
                headers={"X-Forwarded-For": f"198.51.100.{index}"},
            ).status_code
            for index in range(8)
        ]
    assert 429 not in codes  # eight different clients, one request each


def test_one_account_from_many_addresses_limited(tmp_path: Path, live_app: Any) -> None:
    config = custom_config(tmp_path, {"rate_limits": {"trusted_proxies": ["127.0.0.1/32"], **FIVE_A_MINUTE}})
    app = live_app(config_dir=config)
    with app.client() as client:
        codes = [
            post(
                client,
                TOKEN,
                json={**LOGIN, "username": "Victim"},
                headers={"X-Forwarded-For": f"198.51.100.{index}"},
            ).status_code
            for index in range(7)
        ]
        form = post(
            client,
            json=None,
            data={"username": "victim", "password": "x"},
            headers={"X-Forwarded-For": "198.51.100.99"},
        )
    assert codes[:5] == [401] * 5
    assert codes[5] == 429
    assert form.status_code == 429  # the form body names the same account, case-folded


def test_many_accounts_from_one_address_limited(tmp_path: Path, live_app: Any) -> None:
    app = live_app(config_dir=custom_config(tmp_path, {"rate_limits": FIVE_A_MINUTE}))
    with app.client() as client:
        codes = [post(client, json={**LOGIN, "username": f"user{index}"}).status_code for index in range(7)]
    assert codes[:5] == [401] * 5
    assert codes[5] == 429


def test_default_limit_applies_to_other_endpoints(tmp_path: Path, live_app: Any) -> None:
    config = custom_config(
        tmp_path, {"rate_limits": {"default": {"per_minute": 3, "per_hour": 3000, "burst": 30}}}
    )
    app = live_app(config_dir=config)
    with app.client() as client:
        codes = [client.get("/api/v2/auth/me").status_code for _ in range(5)]
    assert codes[:3] == [401] * 3
    assert 429 in codes[3:]


def test_rate_limiting_can_be_switched_off(live_app: Any) -> None:
    app = live_app(enable_rate_limiting=False)
    with app.client() as client:
        codes = statuses(client, 8)
    assert 429 not in codes


@pytest.mark.redis
def test_limits_shared_by_two_servers_through_redis(tmp_path: Path, live_app: Any) -> None:
    # A per-minute limit of 5 (burst 50) makes the test independent of how fast the six requests go.
    limits = {"per_minute": 5, "per_hour": 100, "burst": 50}
    config = custom_config(
        tmp_path, {"rate_limits": {"key_prefix": redis_prefix(), "endpoints": {TOKEN: limits}}}
    )
    url = "redis://127.0.0.1:6379/0"
    first = live_app(config_dir=config, rate_limit_storage_url=url)
    second = live_app(config_dir=config, rate_limit_storage_url=url)
    with first.client() as one, second.client() as two:
        codes = statuses(one, 3) + statuses(two, 3)
    assert codes[:5] == [401] * 5
    assert codes[5] == 429


@pytest.mark.parametrize(("fail_open", "expected"), [(False, 503), (True, 401)])
def test_redis_down(tmp_path: Path, live_app: Any, fail_open: bool, expected: int) -> None:
    config = custom_config(
        tmp_path, {"rate_limits": {"storage_fail_open": fail_open, "storage_timeout_seconds": 0.2}}
    )
    app = live_app(config_dir=config, rate_limit_storage_url=f"redis://127.0.0.1:{free_port()}/0")
    with app.client() as client:
        response = post(client)
    assert response.status_code == expected
    if expected == 503:
        assert response.json()["code"] == "rate_limit_unavailable"
        assert "retry-after" in response.headers
