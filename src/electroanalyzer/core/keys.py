"""Purpose-specific keys derived from SECRET_KEY, so one secret never serves two kinds of token."""

import hashlib
import hmac

from electroanalyzer.core.settings import Settings


def derive_key(settings: Settings, purpose: str) -> bytes:
    """HMAC-SHA256(SECRET_KEY, "electroanalyzer/<purpose>"); the audit key may be set on its own."""
    if purpose == "audit" and settings.audit_hmac_key is not None:
        return settings.audit_hmac_key.get_secret_value().encode("utf-8")
    secret = settings.secret("SECRET_KEY").encode("utf-8")
    return hmac.new(secret, f"electroanalyzer/{purpose}".encode(), hashlib.sha256).digest()


def keyed_digest(key: bytes, value: str) -> str:
    return hmac.new(key, value.encode("utf-8"), hashlib.sha256).hexdigest()
