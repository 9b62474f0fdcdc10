"""The four steps of a meeting as messages (Siden sidst, Udforsk with its votes and themes,
Fortolk, Forbered handling with the agreement paper), the summary at the end, and the planning
guide (hæfte 7's roles and practical checklist) shown to whoever plans a meeting."""

from __future__ import annotations

from dialogs import actions
from dialogs.assessment.model import AssessmentView
from dialogs.i18n import format_date
from dialogs.layout import group, groups, message, short, texts
from dialogs.meetings import content
from dialogs.meetings.model import (
    ACT,
    EXPLORE,
    INTERPRET,
    OBSERVATION_KINDS,
    PREPARATION,
    SINCE,
    AgreementView,
    MeetingsData,
    MeetingView,
    ObservationView,
    ThemeView,
)
from dialogs.meetings.views import Look, bullets, participants_text, plain, status_label
from dialogs.meetings.when import format_when, local
from dialogs.messages import Block, Button, Buttons, Fields, Message, Text


# ---- the four steps ----
def step_header(look: Look, m: MeetingView, number: int) -> Message:
    """A step's message in the thread, short: what the step is for and what to do now. The
    booklet's support questions and roles are one click away ("Vis støttespørgsmål"), shown
    only to whoever asks (`support_message`)."""
    c = content.step(number)
    title = look.t("mt.step.title", number=number, name=c.name[look.lang])
    blocks: list[Block] = [Text(title, "header"), Text(" · ".join(c.purpose[look.lang]), "muted")]
    if not (m.status == "running" and m.step == number):
        blocks.append(Text(look.t("mt.step.closed"), "muted"))  # no buttons left over
        return message(blocks, title)
    blocks.append(Text(look.t(f"mt.step.howto.{c.key}", limit=m.theme_limit)))
    deadline = m.deadline(number)
    if m.mode == "async" and deadline:
        when = format_when(deadline, look.lang, look.tz)
        blocks.append(Text(look.t("mt.step.deadline", when=when), "muted"))
    label = look.t("mt.button.finish") if number == ACT else look.t("mt.button.next")
    blocks.append(
        Buttons(
            (
                Button(label, actions.encode("mt-next", m.id, number), "primary"),
                support_button(look, m, number),
            )
        )
    )
    return message(blocks, title)


def support_button(look: Look, m: MeetingView, number: int) -> Button:
    return Button(look.t("mt.button.support"), actions.encode("mt-help", m.id, number))


def support_message(look: Look, m: MeetingView, number: int, facilitator: bool) -> Message:
    """The booklet's support for a step (hæfte 7, verbatim from content.json), for one person:
    the preparation (`number` 0: its goal, the questions for reviewing the data, the
    participant's part and, for the facilitator, theirs) or a dialogue step (its introduction,
    support questions and the roles of facilitator and participants)."""
    if number == PREPARATION:
        return _preparation_support(look, m, facilitator)
    lang = look.lang
    c = content.step(number)
    # About an assessment, the dialogue reflects on the whole practice (hæfte 7, afsnit 4).
    practice = m.assessment_id is not None
    questions = content.step_questions(number, lang, practice)
    title = look.t("mt.support.title", name=c.name[lang])
    blocks: list[Block] = [Text(title, "header"), Text(content.step_intro(number, lang, practice))]
    if number == SINCE:
        blocks.append(Text(content.text("dialogue_intro", lang), "muted"))
    if practice and number in (EXPLORE, INTERPRET):
        blocks.append(Text(look.t("mt.step.practice_basis"), "muted"))
    # The agreement paper's points follow its intro ("… som skal beskrive:") directly.
    heading = [] if number == ACT else [f"*{look.t('mt.step.questions')}*"]
    blocks += texts([*heading, bullets(questions)])
    blocks += texts([f"*{c.facilitator_title[lang]}*", bullets(c.facilitator[lang])])
    blocks += texts([f"*{c.participants_title[lang]}*", bullets(c.participants[lang])])
    blocks.append(Text(look.t("mt.support.source"), "muted"))
    return message(blocks, title + "\n" + "\n".join(questions))


def _preparation_support(look: Look, m: MeetingView, facilitator: bool) -> Message:
    lang = look.lang
    title = look.t("mt.support.title", name=look.t("mt.support.preparation"))
    review = content.text("preparation.review_questions", lang)
    blocks: list[Block] = [
        Text(title, "header"),
        Text(content.text("preparation.goal", lang)),
        *texts([f"*{look.t('mt.prep.review')}*", bullets(review)]),
        *texts(
            [
                content.text("preparation.participant_title", lang),
                bullets(content.text("preparation.participant", lang)),
            ]
        ),
    ]
    if facilitator:
        for name in ("facilitator", "facilitator_self"):
            blocks += texts(
                [
                    f"*{content.text(f'preparation.{name}_title', lang)}*",
                    bullets(content.text(f"preparation.{name}", lang)),
                ]
            )
    blocks.append(Text(look.t("mt.support.source"), "muted"))
    return message(blocks, title + "\n" + "\n".join(review))


