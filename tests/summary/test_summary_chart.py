"""The radar chart and the history table: size limits, and that the scores drive the shape."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from matplotlib.patches import Polygon
from PIL import Image

from scoring.catalogue import load_catalogue
from scoring.chart import (
    MAX_BYTES,
    MAX_PIXELS,
    ChartText,
    axis_label,
    build_radar,
    build_score_table,
    radar_vertices,
    render_radar,
    render_score_table,
)

LABELS = [e.name["da"] for e in load_catalogue().elements]
VALUES: list[float | None] = [0.5, 0.875, 0.75, 0.78, 1.0, None, 0.75, 0.375, 0.86, 0.0, 0.71]
PREVIOUS: list[float | None] = [0.4, 0.5, 0.7, 0.8, 0.5, 0.2, 0.5, 0.25, 0.9, 0.4, None]
PARTIAL = [False, True, False, False, False, False, False, True, False, False, False]


def polygon(fig: object, gid: str) -> list[tuple[float, float]]:
    ax = fig.axes[0]  # type: ignore[attr-defined]
    patch = next(p for p in ax.patches if isinstance(p, Polygon) and p.get_gid() == gid)
    return [(float(x), float(y)) for x, y in patch.get_xy()[: len(LABELS)]]


def radii(points: list[tuple[float, float]]) -> list[float]:
    return [math.hypot(x, y) for x, y in points]


def test_png_fits_chat_limits(tmp_path: Path) -> None:
    path = render_radar(LABELS, VALUES, PREVIOUS, PARTIAL, "Recovery – runde 2", tmp_path / "r.png")
    assert path.stat().st_size <= MAX_BYTES
    with Image.open(path) as img:
        assert img.format == "PNG"
        assert max(img.size) <= MAX_PIXELS
        assert min(img.size) >= 600  # still legible when a chat shrinks it


def test_vertex_radii_are_the_scores_and_the_first_axis_points_up() -> None:
    points = radar_vertices(VALUES)
    expected = [v or 0.0 for v in VALUES]
    assert radii(points) == pytest.approx(expected)
    assert points[0] == pytest.approx((0.0, 0.5))
    # clockwise: the second element sits to the right of the first
    assert points[1][0] > 0


def test_drawn_polygons_follow_the_values() -> None:
    fig = build_radar(LABELS, VALUES, PREVIOUS, PARTIAL, "t")
    assert radii(polygon(fig, "current")) == pytest.approx([v or 0.0 for v in VALUES])
    assert radii(polygon(fig, "previous")) == pytest.approx([v or 0.0 for v in PREVIOUS])
    other = build_radar(LABELS, [1.0] * 11, None, [False] * 11, "t")
    assert radii(polygon(other, "current")) == pytest.approx([1.0] * 11)
    assert not any(p.get_gid() == "previous" for p in other.axes[0].patches)


def test_partial_and_missing_scores_are_marked_in_labels_and_legend() -> None:
    assert axis_label("Virkning", 0.875, True).endswith("0,88*")
    assert axis_label("Teori og viden", 0.625, False).endswith("0,63")  # half up, like 0.875
    assert axis_label("Virkning", 0.625, False, lang="en").endswith("0.63")
    assert axis_label("Økonomi", None, False).endswith("–")
    assert axis_label("Individuel tilrettelæggelse", 0.86, False).count("\n") == 2
    fig = build_radar(LABELS, VALUES, None, PARTIAL, "t", ChartText(current="Runde 1"))
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert legend == ["Runde 1", "* delvist besvaret", "ingen score endnu"]
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert "Virkning\n0,88*" in texts and "Økonomi\n–" in texts


def test_no_score_has_no_partial_mark_and_the_rings_are_written_as_scores() -> None:
    """An element nobody answered is "–", not "–*" (the legend's * is about partial scores);
    the rings read 0,25 … 1,00 in Danish, as the scores beside them do."""
    assert axis_label("Økonomi", None, True).endswith("\n–")
    partial = [True] * 11
    values: list[float | None] = [None] * 10 + [0.5]
    danish = [t.get_text() for t in build_radar(LABELS, values, None, partial, "t").axes[0].texts]
    assert {"0,25", "0,50", "0,75", "1,00"} <= set(danish) and "0.25" not in danish
    assert not [t for t in danish if t.endswith("–*")]
    english = build_radar(LABELS, values, None, partial, "t", ChartText(lang="en"))
    assert "0.75" in [t.get_text() for t in english.axes[0].texts]


def test_english_labels_and_words(tmp_path: Path) -> None:
    labels = [e.name["en"] for e in load_catalogue().elements]
    words = ChartText("Round 2", "Round 1", "* partly answered", "no score yet")
    fig = build_radar(labels, VALUES, PREVIOUS, PARTIAL, "Recovery – round 2", words)
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert legend == ["Round 2", "Round 1", "* partly answered", "no score yet"]
    assert any(t.get_text().startswith("Theory and\nknowledge") for t in fig.axes[0].texts)


@pytest.mark.parametrize(
    ("values", "partial"),
    [([0.5] * 11, [False] * 10), ([1.2] + [0.5] * 10, [False] * 11), ([0.5, 0.5], [False] * 2)],
)
def test_bad_input_is_refused(values: list[float | None], partial: list[bool]) -> None:
    with pytest.raises(ValueError):
        build_radar(LABELS[: len(values)], values, None, partial, "t")


def test_score_table_image_fits_limits_even_with_many_rounds(tmp_path: Path) -> None:
    rows = [f"{i}. {name}" for i, name in enumerate(LABELS, 1)]
    columns = [f"Runde {n}\n02.03.20{20 + n}" for n in range(1, 9)]
    cells = [[(r + c) % 5 / 4 for c in range(8)] for r in range(11)]
    partial = [[c == 7 for c in range(8)] for _r in range(11)]
    path = render_score_table(rows, columns, cells, partial, "Udvikling", tmp_path / "h.png", "*")
    assert path.stat().st_size <= MAX_BYTES
    with Image.open(path) as img:
        assert max(img.size) <= MAX_PIXELS


def _texts(fig: object) -> list[tuple[str, object]]:
    ax = fig.axes[0]  # type: ignore[attr-defined]
    return [(t.get_text(), t) for t in ax.texts]


def test_history_title_is_never_cut_off() -> None:
    """A long practice name with a single round: the title fits inside the image."""
    rows = [f"{e.number}. {e.name['da']}" for e in load_catalogue().elements]
    for title in (
        "Botilbuddet Lærkelys recovery-orienterede forløb for voksne – scorer pr. runde",
        "Et meget langt navn " * 12 + "– scorer pr. runde",
    ):
        fig = build_score_table(rows, ["Runde 1 | 02.03.2026"], [[0.5]] * 11, [[False]] * 11,
                                title)  # fmt: skip
        fig.canvas.draw()  # type: ignore[attr-defined]
        renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
        width = fig.get_size_inches()[0] * fig.dpi
        (drawn,) = [
            t for text, t in _texts(fig) if " ".join(text.split()) == " ".join(title.split())
        ]
        box = drawn.get_window_extent(renderer)  # type: ignore[attr-defined]
        assert box.x0 >= 0 and box.x1 <= width, title[:30]


def test_history_footnote_only_when_something_is_marked() -> None:
    rows = ["1. Teori og viden", "2. Virkning"]
    plain = build_score_table(rows, ["Runde 1"], [[0.5], [1.0]], [[False], [False]], "T", None)
    assert [text for text, _t in _texts(plain) if "delvist" in text] == []
    marked = build_score_table(
        rows, ["Runde 1"], [[0.5], [1.0]], [[True], [False]], "T", "* delvist besvaret"
    )
    assert [text for text, _t in _texts(marked) if "delvist" in text] == ["* delvist besvaret"]


def test_history_note_says_only_what_applies() -> None:
    from dialogs.assessment.report import History, history_note

    h = History(["1. A", "2. B"], [(1, "02.03.2026")], [[0.5], [None]], [[False], [True]])
    assert history_note(h, "da") is None  # the partial mark is on an empty cell: not shown
    marked = History(["1. A"], [(1, "x")], [[0.5]], [[True]])
    assert history_note(marked, "da") == "* delvist besvaret"
    assert (
        history_note(h, "da", hidden=2)
        == "Billedet viser de seneste 1 runder; alle runder står i teksten."
    )
