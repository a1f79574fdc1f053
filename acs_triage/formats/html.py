"""``--format html``: one self-contained page, for a browser, an e-mail attachment or print.

The page is made by a jinja2 template (``templates/report.html.j2``) with autoescaping:
every value from a view is escaped by the template engine, control characters are
shown escaped (:func:`~acs_triage.display.neutralise`, applied to every value), and
nothing built from data is marked safe; the stylesheet is the package's own file. Only
``http``/``https`` URLs become links. The page loads nothing and runs nothing: its
Content-Security-Policy allows no script and no request, only its own stylesheet (by
hash). Charts are inline SVG drawn from numbers computed here; colours come from the
stylesheet by class (one colour per series key in the whole page), light or dark with
``prefers-color-scheme``, and black on white in print.

jinja2 is imported by this module only, which :func:`acs_triage.formats.base.render`
imports when HTML is asked for.
"""

from __future__ import annotations

import base64
import hashlib
import math
import re
from collections.abc import Sequence
from datetime import datetime, timedelta
from functools import cache
from importlib import resources
from itertools import pairwise
from typing import Any

import jinja2
from markupsafe import Markup

from acs_triage.display import neutralise
from acs_triage.formats import blocks
from acs_triage.formats.blocks import Block, Section

__all__ = ["PALETTE", "html_text"]

#: Colour classes of the stylesheet (``.c0`` .. ``.c9``); ``cx`` for "other" and past them.
PALETTE = 10
_OTHER = "cx"
_URL = re.compile("https?://[^\\s<>\"'`\x00-\x1f\x7f-\x9f]+", re.IGNORECASE)
_SPACES = re.compile(" +")


@cache
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("acs_triage.formats", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        finalize=_finalize,
        keep_trailing_newline=True,
    )
    env.globals["zip"] = zip
    return env


def _finalize(value: object) -> object:
    """Every value a template prints: control characters escaped (the page's own
    stylesheet and the template's own macros, already markup, are left as they are)."""
    if isinstance(value, Markup):
        return value
    if isinstance(value, str):
        return neutralise(value)
    return value


@cache
def _stylesheet() -> tuple[str, str]:
    """The stylesheet and its CSP hash source (``'sha256-...'``)."""
    css = resources.files("acs_triage.formats").joinpath("templates/report.css").read_text(encoding="utf-8")
    digest = base64.b64encode(hashlib.sha256(css.encode("utf-8")).digest()).decode("ascii")
    return css, f"'sha256-{digest}'"


def _prose(text: str) -> list[tuple[str, str]]:
    """Text as ``("text" | "url", piece)``: http(s) URLs become links, nothing else."""
    text = _SPACES.sub(" ", text).strip()
    pieces: list[tuple[str, str]] = []
    at = 0
    for match in _URL.finditer(text):
        url = match.group(0).rstrip(".,;:)]")
        if match.start() > at:
            pieces.append(("text", text[at : match.start()]))
        pieces.append(("url", url))
        at = match.start() + len(url)
    if at < len(text):
        pieces.append(("text", text[at:]))
    return pieces


class _Colours:
    """One colour class per series key, in the order the page first uses them."""

    def __init__(self) -> None:
        self._classes: dict[str, str] = {}

    def __call__(self, key: str) -> str:
        if key == "other" or not key:
            return _OTHER
        if key not in self._classes:
            index = len(self._classes)
            self._classes[key] = f"c{index}" if index < PALETTE else _OTHER
        return self._classes[key]


def _nice(top: float, ticks: int = 4) -> float:
    """A round step (1, 2 or 5 times a power of ten) dividing ``top`` in at most ``ticks``."""
    if top <= 0:
        return 1.0
    raw = top / ticks
    power = 10.0 ** math.floor(math.log10(raw))
    return next(m * power for m in (1, 2, 5, 10) if m * power >= raw)


def _n(value: float) -> str:
    """A coordinate with one decimal (SVG attribute)."""
    return f"{value:.1f}"


