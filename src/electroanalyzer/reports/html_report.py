"""The HTML report: one self-contained file per document, autoescaped, evidence highlighted."""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any

from electroanalyzer.engine.pipeline import AnalysisResult
from electroanalyzer.reports.highlight import SEVERITY_ORDER, STATUS_ORDER, format_score, segments

GAP_STATUSES = ("missing", "partly_met")

STATUS_LABEL = {
    "met": "met",
    "partly_met": "partly met",
    "missing": "missing",
    "not_applicable": "not applicable",
}


@functools.cache
def _environment() -> Any:
    import jinja2

    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("electroanalyzer.reports", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )
    return environment


def _groups(result: AnalysisResult) -> list[dict[str, Any]]:
    """Group the findings: the gaps to fix by severity, then advisory findings, then the rest.

    Each group's "to_fix" counts its missing and partly met findings, as the web report page does.
    """
    items: list[dict[str, Any]] = [
        {"index": index, "finding": finding, "advice": finding.advisory}
        for index, finding in enumerate(result.findings)
    ]
    items.sort(key=lambda item: (STATUS_ORDER[item["finding"].status], item["finding"].rule_id))
    groups = []
    for severity in sorted(SEVERITY_ORDER, key=SEVERITY_ORDER.__getitem__):
        members = [
            i
            for i in items
            if i["finding"].severity == severity and not i["advice"] and i["finding"].status in GAP_STATUSES
        ]
        groups.append(
            {"title": f"{severity.capitalize()} severity findings to fix", "members": members, "to_fix": True}
        )
    advice = [i for i in items if i["advice"]]
    if advice:
        groups.append(
            {
                "title": "Advice (secondary or unconfirmed rules, not scored)",
                "members": advice,
                "to_fix": False,
            }
        )
    rest = [i for i in items if not i["advice"] and i["finding"].status not in GAP_STATUSES]
    if rest:
        groups.append({"title": "Rules met or not applicable", "members": rest, "to_fix": False})
    return groups


def render_html(result: AnalysisResult, *, file: str | None = None) -> str:
    environment = _environment()
    score_class = "score-low"
    if result.score >= 85:
        score_class = "score-high"
    elif result.score >= 65:
        score_class = "score-mid"
    return str(
        environment.get_template("report.html").render(
            result=result,
            rule_ids=[finding.rule_id for finding in result.findings],
            file=file,
            groups=_groups(result),
            segments=segments(result),
            counts=result.counts(),
            status_label=STATUS_LABEL,
            score_class=score_class,
            pct=lambda value: f"{value:.0%}",
            score=format_score(result.score),
            generated=dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        )
    )
