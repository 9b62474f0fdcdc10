"""Pure renderers for the self-evaluation's messages and forms in the neutral model."""

from __future__ import annotations

from dialogs import actions
from dialogs.forms import one_text_form
from dialogs.i18n import number, t
from dialogs.messages import (
    Block,
    Button,
    Buttons,
    Choice,
    Fields,
    Form,
    FormField,
    Generate,
    Message,
    Progress,
    Text,
)
from dialogs.selfeval.model import LEADER, ROLES, STAFF, PointView, ReflectionView, SelfEvalView
from dialogs.selfeval.perspectives import Perspectives, Side, perspectives, uses_roles
from dialogs.text_input import LIMITS
from scoring.org_catalogue import RATINGS, Dimension, OrgCatalogue, OrgQuestion

CHART_KIND = "selfeval_chart"
# Room for text in one message: Slack allows 50 blocks, so long lists are cut with a note.
MAX_REFLECTIONS_SHOWN = 40
MAX_POINTS_SHOWN = 20
REFLECTION_KIND = "comment"  # dialogs.text_input limit kind for reflections and points


# ---- keys of messages that are updated in place ----
def progress_key(sid: int) -> str:
    return f"se:{sid}:progress"


def dimension_key(sid: int, key: str) -> str:
    return f"se:{sid}:dim:{key}"


def question_key(sid: int, qid: str) -> str:
    return f"se:{sid}:q:{qid}"


def intro_key(sid: int) -> str:
    return f"se:{sid}:intro"


def points_key(sid: int, key: str) -> str:
    return f"se:{sid}:pts:{key}"


# ---- small helpers ----
def rating_label(lang: str, rating: int) -> str:
    return t(lang, f"se.rating.{rating}")


def rating_line(lang: str, view: SelfEvalView, dim: Dimension) -> str:
    rating = view.ratings.get(dim.key)
    line = (
        t(lang, "se.rating.line", rating=rating.rating, label=t(lang, "se.rating.label"))
        if rating
        else t(lang, "se.rating.none")
    )
    previous = view.previous_ratings.get(dim.key)
    if previous is not None:
        line += " · " + t(lang, "se.rating.previous", rating=previous)
    return line


def people_text(lang: str, n: int) -> str:
    return t(lang, "se.summary.person") if n == 1 else t(lang, "se.summary.people", n=n)


def reflections_text(lang: str, n: int) -> str:
    return t(lang, "se.summary.reflection") if n == 1 else t(lang, "se.summary.reflections", n=n)


def dimension_counts(view: SelfEvalView, dim: Dimension) -> tuple[int, int]:
    """(reflections, distinct people) for a dimension."""
    rows = [r for q in dim.questions for r in view.reflections.get(q.id, ())]
    return len(rows), len({r.member_external_id for r in rows})


def title(lang: str, view: SelfEvalView) -> str:
    if view.title:
        return t(lang, "se.intro.title_named", title=view.title, round=view.round_no)
    return t(lang, "se.intro.title", round=view.round_no)


# ---- leaders and staff ----
def role_buttons(lang: str, sid: int) -> Buttons:
    return Buttons(
        tuple(
            Button(t(lang, f"se.role.button_{role}"), actions.encode("se-role", sid, role))
            for role in ROLES
        )
    )


def mean_text(lang: str, side: Side) -> str:
    mean = side.mean
    return "–" if mean is None else number(mean, lang, 1)


def side_text(lang: str, side: Side) -> str:
    """One group's answers to a dimension: its average own rating and how many answered."""
    if side.empty:
        return t(lang, "se.side.none")
    rating = (
        t(lang, "se.side.rating", mean=mean_text(lang, side), n=len(side.ratings))
        if side.ratings
        else t(lang, "se.side.no_rating")
    )
    return t(
        lang,
        "se.side.line",
        rating=rating,
        reflections=reflections_text(lang, side.reflections),
        people=people_text(lang, side.people),
    )


