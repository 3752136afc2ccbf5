"""Load rubrics from YAML (built-in or a custom path) and report errors by rule and field."""

from __future__ import annotations

import functools
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from electroanalyzer.engine.errors import EngineError
from electroanalyzer.engine.rubrics.model import DISCIPLINES, Rubric

MAX_RUBRIC_BYTES = 1_000_000
BUILTIN_FILES = {"PT": "pt.yaml", "OT": "ot.yaml", "SLP": "slp.yaml"}


class RubricError(EngineError):
    code = "invalid_rubric"
    default_message = "The rubric is invalid. Fix the field named in the message and load it again."


def _describe(error: Any, data: Any) -> str:
    location = list(error["loc"])
    rule_id = None
    if len(location) >= 2 and location[0] == "rules" and isinstance(location[1], int):
        rules = data.get("rules") if isinstance(data, dict) else None
        if isinstance(rules, list) and location[1] < len(rules) and isinstance(rules[location[1]], dict):
            rule_id = rules[location[1]].get("id")
        where = f"rule {rule_id or '#' + str(location[1] + 1)}"
        field = ".".join(str(part) for part in location[2:]) or "(rule)"
    else:
        where = "rubric"
        field = ".".join(str(part) for part in location) or "(rubric)"
    return f"{where}, field {field}: {error['msg']}"


def validate_rubric(data: Any) -> Rubric:
    """Validate parsed rubric data, raising RubricError that names the rule and the field."""
    if not isinstance(data, dict):
        raise RubricError("The rubric must be a mapping with id, name, version, discipline and rules.")
    try:
        return Rubric.model_validate(data)
    except ValidationError as exc:
        problems = [_describe(error, data) for error in exc.errors(include_url=False)[:5]]
        raise RubricError("Invalid rubric: " + "; ".join(problems)) from None


def parse_rubric_yaml(text: str) -> Rubric:
    if len(text.encode("utf-8")) > MAX_RUBRIC_BYTES:
        raise RubricError(
            f"The rubric is larger than {MAX_RUBRIC_BYTES} bytes. Split it into smaller rubrics."
        )
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise RubricError(f"The rubric is not valid YAML{where}. Fix the syntax and load it again.") from None
    return validate_rubric(data)


def load_rubric_file(path: Path) -> Rubric:
    """Load a custom rubric from a .yaml, .yml or .ttl file."""
    path = Path(path)
    try:
        size = path.stat().st_size
    except OSError:
        raise RubricError(f"The rubric file {path.name} was not found or cannot be read.") from None
    if size > MAX_RUBRIC_BYTES:
        raise RubricError(
            f"The rubric file is larger than {MAX_RUBRIC_BYTES} bytes. Split it into smaller rubrics."
        )
    text = path.read_text(encoding="utf-8")
    if path.suffix.lower() == ".ttl":
        from electroanalyzer.engine.rubrics.turtle import import_turtle

        return import_turtle(text)
    return parse_rubric_yaml(text)


@functools.cache
def load_builtin_rubric(discipline: str) -> Rubric:
    """Load the shipped rubric of a discipline (PT, OT or SLP); cached for the process."""
    key = discipline.upper()
    if key not in BUILTIN_FILES:
        raise RubricError(
            f"There is no built-in rubric for {discipline!r}. Use one of: {', '.join(DISCIPLINES)}."
        )
    text = resources.files("electroanalyzer.engine.rubrics").joinpath(BUILTIN_FILES[key]).read_text("utf-8")
    return parse_rubric_yaml(text)


def list_builtin_rubrics() -> list[Rubric]:
    return [load_builtin_rubric(discipline) for discipline in BUILTIN_FILES]
