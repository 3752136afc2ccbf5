"""Building security event rows: keyed hashes of addresses and names, and id-only attributes."""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

SAFE_KEY = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
SAFE_TEXT = re.compile(r"^[A-Za-z0-9_.:/@-]{0,64}$")
MAX_ATTRIBUTES = 12

# Kinds stored at a severity above "info" when a signal arrives; everything else is info.
SIGNAL_SEVERITY = {
    "auth:login:failed": "low",
    "auth:lockout": "medium",
    "auth:token:invalid": "low",
    "authz:denied": "low",
    "upload:rejected": "low",
    "key:rotated": "info",
}


@dataclass(frozen=True)
class EventRecord:
    """One security event waiting to be written; `client` is the raw address, never stored."""

    kind: str
    outcome: str
    severity: str = "info"
    source: str = "signal"
    user_id: int | None = None
    client: str | None = None
    subject: str | None = None
    request_id: str | None = None
    pattern_id: str | None = None
    attributes: dict[str, Any] = field(default_factory=dict)
    occurred_at: datetime = field(default_factory=lambda: datetime.now(UTC))


class Hasher:
    """Keyed hashes, so stored rows can be grouped by client or user name without holding either."""

    def __init__(self, secret_key: bytes) -> None:
        self._key = hmac.new(secret_key, b"electroanalyzer security-event hash v1", hashlib.sha256).digest()

    def __call__(self, value: str | None) -> str | None:
        if not value:
            return None
        return hmac.new(self._key, value.encode("utf-8"), hashlib.sha256).hexdigest()


def safe_attributes(raw: dict[str, Any]) -> dict[str, Any]:
    """Keep only short id-like attributes; free text never reaches the security tables."""
    kept: dict[str, Any] = {}
    for key, value in raw.items():
        if len(kept) >= MAX_ATTRIBUTES or not SAFE_KEY.match(key):
            continue
        scalar = value is None or isinstance(value, bool | int | float)
        if scalar or (isinstance(value, str) and SAFE_TEXT.match(value)):
            kept[key] = value
    return kept
