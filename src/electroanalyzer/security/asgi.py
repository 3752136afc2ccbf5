"""Small helpers shared by the pure ASGI middleware of the defence layers."""

from __future__ import annotations

import functools
import ipaddress
import json
from collections.abc import Awaitable, Callable, Iterable, MutableMapping
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
PROBLEM_TYPE_BASE = "https://electroanalyzer.local/problems/"  # the same base as the API's own errors


def header(scope: Scope, name: bytes) -> bytes | None:
    """Return the first value of a request header (name in lower case), or None."""
    for key, value in scope.get("headers", ()):
        if key == name:
            return bytes(value)
    return None


def header_text(scope: Scope, name: bytes) -> str | None:
    value = header(scope, name)
    return value.decode("latin-1") if value is not None else None


def cookies(scope: Scope) -> dict[str, str]:
    """Parse the Cookie header into a dict; the first value of a repeated name wins."""
    result: dict[str, str] = {}
    for key, value in scope.get("headers", ()):
        if key != b"cookie":
            continue
        for part in value.decode("latin-1").split(";"):
            name, sep, content = part.strip().partition("=")
            if sep and name and name not in result:
                result[name] = content.strip().strip('"')
    return result


def request_id(scope: Scope) -> str | None:
    state = scope.get("state") or {}
    value = state.get("request_id") if isinstance(state, dict) else None
    return str(value) if value else header_text(scope, b"x-request-id")


async def send_problem(
    send: Send,
    scope: Scope,
    status: int,
    code: str,
    title: str,
    detail: str,
    extra_headers: Iterable[tuple[bytes, bytes]] = (),
) -> None:
    """Send an application/problem+json response with a stable code and a safe message."""
    body = {
        "type": PROBLEM_TYPE_BASE + code,
        "title": title,
        "status": status,
        "code": code,
        "detail": detail,
        "request_id": request_id(scope),
    }
    payload = json.dumps(body).encode()
    headers = [
        (b"content-type", b"application/problem+json"),
        (b"content-length", str(len(payload)).encode()),
        *extra_headers,
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": payload if scope.get("method") != "HEAD" else b""})


@functools.lru_cache(maxsize=4096)
def _parse_address(address: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(address)
    except ValueError:
        return None


def _in_networks(address: str, networks: list[ipaddress.IPv4Network | ipaddress.IPv6Network]) -> bool:
    if not networks:
        return False
    parsed = _parse_address(address)
    return parsed is not None and any(parsed in network for network in networks)


class ClientAddressResolver:
    """Find the client address, believing forwarding headers only from configured proxies.

    With no trusted proxies the peer address of the TCP connection is the client, whatever
    X-Forwarded-For, X-Real-IP or Forwarded claim. Behind trusted proxies the rightmost
    X-Forwarded-For entry that is not itself a trusted proxy is the client.
    """

    def __init__(self, trusted_proxies: Iterable[str]) -> None:
        self.networks = [ipaddress.ip_network(item, strict=False) for item in trusted_proxies]

    def peer_is_trusted(self, scope: Scope) -> bool:
        client = scope.get("client")
        return client is not None and _in_networks(str(client[0]), self.networks)

    def resolve(self, scope: Scope) -> str:
        client = scope.get("client")
        peer = str(client[0]) if client else "unknown"
        if not self.networks or not _in_networks(peer, self.networks):
            return peer
        forwarded = header_text(scope, b"x-forwarded-for")
        if not forwarded:
            return peer
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        for hop in reversed(hops):
            if not _in_networks(hop, self.networks):
                try:
                    return str(ipaddress.ip_address(hop))
                except ValueError:
                    return peer
        return peer

    def scheme(self, scope: Scope) -> str:
        """Return the scheme the client used: the proxy's X-Forwarded-Proto only from a trusted peer."""
        if self.peer_is_trusted(scope):
            proto = header_text(scope, b"x-forwarded-proto")
            if proto in {"http", "https"}:
                return proto
        return str(scope.get("scheme", "http"))
