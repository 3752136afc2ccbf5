"""CORS for exactly the configured origins; everything else gets no allow header."""

from __future__ import annotations

from .asgi import ASGIApp, Message, Receive, Scope, Send, header_text
from .config import CorsPolicy


class CorsMiddleware:
    """Respond to preflights and add CORS headers only for configured origins.

    A preflight from a disallowed origin, or asking for a method or header outside the
    configured lists, is rejected with 403 and no Access-Control-* header. Origin `null`
    never matches, because the configuration validator rejects it as an allowed origin.
    """

    def __init__(self, app: ASGIApp, policy: CorsPolicy) -> None:
        self.app = app
        self.origins = frozenset(origin.rstrip("/") for origin in policy.allowed_origins)
        self.methods = frozenset(method.upper() for method in policy.allowed_methods)
        self.headers = frozenset(name.lower() for name in policy.allowed_headers)
        self.allow_methods = ", ".join(sorted(self.methods)).encode()
        self.allow_headers = ", ".join(policy.allowed_headers).encode()
        self.max_age = str(policy.max_age_seconds).encode()

    def origin_allowed(self, origin: str | None) -> bool:
        return origin is not None and origin in self.origins

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        origin = header_text(scope, b"origin")
        requested_method = header_text(scope, b"access-control-request-method")
        if scope["method"] == "OPTIONS" and origin is not None and requested_method is not None:
            await self._preflight(scope, send, origin, requested_method)
            return
        if origin is None or not self.origin_allowed(origin):
            await self.app(scope, receive, send)
            return

        async def send_with_cors(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [
                    (k, v)
                    for k, v in message.get("headers", ())
                    if not k.lower().startswith(b"access-control-")
                ]
                headers += [
                    (b"access-control-allow-origin", origin.encode()),
                    (b"access-control-allow-credentials", b"true"),
                    (b"access-control-expose-headers", b"Retry-After, X-Request-ID"),
                    (b"vary", b"Origin"),
                ]
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_cors)

    async def _preflight(self, scope: Scope, send: Send, origin: str, requested_method: str) -> None:
        requested_headers = header_text(scope, b"access-control-request-headers") or ""
        names = {name.strip().lower() for name in requested_headers.split(",") if name.strip()}
        allowed = (
            self.origin_allowed(origin) and requested_method.upper() in self.methods and names <= self.headers
        )
        if not allowed:
            body = b"CORS preflight rejected: origin, method or header not allowed"
            headers = [
                (b"content-type", b"text/plain; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
                (b"vary", b"Origin"),
            ]
            await send({"type": "http.response.start", "status": 403, "headers": headers})
            await send({"type": "http.response.body", "body": body})
            return
        headers = [
            (b"access-control-allow-origin", origin.encode()),
            (b"access-control-allow-credentials", b"true"),
            (b"access-control-allow-methods", self.allow_methods),
            (b"access-control-allow-headers", self.allow_headers),
            (b"access-control-max-age", self.max_age),
            (b"vary", b"Origin"),
            (b"content-length", b"0"),
        ]
        await send({"type": "http.response.start", "status": 204, "headers": headers})
        await send({"type": "http.response.body", "body": b""})
