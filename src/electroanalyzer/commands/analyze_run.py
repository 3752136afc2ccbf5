"""The body of `electroanalyzer analyze`: analyze each file, write reports, print a summary."""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from electroanalyzer.commands.analyze import EXIT_USAGE, collect_files, exit_code
from electroanalyzer.reports.highlight import format_score

logger = logging.getLogger(__name__)
PACKAGE_LOGGER = "electroanalyzer"
LOG_FORMAT = "%(levelname)s %(name)s: %(message)s"
# Name of the handler this command installs, so a second run in one process replaces it.
CLI_HANDLER_NAME = "electroanalyzer_cli"


def configure_logging(*, verbose: bool) -> None:
    """Route the package's log records: WARNING and above to stderr when verbose, else nowhere.

    Without a handler, Python prints a bare event name such as "analysis_failed" to stderr, while
    the command already prints every failure as a sentence.
    """
    package = logging.getLogger(PACKAGE_LOGGER)
    for existing in list(package.handlers):
        if existing.get_name() == CLI_HANDLER_NAME:
            package.removeHandler(existing)
    handler: logging.Handler
    if verbose:
        handler = logging.StreamHandler(sys.stderr)
        handler.setLevel(logging.WARNING)
        handler.setFormatter(logging.Formatter(LOG_FORMAT))
    else:
        handler = logging.NullHandler()
    handler.set_name(CLI_HANDLER_NAME)
    package.addHandler(handler)


def _options(**kwargs: Any) -> Any:
    from electroanalyzer.engine.phi import RedactionMode
    from electroanalyzer.engine.pipeline import AnalysisOptions

    try:
        mode = RedactionMode(kwargs.pop("redaction"))
    except ValueError:
        raise ValueError("Unknown redaction mode. Use tag, mask, surrogate or hash.") from None
    hash_key = None
    if mode is RedactionMode.HASH:
        import secrets

        # A fresh key per run: hashes link mentions within this run's reports only.
        hash_key = secrets.token_bytes(32)
    return AnalysisOptions(redaction=mode, hash_key=hash_key, **kwargs).validated()


def run_batch(
    paths: list[Path],
    *,
    console: Console,
    errors: Console,
    discipline: str | None,
    doc_type: str | None,
    strictness: str,
    redaction: str,
    output_format: str,
    output: Path | None,
    fail_under: float | None,
    rubric_path: Path | None,
    include_phi: bool,
) -> int:
    from electroanalyzer.engine.errors import EngineError
    from electroanalyzer.engine.pipeline import analyze_document

    try:
        rubric = None
        if rubric_path is not None:
            from electroanalyzer.engine.rubrics import load_rubric_file

            rubric = load_rubric_file(rubric_path)
        options = _options(
            discipline=discipline,
            document_type=doc_type,
            strictness=strictness,
            redaction=redaction,
            rubric=rubric,
            include_phi=include_phi,
        )
    except (EngineError, ValueError) as exc:
        errors.print(f"[red]Error:[/red] {escape(str(exc))}")
        return EXIT_USAGE

    files, missing = collect_files(paths)
    for path in missing:
        errors.print(f"[red]Not found:[/red] {escape(str(path))}")
    if not files:
        errors.print("[red]Error:[/red] no .txt, .pdf, .docx or .doc files to analyze.")
        return EXIT_USAGE
    if output_format in {"html", "pdf"} and output is None:
        errors.print(
            f"[red]Error:[/red] --format {output_format} writes one file per note. "
            "Give the folder for them with --output DIR."
        )
        return EXIT_USAGE
    # JSON printed to stdout must be the only output there, so the summary goes to stderr.
    json_to_stdout = output_format == "json" and output is None
    summary_console = errors if json_to_stdout else console
    if output is not None:
        output.mkdir(parents=True, exist_ok=True)
    if include_phi:
        errors.print(
            "[bold yellow]Warning:[/bold yellow] --include-phi writes unredacted PHI into the reports."
        )

    entries: list[Any] = []
    rows: list[tuple[str, str]] = []
    scores: list[float] = []
    failed = len(missing)
    for path in missing:
        message = "The file was not found. Check the path and try again."
        entries.append({"file": str(path), "error": {"code": "file_not_found", "message": message}})
        rows.append((str(path), "error: file_not_found"))
    batch = len(files) > 1
    progress = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=errors,
        disable=not batch,
        transient=True,
    )
    with progress:
        task = progress.add_task("Analyzing", total=len(files))
        for path in files:
            name = str(path)
            try:
                result = analyze_document(path.read_bytes(), options, file_name=path.name)
            except EngineError as exc:
                failed += 1
                # File names can carry patient names, so the log keeps only the error code.
                logger.warning("analysis_failed", extra={"code": exc.code})
                errors.print(
                    f"[red]Could not analyze[/red] {escape(name)}: {escape(exc.message)} ({exc.code})"
                )
                entries.append({"file": name, "error": {"code": exc.code, "message": exc.message}})
                rows.append((name, f"error: {exc.code}"))
            except OSError:
                failed += 1
                logger.warning("analysis_failed", extra={"code": "unreadable_file"})
                message = "The file could not be read. Check that it exists and that you may read it."
                errors.print(f"[red]Could not read[/red] {escape(name)}. {message}")
                entries.append({"file": name, "error": {"code": "unreadable_file", "message": message}})
                rows.append((name, "error: unreadable_file"))
            else:
                scores.append(result.score)
                entries.append((name, result))
                rows.append((name, format_score(result.score)))
                _write_one(result, path, name, output_format, output, console)
                if output_format != "text":
                    _print_warnings(errors, name, result)
            progress.advance(task)

    if output_format == "json":
        _write_json(entries, output, console)
    if batch or missing or output_format != "text":
        _print_summary(summary_console, entries, rows)
    return exit_code(failed, scores, fail_under)