def planning_guide(look: Look) -> Message:
    """Booklet 7's advice for planning: four to eight participants, the roles (the managers,
    the one who narrows the discussion, the quality team) and the practical checklist."""
    lang = look.lang
    title = look.t("mt.plan_guide.title")
    blocks: list[Block] = [
        Text(title, "header"),
        Text(content.text("planning.size", lang)),
        Text(
            f"*{content.text('planning.roles_title', lang)}*\n"
            + bullets(content.text("planning.roles", lang))
        ),
        Text(
            f"*{content.text('planning.checklist_title', lang)}*\n"
            + bullets(content.text("planning.checklist", lang))
        ),
        Text(look.t("mt.plan_guide.source"), "muted"),
    ]
    return message(blocks, title + "\n" + content.text("planning.size", lang))


def since_empty(look: Look) -> Message:
    return plain(look, "mt.since.none")


def observations_message(look: Look, m: MeetingView) -> Message:
    title = look.t("mt.obs.title")
    blocks: list[Block] = [Text(title, "header")]
    if not m.observations:
        blocks.append(Text(look.t("mt.obs.none"), "muted"))
    for kind in OBSERVATION_KINDS:
        rows = [(i, o) for i, o in enumerate(m.observations, 1) if o.kind == kind]
        if not rows:
            continue
        lines = [f"*{look.t(f'mt.kinds.{kind}')}*"]
        lines += [_observation_line(look, i, o, m) for i, o in rows]
        blocks += texts(lines)
    if m.themes:
        chosen = ", ".join(
            str(m.position(t.observation_id)) for t in m.themes if t.observation_id is not None
        )
        blocks.append(Text(look.t("mt.obs.themes", list=chosen)))
    if m.status == "running" and m.step == EXPLORE:
        blocks.append(Text(look.t("mt.obs.vote_hint", limit=m.theme_limit), "muted"))
        for g in groups(m.observations):
            action = actions.encode("mt-vote", m.id, g.index)
            label = look.t("mt.obs.vote_label", first=g.first, last=g.last)
            blocks.append(g.select(action, label, look.t("mt.obs.vote_submit"), lambda o: o.text))
        blocks.append(
            Buttons(
                (
                    Button(look.t("mt.button.observe"), actions.encode("mt-obs", m.id)),
                    Button(
                        look.t("mt.button.themes"), actions.encode("mt-themes", m.id), "primary"
                    ),
                )
            )
        )
    fallback = (
        title
        + "\n"
        + "\n".join(f"{i}. {short(o.text, 80)}" for i, o in enumerate(m.observations, 1))
    )
    return message(blocks, fallback)


def _observation_line(look: Look, i: int, o: ObservationView, m: MeetingView) -> str:
    votes = len(o.voters)
    tally = " " + look.t("mt.obs.votes", n=votes) if votes else ""
    chosen = " ✓" if any(t.observation_id == o.id for t in m.themes) else ""
    return f"{i}. {o.text} – {o.author_name}{tally}{chosen}"


def chunk_ids(m: MeetingView, chunk: int) -> tuple[int, ...] | None:
    g = group(m.observations, chunk)
    return None if g is None else tuple(o.id for o in g.items)


def chosen_ids(m: MeetingView, chunk: int, selected: tuple[int, ...]) -> tuple[int, ...] | None:
    """The observation ids for numbers chosen in one multi-select; None if any is not in it."""
    g = group(m.observations, chunk)
    chosen = None if g is None else g.picked(selected)
    return None if chosen is None else tuple(o.id for o in chosen)


def themes_picker(look: Look, m: MeetingView, preselected: tuple[int, ...]) -> Message:
    """The facilitator's private selection of themes (pre-filled with the most-voted)."""
    title = look.t("mt.themes.title")
    blocks: list[Block] = [Text(title, "header"), Text(look.t("mt.themes.intro"), "muted")]
    for g in groups(m.observations):
        action = actions.encode("mtf-themes", m.id, g.index)
        label = look.t("mt.obs.vote_label", first=g.first, last=g.last)
        submit = look.t("mt.themes.submit")
        blocks.append(
            g.select(action, label, submit, lambda o: o.text, lambda o: o.id in preselected)
        )
    return message(blocks, title)