def _time_chart(chart: blocks.TimeChart, colour: _Colours) -> dict[str, Any]:
    width, height = 960, 300
    left, right, top, bottom = 56.0, width - 64.0, 28.0, height - 40.0
    starts = list(chart.starts)
    steps = [b - a for a, b in pairwise(starts) if b > a]
    step = min(steps, default=timedelta(hours=1))
    span = (starts[-1] - starts[0] + step).total_seconds()
    plot_w, plot_h = right - left, bottom - top

    def x(moment: datetime) -> float:
        return left + (moment - starts[0]).total_seconds() / span * plot_w

    slot = step.total_seconds() / span * plot_w
    bar_w = max(slot * 0.8, 1.0)
    totals = chart.totals()
    count_step = max(_nice(max(totals, default=0)), 1.0)
    count_top = count_step * max(math.ceil(max(totals, default=0) / count_step), 1)
    rate_step = _nice(max(chart.rates, default=0.0) * 100)
    rate_top = rate_step * max(math.ceil(max(chart.rates, default=0.0) * 100 / rate_step), 1)
    labels = chart.labels()
    bars = []
    for i, start in enumerate(starts):
        stacked = 0
        for series in chart.stacks:
            value = series.values[i]
            if not value:
                continue
            y_top = bottom - (stacked + value) / count_top * plot_h
            bars.append(
                {
                    "css": colour(series.key),
                    "x": _n(x(start) + (slot - bar_w) / 2),
                    "y": _n(y_top),
                    "w": _n(bar_w),
                    "h": _n(value / count_top * plot_h),
                    "tip": f"{labels[i]} UTC: {value} {chart.unit}, {series.label}",
                }
            )
            stacked += value
    points = [
        {
            "x": _n(x(start) + slot / 2),
            "y": _n(bottom - rate * 100 / rate_top * plot_h),
            "tip": f"{labels[i]} UTC: {chart.rate_label} {100 * rate:.2f}% ({totals[i]} {chart.unit})",
        }
        for i, (start, rate) in enumerate(zip(starts, chart.rates, strict=True))
    ]
    every = max(math.ceil(len(starts) / 8), 1)
    count_ticks = int(count_top / count_step)
    rate_ticks = round(rate_top / rate_step)
    return {
        "kind": "timeline",
        "title": chart.title,
        "label": f"{chart.title}: {chart.unit} per bin by category, and the {chart.rate_label}",
        "width": width,
        "height": height,
        "left": _n(left),
        "right": _n(right),
        "top": _n(top),
        "bottom": _n(bottom),
        "y_label_x": _n(left - 6),
        "rate_label_x": _n(right + 6),
        "x_label_y": _n(bottom + 16),
        "unit_y": _n(top - 10),
        "bins": len(starts),
        "unit": chart.unit,
        "rate_label": chart.rate_label,
        "bars": bars,
        "points": points,
        "x_ticks": [
            {"x": _n(x(starts[i]) + slot / 2), "text": labels[i]} for i in range(0, len(starts), every)
        ],
        "y_ticks": [
            {"y": _n(bottom - k * count_step / count_top * plot_h), "text": f"{k * count_step:g}"}
            for k in range(count_ticks + 1)
        ],
        "rate_ticks": [
            {"y": _n(bottom - k * rate_step / rate_top * plot_h), "text": f"{k * rate_step:g}%"}
            for k in range(rate_ticks + 1)
        ],
        "series": [{"css": colour(s.key), "label": s.label, "total": sum(s.values)} for s in chart.stacks],
    }


def _clip(text: str, size: int) -> str:
    text = _SPACES.sub(" ", text).strip()
    return text if len(text) <= size else text[: size - 1].rstrip() + "…"


def _bar_chart(chart: blocks.BarChart, colour: _Colours) -> dict[str, Any]:
    width, row, bar_h = 960, 26.0, 18.0
    label_x, bar_x, bar_max = 104.0, 112.0, 360.0
    top = max((b.value for b in chart.bars), default=0) or 1
    bars = []
    for i, bar in enumerate(chart.bars):
        w = max(bar.value / top * bar_max, 1.0)
        bars.append(
            {
                "css": colour(bar.key),
                "label": bar.label,
                "value": bar.value,
                "note": _clip(bar.note, 64),
                "y": _n(i * row + (row - bar_h) / 2),
                "mid": _n(i * row + row / 2),
                "w": _n(w),
                "h": _n(bar_h),
                "value_x": _n(bar_x + w + 6),
                "tip": f"{bar.label}: {bar.value} {chart.unit}" + (f" ({bar.note})" if bar.note else ""),
            }
        )
    return {
        "kind": "bars",
        "title": chart.title,
        "width": width,
        "height": _n(max(len(bars), 1) * row),
        "label_x": _n(label_x),
        "bar_x": _n(bar_x),
        "note_x": _n(bar_x + bar_max + 48),
        "bars": bars,
    }


def _block(block: Block, colour: _Colours) -> dict[str, Any] | None:
    if isinstance(block, blocks.Table):
        columns = [{"label": c.label, "num": c.right} for c in block.columns]
        rows = [[_prose(c.show(v)) for c, v in zip(block.columns, row, strict=True)] for row in block.rows]
        return {"kind": "table", "columns": columns, "rows": rows, "empty": block.empty}
    if isinstance(block, blocks.Fields):
        return {"kind": "fields", "entries": [(label, _prose(value)) for label, value in block.items]}
    if isinstance(block, blocks.Text):
        return {"kind": "text", "text": _prose(block.text)}
    if isinstance(block, blocks.Items):
        return {"kind": "items", "title": block.title, "entries": [_prose(i) for i in block.items]}
    if isinstance(block, blocks.Code):
        return {"kind": "code", "lines": block.text.rstrip("\n").split("\n"), "language": block.language}
    if isinstance(block, blocks.Figures):
        return {"kind": "figures", "entries": list(block.items)}
    if isinstance(block, blocks.TimeChart):
        return _time_chart(block, colour) if block.starts else None
    if isinstance(block, blocks.BarChart):
        return _bar_chart(block, colour) if block.bars else None
    raise AssertionError(f"unhandled block {block!r}")  # pragma: no cover


def html_text(sections: Sequence[Section], document: dict[str, Any]) -> str:
    """The sections as one HTML page; ``document`` (the view's JSON) names the tool and
    when the page was generated, in its footer."""
    css, css_hash = _stylesheet()
    colour = _Colours()
    page = []
    for index, section in enumerate(sections):
        drawn = [b for b in (_block(block, colour) for block in section.blocks) if b is not None]
        page.append({"title": section.title, "level": 1 if index == 0 else 2, "blocks": drawn})
    tool = document.get("tool")
    version = tool.get("version", "") if isinstance(tool, dict) else ""
    generator = f"acs-triage {version}".strip()
    generated = document.get("generated_at")
    footer = generator + (f", {generated}" if isinstance(generated, str) else "")
    title = next((s.title for s in sections if s.title), "acs-triage")
    text = (
        _environment()
        .get_template("report.html.j2")
        .render(
            title=title,
            generator=generator,
            footer=footer,
            csp=f"default-src 'none'; style-src {css_hash}; base-uri 'none'; form-action 'none'",
            css=Markup(css),
            sections=page,
        )
    )
    return text.rstrip("\n") + "\n"
