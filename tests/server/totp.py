"""An authenticator app for tests that never shows a code the server has already accepted.

The server accepts each TOTP time step once per user and only steps within `valid_window` steps of
its own clock. Each `code()` is the code of the next step not yet used: the current step first, then
the one ahead; a third code waits until the server's clock reaches the step after that.
"""

import time
from datetime import datetime

import pyotp

from electroanalyzer.core.clock import Clock

VALID_WINDOW = 1  # the shipped policy's mfa.totp_valid_window


class Authenticator:
    def __init__(self, secret: str, clock: Clock, valid_window: int = VALID_WINDOW) -> None:
        self.totp = pyotp.TOTP(secret)
        self.clock = clock
        self.valid_window = valid_window
        self.last_step: int | None = None

    def code(self) -> str:
        while True:
            now = self.clock.now()
            current = self.totp.timecode(now)
            step = current if self.last_step is None else max(current, self.last_step + 1)
            if step <= current + self.valid_window:
                self.last_step = step
                return self.totp.at(now, counter_offset=step - current)
            time.sleep(self._seconds_to_next_step(now))

    def _seconds_to_next_step(self, now: datetime) -> float:
        interval = self.totp.interval
        return interval - now.timestamp() % interval + 0.05
