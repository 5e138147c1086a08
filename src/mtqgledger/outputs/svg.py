"""The charts, as inline SVG: ratio by item, the year's cumulative curve, ratio by capital type.

The Fava page draws the first two, the printable quarterly form the third.
Amounts stay whole đồng until they become coordinates; labels use the same
formatting as every other figure.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from markupsafe import Markup, escape

from mtqgledger.outputs.formatting import format_amount, format_date, format_ratio


@dataclass(frozen=True)
class Bar:
    label: str  # short code, e.g. "GNBV·DA4"
    title: str  # full Vietnamese title (tooltip)
    ratio: Decimal | None
    state: str  # css class: done | ok | behind | none
    href: str


@dataclass(frozen=True)
class Point:
    day: datetime.date
    plan: int
    disbursed: int


def _num(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def ratio_bars(bars: Sequence[Bar], target: Decimal) -> Markup:
    """Horizontal bars of the ratio, 0–100 %, with the target marked."""
    label_width, bar_width, row, top = 96.0, 330.0, 20.0, 18.0
    width = label_width + bar_width + 64
    height = top + row * len(bars) + 6
    parts = [f'<svg class="mtqg-chart" viewBox="0 0 {_num(width)} {_num(height)}" '
             f'width="100%" role="img" aria-label="Tỷ lệ giải ngân">']
    for tick in (0, 25, 50, 75, 100):
        x = label_width + bar_width * tick / 100
        parts.append(f'<line class="grid" x1="{_num(x)}" y1="{_num(top - 4)}" x2="{_num(x)}" '
                     f'y2="{_num(height - 4)}"/>'
                     f'<text class="axis" x="{_num(x)}" y="10" text-anchor="middle">'
                     f'{tick} %</text>')
    for index, bar in enumerate(bars):
        y = top + row * index
        share = 0.0 if bar.ratio is None else float(max(min(bar.ratio, Decimal(1)), Decimal(0)))
        parts.append(
            f'<a href="{escape(bar.href)}"><title>{escape(bar.title)}: '
            f'{escape(format_ratio(bar.ratio))}</title>'
            f'<text class="label" x="{_num(label_width - 6)}" y="{_num(y + 13)}" '
            f'text-anchor="end">{escape(bar.label)}</text>'
            f'<rect class="track" x="{_num(label_width)}" y="{_num(y + 3)}" '
            f'width="{_num(bar_width)}" height="13" rx="2"/>'
            f'<rect class="bar {escape(bar.state)}" x="{_num(label_width)}" y="{_num(y + 3)}" '
            f'width="{_num(bar_width * share)}" height="13" rx="2"/>'
            f'<text class="value" x="{_num(label_width + bar_width + 6)}" y="{_num(y + 13)}">'
            f'{escape(format_ratio(bar.ratio))}</text></a>')
    x = label_width + bar_width * float(target)
    parts.append(f'<line class="target" x1="{_num(x)}" y1="{_num(top - 4)}" x2="{_num(x)}" '
                 f'y2="{_num(height - 4)}"><title>Mục tiêu {escape(format_ratio(target, 0))}'
                 f'</title></line></svg>')
    return Markup("".join(parts))


def _step(span: int) -> int:
    """A round tick step (1, 2 or 5 × 10^k đồng) giving at most five intervals over ``span``."""
    power = 1
    while True:
        for factor in (1, 2, 5):
            if span <= power * factor * 5:
                return power * factor
        power *= 10


def _axis_label(amount: int) -> str:
    if amount == 0:
        return "0"
    if amount % 10**9 == 0 or amount >= 10**10:
        decimals = 0 if amount % 10**9 == 0 else 1
        return f"{format_amount(amount, 'ty', decimals)} tỷ"
    if amount % 10**6 == 0 or amount >= 10**7:
        return f"{format_amount(amount, 'trieu', 0)} tr"
    return format_amount(amount)


@dataclass(frozen=True)
class _Plot:
    """The curve's drawing area: from 1 January to the deadline, from 0 to ``top_value``."""

    start: datetime.date
    days: int
    top_value: int
    width: float = 520.0
    height: float = 230.0
    left: float = 64.0
    right: float = 12.0
    top: float = 12.0
    bottom: float = 36.0

    def x(self, day: datetime.date) -> float:
        return self.left + (self.width - self.left - self.right) * (day - self.start).days \
            / self.days

    def y(self, amount: int) -> float:
        return self.top + (self.height - self.top - self.bottom) * (1 - amount / self.top_value)


