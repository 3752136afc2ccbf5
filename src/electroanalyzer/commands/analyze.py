"""`electroanalyzer analyze`: check notes on the command line, with no server."""

from __future__ import annotations

import enum
from pathlib import Path
from typing import Annotated, Any

import typer

EXIT_OK = 0
EXIT_BELOW_THRESHOLD = 1
EXIT_USAGE = 2
EXIT_SOME_FAILED = 3
SUFFIXES = {".txt", ".pdf", ".docx", ".doc"}
MAX_FILES = 10_000

HELP = f"""Check therapy notes (PDF, DOCX, DOC, TXT; files or folders) against the documentation rubric.

PHI is redacted before analysis and reports show only the redacted text unless --include-phi is given.

Output: --format text (the default) prints each report to standard output. --format json prints one
JSON report for all files to standard output, or writes DIR/report.json with --output DIR. --format html
and --format pdf write one report per file into the --output folder, which they require.

Exit codes: {EXIT_OK} every file analyzed (and at or above --fail-under); {EXIT_BELOW_THRESHOLD} a score is
below --fail-under; {EXIT_USAGE} invalid options or no input files; {EXIT_SOME_FAILED} one or more files
could not be analyzed.
"""


class OutputFormat(enum.StrEnum):
    text = "text"
    json = "json"
    html = "html"
    pdf = "pdf"


def collect_files(paths: list[Path], max_files: int = MAX_FILES) -> tuple[list[Path], list[Path]]:
    """Expand folders (recursively) into supported files; return (files, missing paths)."""
    files: list[Path] = []
    missing: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES))
        elif path.exists():
            files.append(path)
        else:
            missing.append(path)
    if len(files) > max_files:
        raise typer.BadParameter(f"{len(files)} files found; analyze at most {max_files} per run.")
    return files, missing


def register(app: typer.Typer) -> None:
    app.command("analyze", help=HELP)(analyze)
    if app.registered_callback is None:
        # Without a callback, Typer runs a lone command as the app itself and reads "analyze" as a path.
        app.callback()(_root)


def _root() -> None:
    """Check PT, OT and SLP therapy notes against Medicare documentation rules."""


def analyze(
    paths: Annotated[list[Path], typer.Argument(help="Note files or folders to analyze.")],
    discipline: Annotated[str | None, typer.Option(help="PT, OT or SLP; detected when omitted.")] = None,
    doc_type: Annotated[
        str | None,
        typer.Option(
            "--doc-type",
            help="evaluation, re_evaluation, daily_note, progress_report, recertification, "
            "discharge_summary or swallow_study; detected when omitted.",
        ),
    ] = None,
    strictness: Annotated[str, typer.Option(help="lenient, standard or strict.")] = "standard",
    redaction: Annotated[str, typer.Option(help="PHI redaction mode: tag, mask, surrogate or hash.")] = "tag",
    output_format: Annotated[
        OutputFormat, typer.Option("--format", help="Report format.")
    ] = OutputFormat.text,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            help="Folder for report files: report.json for json, one file per note for html and pdf "
            "(required for html and pdf). Without it, json goes to standard output.",
        ),
    ] = None,
    fail_under: Annotated[
        float | None, typer.Option(min=0, max=100, help="Exit with code 1 when any score is below this.")
    ] = None,
    rubric_path: Annotated[
        Path | None, typer.Option("--rubric", help="Custom rubric file (.yaml or .ttl).")
    ] = None,
    include_phi: Annotated[
        bool, typer.Option("--include-phi", help="Show the unredacted note text in reports (contains PHI).")
    ] = False,
    verbose: Annotated[
        bool, typer.Option("--verbose", help="Also print warning log records to standard error.")
    ] = False,
) -> None:
    from rich.console import Console

    from electroanalyzer.commands.analyze_run import configure_logging, run_batch

    configure_logging(verbose=verbose)
    console = Console(stderr=False)
    errors = Console(stderr=True)
    code = run_batch(
        paths,
        console=console,
        errors=errors,
        discipline=discipline,
        doc_type=doc_type,
        strictness=strictness,
        redaction=redaction,
        output_format=str(output_format),
        output=output,
        fail_under=fail_under,
        rubric_path=rubric_path,
        include_phi=include_phi,
    )
    raise typer.Exit(code)


def exit_code(failed: int, scores: list[Any], fail_under: float | None) -> int:
    if failed:
        return EXIT_SOME_FAILED
    if fail_under is not None and any(score < fail_under for score in scores):
        return EXIT_BELOW_THRESHOLD
    return EXIT_OK
