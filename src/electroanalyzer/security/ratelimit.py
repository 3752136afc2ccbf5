"""Rate limits per client address and per account, kept in memory or in Redis.

Each endpoint has three moving windows (one second for the burst, one minute, one hour).
The windows are hit in turn and the first full one stops the request, so a rejected
request may still count against a shorter window it passed. That errs on the strict side:
across workers sharing Redis no request beyond a limit is admitted, because each hit is one
atomic Lua script in Redis.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from limits import RateLimitItem, RateLimitItemPerHour, RateLimitItemPerMinute, RateLimitItemPerSecond
from limits.aio.storage import MemoryStorage, RedisStorage, Storage
from limits.aio.strategies import MovingWindowRateLimiter
from limits.errors import StorageError
from redis.exceptions import RedisError

from .config import RateLimitPolicy, WindowLimits

logger = logging.getLogger(__name__)

DEFAULT_BUCKET = "default"


@dataclass(frozen=True)
class Decision:
    """Outcome of one rate-limit check; retry_after is in whole seconds."""

    allowed: bool
    retry_after: int = 0
    storage_unavailable: bool = False
    window: str | None = None


def _items(limits: WindowLimits) -> list[tuple[str, RateLimitItem]]:
    return [
        ("second", RateLimitItemPerSecond(limits.burst)),
        ("minute", RateLimitItemPerMinute(limits.per_minute)),
        ("hour", RateLimitItemPerHour(limits.per_hour)),
    ]


def build_storage(url: str | None, key_prefix: str, timeout_seconds: float) -> Storage:
    """Return in-memory storage for one process, or Redis storage shared by every worker."""
    if not url or url.startswith("memory://"):
        return MemoryStorage()
    if not url.startswith(("redis://", "rediss://", "unix://")):
        raise ValueError(
            f"RATE_LIMIT_STORAGE_URL must start with redis://, rediss:// or memory://, not {url.split(':', 1)[0]}://"
        )
    return RedisStorage(
        "async+" + url,
        wrap_exceptions=True,
        implementation="redispy",
        key_prefix=key_prefix,
        socket_timeout=timeout_seconds,
        socket_connect_timeout=timeout_seconds,
    )


class RateLimiter:
    """Named per-endpoint limits checked against one storage."""

    def __init__(self, policy: RateLimitPolicy, storage: Storage) -> None:
        self.policy = policy
        self.storage = storage
        self.strategy = MovingWindowRateLimiter(storage)
        self.endpoint_items = {path: _items(limits) for path, limits in policy.endpoints.items()}
        self.default_items = _items(policy.default)

    def bucket_for(self, path: str) -> str:
        normalized = path.rstrip("/") or "/"
        return normalized if normalized in self.endpoint_items else DEFAULT_BUCKET

    async def hit(self, kind: str, subject: str, bucket: str) -> Decision:
        """Count one request of `subject` (a client address or an account) against `bucket`."""
        items = self.endpoint_items.get(bucket, self.default_items)
        try:
            for window, item in items:
                if not await self.strategy.hit(item, kind, bucket, subject):
                    stats = await self.strategy.get_window_stats(item, kind, bucket, subject)
                    retry_after = max(1, int(stats.reset_time - time.time() + 0.999))
                    return Decision(False, retry_after=retry_after, window=window)
        except (StorageError, RedisError, OSError) as error:
            logger.warning(
                "rate_limit_storage_unavailable",
                extra={"error_type": type(error).__name__, "fail_open": self.policy.storage_fail_open},
            )
            return Decision(self.policy.storage_fail_open, retry_after=5, storage_unavailable=True)
        return Decision(True)

    async def reset(self) -> None:
        await self.storage.reset()