def _grid(plot: _Plot, step: int, deadline: datetime.date) -> list[str]:
    """Amount lines with their labels, and a line and label a month."""
    parts = []
    for value in range(0, plot.top_value + 1, step):
        y = _num(plot.y(value))
        parts.append(f'<line class="grid" x1="{_num(plot.left)}" y1="{y}" '
                     f'x2="{_num(plot.width - plot.right)}" y2="{y}"/>'
                     f'<text class="axis" x="{_num(plot.left - 6)}" y="{_num(plot.y(value) + 4)}" '
                     f'text-anchor="end">{escape(_axis_label(value))}</text>')
    month = datetime.date(plot.start.year, plot.start.month, 1)
    while month <= deadline:
        x = plot.x(month)
        parts.append(f'<text class="axis" x="{_num(x + 4)}" '
                     f'y="{_num(plot.height - plot.bottom + 14)}">T{month.month}</text>'
                     f'<line class="grid" x1="{_num(x)}" y1="{_num(plot.top)}" '
                     f'x2="{_num(x)}" y2="{_num(plot.height - plot.bottom)}"/>')
        month = datetime.date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return parts


def _curves(plot: _Plot, points: Sequence[Point], deadline: datetime.date, wanted: int,
            projected: int | None) -> list[str]:
    """The plan, the target, the projection and the disbursed curve with its points."""
    x, y = plot.x, plot.y
    start, plan = plot.start, points[-1].plan
    plan_path = " ".join(f"{_num(x(p.day))},{_num(y(p.plan))}" for p in points)
    parts = [f'<polyline class="plan" points="{_num(x(start))},{_num(y(points[0].plan))} '
             f'{plan_path} {_num(x(deadline))},{_num(y(plan))}"/>',
             f'<line class="target" x1="{_num(plot.left)}" y1="{_num(y(wanted))}" '
             f'x2="{_num(plot.width - plot.right)}" y2="{_num(y(wanted))}"/>']
    last = points[-1]
    if projected is not None and last.day < deadline:
        parts.append(f'<line class="projection" x1="{_num(x(last.day))}" '
                     f'y1="{_num(y(last.disbursed))}" x2="{_num(x(deadline))}" '
                     f'y2="{_num(y(projected))}"/>')
    curve = " ".join(f"{_num(x(p.day))},{_num(y(p.disbursed))}" for p in points)
    parts.append(f'<polyline class="disbursed" points="{_num(x(start))},{_num(y(0))} {curve}"/>')
    for point in points:
        parts.append(f'<circle class="disbursed" cx="{_num(x(point.day))}" '
                     f'cy="{_num(y(point.disbursed))}" r="2.5"><title>'
                     f'{format_date(point.day)}: {escape(format_amount(point.disbursed))} đ'
                     f' / {escape(format_amount(point.plan))} đ ('
                     f'{escape(format_ratio(_share(point)))})</title></circle>')
    return parts


