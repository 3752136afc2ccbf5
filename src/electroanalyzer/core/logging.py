"""JSON-lines logging on the standard library: one object per line with the event name, level, time,
request id and the `extra=` fields. Callers pass ids and counts only, never PHI or secrets."""

import json
import logging
import sys
from datetime import UTC, datetime
from typing import Any, TextIO

from electroanalyzer.core.request_id import current_request_id

_STANDARD_ATTRIBUTES = set(logging.LogRecord("", 0, "", 0, "", None, None).__dict__) | {"message", "asctime"}

# Loggers whose %-style arguments are filled in: their arguments are addresses, ports, process ids and
# migration names. Other libraries' arguments could quote document text, so their records keep the
# bare template.
_INTERPOLATED_LOGGERS = ("uvicorn", "alembic")

# Libraries that log every page laid out or recognizer loaded at INFO: kept to warnings and errors.
_QUIET_LOGGERS = ("weasyprint", "fontTools", "presidio-analyzer", "presidio-anonymizer")


def _event_text(record: logging.LogRecord) -> str:
    template = record.msg if isinstance(record.msg, str) else str(record.msg)
    if record.args and record.name.split(".", 1)[0] in _INTERPOLATED_LOGGERS:
        try:
            return record.getMessage()
        except (TypeError, ValueError):
            return template
    return template


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname.lower(),
            "logger": record.name,
            "event": _event_text(record),
            "request_id": getattr(record, "request_id", None) or current_request_id(),
        }
        for key, value in record.__dict__.items():
            if key not in _STANDARD_ATTRIBUTES and key not in entry:
                entry[key] = value if isinstance(value, str | int | float | bool | None) else str(value)
        if record.exc_info and record.exc_info[0] is not None:
            # The exception type only: messages and tracebacks may quote document text.
            entry["error_type"] = record.exc_info[0].__name__
        # ASCII only: a raw U+2028 or U+0085 from a client-supplied value would otherwise split one
        # record into two lines for any reader that splits on Unicode line boundaries.
        return json.dumps(entry, separators=(",", ":"), ensure_ascii=True)


def configure_logging(level: str = "INFO", stream: TextIO | None = None) -> logging.Handler:
    """Send every log record to `stream` (standard error by default) as JSON lines."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    for existing in list(root.handlers):
        if isinstance(existing.formatter, JsonFormatter):
            root.removeHandler(existing)
    root.addHandler(handler)
    root.setLevel(level)
    for name in _QUIET_LOGGERS:
        logging.getLogger(name).setLevel(max(logging.WARNING, root.level))
    return handler


def uvicorn_log_config(level: str) -> dict[str, Any]:
    """A uvicorn `log_config` that writes JSON lines; access lines carry the path without its query."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": JsonFormatter}},
        "handlers": {
            "default": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"}
        },
        "loggers": {
            "uvicorn": {"handlers": ["default"], "level": level, "propagate": False},
            "uvicorn.error": {"handlers": ["default"], "level": level, "propagate": False},
            # Off: uvicorn's access line contains the full URL with its query string.
            "uvicorn.access": {"handlers": [], "level": "CRITICAL", "propagate": False},
            **{name: {"level": "WARNING"} for name in _QUIET_LOGGERS},
        },
        "root": {"handlers": ["default"], "level": level},
    }
