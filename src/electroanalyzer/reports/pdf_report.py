"""The PDF report, rendered by WeasyPrint from the same HTML as the HTML report."""

from __future__ import annotations

from electroanalyzer.engine.pipeline import AnalysisResult
from electroanalyzer.reports.html_report import render_html


def render_pdf(result: AnalysisResult, *, file: str | None = None) -> bytes:
    import weasyprint

    html = render_html(result, file=file)
    # No base URL: the report is self-contained, so WeasyPrint never fetches anything.
    document = weasyprint.HTML(string=html, base_url=None, url_fetcher=_refuse_fetch)
    pdf: bytes = document.write_pdf()
    return pdf


def _refuse_fetch(url: str, *args: object, **kwargs: object) -> dict[str, object]:
    raise ValueError("external resources are not loaded into reports")
