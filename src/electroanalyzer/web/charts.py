"""Server-side SVG charts that read without colour.

Each series gets its own marker shape and line dash as well as its colour, every point carries
its value as a text label when there is room, and the caller shows the same numbers as a table
(`ChartData.rows`). Colours come from CSS classes, so the charts follow the light and dark
themes and the strict CSP (no style attributes).
"""

from dataclasses import dataclass, field
from html import escape

from markupsafe import Markup

WIDTH = 640
HEIGHT = 280
MARGIN_LEFT = 48
MARGIN_RIGHT = 20
MARGIN_TOP = 20
MARGIN_BOTTOM = 56
MAX_SERIES = 3
MAX_VALUE_LABELS = 16
MARKERS = ("circle", "square", "triangle")


@dataclass(frozen=True)
class Series:
    name: str
    values: list[float | None]


@dataclass(frozen=True)
class ChartData:
    """Labels along the x axis and up to three series of values, one per label."""

    title: str
    labels: list[str]
    series: list[Series]
    y_max: float | None = None
    unit: str = ""
    rows: list[list[str]] = field(init=False)

    def __post_init__(self) -> None:
        if len(self.series) > MAX_SERIES:
            raise ValueError(f"a chart shows at most {MAX_SERIES} series, got {len(self.series)}")
        for series in self.series:
            if len(series.values) != len(self.labels):
                raise ValueError(
                    f"series {series.name!r} has {len(series.values)} values for {len(self.labels)} labels"
                )
        table = [
            [label, *(_format_number(series.values[index]) for series in self.series)]
            for index, label in enumerate(self.labels)
        ]
        object.__setattr__(self, "rows", table)


def _format_number(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value:.0f}" if float(value).is_integer() or abs(value) >= 10 else f"{value:.1f}"


def _nice_max(value: float) -> float:
    """Round the largest value up to a round axis maximum (1, 2 or 4 times a round step)."""
    if value <= 0:
        return 1.0
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000):
        if value > step * 4:
            continue
        if value > step * 2:
            return float(step * 4)
        if value > step:
            return float(step * 2)
        return float(step)
    return float(value)


def _marker(shape: str, x: float, y: float, css_class: str) -> str:
    if shape == "square":
        return f'<rect class="{css_class}" x="{x - 4:.1f}" y="{y - 4:.1f}" width="8" height="8"/>'
    if shape == "triangle":
        points = f"{x:.1f},{y - 5.5:.1f} {x - 5:.1f},{y + 4:.1f} {x + 5:.1f},{y + 4:.1f}"
        return f'<polygon class="{css_class}" points="{points}"/>'
    return f'<circle class="{css_class}" cx="{x:.1f}" cy="{y:.1f}" r="4.5"/>'


def legend_marker(index: int) -> Markup:
    """Return a small SVG sample of series `index` (line dash and marker) for a legend."""
    css = f"chart__series-{index}"
    line = f'<line class="chart__line {css}" x1="1" y1="7" x2="27" y2="7"/>'
    # Every value interpolated into these SVG strings is a number or passed through escape().
    return Markup(  # noqa: S704
        f'<svg viewBox="0 0 28 14" aria-hidden="true" focusable="false">{line}'
        f"{_marker(MARKERS[index], 14, 7, css)}</svg>"
    )


