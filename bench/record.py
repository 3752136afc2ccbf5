"""Write one benchmark's figures into its own section of bench/RESULTS.md."""

import datetime as dt
import os
import platform
from pathlib import Path

RESULTS_PATH = Path(__file__).resolve().parent / "RESULTS.md"
REPO_ROOT = Path(__file__).resolve().parent.parent


def shared_data_dir() -> Path:
    """Return the folder of public test documents: $EA_SHARED_DATA, else ../shared/data."""
    configured = os.environ.get("EA_SHARED_DATA")
    return Path(configured) if configured else REPO_ROOT.parent / "shared" / "data"


def machine_line() -> str:
    return f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"


def write_section(name: str, markdown: str) -> None:
    """Replace the section between this benchmark's markers, or append it."""
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    stamp = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    block = f"{start}\n{markdown.strip()}\n\n_Recorded {stamp} on {machine_line()}._\n{end}"

    text = RESULTS_PATH.read_text(encoding="utf-8") if RESULTS_PATH.exists() else "# Benchmark results\n"
    if start in text and end in text:
        before, rest = text.split(start, 1)
        _, after = rest.split(end, 1)
        text = before + block + after
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    RESULTS_PATH.write_text(text, encoding="utf-8")
