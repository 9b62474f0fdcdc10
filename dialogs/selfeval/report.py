"""From the read model to the report section and the ratings chart (pure, except that
`ratings_chart` writes a PNG)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from dialogs.i18n import format_date, t
from dialogs.selfeval.model import SelfEvalView
from dialogs.selfeval.perspectives import perspectives, uses_roles
from dialogs.selfeval.views import by_role, gap_text, side_by_side
from scoring.org_catalogue import OrgCatalogue
from scoring.selfeval_chart import RatingsText, render_ratings_chart
from scoring.selfeval_report import (
    DimensionSection,
    PointLine,
    QuestionBlock,
    ReflectionLine,
    SelfEvalSection,
)

DEFAULT_ZONE = ZoneInfo("Europe/Copenhagen")


def _date(moment: datetime, zone: ZoneInfo, lang: str) -> str:
    if moment.tzinfo is None:  # SQLite hands back naive UTC
        moment = moment.replace(tzinfo=UTC)
    return format_date(moment.astimezone(zone).date(), lang)


def named(view: SelfEvalView, external_id: str, name: str, lang: str) -> str:
    """A respondent's name with the role they answered as ("Anna (leder)"), when they said."""
    role = view.role_of(external_id)
    return f"{name} ({t(lang, f'se.role.{role}')})" if role else name


def selfeval_report_section(
    view: SelfEvalView, catalogue: OrgCatalogue, lang: str, zone: ZoneInfo = DEFAULT_ZONE
) -> SelfEvalSection:
    """The self-evaluation as plain data for `scoring.selfeval_report.add_selfeval_section`."""
    dimensions = []
    for d in catalogue.dimensions:
        rating = view.ratings.get(d.key)
        both = perspectives(view, d) if uses_roles(view) else None
        dimensions.append(
            DimensionSection(
                key=d.key,
                name=d.name[lang],
                description=d.description[lang],
                rating=rating.rating if rating else None,
                previous=view.previous_ratings.get(d.key),
                questions=tuple(
                    QuestionBlock(
                        q.id,
                        q.text[lang],
                        tuple(
                            ReflectionLine(
                                named(view, r.member_external_id, r.member_name, lang), r.text
                            )
                            for r in by_role(view, view.reflections.get(q.id, ()))
                        ),
                    )
                    for q in d.questions
                ),
                points=tuple(
                    PointLine(p.id, p.text, p.author_name, p.agreed) for p in view.points_of(d.key)
                ),
                sides=side_by_side(lang, both).rows if both else (),
                apart=gap_text(lang, d, both) if both and both.differs else None,
            )
        )
    participants = dict.fromkeys(
        named(view, r.member_external_id, r.member_name, lang)
        for rows in view.reflections.values()
        for r in rows
    )
    return SelfEvalSection(
        round_no=view.round_no,
        title=view.title,
        is_open=view.is_open,
        started=_date(view.started_at, zone, lang),
        closed=_date(view.closed_at, zone, lang) if view.closed_at else None,
        participants=tuple(participants),
        dimensions=tuple(dimensions),
    )


def ratings_text(lang: str) -> RatingsText:
    return RatingsText(
        title=t(lang, "se.chart.title"),
        axis=t(lang, "se.chart.axis"),
        none=t(lang, "se.chart.none"),
        note=t(lang, "se.chart.note"),
        current=t(lang, "se.chart.current"),
        previous=t(lang, "se.chart.previous"),
    )


def ratings_chart(
    view: SelfEvalView, catalogue: OrgCatalogue, lang: str, path: Path
) -> Path | None:
    """The team's ratings as a PNG at `path`; None when no dimension has a rating."""
    if not view.ratings:
        return None
    keys = [d.key for d in catalogue.dimensions]
    ratings = [view.ratings[k].rating if k in view.ratings else None for k in keys]
    previous = [view.previous_ratings.get(k) for k in keys] if view.previous_ratings else None
    labels = [d.name[lang] for d in catalogue.dimensions]
    return render_ratings_chart(labels, ratings, path, previous, ratings_text(lang))