def theme_message(look: Look, m: MeetingView, index: int, theme: ThemeView) -> Message:
    title = look.t("mt.theme.title", number=index, title=theme.title)
    blocks: list[Block] = [Text(f"*{title}*")]
    if theme.interpretations:
        blocks += texts([f"• {i.text} – {i.author_name}" for i in theme.interpretations])
    else:
        blocks.append(Text(look.t("mt.theme.none"), "muted"))
    if m.status == "running" and m.step == INTERPRET:
        blocks.append(
            Buttons(
                (
                    Button(
                        look.t("mt.button.interpret"),
                        actions.encode("mt-int", m.id, theme.id),
                        "primary",
                    ),
                )
            )
        )
    return message(blocks, short(title, 150))


def themes_empty(look: Look) -> Message:
    return plain(look, "mt.theme.no_themes")


def paper_rows(look: Look, m: MeetingView) -> list[tuple[str, str]]:
    p = m.paper
    dash = "–"
    months = p.long_months if p.long_months else "x"
    return [
        (look.t("mt.paper.short"), p.short_goal or dash),
        (look.t("mt.paper.long", months=months), p.long_goal or dash),
        (look.t("mt.paper.progress"), p.progress_data or dash),
        (
            look.t("mt.paper.next"),
            format_when(p.next_meeting_at, look.lang, look.tz) if p.next_meeting_at else dash,
        ),
    ]


def action_lines(look: Look, items: tuple[AgreementView, ...]) -> list[str]:
    lines = []
    for a in items:
        parts = [
            look.t("ag.owner", name=a.owner_name),
            look.t("ag.follow_up", name=a.follow_up_name),
            look.t("ag.due", date=format_date(a.due, look.lang)),
            status_label(look.lang, a.status),
        ]
        lines.append(f"{a.number}. {a.what} – " + " · ".join(parts))
        if a.signal:
            lines.append("   " + look.t("ag.signal_line", text=a.signal))
    return lines


def paper_message(look: Look, m: MeetingView, data: MeetingsData) -> Message:
    title = look.t("mt.paper.title")
    blocks: list[Block] = [Text(title, "header"), Fields(tuple(paper_rows(look, m)))]
    items = data.of_meeting(m.id)
    if items:
        blocks += texts([f"*{look.t('mt.paper.actions')}*", *action_lines(look, items)])
    else:
        blocks.append(Text(look.t("mt.paper.no_actions"), "muted"))
    if m.status == "running" and m.step == ACT:
        blocks.append(
            Buttons(
                (
                    Button(look.t("mt.button.paper"), actions.encode("mt-paper", m.id)),
                    Button(look.t("mt.button.action"), actions.encode("mt-act", m.id), "primary"),
                )
            )
        )
    return message(blocks, title)


# ---- the summary ----
def summary_message(
    look: Look, m: MeetingView, data: MeetingsData, assessment: AssessmentView | None
) -> Message:
    ended = format_date(local(m.ended_at or m.scheduled_at, look.tz).date(), look.lang)
    title = look.t("mt.summary.title", number=m.number, date=ended)
    blocks: list[Block] = [
        Text(title, "header"),
        Text(
            look.t(
                "mt.root.people", facilitator=m.facilitator_name, participants=participants_text(m)
            )
        ),
    ]
    reviewed = [a for a in (data.agreement(i) for i in m.reviewed) if a is not None]
    if reviewed:
        lines = [f"*{content.step_name(1, look.lang)}*"]
        for a in reviewed:
            line = (
                look.t("ag.title", number=a.number, what=a.what)
                + " – "
                + status_label(look.lang, a.status)
            )
            if a.learned:
                line += " – " + look.t("ag.learned_line", text=a.learned)
            lines.append("• " + line)
        blocks += texts(lines)
    lines = [f"*{look.t('mt.summary.themes')}*"]
    if not m.themes:
        lines.append(look.t("mt.theme.no_themes"))
    for i, theme in enumerate(m.themes, 1):
        lines.append(f"{i}. {theme.title}")
        lines += [f"   – {x.text} ({x.author_name})" for x in theme.interpretations]
    blocks += texts(lines)
    blocks.append(Text(f"*{look.t('mt.paper.title')}*"))
    blocks.append(Fields(tuple(paper_rows(look, m))))
    items = data.of_meeting(m.id)
    if items:
        blocks += texts([f"*{look.t('mt.paper.actions')}*", *action_lines(look, items)])
    else:
        blocks.append(Text(look.t("mt.paper.no_actions"), "muted"))
    blocks.append(Text(bullets(content.text("action", look.lang)), "muted"))
    if m.assessment_id is not None and assessment is not None and assessment.id == m.assessment_id:
        blocks.append(
            Text(look.t("mt.summary.scores_follow", practice=assessment.practice_name), "muted")
        )
    blocks.append(
        Buttons((Button(look.t("mt.button.plan_next"), actions.encode("mt-plan"), "primary"),))
    )
    fallback_lines = [title, *(f"{i}. {x.title}" for i, x in enumerate(m.themes, 1))]
    fallback_lines += action_lines(look, items)
    return message(blocks, "\n".join(fallback_lines))
