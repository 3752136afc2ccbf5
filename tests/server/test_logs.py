"""Logs are JSON lines with a request id and no PHI: a full flow with a PHI-laden note is logged, and the
PHI detector finds nothing in what was logged beyond allow-listed ids."""

import io
import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from electroanalyzer.auth.permissions import Role
from electroanalyzer.core.logging import JsonFormatter
from server.phi_logs import phi_findings
from server.support import Api, wait_for_analysis

MARKERS = ("Zebulon", "Quistgaard", "99887766", "tripped over her dog toy", "Quartz!Meadow7Lantern")


@pytest.fixture
def captured() -> Iterator[io.StringIO]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    previous = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)  # the server's default level
    try:
        yield stream
    finally:
        root.removeHandler(handler)
        root.setLevel(previous)


def test_a_full_flow_logs_json_lines_without_phi(
    api: Api, captured: io.StringIO, therapy_notes_dir: Path
) -> None:
    note = (therapy_notes_dir / "PT_physical-therapy-ankle-sprain_1612.txt").read_bytes()
    note += b"\nPatient: Zebulon Quistgaard, MRN 99887766, phone 555-867-5309.\n"
    api.create_user("logger1")
    api.create_user("logger2")
    api.create_user("logadmin", role=Role.ADMIN)
    token = api.token("logger1")
    api.post("/api/v2/auth/token", json={"username": "logger1", "password": "Zebulon Quistgaard 1950"})
    api.post("/api/v2/auth/token", json={"username": "Zebulon Quistgaard", "password": "x"})
    upload = api.post(
        "/api/v2/analysis/analyze", token=token, files={"file": ("Zebulon Quistgaard.txt", note)}
    )
    analysis_id = upload.json()["id"]
    wait_for_analysis(api, analysis_id, token)
    api.get(f"/api/v2/analysis/{analysis_id}/result", token=token)
    api.get(f"/api/v2/analysis/{analysis_id}/export?format=html", token=token)
    api.get(f"/api/v2/analysis/{analysis_id}/result", token=api.token("logger2"))
    api.get(f"/api/v2/analysis/{analysis_id}/result?patient=Zebulon+Quistgaard", token=api.token("logadmin"))
    api.post("/api/v2/analysis/analyze", token=token, files={"file": ("x.txt", b"MZ" + b"\x00" * 40)})
    api.get("/api/v2/auth/me", token="Zebulon.Quistgaard.token")

    lines = [line for line in captured.getvalue().splitlines() if line.strip()]
    assert len(lines) > 20
    entries = [json.loads(line) for line in lines]
    access = [entry for entry in entries if entry["event"] == "http_request"]
    assert access and all(entry["request_id"] for entry in access)
    assert all("?" not in entry["path"] for entry in access)
    text = "\n".join(lines)
    for marker in MARKERS:
        assert marker not in text, marker
    assert token not in text
    findings = phi_findings(lines)
    assert findings == [], findings


def test_log_record_stays_one_line(captured: io.StringIO) -> None:
    logging.getLogger("electroanalyzer.test").warning(
        "upload_rejected", extra={"file_label": "note\u2028two\x85three\u2029.txt"}
    )

    lines = captured.getvalue().splitlines()

    assert len(lines) == 1
    assert json.loads(lines[0])["file_label"] == "note\u2028two\x85three\u2029.txt"
