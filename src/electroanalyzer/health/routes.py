"""/api/v2/health: liveness and readiness, with no secrets, versions of secrets or PHI."""

from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse
from sqlalchemy import text

from electroanalyzer.auth.dependencies import get_context, public
from electroanalyzer.core.context import ServerContext

router = APIRouter(prefix="/health", tags=["health"], dependencies=[Depends(public)])


@router.get("")
@router.get("/live")
def live() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/ready")
def ready(ctx: Annotated[ServerContext, Depends(get_context)]) -> JSONResponse:
    checks: dict[str, str] = {}
    try:
        with ctx.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        checks["database"] = "ok"
    except Exception:
        checks["database"] = "unavailable"
    checks["storage"] = "ok" if ctx.vault.folder.is_dir() else "unavailable"
    ok = all(value == "ok" for value in checks.values())
    return JSONResponse(
        {"status": "ok" if ok else "unavailable", "checks": checks}, status_code=200 if ok else 503
    )