def line_chart(data: ChartData, chart_id: str) -> Markup:
    """Render `data` as an SVG line chart with a title, axes, gridlines, markers and value labels."""
    plot_width = WIDTH - MARGIN_LEFT - MARGIN_RIGHT
    plot_height = HEIGHT - MARGIN_TOP - MARGIN_BOTTOM
    values = [value for series in data.series for value in series.values if value is not None]
    y_max = data.y_max if data.y_max is not None else _nice_max(max(values, default=1.0))
    count = len(data.labels)

    def x_at(index: int) -> float:
        if count == 1:
            return MARGIN_LEFT + plot_width / 2
        return MARGIN_LEFT + plot_width * index / (count - 1)

    def y_at(value: float) -> float:
        return MARGIN_TOP + plot_height * (1 - min(value, y_max) / y_max)

    title_id = f"{chart_id}-title"
    parts = [
        f'<svg class="chart" id="{escape(chart_id)}" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-labelledby="{escape(title_id)}">',
        f'<title id="{escape(title_id)}">{escape(data.title)}</title>',
    ]
    for tick in range(5):
        tick_value = y_max * tick / 4
        y = y_at(tick_value)
        parts.append(
            f'<line class="chart__grid" x1="{MARGIN_LEFT}" y1="{y:.1f}" '
            f'x2="{WIDTH - MARGIN_RIGHT}" y2="{y:.1f}"/>'
        )
        parts.append(
            f'<text class="chart__label" x="{MARGIN_LEFT - 8}" y="{y + 4:.1f}" text-anchor="end">'
            f"{escape(_format_number(tick_value))}{escape(data.unit)}</text>"
        )
    parts.append(
        f'<line class="chart__axis" x1="{MARGIN_LEFT}" y1="{MARGIN_TOP + plot_height}" '
        f'x2="{WIDTH - MARGIN_RIGHT}" y2="{MARGIN_TOP + plot_height}"/>'
    )
    label_every = max(1, -(-count // 10))
    for index, label in enumerate(data.labels):
        if index % label_every and index != count - 1:
            continue
        x = x_at(index)
        parts.append(
            f'<text class="chart__label" x="{x:.1f}" y="{HEIGHT - MARGIN_BOTTOM + 18}" '
            f'text-anchor="middle">{escape(label)}</text>'
        )
    show_values = count <= MAX_VALUE_LABELS
    for series_index, series in enumerate(data.series):
        css = f"chart__series-{series_index}"
        points = [
            (x_at(index), y_at(value)) for index, value in enumerate(series.values) if value is not None
        ]
        if len(points) > 1:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
            parts.append(f'<polyline class="chart__line {css}" points="{path}"/>')
        for index, value in enumerate(series.values):
            if value is None:
                continue
            x, y_value = x_at(index), y_at(value)
            parts.append(_marker(MARKERS[series_index], x, y_value, css))
            if show_values and value != 0:
                parts.append(
                    f'<text class="chart__value" x="{x:.1f}" y="{y_value - 9:.1f}" text-anchor="middle">'
                    f"{escape(_format_number(value))}</text>"
                )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 (numbers and escape()d text only)


def bar_chart(data: ChartData, chart_id: str) -> Markup:
    """Render the first series of `data` as horizontal bars, each labelled with its name and value."""
    row_height = 30
    label_width = 260
    height = MARGIN_TOP + row_height * max(1, len(data.labels)) + 10
    plot_width = WIDTH - label_width - 60
    values = data.series[0].values if data.series else []
    present = [value for value in values if value is not None]
    top = data.y_max if data.y_max is not None else max(present, default=1.0)
    top = top or 1.0
    title_id = f"{chart_id}-title"

    parts = [
        f'<svg class="chart" id="{escape(chart_id)}" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-labelledby="{escape(title_id)}">',
        f'<title id="{escape(title_id)}">{escape(data.title)}</title>',
    ]
    for index, label in enumerate(data.labels):
        value = values[index] or 0.0
        y = MARGIN_TOP + index * row_height
        width = max(2.0, plot_width * value / top)
        short = label if len(label) <= 38 else label[:36] + "…"
        parts.append(
            f'<text class="chart__label" x="{label_width - 8}" y="{y + 17}" text-anchor="end">'
            f"{escape(short)}</text>"
        )
        parts.append(
            f'<rect class="chart__bar" x="{label_width}" y="{y + 4}" width="{width:.1f}" '
            f'height="{row_height - 10}"/>'
        )
        parts.append(
            f'<text class="chart__value" x="{label_width + width + 6:.1f}" y="{y + 18}">'
            f"{escape(_format_number(value))}{escape(data.unit)}</text>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 (numbers and escape()d text only)
