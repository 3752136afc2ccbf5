"""TLS for `electroanalyzer serve --tls-cert --tls-key`: TLS 1.3 only.

uvicorn builds its SSLContext from the certificate options when the config is loaded;
Tls13Config then raises the context's minimum version to TLS 1.3, so TLS 1.2 and older
handshakes fail. TLS 1.3 offers only AEAD cipher suites.
"""

from __future__ import annotations

import ssl
from typing import Any

import uvicorn


class Tls13Config(uvicorn.Config):
    """A uvicorn Config whose TLS context accepts TLS 1.3 and nothing older."""

    def load(self) -> None:
        super().load()
        if self.ssl is not None:
            restrict_to_tls13(self.ssl)


def restrict_to_tls13(context: ssl.SSLContext) -> ssl.SSLContext:
    context.minimum_version = ssl.TLSVersion.TLSv1_3
    context.options |= ssl.OP_NO_COMPRESSION
    return context


def server_context(certfile: str, keyfile: str) -> ssl.SSLContext:
    """Return a server SSLContext for the certificate, TLS 1.3 only (for servers other than uvicorn)."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(certfile, keyfile)
    return restrict_to_tls13(context)


def tls_options(certfile: str | None, keyfile: str | None) -> dict[str, Any]:
    if certfile is None or keyfile is None:
        return {}
    return {"ssl_certfile": certfile, "ssl_keyfile": keyfile}
