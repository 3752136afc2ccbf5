"""Render the daily security report as HTML (autoescaped Jinja2) or PDF (WeasyPrint)."""

from __future__ import annotations

from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

_environment = Environment(
    loader=PackageLoader("electroanalyzer.security", "templates"),
    autoescape=select_autoescape(["html"]),
)


def render_html(report: dict[str, Any]) -> str:
    return _environment.get_template("daily_report.html").render(report=report)


def render_pdf(report: dict[str, Any]) -> bytes:
    """Render the report to PDF; the HTML references no external resource, so nothing is fetched."""
    from weasyprint import HTML

    def refuse_fetch(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
        raise ValueError("the security report loads no external resources")

    pdf: bytes = HTML(string=render_html(report), url_fetcher=refuse_fetch).write_pdf()
    return pdf
