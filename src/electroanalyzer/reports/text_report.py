"""The terminal report, rendered with Rich."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table

from electroanalyzer.engine.pipeline import AnalysisResult, Finding
from electroanalyzer.reports.highlight import SEVERITY_ORDER, STATUS_ORDER

STATUS_STYLE = {"met": "green", "partly_met": "yellow", "missing": "bold red", "not_applicable": "dim"}
STATUS_LABEL = {"met": "met", "partly_met": "partly met", "missing": "missing", "not_applicable": "n/a"}


def render_text(result: AnalysisResult, console: Console | None = None, *, file: str | None = None) -> None:
    """Print the score panel, the findings table (worst first) and the score explanation."""
    console = console or Console()
    title = f"{file or 'note'} - {result.discipline} {result.document_type.replace('_', ' ')}"
    summary = (
        f"Score [bold]{result.score:g}[/bold]/100 ({result.strictness})  "
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
    if finding.advisory and finding.status in {"missing", "partly_met"}:
        return f"[cyan]advice ({STATUS_LABEL[finding.status]})[/cyan]"
    style = STATUS_STYLE[finding.status]
    return f"[{style}]{STATUS_LABEL[finding.status]}[/{style}]"


def _finding_cell(finding: Finding) -> str:
    # Note text can hold brackets such as "[DATE]", which Rich would read as markup.
    text = escape(f"{finding.title}: {finding.detail}")
    if finding.status in {"missing", "partly_met"}:
        text += f"\n[dim]Fix: {escape(finding.fix)}[/dim]"
    return text
