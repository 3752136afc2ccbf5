"""Read the subject and session id of an access token without trusting unverified claims."""

from __future__ import annotations

from typing import Any

import jwt

from .asgi import Scope, cookies, header

ACCESS_COOKIES = ("__Host-ea_access", "ea_access")
MAX_TOKEN_LENGTH = 4096
ISSUER = "electroanalyzer"
ACCESS_TYPE = "access"


def access_token(scope: Scope) -> tuple[str | None, bool]:
    """Return the access token of the request and whether it came from a cookie."""
    authorization = header(scope, b"authorization")
    if authorization and authorization[:7].lower() == b"bearer ":
        return authorization[7:].decode("latin-1").strip(), False
    jar = cookies(scope)
    for name in ACCESS_COOKIES:
        if name in jar:
            return jar[name], True
    return None, False


def verified_claims(token: str | None, secret_key: bytes) -> dict[str, Any] | None:
    """Return the claims of a valid HS256 access token signed with the token key, or None."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    try:
        claims: dict[str, Any] = jwt.decode(
            token,
            secret_key,
            algorithms=["HS256"],
            issuer=ISSUER,
            options={"verify_aud": False, "require": ["exp", "sub", "sid", "iss"]},
        )
    except jwt.PyJWTError:
        return None
    return claims if claims.get("typ", ACCESS_TYPE) == ACCESS_TYPE else None


def session_id_of(claims: dict[str, Any] | None) -> str | None:
    if not claims:
        return None
    value = claims.get("sid")
    return str(value) if value is not None else None
