"""bandit over src/: every finding is fixed or accepted, with a reason, in bandit_baseline.yaml."""

import json
import subprocess
import sys
from pathlib import Path

import yaml

REPO_ROOT = Path(__file__).resolve().parents[2]
BASELINE = Path(__file__).with_name("bandit_baseline.yaml")


def accepted() -> set[tuple[str, str]]:
    entries = yaml.safe_load(BASELINE.read_text(encoding="utf-8"))["accepted"]
    for entry in entries:
        assert entry["reason"].strip(), entry["test"]
    return {(entry["test"], path) for entry in entries for path in entry["files"]}


def test_bandit_findings_all_accepted() -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "bandit", "-r", "src", "-q", "-f", "json"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    report = json.loads(completed.stdout)
    assert not report["errors"], report["errors"]
    found = {(item["test_id"], item["filename"]): item for item in report["results"]}
    unexpected = [
        f"{item['filename']}:{item['line_number']} {item['test_id']} {item['issue_text']}"
        for key, item in found.items()
        if key not in accepted()
    ]
    assert unexpected == [], "fix these or accept them with a reason in bandit_baseline.yaml"


def test_baseline_has_no_stale_entries() -> None:
    for _, path in accepted():
        assert (REPO_ROOT / path).is_file(), f"{path} no longer exists; remove it from the baseline"
