"""Host header allowlist, and refusal of plain HTTP in production."""

from __future__ import annotations

import ipaddress

from .asgi import ASGIApp, ClientAddressResolver, Receive, Scope, Send, header_text, send_problem
from .config import NetworkPolicy


def host_name(value: str) -> str:
    """Return the host part of a Host header value, lower-cased, without the port."""
    value = value.strip().lower()
    if value.startswith("["):
        return value.split("]", 1)[0] + "]"
    return value.rsplit(":", 1)[0] if value.count(":") == 1 else value


def is_loopback(address: str) -> bool:
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False


class HostCheckMiddleware:
    """Reject requests for host names outside the allowlist (DNS rebinding, host poisoning).

    In production, plain HTTP is rejected with 403 (never redirected) unless the peer is on
    loopback or is a configured proxy that reports the client used HTTPS.
    """

    def __init__(
        self, app: ASGIApp, network: NetworkPolicy, resolver: ClientAddressResolver, production: bool
    ) -> None:
        self.app = app
        self.hosts = frozenset(host.lower() for host in network.allowed_hosts)
        self.resolver = resolver
        self.refuse_http = production and network.refuse_plain_http_in_production

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in {"http", "websocket"}:
            await self.app(scope, receive, send)
            return
        host = header_text(scope, b"host")
        if host is None or host_name(host) not in self.hosts:
            await send_problem(
                send,
                scope,
                400,
                "invalid_host",
                "Invalid host",
                "the Host header names a host this server does not serve; use its configured address",
            )
            return
        if self.refuse_http and scope["type"] == "http" and self.resolver.scheme(scope) != "https":
            client = scope.get("client")
            peer = str(client[0]) if client else ""
            if not is_loopback(peer):
                await send_problem(
                    send,
                    scope,
                    403,
                    "https_required",
                    "HTTPS required",
                    "this server accepts only HTTPS outside loopback; connect with https://",
                )
                return
        await self.app(scope, receive, send)
