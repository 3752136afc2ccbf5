"""ASGI middleware scanning each request's path, query and selected headers for attack patterns."""

from __future__ import annotations

from collections.abc import Callable

from .asgi import ASGIApp, ClientAddressResolver, Receive, Scope, Send, send_problem
from .threats import Detection, ThreatMatcher, worst

DetectionHook = Callable[[Detection, str, str], None]


class ThreatDetectionMiddleware:
    """Record every detection; reject the request when a matching pattern's action is block.

    Bodies are not scanned: uploaded documents and clinical free text pass untouched.
    """

    def __init__(
        self,
        app: ASGIApp,
        matcher: ThreatMatcher,
        resolver: ClientAddressResolver,
        on_detect: DetectionHook | None = None,
    ) -> None:
        self.app = app
        self.matcher = matcher
        self.resolver = resolver
        self.on_detect = on_detect

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in {"http", "websocket"}:
            await self.app(scope, receive, send)
            return
        raw_path = scope.get("raw_path") or b""
        path = raw_path.decode("latin-1") if raw_path else str(scope.get("path", ""))
        query = (scope.get("query_string") or b"").decode("latin-1")
        detections = self.matcher.scan_request(path, query, list(scope.get("headers", ())))
        if not detections:
            await self.app(scope, receive, send)
            return

        client = self.resolver.resolve(scope)
        blocking = [item for item in detections if item.action == "block"]
        reported = worst(blocking) or worst(detections)
        if self.on_detect is not None and reported is not None:
            self.on_detect(reported, client, str(scope.get("path", ""))[:200])
        if blocking and scope["type"] == "websocket":
            # Closing before accepting makes the server reject the handshake with 403.
            await send({"type": "websocket.close", "code": 1008})
            return
        if blocking:
            await send_problem(
                send,
                scope,
                403,
                "request_blocked",
                "Request blocked",
                "the request matched a known attack pattern and was blocked; "
                "if this is legitimate, send free text in the request body rather than the URL",
            )
            return
        await self.app(scope, receive, send)
