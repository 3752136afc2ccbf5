"""Scan JSON log lines with the PHI detector; ids, times and loopback addresses are allow-listed."""

import json
import re
from collections.abc import Iterable

ALLOWED_KEYS = {"time", "level", "logger", "request_id", "error_type", "duration_ms", "status", "method"}
ALLOWED_VALUES = re.compile(
    r"^(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9a-f]{16,64}|\d+(?:\.\d+)?|127\.0\.0\.1|"
    r"testclient|True|False|None)$"
)
# A path keeps its shape but its ids are masked, so "/api/v2/analysis/<id>/result" scans as text.
ID_IN_PATH = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|\b\d+\b")


def scannable_values(lines: Iterable[str]) -> list[str]:
    values: list[str] = []
    for line in lines:
        line = line.strip()
        if not line.startswith("{"):
            continue
        entry = json.loads(line)
        for key, value in entry.items():
            text = str(value)
            if key in ALLOWED_KEYS or ALLOWED_VALUES.match(text) or key.endswith("_id"):
                continue
            values.append(ID_IN_PATH.sub("ID", text))
    return values


def phi_findings(lines: Iterable[str]) -> list[tuple[str, str]]:
    from electroanalyzer.engine.phi import get_detector

    detector = get_detector()
    findings: list[tuple[str, str]] = []
    for value in sorted(set(scannable_values(lines))):
        findings.extend((entity.type, value[entity.start : entity.end]) for entity in detector.detect(value))
    return findings
