"""Grouping findings by severity and marking each finding's evidence in the redacted note."""

from electroanalyzer.web.report_view import build_report_view, segment_note

NOTE = "Patient [NAME] reports pain 6/10. Goals: walk 100 ft in 2 weeks. Signed PT."


def finding(rule_id: str, status: str, severity: str, spans: list[tuple[int, int]]) -> dict[str, object]:
    return {
        "rule_id": rule_id,
        "title": rule_id.title(),
        "status": status,
        "severity": severity,
        "advisory": False,
        "requirement": "requirement text",
        "fix": "fix text",
        "source": "source text",
        "evidence": [{"start": start, "end": end, "text": NOTE[start:end]} for start, end in spans],
    }


def test_findings_grouped_by_severity() -> None:
    result = {
        "redacted_text": NOTE,
        "findings": [
            finding("PT-GOALS", "partly_met", "high", [(34, 64)]),
            finding("PT-PAIN", "met", "medium", [(23, 32)]),
            finding("PT-SIGN", "missing", "low", []),
        ],
    }
    view = build_report_view(result)

    groups = {severity: [item.rule_id for item in items] for severity, items in view.groups}
    assert groups == {"high": ["PT-GOALS"], "medium": [], "low": ["PT-SIGN"]}
    assert [item.rule_id for item in view.met] == ["PT-PAIN"]
    assert view.counts == {"high": 1, "medium": 0, "low": 1, "met": 1}


def test_segments_rebuild_the_note() -> None:
    raw = [finding("A", "missing", "high", [(8, 14), (23, 32)]), finding("B", "met", "low", [(10, 40)])]
    view = build_report_view({"redacted_text": NOTE, "findings": raw})

    assert "".join(segment.text for segment in view.segments) == NOTE


def test_overlapping_evidence_links_both_findings() -> None:
    raw = [finding("A", "missing", "high", [(8, 14)]), finding("B", "met", "low", [(10, 20)])]
    view = build_report_view({"redacted_text": NOTE, "findings": raw})

    overlap = next(segment for segment in view.segments if segment.text == NOTE[10:14])
    assert overlap.finding_anchors == ["finding-0", "finding-1"]
    anchors = [anchor for segment in view.segments for anchor in segment.starting_anchors]
    assert anchors == ["evidence-0-0", "evidence-1-0"]


def test_identical_evidence_spans_get_both_anchors() -> None:
    raw = [finding("A", "missing", "high", [(8, 14)]), finding("B", "missing", "low", [(8, 14)])]
    view = build_report_view({"redacted_text": NOTE, "findings": raw})

    marked = next(segment for segment in view.segments if segment.anchors)
    assert marked.starting_anchors == ["evidence-0-0", "evidence-1-0"]


def test_evidence_outside_note_is_clamped() -> None:
    raw = [finding("A", "missing", "high", [])]
    raw[0]["evidence"] = [{"start": 70, "end": 500, "text": "x"}, {"start": 5, "end": 5, "text": ""}]
    segments = segment_note(NOTE, raw)

    assert "".join(segment.text for segment in segments) == NOTE
    assert [segment.anchors for segment in segments if segment.anchors] == [["evidence-0-0"]]
