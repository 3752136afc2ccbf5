"""The check registry: each check kind is a function plus a pydantic model of its parameters.

Rubrics name a check kind and give its parameters as data. The rubric loader validates the
parameters against the kind's model, so a bad rubric fails at load and never on a note.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, field_validator

from electroanalyzer.engine.compliance.context import Evidence, NoteContext
from electroanalyzer.engine.compliance.patterns import compile_pattern

STRICTNESS_LEVELS = ("lenient", "standard", "strict")


class Status(StrEnum):
    MET = "met"
    PARTLY_MET = "partly_met"
    MISSING = "missing"
    NOT_APPLICABLE = "not_applicable"


@dataclass
class CheckResult:
    """Outcome of one check: status, the spans that show it, and a one-line reason."""

    status: Status
    evidence: list[Evidence] = field(default_factory=list)
    detail: str = ""


class CheckParams(BaseModel):
    """Base of every parameter model: unknown keys are rejected, so typos fail at load."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def validate_patterns(patterns: list[str]) -> list[str]:
    for pattern in patterns:
        compile_pattern(pattern)
    return patterns


class PatternList(CheckParams):
    """Parameters that carry regex patterns; each is compiled (and cached) at validation."""

    @field_validator("*", mode="after")
    @classmethod
    def _compile(cls, value: Any) -> Any:
        if isinstance(value, list) and value and all(isinstance(item, str) for item in value):
            validate_patterns(value)
        return value


def pick(value: float | dict[str, float], strictness: str) -> float:
    """Resolve a threshold given as one number or as a number per strictness level."""
    if isinstance(value, dict):
        return value.get(strictness, value.get("standard", next(iter(value.values()))))
    return value


P = TypeVar("P", bound=CheckParams)
CheckFunction = Callable[[NoteContext, Any, str], CheckResult]


@dataclass(frozen=True)
class CheckKind(Generic[P]):
    name: str
    params_model: type[P]
    function: CheckFunction
    description: str


REGISTRY: dict[str, CheckKind[Any]] = {}


def register(name: str, params_model: type[P], description: str) -> Callable[[CheckFunction], CheckFunction]:
    """Add a check function to the registry under a kind name used by rubrics."""

    def decorator(function: CheckFunction) -> CheckFunction:
        if name in REGISTRY:
            raise ValueError(f"check kind {name!r} is registered twice")
        REGISTRY[name] = CheckKind(name, params_model, function, description)
        return function

    return decorator
