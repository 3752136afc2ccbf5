"""Response shapes of the /api/v2/compliance endpoints."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field


class SafeguardStatus(BaseModel):
    citation: str
    name: str
    category: Literal["administrative", "physical", "technical"]
    requirement: Literal["required", "addressable", "standard"]
    status: Literal["met", "partial", "not_met", "manual"]
    evidence: str


class ComplianceDashboard(BaseModel):
    generated_at: str
    score: int = Field(ge=0, le=100)
    counts: dict[str, int]
    safeguards: list[SafeguardStatus]


class ChainStatus(BaseModel):
    ok: bool
    checked: int
    first_bad_id: int | None


class AuditTrailEntry(BaseModel):
    id: int
    occurred_at: str
    action: str
    outcome: str
    actor_id: int | None
    target_type: str | None
    target_id: str | None
    request_id: str | None


class AuditTrail(BaseModel):
    since: str | None
    until: str | None
    chain: ChainStatus
    counts_by_action: dict[str, dict[str, int]]
    total: int
    entries: list[AuditTrailEntry]