def cumulative_curve(points: Sequence[Point], start: datetime.date, deadline: datetime.date,
                     target: Decimal, projected: Decimal | None) -> Markup:
    """Disbursed so far against the plan, month by month, with the target and the projection."""
    plan = points[-1].plan if points else 0
    wanted = int(target * plan)
    projected_amount = int(projected * plan) if projected is not None else 0
    peak = max([plan, projected_amount, *(p.plan for p in points),
                *(p.disbursed for p in points), 1])
    step = _step(peak)
    plot = _Plot(start, max((deadline - start).days, 1), -(-peak // step) * step)
    parts = [f'<svg class="mtqg-chart" viewBox="0 0 {_num(plot.width)} {_num(plot.height)}" '
             'width="100%" role="img" aria-label="Giải ngân lũy kế so với kế hoạch">',
             *_grid(plot, step, deadline)]
    if points:
        parts += _curves(plot, points, deadline, wanted,
                         projected_amount if projected is not None else None)
    legend = (("disbursed", "Giải ngân lũy kế"), ("plan", "Kế hoạch"),
              ("target", f"Mục tiêu {format_ratio(target, 0)}"), ("projection", "Dự kiến"))
    for index, (css, text) in enumerate(legend):
        lx, y = plot.left + 8 + index * 112, plot.height
        parts.append(f'<line class="{css}" x1="{_num(lx)}" y1="{_num(y - 8)}" '
                     f'x2="{_num(lx + 18)}" y2="{_num(y - 8)}"/>'
                     f'<text class="axis" x="{_num(lx + 22)}" y="{_num(y - 4)}">'
                     f'{escape(text)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def _share(point: Point) -> Decimal | None:
    return Decimal(point.disbursed) / point.plan if point.plan else None


SERIES_COLOURS = ("#2f6db5", "#e07b39", "#8e44ad", "#16a085", "#c0392b")
TOTAL_COLOUR = "#6b8e23"


@dataclass(frozen=True)
class Group:
    """One group of bars: a label under it and one ratio per series (None: no bar)."""

    label: str
    ratios: tuple[Decimal | None, ...]


def grouped_bars(groups: Sequence[Group], series: Sequence[str]) -> tuple[Markup, Markup]:
    """Vertical bars of each group's ratios, one colour a series, the last series the total.

    Returns the SVG and its legend (coloured squares and the series names).
    """
    colours = [*SERIES_COLOURS[:len(series) - 1], TOTAL_COLOUR]
    group, bar, left, top, height = 24 + 14 * len(series), 14, 48, 16, 200
    width = left + group * len(groups) + 16
    ceiling = max([Decimal(1)] + [value for item in groups for value in item.ratios
                                  if value is not None])
    shapes = []
    for percent in range(0, int(ceiling * 100) + 1, 25):
        y = top + height - height * Decimal(percent) / 100 / ceiling
        shapes.append(f'<line x1="{left}" x2="{width}" y1="{y:.1f}" y2="{y:.1f}" '
                      f'stroke="#ccc"/><text x="{left - 4}" y="{y + 4:.1f}" '
                      f'text-anchor="end" font-size="10">{percent}%</text>')
    for place, item in enumerate(groups):
        x0 = left + place * group + 12
        for offset, (name, colour, value) in enumerate(zip(series, colours, item.ratios,
                                                            strict=True)):
            if value is None:
                continue
            bar_height = height * max(value, Decimal(0)) / ceiling
            shapes.append(
                f'<rect x="{x0 + offset * bar}" y="{top + height - bar_height:.1f}" '
                f'width="{bar - 2}" height="{bar_height:.1f}" fill="{colour}">'
                f"<title>{escape(name)}: {format_ratio(value)}</title></rect>")
        shapes.append(f'<text x="{x0 + len(series) * bar / 2}" y="{top + height + 14}" '
                      f'text-anchor="middle" font-size="10">{escape(item.label)}</text>')
    legend = " ".join(f'<span style="color:{colour}">■</span> {escape(name)}'
                      for name, colour in zip(series, colours, strict=True))
    svg = (f'<svg width="{width}" height="{top + height + 24}" role="img" '
           f'aria-label="Tỷ lệ giải ngân theo dự án">{"".join(shapes)}</svg>')
    return Markup(svg), Markup(legend)
