"""The ratings chart and the Word report section of the self-evaluation."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

import pytest
from docx import Document
from PIL import Image as PILImage

from dialogs.i18n import t
from dialogs.selfeval.model import (
    OwnRatingView,
    PointView,
    RatingView,
    ReflectionView,
    SelfEvalView,
)
from dialogs.selfeval.report import ratings_chart, selfeval_report_section
from scoring.org_catalogue import load_org_catalogue
from scoring.selfeval_chart import build_ratings_chart, render_ratings_chart
from scoring.selfeval_report import add_selfeval_section

NAMES = ["Ledelse", "Strategi", "Organisering", "Kompetencer", "Kultur"]


def view(**changes: object) -> SelfEvalView:
    base = SelfEvalView(
        id=7,
        round_no=2,
        title="Bostedet Lærkely",
        status="closed",
        pacing="all",
        current_dimension=5,
        started_at=datetime(2026, 3, 2, 9, 0, tzinfo=UTC),
        closed_at=datetime(2026, 3, 9, 23, 30, tzinfo=UTC),  # 10.03 in Copenhagen
        reflections={
            "L1": (
                ReflectionView("bo", "Bo", "Lederen siger det tit."),
                ReflectionView("carla", "Carla", "Tydeligt efter temadagen."),
            ),
            "KU3": (ReflectionView("bo", "Bo", "Vi fejrer for lidt."),),
        },
        ratings={"L": RatingView(3, "Anna"), "KU": RatingView(2, "Anna")},
        points=(
            PointView(4, "L", "Brug data på personalemøder", "bo", "Bo", agreed=True),
            PointView(5, "KU", "Kage når et mål er nået", "carla", "Carla"),
        ),
        previous_ratings={"L": 2},
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def test_chart_is_a_small_png_with_one_bar_per_rating(tmp_path: Path) -> None:
    fig = build_ratings_chart(NAMES, [3, None, 4, 1, 5], previous=[2, 3, None, None, None])
    ax = fig.axes[0]
    bars = [p.get_gid() for p in ax.patches if p.get_gid()]
    assert bars == ["rating-0", "rating-2", "rating-3", "rating-4"]
    widths = {p.get_gid(): p.get_width() for p in ax.patches if p.get_gid()}
    assert widths["rating-0"] == 3 and widths["rating-4"] == 5
    assert [ln.get_gid() for ln in ax.lines if ln.get_gid()] == ["previous-0", "previous-1"]
    words = [txt.get_text() for txt in ax.texts] + [txt.get_text() for txt in fig.texts]
    assert "ikke vurderet" in words
    assert "Teamets egen vurdering – ikke en score fra måleredskabet" in words

    path = render_ratings_chart(NAMES, [3, None, 4, 1, 5], tmp_path / "c.png")
    assert path.stat().st_size <= 1_000_000
    with PILImage.open(path) as img:
        assert img.format == "PNG" and max(img.size) <= 1024


@pytest.mark.parametrize("bad", [[7, None, None, None, None], [0, 1, 2, 3, 4]])
def test_chart_refuses_ratings_outside_1_to_5(bad: list[int | None]) -> None:
    with pytest.raises(ValueError, match="between 1 and 5"):
        build_ratings_chart(NAMES, bad)
    with pytest.raises(ValueError):
        build_ratings_chart(NAMES, [1, 2])


def test_no_chart_without_ratings(tmp_path: Path) -> None:
    cat = load_org_catalogue()
    assert ratings_chart(view(ratings={}), cat, "da", tmp_path / "x.png") is None
    drawn = ratings_chart(view(), cat, "en", tmp_path / "y.png")
    assert drawn is not None and drawn.is_file()


def test_report_section_data() -> None:
    section = selfeval_report_section(view(), load_org_catalogue(), "da")
    assert section.started == "02.03.2026" and section.closed == "10.03.2026"
    assert section.participants == ("Bo", "Carla")
    ledelse = section.dimensions[0]
    assert (ledelse.name, ledelse.rating, ledelse.previous) == ("Ledelse", 3, 2)
    assert [len(q.reflections) for q in ledelse.questions] == [2, 0, 0]
    assert ledelse.points[0].agreed and ledelse.points[0].author == "Bo"
    assert section.dimensions[1].rating is None and section.has_ratings


def test_report_section_in_a_word_document(tmp_path: Path) -> None:
    cat = load_org_catalogue()
    section = selfeval_report_section(view(), cat, "da")
    chart = ratings_chart(view(), cat, "da", tmp_path / "chart.png")
    doc = Document()
    doc.add_heading("Rapport", level=0)
    add_selfeval_section(doc, section, partial(t, "da"), chart)
    path = tmp_path / "r.docx"
    doc.save(str(path))

    text = "\n".join(p.text for p in Document(str(path)).paragraphs)
    assert "Selvevaluering af Bostedet Lærkely (runde 2)" in text
    assert (
        "Teamets egen vurdering: 3/5 (teamets egen vurdering – ikke en score fra måleredskabet)"
        in text
    )
    assert "Sidste runde: 2/5" in text
    assert (
        "L1 Er det tydeligt for medarbejderne, at arbejdet med kvalitetsudvikling er vigtigt?"
        in text
    )
    assert "Carla: Tydeligt efter temadagen." in text
    assert "#4 Brug data på personalemøder (Bo) (gjort til aftale)" in text
    assert "Teamets egen vurdering: ikke sat" in text  # Strategi
    assert len(Document(str(path)).inline_shapes) == 1  # the chart


def test_report_section_in_english(tmp_path: Path) -> None:
    section = selfeval_report_section(view(title=None, status="open"), load_org_catalogue(), "en")
    doc = Document()
    add_selfeval_section(doc, section, partial(t, "en"))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "Self-evaluation: leadership, strategy" in text
    assert "Is it clear to the staff that the work on quality development is important?" in text
    assert "not a score from the measurement tool" in text


def test_report_shows_leaders_and_staff_side_by_side(tmp_path: Path) -> None:
    """The Word report carries both perspectives: names with their role, leaders' and staff's
    answers in a two-column table per dimension, and the dimensions where they are apart."""
    both = view(
        roles={"anna": "leader", "bo": "staff", "carla": "staff"},
        own_ratings={
            "L": (
                OwnRatingView("anna", "Anna", 5),
                OwnRatingView("bo", "Bo", 2),
                OwnRatingView("carla", "Carla", 3),
            ),
            "KU": (OwnRatingView("anna", "Anna", 3), OwnRatingView("bo", "Bo", 3)),
        },
    )
    section = selfeval_report_section(both, load_org_catalogue(), "da")
    assert section.participants == ("Bo (medarbejder)", "Carla (medarbejder)")
    ledelse, kultur = section.dimensions[0], section.dimensions[4]
    assert [label for label, _ in ledelse.sides] == ["Ledere", "Medarbejdere"]
    assert ledelse.apart is not None and "5,0 mod 2,5" in ledelse.apart
    assert kultur.sides and kultur.apart is None
    assert not selfeval_report_section(view(), load_org_catalogue(), "da").dimensions[0].sides

    doc = Document()
    add_selfeval_section(doc, section, partial(t, "da"))
    path = tmp_path / "roles.docx"
    doc.save(str(path))
    saved = Document(str(path))
    text = "\n".join(p.text for p in saved.paragraphs)
    assert "Bo (medarbejder): Lederen siger det tit." in text
    assert "Forskel: Ledere og medarbejdere ser Ledelse forskelligt – 5,0 mod 2,5 i snit" in text
    side_tables = [tb for tb in saved.tables if tb.rows[0].cells[0].text.startswith("Ledere")]
    assert len(side_tables) == 5  # one per dimension
    first = side_tables[0].rows[0].cells
    assert "egen vurdering i snit 5,0 (1 svar)" in first[0].text
    assert first[1].text.startswith("Medarbejdere") and "2,5 (2 svar)" in first[1].text
