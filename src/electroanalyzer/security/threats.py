"""Threat patterns from threat_patterns.yaml, compiled once into RE2 sets (linear-time matching)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal
from urllib.parse import unquote_plus

import re2
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from .config import SEVERITY_RANK, SecurityConfigError, Severity, setting

PATTERN_FILE = "threat_patterns.yaml"
Target = Literal["path", "query", "headers", "user-agent"]
REPO_CONFIG_DIR = Path(__file__).resolve().parents[3] / "config"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ScanSettings(_Model):
    headers: list[str] = Field(default_factory=lambda: ["user-agent", "referer"])
    max_scan_bytes: int = Field(default=8192, ge=256, le=1_048_576)
    decode_rounds: int = Field(default=2, ge=1, le=4)


class PatternSpec(_Model):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]{1,63}$")
    category: str = Field(pattern=r"^[a-z][a-z0-9_]{1,63}$")
    severity: Severity
    action: Literal["block", "log"] = "block"
    targets: list[Target] = Field(min_length=1)
    pattern: str = Field(min_length=1, max_length=2000)

    @field_validator("pattern")
    @classmethod
    def _compiles(cls, value: str) -> str:
        try:
            re2.compile(value)
        except re2.error as error:
            raise ValueError(f"not a valid RE2 pattern ({error})") from None
        return value


class PatternFile(_Model):
    version: Literal[1]
    scan: ScanSettings = ScanSettings()
    patterns: list[PatternSpec] = Field(min_length=1)


@dataclass(frozen=True)
class Detection:
    """One pattern that matched; carries ids only, never the matched text."""

    pattern_id: str
    category: str
    severity: str
    action: str
    target: str

    @property
    def kind(self) -> str:
        return f"threat:{self.category}"


def load_pattern_file(path: Path) -> PatternFile:
    """Read and validate the pattern file; errors name the file, the key and the fix."""
    try:
        raw: Any = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise SecurityConfigError(
            str(path), "(file)", f"cannot be read ({error.strerror})", "restore the file"
        ) from None
    except yaml.YAMLError as error:
        raise SecurityConfigError(
            str(path), "(file)", f"is not valid YAML ({error})", "fix the YAML syntax"
        ) from None
    try:
        parsed = PatternFile.model_validate(raw)
    except ValidationError as error:
        first = error.errors()[0]
        key = ".".join(str(part) for part in first["loc"]) or "(top level)"
        raise SecurityConfigError(
            str(path), key, first["msg"], "correct the value; see the comments at the top of the file"
        ) from None
    seen: set[str] = set()
    for index, spec in enumerate(parsed.patterns):
        if spec.id in seen:
            raise SecurityConfigError(
                str(path),
                f"patterns.{index}.id",
                f"duplicate id '{spec.id}'",
                "give every pattern a unique id",
            )
        seen.add(spec.id)
    return parsed


def pattern_file_path(settings: Any) -> Path:
    configured = setting(settings, "EA_CONFIG_DIR") or setting(settings, "config_dir")
    if configured:
        candidate = Path(configured) / PATTERN_FILE
        if candidate.is_file():
            return candidate
    return REPO_CONFIG_DIR / PATTERN_FILE


class ThreatMatcher:
    """All patterns compiled into one RE2 set per target, so each value is scanned once."""

    def __init__(self, patterns: PatternFile) -> None:
        self.scan = patterns.scan
        self.specs = patterns.patterns
        self.header_names = tuple(name.lower().encode() for name in patterns.scan.headers)
        self.sets: dict[str, tuple[Any, list[PatternSpec]]] = {}
        for target in ("path", "query", "headers", "user-agent"):
            members = [spec for spec in self.specs if target in spec.targets]
            if not members:
                continue
            options = re2.Options()
            options.max_mem = 64 << 20
            compiled = re2.Set.SearchSet(options)
            for spec in members:
                compiled.Add(spec.pattern)
            compiled.Compile()
            self.sets[target] = (compiled, members)

    def _decoded_forms(self, value: str) -> list[str]:
        forms = [value[: self.scan.max_scan_bytes]]
        for _ in range(self.scan.decode_rounds):
            decoded = unquote_plus(forms[-1])
            if decoded == forms[-1]:
                break
            forms.append(decoded)
        return forms

    def scan_value(self, target: str, value: str) -> list[Detection]:
        entry = self.sets.get(target)
        if entry is None or not value:
            return []
        compiled, members = entry
        found: dict[str, Detection] = {}
        for form in self._decoded_forms(value):
            for index in compiled.Match(form) or ():
                spec = members[index]
                found.setdefault(
                    spec.id, Detection(spec.id, spec.category, spec.severity, spec.action, target)
                )
        return list(found.values())

    def scan_request(self, path: str, query: str, headers: list[tuple[bytes, bytes]]) -> list[Detection]:
        """Scan the path, the query string and the configured headers of one request."""
        detections = self.scan_value("path", path) + self.scan_value("query", query)
        for name, value in headers:
            lowered = name.lower()
            if lowered not in self.header_names:
                continue
            text = value.decode("latin-1")
            detections += self.scan_value("headers", text)
            if lowered == b"user-agent":
                detections += self.scan_value("user-agent", text)
        return detections


def worst(detections: list[Detection]) -> Detection | None:
    return max(detections, key=lambda item: SEVERITY_RANK[item.severity], default=None)
