"""Rubrics: versioned rule sets as data, validated at load, from YAML or Turtle."""

from electroanalyzer.engine.rubrics.loader import (
    RubricError,
    list_builtin_rubrics,
    load_builtin_rubric,
    load_rubric_file,
    parse_rubric_yaml,
    validate_rubric,
)
from electroanalyzer.engine.rubrics.model import Check, Rubric, Rule
from electroanalyzer.engine.rubrics.turtle import import_turtle

__all__ = [
    "Check",
    "Rubric",
    "RubricError",
    "Rule",
    "import_turtle",
    "list_builtin_rubrics",
    "load_builtin_rubric",
    "load_rubric_file",
    "parse_rubric_yaml",
    "validate_rubric",
]
