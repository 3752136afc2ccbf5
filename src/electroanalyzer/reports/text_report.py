"""The terminal report, rendered with Rich."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table

from electroanalyzer.engine.pipeline import AnalysisResult

STATUS_STYLE = {"met": "green", "partly_met": "yellow", "missing": "bold red", "not_applicable": "dim"}
STATUS_LABEL = {"met": "met", "partly_met": "partly met", "missing": "missing", "not_applicable": "n/a"}


def render_text(result: AnalysisResult, console: Console | None = None, *, file: str | None = None) -> None:
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
    order = {"missing": 0, "partly_met": 1, "met": 2, "not_applicable": 3}
    severity_order = {"high": 0, "medium": 1, "low": 2}
    for finding in sorted(
        result.findings, key=lambda f: (order[f.status], severity_order[f.severity], f.rule_id)
    ):
        status = STATUS_LABEL[finding.status]
        style = STATUS_STYLE[finding.status]
        if finding.advisory and finding.status in {"missing", "partly_met"}:
            status, style = f"advice ({status})", "cyan"
        # Note text can hold brackets such as "[DATE]", which Rich would read as markup.
        text = escape(f"{finding.title}: {finding.detail}")
        if finding.status in {"missing", "partly_met"}:
            text += f"\n[dim]Fix: {escape(finding.fix)}[/dim]"
        table.add_row(finding.rule_id, finding.severity, f"[{style}]{status}[/{style}]", text)
    console.print(table)
    console.print(f"[dim]{escape(result.score_explanation)}[/dim]")
