"""The rubric model: rules as data, each naming a registered check kind and its parameters."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, field_validator, model_validator

from electroanalyzer.engine.compliance.checks import REGISTRY
from electroanalyzer.engine.compliance.checks.base import CheckParams

Discipline = Literal["PT", "OT", "SLP"]
DocumentType = Literal[
    "evaluation",
    "re_evaluation",
    "daily_note",
    "progress_report",
    "recertification",
    "discharge_summary",
    "swallow_study",
]
Severity = Literal["high", "medium", "low"]
Strictness = Literal["lenient", "standard", "strict"]

DOCUMENT_TYPES: tuple[str, ...] = DocumentType.__args__  # type: ignore[attr-defined]
DISCIPLINES: tuple[str, ...] = Discipline.__args__  # type: ignore[attr-defined]
STRICTNESS_ORDER = {"lenient": 0, "standard": 1, "strict": 2}
# The lowest strictness at which a rule of each severity counts, unless the rule sets min_strictness.
DEFAULT_MIN_STRICTNESS: dict[str, Strictness] = {"high": "lenient", "medium": "standard", "low": "strict"}


class Check(BaseModel):
    """Check function a rule runs, with its parameters (validated by the kind's model)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: str
    params: dict[str, Any] = Field(default_factory=dict)
    # Validated once at load, so evaluating a note never re-validates parameters.
    _parsed: CheckParams | None = PrivateAttr(default=None)

    @field_validator("kind")
    @classmethod
    def _known_kind(cls, value: str) -> str:
        if value not in REGISTRY:
            raise ValueError(f"unknown check kind {value!r}; known kinds: {', '.join(sorted(REGISTRY))}")
        return value

    @model_validator(mode="after")
    def _valid_params(self) -> Check:
        self._parsed = REGISTRY[self.kind].params_model.model_validate(self.params)
        return self

    def parsed_params(self) -> CheckParams:
        if self._parsed is None:
            self._parsed = REGISTRY[self.kind].params_model.model_validate(self.params)
        return self._parsed


class Rule(BaseModel):
    """One documentation rule: what it requires, how to fix it, where it applies, and its check."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[A-Z0-9]+(?:-[A-Z0-9]+)+$", max_length=60)
    title: str = Field(min_length=3, max_length=120)
    requirement: str = Field(min_length=10, max_length=1000)
    fix: str = Field(min_length=10, max_length=1000)
    severity: Severity
    disciplines: list[Discipline] = Field(min_length=1)
    document_types: list[DocumentType] = Field(min_length=1)
    source: str = Field(min_length=3, max_length=600)
    # Rules resting on secondary sources, or marked "confirm", are shown as advice and never lower the score.
    advisory: bool = False
    min_strictness: Strictness | None = None
    check: Check

    def counts_at(self, strictness: str) -> bool:
        minimum = self.min_strictness or DEFAULT_MIN_STRICTNESS[self.severity]
        return STRICTNESS_ORDER[strictness] >= STRICTNESS_ORDER[minimum]

    def applies_to(self, discipline: str, document_type: str) -> bool:
        return discipline in self.disciplines and document_type in self.document_types


class Rubric(BaseModel):
    """A versioned set of rules for one discipline."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_.-]{1,60}$")
    name: str = Field(min_length=3, max_length=120)
    version: str = Field(pattern=r"^\d+\.\d+\.\d+$")
    discipline: Discipline
    description: str = Field(default="", max_length=2000)
    rules: list[Rule] = Field(min_length=1, max_length=500)

    @model_validator(mode="after")
    def _unique_ids(self) -> Rubric:
        seen: set[str] = set()
        for rule in self.rules:
            if rule.id in seen:
                raise ValueError(f"rule id {rule.id} appears twice")
            seen.add(rule.id)
        return self
