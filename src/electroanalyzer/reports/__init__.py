"""Reports of analysis results: terminal text, JSON, HTML and PDF."""

from electroanalyzer.reports.html_report import render_html
from electroanalyzer.reports.json_report import (
    SCHEMA_VERSION,
    document_dict,
    error_dict,
    render_json,
    report_schema,
)
from electroanalyzer.reports.pdf_report import render_pdf
from electroanalyzer.reports.text_report import render_text

__all__ = [
    "SCHEMA_VERSION",
    "document_dict",
    "error_dict",
    "render_html",
    "render_json",
    "render_pdf",
    "render_text",
    "report_schema",
]
