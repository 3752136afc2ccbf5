"""`electroanalyzer analyze` run as a user runs it."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

NOTE = "PT_physical-therapy-ankle-sprain_1612.txt"


def _run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-c", "from electroanalyzer.cli import main; main()", "analyze", *args]
    return subprocess.run(command, capture_output=True, text=True, cwd=cwd, timeout=600, check=False)


def test_html_report_per_note(therapy_notes_dir: Path, tmp_path: Path) -> None:
    notes = tmp_path / "notes"
    notes.mkdir()
    for name in [
        NOTE,
        "SLP_speech-therapy-evaluation_1851.txt",
        "OT_occupational-therapy-discharge-summary_2568.txt",
    ]:
        shutil.copy(therapy_notes_dir / name, notes / name)

    completed = _run(str(notes), "--format", "html", "--output", str(tmp_path / "out"), cwd=tmp_path)

    assert completed.returncode == 0, completed.stderr
    written = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert written == sorted(
        Path(n).stem + ".html"
        for n in [
            NOTE,
            "SLP_speech-therapy-evaluation_1851.txt",
            "OT_occupational-therapy-discharge-summary_2568.txt",
        ]
    )
    assert "Summary" in completed.stdout


def test_text_output_prints_findings(therapy_notes_dir: Path, tmp_path: Path) -> None:
    completed = _run(str(therapy_notes_dir / NOTE), cwd=tmp_path)

    assert completed.returncode == 0, completed.stderr
    assert "POC-FREQ" in completed.stdout


@pytest.mark.parametrize(("threshold", "code"), [("99.5", 1), ("10", 0)])
def test_fail_under_exit_code(therapy_notes_dir: Path, tmp_path: Path, threshold: str, code: int) -> None:
    completed = _run(str(therapy_notes_dir / NOTE), "--fail-under", threshold, cwd=tmp_path)

    assert completed.returncode == code, completed.stderr


def test_unreadable_file_does_not_stop_batch(therapy_notes_dir: Path, tmp_path: Path) -> None:
    folder = tmp_path / "batch"
    folder.mkdir()
    shutil.copy(therapy_notes_dir / NOTE, folder / "a_good.txt")
    (folder / "b_broken.pdf").write_bytes(b"%PDF-1.7\nthis is not a real pdf")
    (folder / "c_empty.txt").write_bytes(b"")

    completed = _run(str(folder), "--format", "json", "--output", str(tmp_path / "out"), cwd=tmp_path)

    assert completed.returncode == 3
    assert "Could not analyze" in completed.stderr
    assert "analysis_failed" not in completed.stderr
    report = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))
    by_file = {Path(d["file"]).name: d for d in report["documents"]}
    assert "findings" in by_file["a_good.txt"]
    assert "code" in by_file["b_broken.pdf"]["error"]
    assert "code" in by_file["c_empty.txt"]["error"]


def test_invalid_option_exit_code(therapy_notes_dir: Path, tmp_path: Path) -> None:
    completed = _run(str(therapy_notes_dir / NOTE), "--strictness", "harsh", cwd=tmp_path)

    assert completed.returncode == 2
    assert "strictness" in completed.stderr


def test_include_phi_warns(therapy_notes_dir: Path, tmp_path: Path) -> None:
    completed = _run(
        str(therapy_notes_dir / NOTE),
        "--include-phi",
        "--format",
        "html",
        "--output",
        str(tmp_path),
        cwd=tmp_path,
    )

    assert completed.returncode == 0, completed.stderr
    assert "unredacted PHI" in completed.stderr
    assert (
        "contains protected health information"
        in (tmp_path / Path(NOTE).with_suffix(".html").name).read_text()
    )


def test_help_documents_exit_codes(tmp_path: Path) -> None:
    completed = _run("--help", cwd=tmp_path)

    assert "Exit codes" in completed.stdout


def test_file_count_limit(tmp_path: Path) -> None:
    from electroanalyzer.commands.analyze import collect_files

    for index in range(3):
        (tmp_path / f"note{index}.txt").write_text("note", encoding="utf-8")

    with pytest.raises(Exception, match="analyze at most 2"):
        collect_files([tmp_path], max_files=2)


def test_folder_skips_other_files(tmp_path: Path) -> None:
    from electroanalyzer.commands.analyze import collect_files

    (tmp_path / "note.txt").write_text("note", encoding="utf-8")
    (tmp_path / "image.png").write_bytes(b"\x89PNG")

    files, missing = collect_files([tmp_path, tmp_path / "absent.txt"])

    assert [f.name for f in files] == ["note.txt"]
    assert [m.name for m in missing] == ["absent.txt"]


def test_missing_path_in_batch(therapy_notes_dir: Path, tmp_path: Path) -> None:
    dangling = tmp_path / "gone.txt"
    dangling.symlink_to(tmp_path / "does-not-exist.txt")

    completed = _run(str(dangling), str(therapy_notes_dir / NOTE), cwd=tmp_path)
    as_json = _run(
        str(dangling), str(therapy_notes_dir / NOTE), "--format", "json", "--output", "out", cwd=tmp_path
    )

    assert completed.returncode == 3
    assert "Not found" in completed.stderr
    assert "POC-FREQ" in completed.stdout
    report = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))
    assert as_json.returncode == 3
    assert report["documents"][0]["error"]["code"] == "file_not_found"
    assert "findings" in report["documents"][1]


def test_json_without_output_prints(therapy_notes_dir: Path, tmp_path: Path) -> None:
    completed = _run(str(therapy_notes_dir / NOTE), "--format", "json", cwd=tmp_path)

    assert completed.returncode == 0, completed.stderr
    report = json.loads(completed.stdout)
    assert report["documents"][0]["findings"]
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("output_format", ["html", "pdf"])
def test_file_formats_require_output(therapy_notes_dir: Path, tmp_path: Path, output_format: str) -> None:
    completed = _run(str(therapy_notes_dir / NOTE), "--format", output_format, cwd=tmp_path)

    assert completed.returncode == 2
    assert "--output" in completed.stderr
    assert list(tmp_path.iterdir()) == []


def test_help_documents_output(tmp_path: Path) -> None:
    completed = _run("--help", cwd=tmp_path)

    assert "standard output" in completed.stdout
    assert "--verbose" in completed.stdout


def test_verbose_logs_failures(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")

    quiet = _run(str(tmp_path / "empty.txt"), cwd=tmp_path)
    verbose = _run(str(tmp_path / "empty.txt"), "--verbose", cwd=tmp_path)

    assert quiet.returncode == 3
    assert "analysis_failed" not in quiet.stderr
    assert "Could not analyze" in quiet.stderr
    assert "WARNING electroanalyzer.commands.analyze_run: analysis_failed" in verbose.stderr


def test_not_a_therapy_note_warned(therapy_notes_dir: Path, tmp_path: Path) -> None:
    notes = tmp_path / "notes"
    notes.mkdir()
    for name in [NOTE, "PMR-MD_emg-nerve-conduction-study-8_1688.txt"]:
        shutil.copy(therapy_notes_dir / name, notes / name)

    as_text = _run(str(notes), cwd=tmp_path)
    as_json = _run(str(notes), "--format", "json", cwd=tmp_path)

    assert as_text.returncode == 0, as_text.stderr
    assert "Warning: not_a_therapy_note" in as_text.stdout
    assert "not_a_therapy_note" in as_text.stdout.split("Summary", 1)[1]
    report = json.loads(as_json.stdout)
    warnings = {Path(d["file"]).name: d["warnings"] for d in report["documents"]}
    assert warnings[NOTE] == []
    assert warnings["PMR-MD_emg-nerve-conduction-study-8_1688.txt"][0]["code"] == "not_a_therapy_note"
    assert "not_a_therapy_note" in as_json.stderr
