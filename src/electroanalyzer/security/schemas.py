"""Request and response shapes of the /api/v2/security endpoints."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

IncidentStatus = Literal["open", "contained", "resolved"]
IncidentSeverity = Literal["low", "medium", "high", "critical"]


class IncidentUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: IncidentStatus
    root_cause: str | None = Field(default=None, min_length=1, max_length=4000)
    resolution: str | None = Field(default=None, min_length=1, max_length=4000)


class Metrics(BaseModel):
    since: str
    until: str
    threat_level: Literal["low", "medium", "high", "critical"]
    incident_count: int
    incidents_opened: int
    active_incidents_by_severity: dict[str, int]
    blocked_attempts: int
    failed_logins: int
    threat_detections: int
    behaviour_detections: int
    security_score: int = Field(ge=0, le=100)


class TrendBucket(BaseModel):
    start: str
    failed_logins: int
    blocked_attempts: int
    threat_detections: int
    behaviour_detections: int
    incidents_opened: int


class Trends(BaseModel):
    since: str
    until: str
    bucket_hours: int
    buckets: list[TrendBucket]


class IncidentSummary(BaseModel):
    id: int
    kind: str
    severity: str
    status: IncidentStatus
    opened_at: str
    updated_at: str | None
    resolved_at: str | None
    detection_count: int
    containment_actions: list[str]
    contained_until: str | None
    user_id: int | None
    client_hash: str | None
    root_cause: str | None
    resolution: str | None


class EvidenceEvent(BaseModel):
    id: int
    occurred_at: str
    kind: str
    severity: str
    outcome: str
    user_id: int | None
    pattern_id: str | None
    request_id: str | None


class IncidentDetail(IncidentSummary):
    evidence_count: int
    evidence: list[EvidenceEvent]


class IncidentPage(BaseModel):
    items: list[IncidentSummary]
    total: int
    limit: int
    offset: int


class AnalysisResult(BaseModel):
    mode: Literal["window", "log"]
    summary: dict[str, Any]
