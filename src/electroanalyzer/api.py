"""The FastAPI application: every API router under /api/v2, the defence layers and the web pages."""

import asyncio
import contextlib
import importlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import APIRouter, FastAPI
from starlette.concurrency import run_in_threadpool

from electroanalyzer import __version__
from electroanalyzer.admin import settings_service
from electroanalyzer.admin.routes import router as admin_router
from electroanalyzer.analyses import service as analyses
from electroanalyzer.analyses.routes import router as analysis_router
from electroanalyzer.auth.routes import router as auth_router
from electroanalyzer.core.access_log import AccessLogMiddleware
from electroanalyzer.core.context import ServerContext, build_context
from electroanalyzer.core.errors import install_error_handlers
from electroanalyzer.core.migrate import check_current
from electroanalyzer.core.request_id import RequestIdMiddleware
from electroanalyzer.core.settings import Settings, get_settings
from electroanalyzer.dashboard.routes import router as dashboard_router
from electroanalyzer.health.routes import router as health_router
from electroanalyzer.jobs.runner import build_runner
from electroanalyzer.rubrics_api.routes import router as rubrics_router

logger = logging.getLogger(__name__)
API_PREFIX = "/api/v2"


def _optional(module_name: str, function_name: str) -> object | None:
    """Return a hook from another area's module when that module is installed, else None."""
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as error:
        if error.name and module_name.startswith(error.name):
            return None
        raise
    return getattr(module, function_name, None)


def _start_jobs(app: FastAPI, ctx: ServerContext) -> None:
    with ctx.session_factory() as db, db.begin():
        pending = analyses.requeue_unfinished(db)
    for analysis_id in pending:
        app.state.jobs.submit(analysis_id)
    if pending:
        logger.info("analyses_requeued", extra={"count": len(pending)})


async def _purge_periodically(ctx: ServerContext) -> None:
    interval = ctx.settings.retention_purge_interval_minutes * 60
    while True:
        try:
            purged = await run_in_threadpool(analyses.purge_originals, ctx)
            logger.info("retention_purge_finished", extra={"originals_purged": purged})
        except Exception as error:
            logger.error("retention_purge_failed", extra={"error_type": type(error).__name__})
        await asyncio.sleep(interval)


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    ctx = build_context(settings)
    check_current(settings, ctx.engine)
    settings_service.apply_stored_overrides(ctx)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        _start_jobs(app, ctx)
        purger = None
        if settings.retention_purge_interval_minutes > 0:
            purger = asyncio.create_task(_purge_periodically(ctx))
        try:
            yield
        finally:
            if purger is not None:
                purger.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await purger
            app.state.jobs.shutdown()
            # The defence layers' monitor subscribes to process-wide signals; stop it with its app.
            security = getattr(app.state, "security", None)
            monitor = getattr(security, "monitor", None)
            if monitor is not None and hasattr(monitor, "stop"):
                monitor.stop()

    docs = settings.api_docs_enabled
    app = FastAPI(
        title="ElectroAnalyzer API",
        version=__version__,
        lifespan=lifespan,
        docs_url=f"{API_PREFIX}/docs" if docs else None,
        redoc_url=None,
        openapi_url=f"{API_PREFIX}/openapi.json" if docs else None,
    )
    app.state.context = ctx
    app.state.settings = ctx.settings
    app.state.session_factory = ctx.session_factory
    app.state.key_ring = ctx.key_ring
    app.state.vault = ctx.vault
    app.state.jobs = build_runner(ctx)

    install_error_handlers(app)
    api = APIRouter(prefix=API_PREFIX)
    for router in (
        auth_router,
        analysis_router,
        rubrics_router,
        dashboard_router,
        admin_router,
        health_router,
    ):
        api.include_router(router)
    app.include_router(api)

    install_defence_layers = _optional("electroanalyzer.security.layers", "install_defence_layers")
    if callable(install_defence_layers):
        install_defence_layers(app, ctx.settings)
    mount_web = _optional("electroanalyzer.web", "mount_web")
    if callable(mount_web):
        mount_web(app, ctx.settings)

    # Added last, so they run first: every layer below sees the request id, and every answer is logged.
    app.add_middleware(AccessLogMiddleware)
    app.add_middleware(RequestIdMiddleware)
    return app
