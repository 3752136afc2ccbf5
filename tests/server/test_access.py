"""Default deny: every /api/v2 route declares a permission or a public marker, answers 401 to anonymous
callers, 403 to roles without the permission, and reveals nothing of other users' records."""

import re
from typing import Any

import pytest

from electroanalyzer.auth.dependencies import RouteAccess, route_access_table
from electroanalyzer.auth.permissions import ROLE_PERMISSIONS, Permission, Role
from server.support import Api

PUBLIC_PATHS = {
    "/api/v2/auth/token",
    "/api/v2/auth/mfa/challenge",
    "/api/v2/auth/refresh",
    "/api/v2/auth/register",
}
ADMIN_ONLY_PREFIXES = ("/api/v2/admin", "/api/v2/security", "/api/v2/compliance")
SAMPLE_ID = "00000000-0000-0000-0000-000000000000"


def api_routes(api: Api) -> list[RouteAccess]:
    return route_access_table(api.client.app)


def concrete(path: str) -> str:
    return re.sub(
        r"\{[^}]+\}", lambda m: "1" if "user_id" in m.group(0) or m.group(0) == "{id}" else SAMPLE_ID, path
    )


def test_every_api_route_declares_access(api: Api) -> None:
    undeclared = [f"{sorted(route.methods)} {route.path}" for route in api_routes(api) if not route.declared]
    assert not undeclared, undeclared


def test_public_routes_are_only_the_expected_ones(api: Api) -> None:
    public = {
        route.path
        for route in api_routes(api)
        if route.declared == ["public"] and not route.path.startswith("/api/v2/health")
    }
    assert public <= PUBLIC_PATHS, public


def test_anonymous_requests_get_401_on_every_protected_route(api: Api) -> None:
    checked = 0
    for route in api_routes(api):
        if "public" in route.declared:
            continue
        for method in route.methods:
            response = api.request(method, concrete(route.path))
            assert response.status_code == 401, (method, route.path, response.status_code)
            assert response.headers["content-type"].startswith("application/problem+json")
            checked += 1
    assert checked > 20


@pytest.mark.parametrize("role", [Role.THERAPIST, Role.VIEWER])
def test_roles_without_the_permission_get_403(api: Api, role: Role) -> None:
    api.create_user(f"user-{role.value}", role=role)
    token = api.token(f"user-{role.value}")
    granted = ROLE_PERMISSIONS[role]
    denied_routes = 0
    for route in api_routes(api):
        declared = route.declared
        needs = [set(item.split(",")) for item in declared if item != "public"]
        if not needs or any({Permission(p) for p in need} & granted for need in needs):
            continue
        for method in route.methods:
            body: dict[str, Any] = {}
            response = api.request(method, concrete(route.path), token=token, json=body)
            assert response.status_code == 403, (
                role,
                method,
                route.path,
                response.status_code,
                response.text,
            )
            denied_routes += 1
    assert denied_routes > 5


@pytest.mark.parametrize("prefix", ADMIN_ONLY_PREFIXES)
def test_a04_therapist_on_admin_areas_gets_403(api: Api, prefix: str) -> None:
    api.create_user("nosy")
    token = api.token("nosy")
    paths = [route.path for route in api_routes(api) if route.path.startswith(prefix)]
    for route in api_routes(api):
        if route.path.startswith(prefix) and "GET" in route.methods:
            assert api.get(concrete(route.path), token=token).status_code == 403, route.path
    assert paths or prefix != "/api/v2/admin"


def test_denials_are_audited(api: Api) -> None:
    from sqlalchemy import select

    from electroanalyzer.audit.models import AuditEntry

    api.create_user("denied-one", role=Role.VIEWER)
    api.get("/api/v2/admin/users", token=api.token("denied-one"))
    with api.ctx.session_factory() as db:
        actions = [row.action for row in db.scalars(select(AuditEntry))]
    assert "authz:denied" in actions
