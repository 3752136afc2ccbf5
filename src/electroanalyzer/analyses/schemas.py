"""Bodies and query parameters of /analysis."""

from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class Discipline(StrEnum):
    PT = "PT"
    OT = "OT"
    SLP = "SLP"


class DocumentType(StrEnum):
    EVALUATION = "evaluation"
    RE_EVALUATION = "re_evaluation"
    DAILY_NOTE = "daily_note"
    PROGRESS_REPORT = "progress_report"
    RECERTIFICATION = "recertification"
    DISCHARGE_SUMMARY = "discharge_summary"
    SWALLOW_STUDY = "swallow_study"


class Strictness(StrEnum):
    LENIENT = "lenient"
    STANDARD = "standard"
    STRICT = "strict"


class AnalyzeOptions(BaseModel):
    """The form fields beside the file; unknown fields are rejected."""

    model_config = ConfigDict(extra="forbid")

    discipline: Discipline | None = None
    document_type: DocumentType | None = None
    strictness: Strictness = Strictness.STANDARD
    rubric_id: str | None = Field(default=None, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$")


class SortField(StrEnum):
    CREATED_AT = "created_at"
    SCORE = "score"
    STATUS = "status"
    DISCIPLINE = "discipline"


class SortDirection(StrEnum):
    ASC = "asc"
    DESC = "desc"


class AnalysisStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


class AnalysisRead(BaseModel):
    id: str
    document_id: str
    owner_id: int
    status: AnalysisStatus
    stage: str | None
    progress: float
    discipline: str | None
    document_type: str | None
    strictness: str
    score: float | None
    error_code: str | None
    error_message: str | None
    created_at: datetime
    finished_at: datetime | None
    original_available: bool


class AnalysisPage(BaseModel):
    items: list[AnalysisRead]
    total: int
    limit: int
    offset: int


class AnalysisResultRead(BaseModel):
    id: str
    file_name: str
    result: dict[str, Any]
    redacted_text: str


class ShareRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    viewer_id: int = Field(ge=1, le=2**31 - 1)
