"""The `electroanalyzer phi` command on real notes, through Typer's CliRunner."""

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from electroanalyzer.cli import build_app

NOTE = "PT_physical-therapy-ankle-sprain_1612.txt"
runner = CliRunner()


@pytest.fixture
def note_with_phi(tmp_path: Path, therapy_notes_dir: Path) -> Path:
    text = (therapy_notes_dir / NOTE).read_text(encoding="utf-8")
    path = tmp_path / "note.txt"
    path.write_text(f"Patient: Eleanor Whitfield\nDOB: 04/22/1931\n{text}", encoding="utf-8")
    return path


def test_phi_text_output_redacts_names_and_dates(note_with_phi: Path) -> None:
    result = runner.invoke(build_app(), ["phi", str(note_with_phi)])
    assert result.exit_code == 0, result.output
    assert "Patient: [NAME]\nDOB: [DATE]\n" in result.stdout
    assert "Whitfield" not in result.stdout
    assert "04/22/1931" not in result.stdout


def test_phi_json_offsets_index_file_text(note_with_phi: Path) -> None:
    result = runner.invoke(build_app(), ["phi", str(note_with_phi), "--format", "json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    text = note_with_phi.read_text(encoding="utf-8")
    assert set(payload) == {"entities", "redacted_text"}
    assert set(payload["entities"][0]) == {"type", "start", "end", "score"}
    values = {(e["type"], text[e["start"] : e["end"]]) for e in payload["entities"]}
    assert ("PERSON", "Eleanor Whitfield") in values
    assert ("DATE_TIME", "04/22/1931") in values
    assert "Whitfield" not in payload["redacted_text"]


def test_phi_raw_note_keeps_clinical_values(therapy_notes_dir: Path) -> None:
    result = runner.invoke(build_app(), ["phi", str(therapy_notes_dir / NOTE), "--format", "json"])
    payload = json.loads(result.stdout)
    assert [entity["type"] for entity in payload["entities"]] == ["DATE_TIME"]
    assert "2/10" in payload["redacted_text"]
    assert "4+-5/5" in payload["redacted_text"]


def test_phi_hash_mode_without_key_exits_2(note_with_phi: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("EA_PHI_HASH_KEY", raising=False)
    result = runner.invoke(build_app(), ["phi", str(note_with_phi), "--redaction", "hash"])
    assert result.exit_code == 2
    assert "EA_PHI_HASH_KEY" in result.stderr


def test_phi_hash_mode_with_key_file(note_with_phi: Path, tmp_path: Path) -> None:
    key_file = tmp_path / "key"
    key_file.write_bytes(b"0123456789abcdef0123")
    result = runner.invoke(
        build_app(), ["phi", str(note_with_phi), "--redaction", "hash", "--hash-key-file", str(key_file)]
    )
    assert result.exit_code == 0, result.output
    assert "Patient: [NAME:" in result.stdout


def test_phi_rejected_document_exits_1(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("   \n", encoding="utf-8")
    result = runner.invoke(build_app(), ["phi", str(empty)])
    assert result.exit_code == 1
    assert "empty.txt:" in result.stderr


def test_phi_hash_key_too_short_exits_2(note_with_phi: Path, tmp_path: Path) -> None:
    key_file = tmp_path / "key"
    key_file.write_bytes(b"0123456789abcde")
    result = runner.invoke(
        build_app(), ["phi", str(note_with_phi), "--redaction", "hash", "--hash-key-file", str(key_file)]
    )
    assert result.exit_code == 2
    assert "at least 16 bytes" in result.stderr


def test_phi_hash_key_from_environment(note_with_phi: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EA_PHI_HASH_KEY", "an-environment-key-of-32-bytes!!")
    first = runner.invoke(build_app(), ["phi", str(note_with_phi), "--redaction", "hash"])
    monkeypatch.setenv("EA_PHI_HASH_KEY", "another-environment-key-32-bytes")
    second = runner.invoke(build_app(), ["phi", str(note_with_phi), "--redaction", "hash"])
    assert first.exit_code == 0, first.output
    assert first.stdout.startswith("Patient: [NAME:")
    assert first.stdout != second.stdout
