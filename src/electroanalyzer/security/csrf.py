"""CSRF tokens: random values bound to the session by an HMAC (signed double-submit cookie).

A token is `<random>.<mac>`, where mac = HMAC-SHA256(key, session id + random). The cookie
and the header (or form field) must carry the same token, and the token must verify for the
session of the request, so a token planted by another site or taken from another user's
session is useless. Comparisons are constant-time.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from typing import Any

from .config import setting

COOKIE_NAME = "ea_csrf"
SECURE_COOKIE_NAME = "__Host-ea_csrf"
HEADER_NAME = "X-CSRF-Token"
FORM_FIELD = "csrf_token"
MAX_TOKEN_LENGTH = 200


def _key(secret_key: bytes) -> bytes:
    # A key derived for this purpose only, so a CSRF MAC can never double as a token signature.
    return hmac.new(secret_key, b"electroanalyzer csrf v1", hashlib.sha256).digest()


def _mac(key: bytes, session_id: str | None, nonce: str) -> str:
    message = (session_id or "").encode() + b"\x00" + nonce.encode()
    digest = hmac.new(key, message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def make_token(secret_key: bytes, session_id: str | None) -> str:
    nonce = secrets.token_urlsafe(24)
    return f"{nonce}.{_mac(_key(secret_key), session_id, nonce)}"


def token_is_bound(secret_key: bytes, session_id: str | None, token: str) -> bool:
    """Return True when the token's MAC verifies for this session."""
    if not token or len(token) > MAX_TOKEN_LENGTH or token.count(".") != 1:
        return False
    nonce, mac = token.split(".")
    return hmac.compare_digest(mac.encode(), _mac(_key(secret_key), session_id, nonce).encode())


def tokens_match(
    secret_key: bytes, session_id: str | None, cookie: str | None, submitted: str | None
) -> bool:
    """Check the double submit: same token in cookie and request, bound to this session."""
    if not cookie or not submitted:
        return False
    if not hmac.compare_digest(cookie.encode(), submitted.encode()):
        return False
    return token_is_bound(secret_key, session_id, submitted)


def _secret_bytes(settings: Any) -> bytes:
    value = setting(settings, "SECRET_KEY")
    if hasattr(value, "get_secret_value"):
        value = value.get_secret_value()
    if not value:
        raise ValueError("SECRET_KEY is not set; CSRF tokens cannot be issued")
    return value.encode() if isinstance(value, str) else bytes(value)


def issue_csrf_token(session_id: str | None, settings: Any) -> str:
    """Return a fresh CSRF token bound to the session (None for a page shown before login).

    The page must also set the same value in the CSRF cookie (see `csrf_cookie_header`);
    a page that renders `request.state.csrf_token` instead reuses the token the middleware
    already set in the cookie.
    """
    return make_token(_secret_bytes(settings), session_id)


def cookie_name(secure: bool) -> str:
    return SECURE_COOKIE_NAME if secure else COOKIE_NAME


def csrf_cookie_header(token: str, secure: bool) -> str:
    """Return the Set-Cookie value for the CSRF cookie.

    The cookie is readable by scripts (no HttpOnly) because the double submit needs the
    page to copy it into the X-CSRF-Token header; it holds no credential on its own.
    """
    attributes = "Path=/; SameSite=Strict"
    if secure:
        attributes += "; Secure"
    return f"{cookie_name(secure)}={token}; {attributes}"
