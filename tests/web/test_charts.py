"""The SVG chart renderer: readable without colour, values as text, same numbers as the table."""

import re
import xml.etree.ElementTree as ET

import pytest
from defusedxml.ElementTree import fromstring

from electroanalyzer.web.charts import ChartData, Series, bar_chart, legend_marker, line_chart

SVG_NS = "{http://www.w3.org/2000/svg}"


def parse(markup: str) -> ET.Element:
    # The inline SVG has no namespace declaration; add one so the XML parser accepts it.
    return fromstring(str(markup).replace("<svg ", '<svg xmlns="http://www.w3.org/2000/svg" ', 1))


def test_line_chart_labels_every_value() -> None:
    data = ChartData(
        "Average score", ["12-01", "12-02", "12-03"], [Series("Score", [55.0, 70.5, 90.0])], y_max=100
    )
    root = parse(line_chart(data, "trend"))

    values = [text.text for text in root.iter(f"{SVG_NS}text") if "chart__value" in text.get("class", "")]
    assert values == ["55", "70", "90"] or values == ["55", "70.5", "90"]
    assert root.get("role") == "img"
    assert root.find(f"{SVG_NS}title").text == "Average score"


def test_line_chart_series_differ_by_marker_shape() -> None:
    data = ChartData(
        "Events",
        ["a", "b"],
        [Series("Failed", [1.0, 2.0]), Series("Blocked", [3.0, 4.0]), Series("Incidents", [0.0, 1.0])],
    )
    root = parse(line_chart(data, "events"))

    assert len(root.findall(f"{SVG_NS}circle")) == 2
    assert len(root.findall(f"{SVG_NS}rect")) == 2
    assert len(root.findall(f"{SVG_NS}polygon")) == 2


def test_line_chart_skips_missing_values() -> None:
    data = ChartData("Scores", ["a", "b", "c"], [Series("Score", [50.0, None, 80.0])], y_max=100)
    root = parse(line_chart(data, "gaps"))

    assert len(root.findall(f"{SVG_NS}circle")) == 2
    assert data.rows == [["a", "50"], ["b", "–"], ["c", "80"]]


def test_chart_escapes_labels() -> None:
    data = ChartData("<script>x</script>", ["<b>"], [Series("s", [1.0])])
    markup = str(line_chart(data, "escape"))

    assert "<script>" not in markup
    assert "&lt;script&gt;" in markup
    assert "&lt;b&gt;" in markup


def test_chart_rejects_mismatched_series() -> None:
    with pytest.raises(ValueError, match="2 values for 3 labels"):
        ChartData("t", ["a", "b", "c"], [Series("s", [1.0, 2.0])])


def test_chart_rejects_four_series() -> None:
    with pytest.raises(ValueError, match="at most 3 series"):
        ChartData("t", ["a"], [Series(str(index), [1.0]) for index in range(4)])


def test_bar_chart_shows_names_and_values() -> None:
    data = ChartData("Missed rules", ["Goals are measurable", "Signature"], [Series("Notes", [7.0, 3.0])])
    root = parse(bar_chart(data, "missed"))

    texts = [text.text for text in root.iter(f"{SVG_NS}text")]
    assert "Goals are measurable" in texts
    assert "7" in texts
    widths = [float(rect.get("width")) for rect in root.findall(f"{SVG_NS}rect")]
    assert widths[0] > widths[1]


def test_charts_use_no_style_attributes() -> None:
    data = ChartData("t", ["a", "b"], [Series("s", [1.0, 2.0]), Series("u", [2.0, 1.0])])
    for markup in (line_chart(data, "x"), bar_chart(data, "y"), legend_marker(1)):
        assert not re.search(r"\sstyle=", str(markup))
