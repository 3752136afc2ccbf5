"""Client addresses blocked for a time by incident containment, shared through Redis when configured."""

from __future__ import annotations

import logging
import threading
import time

import redis
import redis.asyncio as aioredis
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)


class ClientBlocklist:
    """Client addresses that the middleware rejects until their block expires.

    Blocks live in this process's memory, and also in Redis when a Redis URL is given so
    that every worker enforces them. A Redis failure is logged and the memory copy is used.
    """

    def __init__(
        self, redis_url: str | None = None, key_prefix: str = "ea", timeout_seconds: float = 0.5
    ) -> None:
        self._lock = threading.Lock()
        self._memory: dict[str, float] = {}
        self._prefix = f"{key_prefix}:blocked:"
        self._sync: redis.Redis | None = None
        self._async: aioredis.Redis | None = None
        if redis_url and redis_url.startswith(("redis://", "rediss://")):
            options = {"socket_timeout": timeout_seconds, "socket_connect_timeout": timeout_seconds}
            self._sync = redis.Redis.from_url(redis_url, **options)
            self._async = aioredis.Redis.from_url(redis_url, **options)  # type: ignore[arg-type]

    def block(self, address: str, seconds: int) -> None:
        if seconds <= 0:
            return
        with self._lock:
            self._memory[address] = time.time() + seconds
        if self._sync is not None:
            try:
                self._sync.set(self._prefix + address, "1", ex=seconds)
            except RedisError as error:
                logger.warning("client_block_store_failed", extra={"error_type": type(error).__name__})

    def unblock(self, address: str) -> None:
        with self._lock:
            self._memory.pop(address, None)
        if self._sync is not None:
            try:
                self._sync.delete(self._prefix + address)
            except RedisError as error:
                logger.warning("client_unblock_store_failed", extra={"error_type": type(error).__name__})

    def remaining_seconds(self, address: str) -> int:
        with self._lock:
            until = self._memory.get(address)
            if until is not None and until <= time.time():
                del self._memory[address]
                until = None
        return max(0, int(until - time.time()) + 1) if until is not None else 0

    async def blocked_for(self, address: str) -> int:
        """Return how many seconds the address stays blocked (0 when it is not blocked)."""
        local = self.remaining_seconds(address)
        if local or self._async is None:
            return local
        try:
            ttl = await self._async.ttl(self._prefix + address)
        except RedisError as error:
            logger.warning("client_block_lookup_failed", extra={"error_type": type(error).__name__})
            return 0
        return int(ttl) if ttl and ttl > 0 else 0

    async def aclose(self) -> None:
        if self._async is not None:
            await self._async.aclose()
        if self._sync is not None:
            self._sync.close()
