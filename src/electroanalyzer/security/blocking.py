"""Reject requests from client addresses that incident containment blocked for a time."""

from __future__ import annotations

from .asgi import ASGIApp, ClientAddressResolver, Receive, Scope, Send, send_problem
from .blocklist import ClientBlocklist


class ClientBlockMiddleware:
    """Enforce containment blocks whatever the other layers' switches say."""

    def __init__(self, app: ASGIApp, blocklist: ClientBlocklist, resolver: ClientAddressResolver) -> None:
        self.app = app
        self.blocklist = blocklist
        self.resolver = resolver

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        blocked = await self.blocklist.blocked_for(self.resolver.resolve(scope))
        if blocked:
            await send_problem(
                send,
                scope,
                403,
                "client_blocked",
                "Client blocked",
                "requests from this address are blocked for a while after a security incident; "
                "contact an administrator",
                [(b"retry-after", str(blocked).encode())],
            )
            return
        await self.app(scope, receive, send)
