"""A small bar chart of the team's own ratings (1–5) of the five self-evaluation dimensions.

The ratings are the team's judgement, not scores of an instrument; the chart says so in its
footnote. The previous round's rating, when there is one, is drawn as an outlined marker.

Object-oriented Matplotlib with the Agg canvas (no pyplot, no global figure state), so it can
render in a worker thread.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from scoring.chart import RENDER_LOCK, save_png

# Matplotlib (and numpy under it) is imported inside `build_ratings_chart`, not here: an idle
# bot never draws, and loading it at start-up costs tens of MB of memory.
if TYPE_CHECKING:
    from matplotlib.figure import Figure

WIDTH_INCHES, HEIGHT_INCHES = 8.0, 4.8
DPI = 120  # 960×576 px
SCALE_MAX = 5

BAR = "#1b7f79"
PREVIOUS = "#d9822b"
GRID = "#c8ccd0"
MUTED = "#6b7075"


@dataclass(frozen=True)
class RatingsText:
    """The words on the chart (Danish defaults; the bot passes the channel's language)."""

    title: str = "Teamets egne vurderinger"
    axis: str = "Teamets egen vurdering (1–5)"
    none: str = "ikke vurderet"
    note: str = "Teamets egen vurdering – ikke en score fra måleredskabet"
    current: str = "Denne runde"
    previous: str = "Sidste runde"


def _check(values: Sequence[int | None], what: str) -> None:
    for v in values:
        if v is not None and not 1 <= v <= SCALE_MAX:
            raise ValueError(f"{what} ratings lie between 1 and {SCALE_MAX}, not {v}")


def build_ratings_chart(
    labels: Sequence[str],
    ratings: Sequence[int | None],
    previous: Sequence[int | None] | None = None,
    text: RatingsText = RatingsText(),
) -> Figure:
    """Horizontal bars, one per dimension in the booklet's order (top to bottom). Bars have
    the gid "rating-<index>"; previous-round markers "previous-<index>"."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    if not labels or len(labels) != len(ratings):
        raise ValueError("one rating (or None) per dimension")
    if previous is not None and len(previous) != len(labels):
        raise ValueError("the previous round needs one value per dimension")
    _check(ratings, "the")
    _check(previous or (), "previous")

    n = len(labels)
    fig = Figure(figsize=(WIDTH_INCHES, HEIGHT_INCHES), dpi=DPI)
    FigureCanvasAgg(fig)
    fig.suptitle(text.title, fontsize=15, fontweight="bold", y=0.97)
    ax = fig.add_axes((0.24, 0.2, 0.72, 0.66))
    rows = list(range(n))[::-1]  # the first dimension at the top
    ax.set_ylim(-0.6, n - 0.4)
    ax.set_xlim(0, SCALE_MAX + 0.15)
    ax.set_xticks(range(SCALE_MAX + 1))
    ax.set_yticks(rows)
    ax.set_yticklabels(["\n".join(textwrap.wrap(label, 16)) for label in labels], fontsize=12)
    ax.set_xlabel(text.axis, fontsize=11)
    ax.xaxis.grid(True, color=GRID, linewidth=0.8)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)

    for i, (y, value) in enumerate(zip(rows, ratings, strict=True)):
        if value is None:
            ax.text(0.1, y, text.none, va="center", ha="left", fontsize=11, color=MUTED,
                    style="italic")  # fmt: skip
            continue
        ax.barh(y, value, height=0.6, color=BAR, gid=f"rating-{i}")
        # The number sits at the bar's start, clear of the previous round's marker.
        ax.text(0.1, y, f"{value}/{SCALE_MAX}", va="center", ha="left", fontsize=12,
                fontweight="bold", color="white")  # fmt: skip
    handles: list[Patch | Line2D] = [Patch(facecolor=BAR, label=text.current)]
    if previous is not None and any(p is not None for p in previous):
        for i, (y, value) in enumerate(zip(rows, previous, strict=True)):
            if value is not None:
                ax.plot(value, y, marker="D", markersize=11, markerfacecolor="white",
                        markeredgecolor=PREVIOUS, markeredgewidth=2.4, linestyle="none",
                        zorder=5, gid=f"previous-{i}")  # fmt: skip
        handles.append(
            Line2D([], [], marker="D", linestyle="none", markersize=10, markerfacecolor="white",
                   markeredgecolor=PREVIOUS, markeredgewidth=2.4, label=text.previous)
        )  # fmt: skip
    fig.legend(handles=handles, loc="lower right", ncol=2, frameon=False, fontsize=10,
               bbox_to_anchor=(0.98, 0.0))  # fmt: skip
    fig.text(0.02, 0.025, text.note, fontsize=9.5, color=MUTED, ha="left", va="bottom")
    return fig


def render_ratings_chart(
    labels: Sequence[str],
    ratings: Sequence[int | None],
    path: Path,
    previous: Sequence[int | None] | None = None,
    text: RatingsText = RatingsText(),
) -> Path:
    """Draw the chart and write it as a PNG (≤1024 px on each side, ≤1 MB) to `path`."""
    with RENDER_LOCK:
        return save_png(build_ratings_chart(labels, ratings, previous, text), path, DPI)