def side_by_side(lang: str, p: Perspectives) -> Fields:
    """Leaders' and staff's answers beside each other (two columns in Slack, facts in Teams);
    answers of people who have not said which they answer as, as a third when there are any."""
    rows = [
        (t(lang, "se.side.leaders"), side_text(lang, p.leaders)),
        (t(lang, "se.side.staff"), side_text(lang, p.staff)),
    ]
    if not p.unassigned.empty:
        rows.append((t(lang, "se.side.unassigned"), side_text(lang, p.unassigned)))
    return Fields(tuple(rows))


def gap_text(lang: str, dim: Dimension, p: Perspectives) -> str:
    return t(
        lang,
        "se.side.differs",
        name=dim.name[lang],
        leaders=mean_text(lang, p.leaders),
        staff=mean_text(lang, p.staff),
    )


def reflection_line(lang: str, view: SelfEvalView, r: ReflectionView) -> str:
    role = view.role_of(r.member_external_id)
    tag = f" ({t(lang, f'se.role.{role}')})" if role else ""
    return f"• *{r.member_name}*{tag}: {r.text}"


def by_role(view: SelfEvalView, rows: tuple[ReflectionView, ...]) -> list[ReflectionView]:
    """Leaders first, then staff, then who has not said: the two perspectives read apart."""
    order = {LEADER: 0, STAFF: 1}
    return sorted(rows, key=lambda r: order.get(view.role_of(r.member_external_id) or "", 2))


# ---- messages ----
def intro_message(lang: str, view: SelfEvalView, cat: OrgCatalogue) -> Message:
    head = title(lang, view)
    blocks: list[Block] = [
        Text(head, "header"),
        Text(cat.intro[lang]),
        Text(t(lang, "se.intro.how")),
    ]
    if view.is_open:
        blocks += [Text(t(lang, "se.intro.roles")), role_buttons(lang, view.id)]
    if view.pacing is None:
        blocks += [
            Text(t(lang, "se.intro.pace_ask")),
            Buttons(
                (
                    Button(
                        t(lang, "se.intro.pace_one"),
                        actions.encode("se-pace", view.id, "one"),
                        "primary",
                    ),
                    Button(t(lang, "se.intro.pace_all"), actions.encode("se-pace", view.id, "all")),
                )
            ),
        ]
    return Message(tuple(blocks), head)


def progress_message(lang: str, view: SelfEvalView, cat: OrgCatalogue) -> Message:
    state = t(lang, "se.progress.open" if view.is_open else "se.progress.closed")
    head = t(lang, "se.progress.title", round=view.round_no, state=state)
    total = len(cat.dimensions)
    with_reflections = sum(1 for d in cat.dimensions if dimension_counts(view, d)[0])
    people = {r.member_external_id for rows in view.reflections.values() for r in rows}
    reflections = sum(len(rows) for rows in view.reflections.values())
    posted = sum(1 for d in cat.dimensions if view.posted(d.number))
    rows: tuple[tuple[str, str], ...] = (
        (t(lang, "se.progress.posted"), f"{posted}/{total}"),
        (t(lang, "se.progress.reflections"), str(reflections)),
        (t(lang, "se.progress.people"), str(len(people))),
        (t(lang, "se.progress.ratings"), f"{len(view.ratings)}/{total}"),
        (t(lang, "se.progress.points"), str(len(view.points))),
    )
    if uses_roles(view):
        roles = list(view.roles.values())
        counts = t(
            lang, "se.progress.roles_n", leaders=roles.count(LEADER), staff=roles.count(STAFF)
        )
        rows += ((t(lang, "se.progress.roles"), counts),)
    blocks: tuple[Block, ...] = (
        Text(head, "header"),
        Progress(t(lang, "se.progress.bar"), with_reflections, total),
        Fields(rows),
    )
    if view.title:
        blocks += (Text(title(lang, view), "muted"),)
    return Message(blocks, f"{head}: {with_reflections}/{total}")


