"""Security headers on every HTTP response, errors and static files included."""

from __future__ import annotations

from .asgi import ASGIApp, ClientAddressResolver, Message, Receive, Scope, Send
from .config import HeaderPolicy

STATIC_PREFIX = "/static/"


def build_headers(policy: HeaderPolicy) -> list[tuple[bytes, bytes]]:
    """Return the headers every response carries, whatever its status."""
    return [
        (b"x-content-type-options", b"nosniff"),
        (b"x-frame-options", b"DENY"),
        (b"x-xss-protection", b"1; mode=block"),
        (b"content-security-policy", policy.content_security_policy.encode()),
        (b"referrer-policy", policy.referrer_policy.encode()),
        (b"permissions-policy", policy.permissions_policy.encode()),
        (b"cross-origin-opener-policy", b"same-origin"),
        (b"cross-origin-resource-policy", b"same-origin"),
        (b"cross-origin-embedder-policy", b"require-corp"),
        (b"x-permitted-cross-domain-policies", b"none"),
    ]


class SecurityHeadersMiddleware:
    """Add the security headers, HSTS under HTTPS, and no-store caching outside /static."""

    def __init__(self, app: ASGIApp, policy: HeaderPolicy, resolver: ClientAddressResolver) -> None:
        self.app = app
        self.resolver = resolver
        self.common = build_headers(policy)
        self.replaced = {name for name, _ in self.common} | {b"cache-control", b"pragma", b"server"}
        self.hsts = (
            b"strict-transport-security",
            f"max-age={policy.hsts_max_age_seconds}; includeSubDomains".encode(),
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        https = self.resolver.scheme(scope) == "https"
        static = str(scope.get("path", "")).startswith(STATIC_PREFIX)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                kept = [(k, v) for k, v in message.get("headers", ()) if k.lower() not in self.replaced]
                added = list(self.common)
                if https:
                    added.append(self.hsts)
                if static:
                    added.append((b"cache-control", b"public, max-age=3600"))
                else:
                    # Anything outside /static may carry PHI, so no browser or proxy may store it.
                    added.append((b"cache-control", b"no-store"))
                    added.append((b"pragma", b"no-cache"))
                message["headers"] = kept + added
            await send(message)

        await self.app(scope, receive, send_with_headers)
