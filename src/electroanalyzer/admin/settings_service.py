"""Read and change the security policy at run time; changes are stored, audited and applied at once."""

from typing import Any

from pydantic import ValidationError
from sqlalchemy import select

from electroanalyzer.admin.models import PolicyOverride
from electroanalyzer.audit import service as audit
from electroanalyzer.auth import service as auth_service
from electroanalyzer.core.context import ServerContext
from electroanalyzer.core.errors import InvalidInput
from electroanalyzer.core.policies import SecurityPolicies


def _merge(base: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in changes.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _changed_keys(changes: dict[str, Any], prefix: str = "") -> list[str]:
    keys: list[str] = []
    for key, value in changes.items():
        path = f"{prefix}{key}"
        keys.extend(_changed_keys(value, path + ".") if isinstance(value, dict) else [path])
    return keys


def apply_stored_overrides(ctx: ServerContext) -> None:
    """At start-up, lay the stored admin changes over the policy file."""
    with ctx.session_factory() as db:
        row = db.scalar(select(PolicyOverride).where(PolicyOverride.id == 1))
    if row is None or not row.values:
        return
    policies = SecurityPolicies.model_validate(_merge(ctx.settings.policies.model_dump(), dict(row.values)))
    ctx.settings = ctx.settings.model_copy(update={"policies": policies})


def update_policies(ctx: ServerContext, changes: dict[str, Any], *, actor_id: int) -> SecurityPolicies:
    try:
        policies = SecurityPolicies.model_validate(_merge(ctx.settings.policies.model_dump(), changes))
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in item['loc'])}: {item['msg']}" for item in error.errors()
        )
        raise InvalidInput(f"Invalid policy values ({problems}).", code="invalid_policy") from None
    with ctx.session_factory() as db, db.begin():
        row = db.get(PolicyOverride, 1)
        if row is None:
            row = PolicyOverride(id=1, values={})
            db.add(row)
        row.values = _merge(dict(row.values or {}), changes)
        row.updated_by, row.updated_at = actor_id, ctx.clock.now()
    ctx.settings = ctx.settings.model_copy(update={"policies": policies})
    keys = ",".join(_changed_keys(changes))[:500]
    audit.record(ctx, "settings:update", actor_id=actor_id, target_type="policy", details={"keys": keys})
    auth_service.signal("settings:changed", "success", user_id=actor_id, keys=keys)
    return policies