def dimension_message(lang: str, view: SelfEvalView, dim: Dimension, *, total: int) -> Message:
    n, people = dimension_counts(view, dim)
    points = len(view.points_of(dim.key))
    head = t(lang, "se.dim.header", number=dim.number, name=dim.name[lang])
    blocks: list[Block] = [
        Text(head, "header"),
        Text(dim.description[lang]),
        Text(t(lang, "se.dim.leader", text=dim.leader_view[lang]), "muted"),
        Text(t(lang, "se.dim.thread_hint"), "muted"),
        Text(
            rating_line(lang, view, dim)
            + "\n"
            + t(lang, "se.dim.status", n=n, people=people_text(lang, people), points=points)
        ),
    ]
    if uses_roles(view):
        p = perspectives(view, dim)
        blocks.append(side_by_side(lang, p))
        if p.differs:
            blocks.append(Text(gap_text(lang, dim, p)))
    if view.is_open:
        buttons = [
            Button(t(lang, "se.dim.own_button"), actions.encode("se-own", view.id, dim.key)),
            Button(t(lang, "se.dim.point_button"), actions.encode("se-pt", view.id, dim.key)),
            Button(t(lang, "se.dim.rate_button"), actions.encode("se-rate", view.id, dim.key)),
        ]
        if view.pacing == "one" and view.current_dimension == dim.number < total:
            buttons.append(
                Button(t(lang, "se.dim.next_button"), actions.encode("se-next", view.id), "primary")
            )
        blocks.append(Buttons(tuple(buttons)))
    return Message(tuple(blocks), head)


def question_text(lang: str, q: OrgQuestion) -> str:
    return f"*{q.id}* {q.text[lang]}"


def question_message(lang: str, view: SelfEvalView, q: OrgQuestion) -> Message:
    rows = view.reflections.get(q.id, ())
    blocks: list[Block] = [Text(question_text(lang, q))]
    if not rows:
        blocks.append(Text(t(lang, "se.q.none"), "muted"))
    for r in by_role(view, rows)[:MAX_REFLECTIONS_SHOWN]:
        blocks.append(Text(reflection_line(lang, view, r)))
    if len(rows) > MAX_REFLECTIONS_SHOWN:
        blocks.append(Text(t(lang, "se.q.more", n=len(rows) - MAX_REFLECTIONS_SHOWN), "muted"))
    if view.is_open:
        blocks.append(
            Buttons(
                (
                    Button(
                        t(lang, "se.q.reflect_button"),
                        actions.encode("se-refl", view.id, q.id),
                        "primary",
                    ),
                )
            )
        )
    return Message(tuple(blocks), f"{q.id} {q.text[lang]}")


def point_line(lang: str, p: PointView) -> str:
    author = f" _({p.author_name})_" if p.author_name else ""
    agreed = f" {t(lang, 'se.points.agreed')}" if p.agreed else ""
    return f"*#{p.id}* {p.text}{author}{agreed}"


def points_message(lang: str, view: SelfEvalView, dim: Dimension) -> Message:
    head = t(lang, "se.points.title", name=dim.name[lang])
    points = view.points_of(dim.key)
    blocks: list[Block] = [Text(head, "header")]
    if not points:
        blocks.append(Text(t(lang, "se.points.none"), "muted"))
    for p in points[:MAX_POINTS_SHOWN]:
        blocks.append(Text(point_line(lang, p)))
        if view.is_open and not p.agreed:
            agree = actions.encode("se-agree", view.id, p.id)
            remove = actions.encode("se-rm", view.id, p.id)
            blocks.append(
                Buttons(
                    (
                        Button(t(lang, "se.points.agree_button", id=p.id), agree, "primary"),
                        Button(t(lang, "se.points.remove_button", id=p.id), remove),
                    )
                )
            )
    if len(points) > MAX_POINTS_SHOWN:
        blocks.append(Text(t(lang, "se.points.more", n=len(points) - MAX_POINTS_SHOWN), "muted"))
    return Message(tuple(blocks), head)


