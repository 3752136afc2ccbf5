"""Install the defence layers, and the /api/v2/security and /api/v2/compliance routes.

The security headers wrap Starlette's complete middleware stack, server-error handler
included, so even a 500 response carries them. The other layers run as one middleware in
the application's stack, outermost first: request limits, host check, CORS, the
containment blocklist, rate limits, CSRF, threat detection. Middleware the application adds
later (request ids, access log) runs before them and so sees every rejection. Each layer
except the request limits, the host check and CORS can be switched off by its ENABLE_*
setting.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from starlette.applications import Starlette

from .asgi import ASGIApp, ClientAddressResolver, Receive, Scope, Send
from .blocking import ClientBlockMiddleware
from .blocklist import ClientBlocklist
from .config import SecurityConfig, security_config
from .cors import CorsMiddleware
from .csrf_middleware import CsrfMiddleware
from .headers import SecurityHeadersMiddleware
from .host import HostCheckMiddleware
from .monitor import SecurityMonitor
from .openapi import document_layers
from .ratelimit import RateLimiter, build_storage
from .ratelimit_middleware import RateLimitMiddleware
from .request_limits import RequestLimitsMiddleware
from .threat_middleware import ThreatDetectionMiddleware
from .threats import ThreatMatcher, load_pattern_file, pattern_file_path

API_PREFIX = "/api/v2"


@dataclass
class SecurityRuntime:
    """The objects the layers share, kept on `app.state.security`."""

    config: SecurityConfig
    resolver: ClientAddressResolver
    limiter: RateLimiter
    blocklist: ClientBlocklist
    matcher: ThreatMatcher
    monitor: SecurityMonitor


def build_runtime(app: Starlette, settings: Any) -> SecurityRuntime:
    """Validate the configuration and build the shared objects; raises SecurityConfigError."""
    config = security_config(settings)
    matcher = ThreatMatcher(load_pattern_file(pattern_file_path(settings)))
    resolver = ClientAddressResolver(config.rate_limits.trusted_proxies)
    timeout = config.rate_limits.storage_timeout_seconds
    try:
        storage = build_storage(config.rate_limit_storage_url, config.rate_limit_key_prefix, timeout)
    except ValueError as error:
        from .config import SecurityConfigError

        raise SecurityConfigError(
            "environment", "RATE_LIMIT_STORAGE_URL", str(error), "use redis://host:port/db or leave it unset"
        ) from None
    limiter = RateLimiter(config.rate_limits, storage)
    blocklist = ClientBlocklist(config.rate_limit_storage_url, config.rate_limit_key_prefix, timeout)
    monitor = SecurityMonitor(app, config, blocklist)
    return SecurityRuntime(config, resolver, limiter, blocklist, matcher, monitor)


def wrap_layers(inner: ASGIApp, runtime: SecurityRuntime, *, with_headers: bool = True) -> ASGIApp:
    """Return `inner` wrapped in every enabled layer, built from the innermost outwards."""
    config = runtime.config
    monitor = runtime.monitor
    app: ASGIApp = inner
    if config.enable_threat_detection:
        app = ThreatDetectionMiddleware(app, runtime.matcher, runtime.resolver, monitor.on_detection)
    if config.enable_csrf_protection:
        origins = frozenset(origin.rstrip("/") for origin in config.cors.allowed_origins)
        app = CsrfMiddleware(
            app, config.secret_key, config.token_key, origins, runtime.resolver, monitor.on_rejection
        )
    if config.enable_rate_limiting:
        app = RateLimitMiddleware(
            app,
            runtime.limiter,
            config.rate_limits,
            runtime.resolver,
            config.token_key,
            monitor.on_rejection,
        )
    app = ClientBlockMiddleware(app, runtime.blocklist, runtime.resolver)
    app = CorsMiddleware(app, config.cors)
    app = HostCheckMiddleware(app, config.network, runtime.resolver, config.production)
    app = RequestLimitsMiddleware(app, config.network, config.uploads)
    if with_headers and config.enable_security_headers:
        app = SecurityHeadersMiddleware(app, config.headers, runtime.resolver)
    return app


class DefenceLayers:
    """Every layer but the security headers, as one middleware entry of the application."""

    def __init__(self, app: ASGIApp, runtime: SecurityRuntime) -> None:
        self.stack = wrap_layers(app, runtime, with_headers=False)
        self.resolver = runtime.resolver

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in {"http", "websocket"} and self.resolver.peer_is_trusted(scope):
            # Behind a configured proxy, everything after this point (the auth service's signals,
            # audit rows, access log) sees the real client address and scheme.
            client = scope.get("client") or ("", 0)
            scheme = self.resolver.scheme(scope)
            scope["client"] = (self.resolver.resolve(scope), client[1])
            if scope["type"] == "http":
                scope["scheme"] = scheme
        await self.stack(scope, receive, send)


def _include_routes(app: Starlette) -> None:
    """Mount the security and compliance routers under /api/v2 unless the app already has them."""
    from fastapi import FastAPI

    from electroanalyzer.compliance.routes import router as compliance_router

    from .routes import router as security_router

    if not isinstance(app, FastAPI):
        return
    paths = {getattr(route, "path", "") for route in app.routes}
    for router, prefix in ((security_router, "/api/v2/security"), (compliance_router, "/api/v2/compliance")):
        if not any(path.startswith(prefix) for path in paths):
            app.include_router(router, prefix=API_PREFIX)


def install_defence_layers(app: Starlette, settings: Any) -> None:
    """Validate the security configuration and wrap the app's middleware stack in the layers.

    Raises SecurityConfigError (naming the file, the key and the fix) on an invalid value,
    so start-up stops before the server accepts a request.
    """
    runtime = build_runtime(app, settings)
    app.state.security = runtime
    runtime.monitor.start()
    _include_routes(app)
    document_layers(app)
    app.add_middleware(DefenceLayers, runtime=runtime)
    if not runtime.config.enable_security_headers:
        return
    original_build = app.build_middleware_stack
    headers = runtime.config.headers

    def build_with_headers() -> ASGIApp:
        return SecurityHeadersMiddleware(original_build(), headers, runtime.resolver)

    app.build_middleware_stack = build_with_headers  # type: ignore[method-assign]
