"""How third-party log records are written: server messages filled in, others kept to the template."""

import io
import json
import logging

from electroanalyzer.core.logging import JsonFormatter, configure_logging


def format_record(logger_name: str, template: str, *args: object) -> dict[str, object]:
    record = logging.LogRecord(logger_name, logging.INFO, __file__, 1, template, args, None)
    return dict(json.loads(JsonFormatter().format(record)))


def test_uvicorn_message_filled_in() -> None:
    entry = format_record("uvicorn.error", "Uvicorn running on %s://%s:%d", "http", "127.0.0.1", 8001)

    assert entry["event"] == "Uvicorn running on http://127.0.0.1:8001"


def test_alembic_message_filled_in() -> None:
    entry = format_record("alembic.runtime.migration", "Running upgrade %s -> %s", "0001", "0002")

    assert entry["event"] == "Running upgrade 0001 -> 0002"


def test_other_library_arguments_left_out() -> None:
    entry = format_record("pdfminer.pdfpage", "Processing text %r", "Patient: Zebulon Quistgaard")

    assert entry["event"] == "Processing text %r"
    assert "Zebulon" not in json.dumps(entry)


def test_broken_template_keeps_template() -> None:
    entry = format_record("uvicorn.error", "Started server process [%d]", "not a number")

    assert entry["event"] == "Started server process [%d]"


def test_noisy_libraries_quieted() -> None:
    root = logging.getLogger()
    previous_handlers, previous_level = list(root.handlers), root.level
    try:
        configure_logging("INFO", io.StringIO())

        assert not logging.getLogger("weasyprint").isEnabledFor(logging.INFO)
        assert not logging.getLogger("presidio-analyzer").isEnabledFor(logging.INFO)
        assert logging.getLogger("weasyprint").isEnabledFor(logging.WARNING)
    finally:
        root.handlers[:] = previous_handlers
        root.setLevel(previous_level)
