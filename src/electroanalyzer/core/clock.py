"""An adjustable clock, so session timeouts can be tested without sleeping."""

from datetime import UTC, datetime, timedelta


class Clock:
    """Wall-clock UTC time plus an offset that tests may advance."""

    def __init__(self) -> None:
        self.offset = timedelta()

    def now(self) -> datetime:
        return datetime.now(UTC) + self.offset

    def advance(self, delta: timedelta) -> None:
        self.offset += delta