def summary_message(lang: str, view: SelfEvalView, cat: OrgCatalogue) -> Message:
    head = t(lang, "se.summary.title", round=view.round_no)
    blocks: list[Block] = [Text(head, "header")]
    if view.title:
        blocks.append(Text(title(lang, view), "muted"))
    fallback = [head]
    if uses_roles(view):
        apart = [d.name[lang] for d in cat.dimensions if perspectives(view, d).differs]
        key = "se.summary.apart" if apart else "se.summary.not_apart"
        blocks.append(Text(t(lang, key, names=", ".join(apart))))
        fallback.append(t(lang, key, names=", ".join(apart)).replace("*", ""))
    for dim in cat.dimensions:
        n, people = dimension_counts(view, dim)
        lines = [
            t(
                lang,
                "se.summary.dim",
                name=dim.name[lang],
                reflections=reflections_text(lang, n),
                people=people_text(lang, people),
            ),
            rating_line(lang, view, dim),
        ]
        points = view.points_of(dim.key)
        if points:
            lines.append(t(lang, "se.summary.points"))
            lines += [f"• {point_line(lang, p)}" for p in points]
        else:
            lines.append(t(lang, "se.summary.no_points"))
        blocks.append(Text("\n".join(lines)))
        fallback.append(lines[0].replace("*", "") + " · " + lines[1])
        if uses_roles(view):
            p = perspectives(view, dim)
            blocks.append(side_by_side(lang, p))
            if p.differs:
                blocks.append(Text(gap_text(lang, dim, p)))
                fallback.append(gap_text(lang, dim, p).replace("*", ""))
    if view.ratings:
        blocks.append(Generate(CHART_KIND, view.id, t(lang, "se.chart.alt")))
    blocks.append(Text(t(lang, "se.summary.note"), "muted"))
    return Message(tuple(blocks), "\n".join(fallback))


# ---- forms ----
def reflection_form(lang: str, sid: int, q: OrgQuestion, current: str | None) -> Form:
    return one_text_form(
        lang,
        action=actions.encode("se-f-refl", sid, q.id),
        title=t(lang, "se.form.reflect_title", question=q.id),
        intro=f"{q.id} {q.text[lang]}",
        label=t(lang, "se.form.reflect_label"),
        limit=LIMITS[REFLECTION_KIND],
        initial=current,
        submit_key="se.form.save",
    )


def rating_form(lang: str, sid: int, dim: Dimension, current: int | None) -> Form:
    """The team's rating of a dimension (the facilitator's)."""
    return _rating_form(lang, "se-f-rate", "se.form.rate_title", "se.form.rate_intro",
                        "se.rating.ingen", sid, dim, current)  # fmt: skip


def own_rating_form(lang: str, sid: int, dim: Dimension, current: int | None) -> Form:
    """A respondent's own rating of a dimension (shown beside the other group's)."""
    return _rating_form(lang, "se-f-own", "se.own.title", "se.own.intro",
                        "se.own.ingen", sid, dim, current)  # fmt: skip


def _rating_form(
    lang: str,
    verb: str,
    title: str,
    intro: str,
    none_label: str,
    sid: int,
    dim: Dimension,
    current: int | None,
) -> Form:
    options = tuple(Choice(str(r), rating_label(lang, r)) for r in RATINGS)
    options += (Choice("ingen", t(lang, none_label)),)
    return Form(
        action=actions.encode(verb, sid, dim.key),
        title=t(lang, title),
        intro=t(lang, intro, name=dim.name[lang]),
        fields=(
            FormField(
                "rating",
                t(lang, "se.form.rate_label"),
                kind="choice",
                options=options,
                initial=str(current) if current is not None else None,
            ),
        ),
        submit_label=t(lang, "se.form.save"),
    )


def point_form(lang: str, sid: int, dim: Dimension, current: str | None) -> Form:
    return one_text_form(
        lang,
        action=actions.encode("se-f-pt", sid, dim.key),
        title=t(lang, "se.form.point_title"),
        intro=t(lang, "se.form.point_intro", name=dim.name[lang]),
        label=t(lang, "se.form.point_label"),
        limit=LIMITS[REFLECTION_KIND],
        initial=current,
        submit_key="se.form.save",
    )
