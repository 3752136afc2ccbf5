"""Access tokens (JWT, HS256 only) and opaque refresh tokens.

The header is checked before PyJWT sees the token: exactly `HS256`, so `none` in any spelling and every
other algorithm fail. Expiry and not-before are checked against the injected clock. Every failure,
including malformed input, becomes NotAuthenticated (401), never a server error.
"""

import binascii
import hashlib
import json
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

import jwt

from electroanalyzer.core.errors import NotAuthenticated

ALGORITHM = "HS256"
ISSUER = "electroanalyzer"
ACCESS_TYPE = "access"
REQUIRED_CLAIMS = ("exp", "iat", "nbf", "sub", "sid", "jti", "typ", "iss")
MAX_TOKEN_LENGTH = 4096
CLOCK_SKEW = timedelta(seconds=5)


@dataclass(frozen=True)
class AccessClaims:
    user_id: int
    session_id: str
    token_id: str
    issued_at: datetime
    expires_at: datetime


def issue_access_token(key: bytes, *, user_id: int, session_id: str, now: datetime, minutes: int) -> str:
    expires = now + timedelta(minutes=minutes)
    claims = {
        "iss": ISSUER,
        "sub": str(user_id),
        "sid": session_id,
        "jti": uuid.uuid4().hex,
        "typ": ACCESS_TYPE,
        "iat": int(now.timestamp()),
        "nbf": int(now.timestamp()),
        "exp": int(expires.timestamp()),
    }
    return jwt.encode(claims, key, algorithm=ALGORITHM, headers={"typ": "JWT"})


def _reject(reason: str) -> NotAuthenticated:
    return NotAuthenticated(reason_code=reason)


def decode_access_token(token: str, key: bytes, *, now: datetime) -> AccessClaims:
    if not token or len(token) > MAX_TOKEN_LENGTH or token.count(".") != 2:
        raise _reject("malformed")
    try:
        header = jwt.get_unverified_header(token)
    except (jwt.PyJWTError, ValueError, TypeError, binascii.Error, json.JSONDecodeError):
        raise _reject("malformed") from None
    if header.get("alg") != ALGORITHM:
        raise _reject("algorithm")
    try:
        claims = jwt.decode(
            token,
            key,
            algorithms=[ALGORITHM],
            issuer=ISSUER,
            options={
                "require": list(REQUIRED_CLAIMS),
                "verify_exp": False,
                "verify_nbf": False,
                "verify_iat": False,
            },
        )
    except (jwt.PyJWTError, ValueError, TypeError, binascii.Error):
        raise _reject("signature_or_claims") from None
    if claims.get("typ") != ACCESS_TYPE:
        raise _reject("token_type")
    try:
        user_id = int(claims["sub"])
        expires_at = datetime.fromtimestamp(int(claims["exp"]), now.tzinfo)
        not_before = datetime.fromtimestamp(int(claims["nbf"]), now.tzinfo)
        issued_at = datetime.fromtimestamp(int(claims["iat"]), now.tzinfo)
        session_id = str(claims["sid"])
        token_id = str(claims["jti"])
    except (KeyError, ValueError, TypeError, OverflowError, OSError):
        raise _reject("claims") from None
    if expires_at <= now:
        raise _reject("expired")
    if not_before > now + CLOCK_SKEW or issued_at > now + CLOCK_SKEW:
        raise _reject("not_yet_valid")
    return AccessClaims(user_id, session_id, token_id, issued_at, expires_at)


def new_refresh_token(session_id: str) -> str:
    """`<session id>.<256 random bits>`; the session id part lets a reused old token end its session."""
    return f"{session_id}.{secrets.token_urlsafe(32)}"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()
