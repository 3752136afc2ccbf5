"""The JSON report: a versioned document list that validates against schema/report.schema.json."""

from __future__ import annotations

import datetime as dt
import functools
import json
from importlib import resources
from typing import Any

from electroanalyzer import __version__
from electroanalyzer.engine.pipeline import AnalysisResult

SCHEMA_VERSION = "1.1.0"


def document_dict(result: AnalysisResult, file: str | None) -> dict[str, Any]:
    return result.to_dict(file)


def error_dict(file: str | None, code: str, message: str) -> dict[str, Any]:
    return {"file": file, "error": {"code": code, "message": message}}


def render_json(results: list[tuple[str | None, AnalysisResult] | dict[str, Any]]) -> dict[str, Any]:
    """Build the report from (file, result) pairs and ready-made error entries."""
    documents = [entry if isinstance(entry, dict) else document_dict(entry[1], entry[0]) for entry in results]
    return {
        "schema_version": SCHEMA_VERSION,
        "generated_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "tool": {"name": "electroanalyzer", "version": __version__},
        "documents": documents,
    }


@functools.cache
def report_schema() -> dict[str, Any]:
    text = resources.files("electroanalyzer.reports").joinpath("schema/report.schema.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema
