"""The spider-web (radar) chart of element scores, and a score table image for trends.

"Jo tættere på yderkanten af spindelvævet jeres vurdering ligger, desto mere lovende er jeres
praksis på den enkelte dimension" (booklet 1, 4.1). One axis per element, 0 in the middle and
1 at the edge; the current round is filled, the previous round drawn as an outline.

Pure functions over plain data; the object-oriented Matplotlib API with the Agg canvas (no
pyplot, no global figure state), so the bot can render in a worker thread.
"""

from __future__ import annotations

import io
import math
import textwrap
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from dialogs.i18n import score_text

# Matplotlib (and numpy under it) is imported inside the functions that draw, not here: an
# idle bot never draws, and loading it at start-up costs tens of MB of memory.
if TYPE_CHECKING:
    from matplotlib.artist import Artist
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

RINGS = (0.25, 0.5, 0.75, 1.0)
MAX_PIXELS = 1024  # Teams and Slack thumbnails: at most 1024×1024 …
MAX_BYTES = 1_000_000  # … and 1 MB
SIZE_INCHES = 8.0
DPI = 120  # 960×960 px

CURRENT = "#1b7f79"
PREVIOUS = "#d9822b"
GRID = "#c8ccd0"
NONE_COLOUR = "#8a8f94"

# Matplotlib's text and font caches are shared between figures: one render at a time, for
# every chart in the project (scoring.selfeval_chart uses it too).
RENDER_LOCK = threading.Lock()


@dataclass(frozen=True)
class ChartText:
    """The words on the chart (Danish defaults; the bot passes the channel's language), and
    the language its numbers are written in (0,63 in Danish)."""

    current: str = "Denne runde"
    previous: str = "Forrige runde"
    partial_note: str = "* delvist besvaret"
    none_note: str = "ingen score endnu"
    lang: str = "da"


class ShownScore(float):
    """A score that carries the text it is shown as in the image's language ("0,63"). The
    score table is drawn from plain numbers handed on unchanged by its caller, so the cells
    bring their own text (dialogs/assessment/report.py makes them); a plain float is written
    the Danish way."""

    text: str

    def __new__(cls, value: float, text: str) -> ShownScore:
        made = super().__new__(cls, value)
        made.text = text
        return made


def shown(value: float | None, lang: str = "da") -> str:
    """A score as text: its own when it carries one, else in `lang` (one rounding rule:
    dialogs.i18n)."""
    return value.text if isinstance(value, ShownScore) else score_text(value, lang)


def axis_angles(n: int) -> list[float]:
    """The angle of each axis: the first at the top, then clockwise."""
    return [math.pi / 2 - 2 * math.pi * i / n for i in range(n)]


def radar_vertices(values: Sequence[float | None]) -> list[tuple[float, float]]:
    """The polygon's corners (x, y): a score's distance from the centre is the score itself;
    a missing score (None) is drawn at the centre."""
    return [
        ((v or 0.0) * math.cos(a), (v or 0.0) * math.sin(a))
        for v, a in zip(values, axis_angles(len(values)), strict=True)
    ]


def axis_label(
    label: str, value: float | None, partial: bool, width: int = 16, lang: str = "da"
) -> str:
    """The element's name wrapped for the chart, its score under it (`*` when partial; an
    element without a score has no mark: the legend's note is about partial scores)."""
    mark = "*" if partial and value is not None else ""
    return "\n".join(textwrap.wrap(label, width)) + f"\n{shown(value, lang)}{mark}"


def build_radar(
    labels: Sequence[str],
    values: Sequence[float | None],
    previous: Sequence[float | None] | None,
    partial: Sequence[bool],
    title: str,
    text: ChartText = ChartText(),
) -> Figure:
    """The chart as a Matplotlib figure (`render_radar` saves it). The current round's polygon
    has the gid "current", the previous round's "previous"."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    _check_radar(labels, values, previous, partial)
    fig = Figure(figsize=(SIZE_INCHES, SIZE_INCHES), dpi=DPI)
    FigureCanvasAgg(fig)
    fig.suptitle(title, fontsize=18, fontweight="bold", y=0.975)
    ax = fig.add_axes((0.01, 0.1, 0.98, 0.8))
    ax.set_aspect("equal")
    ax.set_xlim(-1.92, 1.92)
    ax.set_ylim(-1.4, 1.4)
    ax.axis("off")
    _draw_web(ax, len(labels), text.lang)
    handles = _draw_rounds(ax, values, previous, text)
    handles += _draw_markers(ax, values, partial, text)
    _draw_labels(ax, labels, values, partial, text.lang)
    fig.legend(
        handles=handles,
        loc="lower center",
        ncol=2,
        frameon=False,
        fontsize=12,
        bbox_to_anchor=(0.5, 0.005),
    )
    return fig


def _check_radar(
    labels: Sequence[str],
    values: Sequence[float | None],
    previous: Sequence[float | None] | None,
    partial: Sequence[bool],
) -> None:
    n = len(labels)
    if n < 3 or not len(values) == len(partial) == n:
        raise ValueError("a radar chart needs at least 3 axes and one value per axis")
    if previous is not None and len(previous) != n:
        raise ValueError("the previous round needs one value per axis")
    for v in (*values, *(previous or ())):
        if v is not None and not 0.0 <= v <= 1.0:
            raise ValueError(f"scores lie between 0 and 1, not {v}")


def _draw_web(ax: Axes, n: int, lang: str) -> None:
    """Rings at 0.25 … 1, each with its value written as the scores are (0,25 in Danish), and
    a spoke per element."""
    from matplotlib.patches import Polygon

    angles = axis_angles(n)
    for ring in RINGS:
        ax.add_patch(
            Polygon(
                radar_vertices([ring] * n),
                closed=True,
                fill=False,
                edgecolor=GRID,
                linewidth=1.6 if ring == 1.0 else 1.0,
                zorder=1,
            )
        )
        # On the ring, halfway between the first two spokes, where no marker sits.
        between = angles[0] - math.pi / n
        reach = ring * math.cos(math.pi / n)
        ax.text(
            reach * math.cos(between),
            reach * math.sin(between),
            score_text(ring, lang),
            fontsize=10,
            color="#6b7075",
            ha="center",
            va="center",
            zorder=5,
            bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.6, "alpha": 0.8},
        )
    for x, y in radar_vertices([1.0] * n):
        ax.plot([0, x], [0, y], color=GRID, linewidth=1.0, zorder=1)


def _draw_rounds(
    ax: Axes,
    values: Sequence[float | None],
    previous: Sequence[float | None] | None,
    text: ChartText,
) -> list[Artist]:
    """The previous round as a dashed outline, the current one filled; their legend entries."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch, Polygon

    handles: list[Artist] = [
        Patch(facecolor=CURRENT, alpha=0.5, edgecolor=CURRENT, label=text.current)
    ]
    if previous is not None:
        ax.add_patch(
            Polygon(
                radar_vertices(previous),
                closed=True,
                fill=False,
                edgecolor=PREVIOUS,
                linewidth=2.4,
                linestyle=(0, (5, 3)),
                zorder=2,
                gid="previous",
            )
        )
        handles.append(
            Line2D([], [], color=PREVIOUS, linewidth=2.4, linestyle=(0, (5, 3)),
                   label=text.previous)
        )  # fmt: skip
    current = radar_vertices(values)
    fill = Polygon(current, closed=True, facecolor=CURRENT, alpha=0.32, edgecolor="none", zorder=3)
    ax.add_patch(fill)
    ax.add_patch(
        Polygon(
            current,
            closed=True,
            fill=False,
            edgecolor=CURRENT,
            linewidth=2.8,
            zorder=4,
            gid="current",
        )
    )
    return handles


def _draw_markers(
    ax: Axes, values: Sequence[float | None], partial: Sequence[bool], text: ChartText
) -> list[Artist]:
    """Filled = fully answered, hollow = partly answered, grey cross = no score; the legend
    entries for the last two when they occur."""
    from matplotlib.lines import Line2D

    for (x, y), v, part in zip(radar_vertices(values), values, partial, strict=True):
        if v is None:
            ax.plot(x, y, marker="X", markersize=13, color=NONE_COLOUR, zorder=6)
        else:
            face = "white" if part else CURRENT
            ax.plot(
                x, y, marker="o", markersize=10, markerfacecolor=face,
                markeredgecolor=CURRENT, markeredgewidth=2.4, zorder=6,
            )  # fmt: skip
    handles: list[Artist] = []
    if any(p and v is not None for p, v in zip(partial, values, strict=True)):
        handles.append(
            Line2D([], [], marker="o", linestyle="none", markersize=10,
                   markerfacecolor="white", markeredgecolor=CURRENT, markeredgewidth=2.4,
                   label=text.partial_note)
        )  # fmt: skip
    if any(v is None for v in values):
        handles.append(
            Line2D([], [], marker="X", linestyle="none", markersize=12, color=NONE_COLOUR,
                   label=text.none_note)
        )  # fmt: skip
    return handles


def _draw_labels(
    ax: Axes,
    labels: Sequence[str],
    values: Sequence[float | None],
    partial: Sequence[bool],
    lang: str,
) -> None:
    """Each element's name and score just outside the edge, aligned away from the web."""
    edge = radar_vertices([1.0] * len(labels))
    for (x, y), label, v, part in zip(edge, labels, values, partial, strict=True):
        ha = "left" if x > 0.15 else "right" if x < -0.15 else "center"
        va = "bottom" if y > 0.15 else "top" if y < -0.15 else "center"
        ax.text(
            1.09 * x,
            1.09 * y,
            axis_label(label, v, part, lang=lang),
            fontsize=12.5,
            fontweight="bold",
            ha=ha,
            va=va,
            linespacing=1.05,
            zorder=6,
        )


def save_png(fig: Figure, path: Path, dpi: float = DPI) -> Path:
    """Save as PNG within the size limits (a smaller resolution if ever needed)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    dpi = min(float(dpi), MAX_PIXELS / max(fig.get_size_inches()))
    while True:
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=dpi, facecolor="white")
        data = buffer.getvalue()
        if len(data) <= MAX_BYTES or dpi < 40:
            break
        dpi *= 0.8
    path.write_bytes(data)
    return path


def render_radar(
    labels: Sequence[str],
    values: Sequence[float | None],
    previous: Sequence[float | None] | None,
    partial: Sequence[bool],
    title: str,
    path: Path,
    text: ChartText = ChartText(),
) -> Path:
    """Draw the radar chart and write it as a PNG (≤1024×1024 px, ≤1 MB) to `path`."""
    with RENDER_LOCK:
        return save_png(build_radar(labels, values, previous, partial, title, text), path)


def _cell_colour(value: float | None) -> tuple[float, float, float]:
    """White for 0 through the chart's teal for 1; light grey when there is no score."""
    if value is None:
        return (0.93, 0.93, 0.93)
    low, high = (0.96, 0.975, 0.975), (0.55, 0.80, 0.78)
    return (
        low[0] + (high[0] - low[0]) * value,
        low[1] + (high[1] - low[1]) * value,
        low[2] + (high[2] - low[2]) * value,
    )


TABLE_TITLE_SIZE = 14  # points
TABLE_TITLE_MAX_INCHES = 8.0  # wider titles wrap (the image is scaled to ≤1024 px anyway)
TABLE_TITLE_LINE_INCHES = 0.3


def text_inches(text: str, size: float, bold: bool = True) -> float:
    """How wide `text` is drawn, in inches (the font's own metrics, no figure needed)."""
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import TextToPath

    font = FontProperties(size=size, weight="bold" if bold else "normal")
    width, _height, _descent = TextToPath().get_text_width_height_descent(text, font, ismath=False)
    return float(width) / 72


def fit_title(title: str, max_inches: float) -> tuple[str, float]:
    """The title, wrapped at words so that no line is wider than `max_inches`, and the width
    of its widest line."""
    lines: list[str] = []
    for word in title.split():
        candidate = f"{lines[-1]} {word}" if lines else word
        if lines and text_inches(candidate, TABLE_TITLE_SIZE) <= max_inches:
            lines[-1] = candidate
        else:
            lines.append(word)
    widest = max((text_inches(line, TABLE_TITLE_SIZE) for line in lines), default=0.0)
    return "\n".join(lines), widest


def build_score_table(
    rows: Sequence[str],
    columns: Sequence[str],
    cells: Sequence[Sequence[float | None]],
    partial: Sequence[Sequence[bool]],
    title: str,
    note: str | None = None,
) -> Figure:
    """Element scores per round as a table: rows = elements, columns = rounds (newest last),
    each cell shaded from white (0) to teal (1). The figure is wide enough for its title (a
    very long one wraps), and the footnote is drawn only when there is one."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.patches import Rectangle

    if len(cells) != len(rows) or any(len(r) != len(columns) for r in cells):
        raise ValueError("one cell per element and round")
    label_w, col_w, row_h, head_h, top, bottom = 3.3, 1.25, 0.4, 0.7, 0.75, 0.45
    width = 0.3 + label_w + col_w * len(columns)
    title, title_w = fit_title(title, TABLE_TITLE_MAX_INCHES)
    width = max(width, 0.3 + title_w)
    top += TABLE_TITLE_LINE_INCHES * title.count("\n")
    bottom = bottom if note else 0.2
    height = top + head_h + row_h * len(rows) + bottom
    fig = Figure(figsize=(width, height), dpi=DPI)
    FigureCanvasAgg(fig)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, width)
    ax.set_ylim(height, 0)  # inches from the top
    ax.axis("off")
    ax.text(0.15, top / 2, title, fontsize=TABLE_TITLE_SIZE, fontweight="bold", va="center")
    x0 = 0.15 + label_w
    for c, column in enumerate(columns):
        ax.text(
            x0 + (c + 0.5) * col_w, top + head_h / 2, column,
            fontsize=10.5, fontweight="bold", ha="center", va="center", linespacing=1.1,
        )  # fmt: skip
    ax.plot([0.15, x0 + col_w * len(columns)], [top + head_h] * 2, color="#333333", lw=1.2)
    for r, (label, values, parts) in enumerate(zip(rows, cells, partial, strict=True)):
        y = top + head_h + r * row_h
        ax.text(0.2, y + row_h / 2, label, fontsize=10.5, va="center")
        for c, (v, p) in enumerate(zip(values, parts, strict=True)):
            ax.add_patch(
                Rectangle(
                    (x0 + c * col_w + 0.03, y + 0.03), col_w - 0.06, row_h - 0.06,
                    facecolor=_cell_colour(v), edgecolor="none",
                )
            )  # fmt: skip
            cell = shown(v) + ("*" if p and v is not None else "")
            ax.text(
                x0 + (c + 0.5) * col_w, y + row_h / 2, cell,
                fontsize=10.5, ha="center", va="center",
            )  # fmt: skip
    if note:
        ax.text(0.15, height - bottom / 2, note, fontsize=9, color="#555a5f", va="center")
    return fig


def render_score_table(
    rows: Sequence[str],
    columns: Sequence[str],
    cells: Sequence[Sequence[float | None]],
    partial: Sequence[Sequence[bool]],
    title: str,
    path: Path,
    note: str | None = None,
) -> Path:
    with RENDER_LOCK:
        return save_png(build_score_table(rows, columns, cells, partial, title, note), path)
