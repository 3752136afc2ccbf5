"""Rate limiter logic against real storage: memory, Redis, and an unreachable Redis."""

import asyncio

import pytest

from electroanalyzer.security.config import RateLimitPolicy, WindowLimits
from electroanalyzer.security.ratelimit import RateLimiter, build_storage

from .conftest import free_port, redis_prefix

POLICY = RateLimitPolicy(
    default=WindowLimits(per_minute=50, per_hour=100, burst=20),
    endpoints={"/api/v2/auth/token": WindowLimits(per_minute=10, per_hour=100, burst=5)},
)


def run_hits(limiter: RateLimiter, count: int, subject: str = "10.0.0.1", bucket: str = "/api/v2/auth/token"):
    async def go() -> list:
        return [await limiter.hit("client", subject, bucket) for _ in range(count)]

    return asyncio.run(go())


def test_burst_limit_in_memory() -> None:
    limiter = RateLimiter(POLICY, build_storage("memory://", redis_prefix(), 0.5))
    decisions = run_hits(limiter, 6)
    assert [decision.allowed for decision in decisions] == [True] * 5 + [False]
    assert decisions[-1].retry_after >= 1
    assert decisions[-1].window == "second"


def test_subjects_counted_separately() -> None:
    limiter = RateLimiter(POLICY, build_storage("memory://", redis_prefix(), 0.5))
    assert all(decision.allowed for decision in run_hits(limiter, 5, subject="a"))
    assert all(decision.allowed for decision in run_hits(limiter, 5, subject="b"))


def test_unknown_paths_share_default_bucket() -> None:
    limiter = RateLimiter(POLICY, build_storage("memory://", redis_prefix(), 0.5))
    assert limiter.bucket_for("/api/v2/auth/token/") == "/api/v2/auth/token"
    assert limiter.bucket_for("/api/v2/analysis") == "default"
    assert limiter.bucket_for("/anything") == "default"


@pytest.mark.redis
def test_burst_limit_in_redis() -> None:
    limiter = RateLimiter(POLICY, build_storage("redis://127.0.0.1:6379/0", redis_prefix(), 0.5))
    decisions = run_hits(limiter, 7)
    assert [decision.allowed for decision in decisions] == [True] * 5 + [False, False]
    assert not any(decision.storage_unavailable for decision in decisions)


@pytest.mark.redis
def test_redis_counters_shared_between_limiters() -> None:
    prefix = redis_prefix()
    first = RateLimiter(POLICY, build_storage("redis://127.0.0.1:6379/0", prefix, 0.5))
    second = RateLimiter(POLICY, build_storage("redis://127.0.0.1:6379/0", prefix, 0.5))
    assert all(decision.allowed for decision in run_hits(first, 3))
    decisions = run_hits(second, 3)
    assert [decision.allowed for decision in decisions] == [True, True, False]


def test_unreachable_redis_fails_closed() -> None:
    policy = POLICY.model_copy(update={"storage_fail_open": False})
    url = f"redis://127.0.0.1:{free_port()}/0"
    limiter = RateLimiter(policy, build_storage(url, redis_prefix(), 0.2))
    decision = run_hits(limiter, 1)[0]
    assert decision.storage_unavailable
    assert not decision.allowed


def test_unreachable_redis_fails_open() -> None:
    policy = POLICY.model_copy(update={"storage_fail_open": True})
    url = f"redis://127.0.0.1:{free_port()}/0"
    limiter = RateLimiter(policy, build_storage(url, redis_prefix(), 0.2))
    decision = run_hits(limiter, 1)[0]
    assert decision.storage_unavailable
    assert decision.allowed


def test_unsupported_storage_url_rejected() -> None:
    with pytest.raises(ValueError, match="redis://"):
        build_storage("memcached://127.0.0.1:11211", "p", 0.5)
