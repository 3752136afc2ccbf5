"""The terminal report, rendered with Rich."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table

from electroanalyzer.engine.pipeline import AnalysisResult, Finding
from electroanalyzer.reports.highlight import SEVERITY_ORDER, STATUS_ORDER, format_score

STATUS_STYLE = {"met": "green", "partly_met": "yellow", "missing": "bold red", "not_applicable": "dim"}
STATUS_LABEL = {"met": "met", "partly_met": "partly met", "missing": "missing", "not_applicable": "n/a"}
QUOTE_WORDS = 8
MAX_QUOTES = 3


def render_text(result: AnalysisResult, console: Console | None = None, *, file: str | None = None) -> None:
    """Print the warnings, the score panel, the findings table (worst first) and the score explanation."""
    console = console or Console()
    for warning in result.warnings:
        console.print(
            Panel(
                escape(warning["message"]),
                title=f"Warning: {escape(warning['code'])}",
                border_style="bold red",
                expand=False,
            )
        )
    title = f"{file or 'note'} - {result.discipline} {result.document_type.replace('_', ' ')}"
    summary = (
        f"Score [bold]{format_score(result.score)}[/bold]/100 ({result.strictness})  "
        f"discipline {result.discipline} ({result.discipline_confidence:.0%})  "
        f"type {result.document_type} ({result.document_type_confidence:.0%})  "
        f"rubric {result.rubric_id} {result.rubric_version}"
    )
    console.print(Panel(summary, title=escape(title), expand=False))

    table = Table(show_lines=False, expand=True)
    table.add_column("Rule", no_wrap=True)
    table.add_column("Sev", no_wrap=True)
    table.add_column("Status", no_wrap=True)
    table.add_column("Finding")
    for finding in sorted(result.findings, key=_worst_first):
        table.add_row(finding.rule_id, finding.severity, _status_cell(finding), _finding_cell(finding))
    console.print(table)

    console.print(f"[dim]{escape(result.score_explanation)}[/dim]")


def _worst_first(finding: Finding) -> tuple[int, int, str]:
    return STATUS_ORDER[finding.status], SEVERITY_ORDER[finding.severity], finding.rule_id


def _status_cell(finding: Finding) -> str:
    if finding.advisory:
        return f"[cyan]advice ({STATUS_LABEL[finding.status]})[/cyan]"
    style = STATUS_STYLE[finding.status]
    return f"[{style}]{STATUS_LABEL[finding.status]}[/{style}]"


def _finding_cell(finding: Finding) -> str:
    # Note text can hold brackets such as "[DATE]", which Rich would read as markup.
    text = escape(f"{finding.title}: {finding.detail}")
    if finding.status in {"missing", "partly_met"}:
        # The evidence of a gap quotes the passages that fall short, such as the goals that lack an aspect.
        quotes = [_first_words(evidence.text) for evidence in finding.evidence[:MAX_QUOTES]]
        if quotes:
            more = len(finding.evidence) - len(quotes)
            text += "\nQuoted: " + "; ".join(escape(quote) for quote in quotes)
            text += f" (and {more} more)" if more > 0 else ""
        text += f"\n[dim]Fix: {escape(finding.fix)}[/dim]"
    return text


def _first_words(text: str) -> str:
    """Quote the first words of a redacted evidence passage, on one line."""
    words = text.split()
    quote = " ".join(words[:QUOTE_WORDS])
    return f'"{quote}..."' if len(words) > QUOTE_WORDS else f'"{quote}"'
