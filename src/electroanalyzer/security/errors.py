"""Rejections raised by the defence layers while the application reads a request body."""

from __future__ import annotations

from starlette.exceptions import HTTPException


class RequestRejected(HTTPException):
    """A request stopped by a defence layer; carries a stable code and a safe message.

    It subclasses Starlette's HTTPException so that FastAPI's body parsing re-raises it
    unchanged instead of turning it into a generic 400.
    """

    def __init__(self, status_code: int, code: str, detail: str) -> None:
        super().__init__(status_code=status_code, detail=detail)
        self.code = code
