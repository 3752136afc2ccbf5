"""ASGI middleware applying the rate limits and the containment blocklist."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from urllib.parse import parse_qs

from .asgi import ASGIApp, ClientAddressResolver, Message, Receive, Scope, Send, header, send_problem
from .config import RateLimitPolicy
from .ratelimit import DEFAULT_BUCKET, Decision, RateLimiter
from .tokens import access_token, verified_claims

logger = logging.getLogger(__name__)

RejectionHook = Callable[[str, str, str | None, str], None]
USERNAME_FIELDS = ("username", "email")
SAFE_METHODS = frozenset({"GET", "HEAD"})


def username_from_body(body: bytes, content_type: bytes) -> str | None:
    """Extract the submitted user name from a bounded login body (form or JSON)."""
    media = content_type.split(b";", 1)[0].strip().lower()
    try:
        if media == b"application/x-www-form-urlencoded":
            fields = parse_qs(body.decode("utf-8"), max_num_fields=20)
            for name in USERNAME_FIELDS:
                if fields.get(name):
                    return fields[name][0].strip().casefold()[:254] or None
        elif media == b"application/json":
            data = json.loads(body)
            if isinstance(data, dict):
                for name in USERNAME_FIELDS:
                    value = data.get(name)
                    if isinstance(value, str) and value.strip():
                        return value.strip().casefold()[:254]
    except (ValueError, UnicodeDecodeError):
        return None
    return None


class RateLimitMiddleware:
    """Apply per-client and per-account limits.

    The client address comes from ClientAddressResolver, so X-Forwarded-For and friends
    count only when they come from a configured proxy. For login endpoints the body is
    read up to a small bound, the user name taken from it, and the body replayed to the
    application; for other requests a valid access token's subject is the account.
    """

    def __init__(
        self,
        app: ASGIApp,
        limiter: RateLimiter,
        policy: RateLimitPolicy,
        resolver: ClientAddressResolver,
        token_key: bytes,
        on_reject: RejectionHook | None = None,
    ) -> None:
        self.app = app
        self.limiter = limiter
        self.policy = policy
        self.resolver = resolver
        self.token_key = token_key
        self.on_reject = on_reject
        self.account_endpoints = frozenset(policy.account_endpoints)
        self.submit_only_endpoints = frozenset(policy.submit_only_endpoints)

    def _token_subject(self, scope: Scope) -> str | None:
        token, _ = access_token(scope)
        claims = verified_claims(token, self.token_key)
        return f"user:{claims['sub']}" if claims else None

    async def _read_bounded(self, receive: Receive) -> tuple[bytes, bool]:
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return b"".join(chunks), True
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.policy.account_body_max_bytes:
                return b"", False
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks), True

    async def _reject(
        self, scope: Scope, send: Send, client: str, decision: Decision, account: str | None
    ) -> None:
        if self.on_reject is not None:
            kind = "ratelimit:unavailable" if decision.storage_unavailable else "ratelimit:exceeded"
            self.on_reject(kind, client, account, str(scope.get("path", "")))
        retry = [(b"retry-after", str(decision.retry_after).encode())]
        if decision.storage_unavailable:
            await send_problem(
                send,
                scope,
                503,
                "rate_limit_unavailable",
                "Service unavailable",
                "the rate-limit store cannot be reached; retry shortly",
                retry,
            )
            return
        await send_problem(
            send,
            scope,
            429,
            "rate_limited",
            "Too many requests",
            f"too many requests; retry after {decision.retry_after} seconds",
            retry,
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] == "OPTIONS":
            await self.app(scope, receive, send)
            return
        client = self.resolver.resolve(scope)
        path = str(scope.get("path", ""))
        bucket = self.limiter.bucket_for(path)
        if scope["method"] in SAFE_METHODS and bucket in self.submit_only_endpoints:
            bucket = DEFAULT_BUCKET
        decision = await self.limiter.hit("client", client, bucket)
        if not decision.allowed:
            await self._reject(scope, send, client, decision, None)
            return

        account: str | None = None
        downstream_receive = receive
        if scope["method"] == "POST" and bucket in self.account_endpoints:
            body, within = await self._read_bounded(receive)
            if not within:
                await send_problem(
                    send,
                    scope,
                    413,
                    "request_too_large",
                    "Request rejected",
                    f"a login request may hold at most {self.policy.account_body_max_bytes} bytes",
                )
                return
            username = username_from_body(body, header(scope, b"content-type") or b"")
            account = f"name:{username}" if username else None
            downstream_receive = _replay(body, receive)
        else:
            account = self._token_subject(scope)

        if account is not None:
            decision = await self.limiter.hit("account", account, bucket)
            if not decision.allowed:
                await self._reject(scope, send, client, decision, account)
                return
        await self.app(scope, downstream_receive, send)


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay
