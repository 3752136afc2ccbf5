"""In-process publication of security-relevant happenings.

Domains that see a login, a denial, a rejected upload or a PHI access call `emit`; the security
monitoring package subscribes to store them as security events and to run its behaviour rules.
Events carry ids and codes only, never PHI, note text, passwords or tokens.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class SecuritySignal:
    """One happening, named like `auth:login:failed` or `authz:denied`."""

    kind: str
    outcome: str  # "success", "failure" or "denied"
    user_id: int | None = None
    client_address: str | None = None
    request_id: str | None = None
    attributes: dict[str, str | int | float | bool | None] = field(default_factory=dict)
    occurred_at: datetime = field(default_factory=lambda: datetime.now(UTC))


Subscriber = Callable[[SecuritySignal], None]
_subscribers: list[Subscriber] = []


def subscribe(subscriber: Subscriber) -> None:
    if subscriber not in _subscribers:
        _subscribers.append(subscriber)


def unsubscribe(subscriber: Subscriber) -> None:
    if subscriber in _subscribers:
        _subscribers.remove(subscriber)


def emit(signal: SecuritySignal) -> None:
    """Deliver the signal to every subscriber; a failing subscriber is logged and skipped."""
    for subscriber in list(_subscribers):
        try:
            subscriber(signal)
        except Exception:
            logger.exception("security_signal_subscriber_failed", extra={"kind": signal.kind})
