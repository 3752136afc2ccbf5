"""Rejections raised by the defence layers while the application reads a request body."""

from __future__ import annotations

from starlette.exceptions import HTTPException

from electroanalyzer.core.errors import DomainError


class RequestRejected(DomainError, HTTPException):
    """A request stopped by a defence layer; carries a stable code and a safe message.

    As a DomainError the API's error handler renders it with its own status and code. As a
    Starlette HTTPException, FastAPI's body parsing re-raises it unchanged instead of turning
    it into a generic 400.
    """

    def __init__(self, status_code: int, code: str, detail: str) -> None:
        HTTPException.__init__(self, status_code=status_code, detail=detail)
        self.status = status_code
        self.code = code
        self.detail = detail
        self.headers: dict[str, str] = {}
        self.data: dict[str, object] = {}