def _write_one(
    result: Any, path: Path, name: str, output_format: str, output: Path | None, console: Console
) -> None:
    if output_format == "text":
        from electroanalyzer.reports import render_text

        render_text(result, console, file=name)
        return
    if output_format not in {"html", "pdf"} or output is None:
        return
    from electroanalyzer.reports import render_html, render_pdf

    target = output / f"{path.stem}.{output_format}"
    if output_format == "html":
        target.write_text(render_html(result, file=path.name), encoding="utf-8")
    else:
        target.write_bytes(render_pdf(result, file=path.name))
    console.print(f"Wrote {escape(str(target))}")


def _write_json(entries: list[Any], output: Path | None, console: Console) -> None:
    from electroanalyzer.reports import render_json

    report = render_json(entries)
    if output is None:
        # Plain stdout rather than Rich, which would wrap long lines and read brackets as markup.
        sys.stdout.write(json.dumps(report, indent=2) + "\n")
        return
    target = output / "report.json"
    target.write_text(json.dumps(report, indent=2), encoding="utf-8")
    console.print(f"Wrote {escape(str(target))}")


def _print_warnings(errors: Console, name: str, result: Any) -> None:
    for warning in result.warnings:
        errors.print(
            f"[bold yellow]Warning:[/bold yellow] {escape(name)}: {escape(warning['message'])} "
            f"({escape(warning['code'])})"
        )


def _print_summary(console: Console, entries: list[Any], rows: list[tuple[str, str]]) -> None:
    table = Table(title="Summary")
    table.add_column("File")
    table.add_column("Discipline")
    table.add_column("Type")
    table.add_column("Score", justify="right")
    table.add_column("Missing", justify="right")
    table.add_column("Warnings", no_wrap=True, min_width=len("not_a_therapy_note"))
    for entry, (name, score) in zip(entries, rows, strict=True):
        # The file name alone keeps the table readable; the messages above give full paths.
        label = escape(Path(name).name)
        if isinstance(entry, dict):
            table.add_row(label, "-", "-", f"[red]{escape(score)}[/red]", "-", "-")
            continue
        result = entry[1]
        codes = ", ".join(warning["code"] for warning in result.warnings)
        table.add_row(
            label,
            result.discipline,
            result.document_type,
            score,
            str(result.counts()["missing"]),
            f"[bold yellow]{escape(codes)}[/bold yellow]" if codes else "",
        )
    console.print(table)
