"""Pure renderers for the results discussion's messages in the neutral model.

The discussion is one root message in the channel (kept up to date: where the team is, the
buttons of the current step) with a message per step in its thread, each updated in place as
notes and votes come in and drawn in its final form when the step closes; the result is one
message in the channel. Nothing is re-posted, so the channel is never flooded.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from dialogs import actions
from dialogs.assessment.model import AssessmentView
from dialogs.assessment.team import question_status
from dialogs.assessment.views import answer_label
from dialogs.discussion.model import (
    KINDS,
    LOWEST,
    NOTES,
    POTENTIAL,
    ROUND,
    STEPS,
    VOTE,
    DiscussionView,
    NoteView,
)
from dialogs.discussion.results import Ranked, prioritised, ranking
from dialogs.i18n import format_date, score_text, t
from dialogs.layout import element_name, groups, message, short, texts
from dialogs.meetings.when import format_when, local
from dialogs.messages import Block, Button, Buttons, Message, Text
from dialogs.turn import Turn
from scoring.catalogue import Catalogue
from scoring.scores import ElementScore, question_points
from scoring.table import ScoringTable

COMMENT_LIMIT = 300  # a member's comment as step 3 quotes it (the whole one is in the report)
BUTTON_LABEL = 60


@dataclass(frozen=True)
class Look:
    """What every renderer needs: the language, the time zone and the instruments."""

    lang: str
    tz: ZoneInfo
    catalogue: Catalogue
    table: ScoringTable

    def t(self, key: str, **values: object) -> str:
        return t(self.lang, key, **values)

    def when(self, dt: datetime) -> str:
        return format_when(dt, self.lang, self.tz)

    def element_name(self, number: int) -> str:
        return element_name(self.catalogue, self.lang, number)


# ---- keys of the messages that are updated in place ----
def root_key(did: int) -> str:
    return f"dc:{did}"


def step_key(did: int, step: int) -> str:
    return f"dc:{did}:step:{step}"


def element_key(did: int, number: int) -> str:
    return f"dc:{did}:el:{number}"


def result_key(did: int) -> str:
    return f"dc:{did}:result"


# ---- helpers ----
def step_name(look: Look, step: int) -> str:
    return look.t(f"dc.step.{step}.name")


def title(look: Look, assessment: AssessmentView | None) -> str:
    if assessment is None:
        return look.t("dc.title_unknown")
    return look.t("dc.title", practice=assessment.practice_name, round=assessment.round_no)


def quote(look: Look, step: int) -> Text:
    """Booklet 1's own words for the step (its proposed process after a measurement)."""
    return Text(look.t("dc.booklet", text=look.t(f"dc.step.{step}.booklet")), "muted")


def next_button(look: Look, d: DiscussionView) -> Button:
    key = "dc.button.finish" if d.step == VOTE else "dc.button.next"
    return Button(look.t(key), actions.encode("dc-next", d.id, d.step))


def notes_button(look: Look, d: DiscussionView, primary: bool) -> Button:
    return Button(
        look.t("dc.button.notes"),
        actions.encode("dc-notes", d.id),
        "primary" if primary else "default",
    )


def potential_button(look: Look, d: DiscussionView, element: int = 0) -> Button:
    label = (
        look.t("dc.button.potential_element", number=element)
        if element
        else look.t("dc.button.potential")
    )
    return Button(label, actions.encode("dc-pot", d.id, element))


def people(n: int, look: Look) -> str:
    return look.t("dc.people.one") if n == 1 else look.t("dc.people.many", n=n)


# ---- the root message ----
def root_message(
    look: Look, d: DiscussionView, assessment: AssessmentView | None, members: int
) -> Message:
    head = title(look, assessment)
    lines = [look.t("dc.root.intro")]
    for step in STEPS:
        mark = "✓" if d.step > step else ("▶" if d.step == step and d.is_running else "·")
        lines.append(f"{mark} {look.t('dc.root.step_line', step=step, name=step_name(look, step))}")
    mode = (
        look.t("dc.root.async", days=d.window_days) if d.mode == "async" else look.t("dc.root.live")
    )
    blocks: list[Block] = [Text(head, "header"), Text("\n".join(lines)), Text(mode, "muted")]
    if d.is_running:
        status = look.t("dc.root.running", step=d.step, name=step_name(look, d.step))
        facts = [status, progress_line(look, d, members)]
        deadline = d.deadline(d.step)
        if d.mode == "async" and deadline is not None:
            facts.append(look.t("dc.step.deadline", when=look.when(deadline)))
        blocks.append(Text("\n".join(facts)))
        blocks.append(Buttons((*step_buttons(look, d), next_button(look, d))))
    elif d.status == "done":
        ended = format_date(local(d.ended_at or d.started_at, look.tz).date(), look.lang)
        status = look.t("dc.root.done", date=ended)
        blocks.append(Text(status))
    else:
        status = look.t("dc.root.cancelled")
        blocks.append(Text(status))
    return message(blocks, f"{head} – {status}")


def progress_line(look: Look, d: DiscussionView, members: int) -> str:
    line = look.t(
        "dc.root.progress",
        people=people(len(d.authors), look),
        potentials=len(d.potentials),
    )
    if d.step == VOTE:
        line += " · " + look.t("dc.vote.voted", n=len(d.voters), total=members)
    return line


def step_buttons(look: Look, d: DiscussionView) -> tuple[Button, ...]:
    if d.step == NOTES:
        return (notes_button(look, d, primary=True),)
    if d.step in (ROUND, LOWEST):
        return (potential_button(look, d), notes_button(look, d, primary=False))
    return ()


# ---- step 1: each for themselves ----
def notes_step_message(look: Look, d: DiscussionView) -> Message:
    head = look.t("dc.step.header", step=NOTES, name=step_name(look, NOTES))
    blocks: list[Block] = [Text(head, "header"), quote(look, NOTES)]
    if d.is_running and d.step == NOTES:
        blocks.append(Text(look.t("dc.notes.how")))
        blocks.append(Text(look.t("dc.notes.count", people=people(len(d.authors), look))))
        blocks.append(Buttons((notes_button(look, d, primary=True),)))
    else:
        blocks.append(Text(look.t("dc.notes.closed", people=people(len(d.authors), look))))
    return message(blocks, head)


# ---- step 2: the round ----
def note_line(look: Look, n: NoteView) -> str:
    element = f" ({look.element_name(n.element)})" if n.element else ""
    return f"{n.text}{element} – {n.author_name}"


def shared_lines(look: Look, d: DiscussionView) -> list[str]:
    """Grouped by the three questions, each with its author: the round goes through the
    questions one at a time, the same strength or potential named by several people stands
    out, and the potentials carry the numbers the vote of step 4 uses."""
    lines: list[str] = []
    for kind in KINDS:
        notes = d.of_kind(kind)
        lines.append(f"*{look.t(f'dc.kinds.{kind}')}*")
        if not notes:
            lines.append(look.t("dc.round.none"))
        for i, n in enumerate(notes, 1):
            lines.append(
                f"{i}. {note_line(look, n)}" if kind == POTENTIAL else f"• {note_line(look, n)}"
            )
    return lines


def round_step_message(look: Look, d: DiscussionView) -> Message:
    head = look.t("dc.step.header", step=ROUND, name=step_name(look, ROUND))
    blocks: list[Block] = [Text(head, "header"), quote(look, ROUND)]
    if not d.notes:
        blocks.append(Text(look.t("dc.round.empty"), "muted"))
    else:
        blocks += texts(shared_lines(look, d))
    if d.is_running and d.step in (ROUND, LOWEST):
        blocks.append(Text(look.t("dc.round.how"), "muted"))
        blocks.append(Buttons((potential_button(look, d), notes_button(look, d, primary=False))))
    fallback = (
        head + "\n" + "\n".join(f"{i}. {short(n.text, 80)}" for i, n in enumerate(d.potentials, 1))
    )
    return message(blocks, fallback)


# ---- step 3: the lowest scores ----
def score_value(look: Look, s: ElementScore) -> str:
    value = score_text(s.score, look.lang)
    if s.partial:
        value += " · " + look.t("summary.partial", answered=s.answered, total=s.total)
    return value


def lowest_step_message(
    look: Look, d: DiscussionView, lowest: list[ElementScore], too_few: list[ElementScore]
) -> Message:
    head = look.t("dc.step.header", step=LOWEST, name=step_name(look, LOWEST))
    blocks: list[Block] = [Text(head, "header"), quote(look, LOWEST)]
    if lowest:
        names = [f"• {look.element_name(s.number)}: {score_value(look, s)}" for s in lowest]
        blocks += texts([look.t("dc.lowest.intro"), *names])
    else:
        blocks.append(Text(look.t("dc.lowest.none")))
    if too_few:
        names_few = ", ".join(look.element_name(s.number) for s in too_few)
        blocks.append(Text(look.t("dc.lowest.too_few", elements=names_few), "muted"))
    blocks.append(Text(look.t("summary.guide"), "muted"))
    return message(blocks, head)


def answer_line(look: Look, view: AssessmentView, qid: str) -> str:
    """The team answer, how it was reached and what it gives on the scoring table."""
    q = look.catalogue.question(qid)
    status = question_status(view, qid)
    if status.team is None:
        key = "dc.lowest.disagreement" if status.disagreement else "dc.lowest.unanswered"
        return look.t(key)
    label = answer_label(look.lang, q, status.team)
    if status.source == "decision":
        how = look.t("dc.lowest.decided")
    elif status.answered_by == 1:
        how = look.t("dc.lowest.one_answer")
    else:
        how = look.t("dc.lowest.agreed", n=status.answered_by)
    line = look.t("dc.lowest.team", answer=label, how=how)
    if look.table.row(qid).rule == "unscored":
        return line
    points, _flags = question_points(look.table, qid, status.team)
    if points is None:
        return line + " · " + look.t("dc.lowest.outside")
    return line + " · " + look.t("dc.lowest.points", points=score_text(points, look.lang))


def question_lines(look: Look, view: AssessmentView, qid: str) -> list[str]:
    q = look.catalogue.question(qid)
    lines = [f"*{q.id}* {q.text[look.lang]}", answer_line(look, view, qid)]
    decision = view.decisions.get(qid)
    if decision is not None and decision.justification:
        lines.append(
            look.t("dc.lowest.justification", text=short(decision.justification, COMMENT_LIMIT))
        )
    for a in view.answers.get(qid, ()):
        if a.comment:
            lines.append(f"• {a.member_name}: “{short(a.comment, COMMENT_LIMIT)}”")
    return lines


def element_message(
    look: Look, d: DiscussionView, view: AssessmentView, s: ElementScore
) -> Message:
    """An element step 3 revisits: its questions with the team answers and the comments, so
    the team can see what a higher score would take — or that something rightly does not
    apply to their practice."""
    head = look.t("dc.lowest.element", name=look.element_name(s.number), score=score_value(look, s))
    lines: list[str] = []
    for q in look.catalogue.element(s.number).questions:
        if q.id in view.answers or q.id in view.decisions or q.condition is None:
            lines += question_lines(look, view, q.id)
    blocks: list[Block] = [Text(head, "header"), *texts(lines)]
    _overall, potential = view.notes.get(s.number, (None, None))
    if potential:
        blocks += texts([look.t("dc.lowest.noted_potential", text=potential)])
    if d.is_running and d.step == LOWEST:
        blocks.append(Buttons((potential_button(look, d, s.number),)))
    return message(blocks, head)


# ---- step 4: prioritising ----
def vote_step_message(look: Look, d: DiscussionView, members: int) -> Message:
    head = look.t("dc.step.header", step=VOTE, name=step_name(look, VOTE))
    blocks: list[Block] = [Text(head, "header"), quote(look, VOTE)]
    if not d.potentials:
        blocks.append(Text(look.t("dc.vote.none")))
        return message(blocks, head)
    if d.is_running and d.step == VOTE:
        blocks.append(Text(look.t("dc.vote.how", limit=d.vote_limit)))
        lines = [f"{i}. {note_line(look, n)}" for i, n in enumerate(d.potentials, 1)]
        blocks += texts(lines)
        for g in groups(d.potentials):
            action = actions.encode("dc-vote", d.id, g.index)
            label = look.t("dc.vote.label", first=g.first, last=g.last)
            blocks.append(g.select(action, label, look.t("dc.vote.submit"), lambda n: n.text))
        blocks.append(Text(look.t("dc.vote.voted", n=len(d.voters), total=members), "muted"))
    else:
        blocks += texts(ranking_lines(look, ranking(d)))
    return message(blocks, head)


def ranking_lines(look: Look, ranked: list[Ranked]) -> list[str]:
    return [
        look.t("dc.result.line", number=r.number, text=r.note.text, votes=votes(look, r.votes))
        + (" " + look.t("dc.result.agreed") if r.note.agreed else "")
        for r in ranked
    ]


def votes(look: Look, n: int) -> str:
    return look.t("dc.votes.one") if n == 1 else look.t("dc.votes.many", n=n)


# ---- the result ----
def result_message(look: Look, d: DiscussionView, assessment: AssessmentView | None) -> Message:
    head = look.t("dc.result.title", title=title(look, assessment))
    blocks: list[Block] = [Text(head, "header")]
    ranked = ranking(d)
    if not ranked:
        blocks.append(Text(look.t("dc.result.no_potentials")))
        return message(blocks, head)
    if not any(r.votes for r in ranked):
        blocks.append(Text(look.t("dc.result.no_votes"), "muted"))
    blocks += texts(ranking_lines(look, ranked))
    top = prioritised(d)
    blocks.append(Text(look.t("dc.result.next")))
    buttons = [
        Button(
            short(look.t("dc.button.agree", number=r.number), BUTTON_LABEL),
            actions.encode("dc-agree", d.id, r.note.id),
        )
        for r in top
        if not r.note.agreed
    ]
    if d.meeting_planned_at is None:
        buttons.append(
            Button(look.t("dc.button.meeting"), actions.encode("dc-meet", d.id), "primary")
        )
    else:
        planned = format_date(local(d.meeting_planned_at, look.tz).date(), look.lang)
        blocks.append(Text(look.t("dc.result.meeting_planned", date=planned), "muted"))
    if buttons:
        blocks.append(Buttons(tuple(buttons)))
    blocks.append(Text(look.t("dc.result.facilitator_hint"), "muted"))
    fallback = head + "\n" + "\n".join(ranking_lines(look, ranked)[:10])
    return message(blocks, fallback)


# ---- private messages ----
def my_notes_message(look: Look, turn: Turn, d: DiscussionView) -> Message:
    """`drøftelse status`: where the discussion is and the actor's own notes; in step 1 the
    facilitator also sees who has written notes (never what)."""
    if d.is_running:
        head = look.t("dc.status.title", step=d.step, name=step_name(look, d.step))
    else:
        head = look.t("dc.root.done_short" if d.status == "done" else "dc.root.cancelled")
    mine = d.mine(turn.actor.external_id)
    lines: list[str] = []
    deadline = d.deadline(d.step)
    if d.is_running and d.mode == "async" and deadline is not None:
        lines.append(look.t("dc.step.deadline", when=look.when(deadline)))
    if d.is_running and d.step == NOTES and turn.is_facilitator:
        marks = [f"{m.name} {'✓' if m.external_id in d.authors else '–'}" for m in turn.members]
        lines.append(look.t("dc.status.who", list=", ".join(marks)))
    if d.is_running and d.step == VOTE:
        chosen = [str(d.number_of(i)) for i in d.votes_of(turn.actor.external_id)]
        lines.append(look.t("dc.status.votes", list=", ".join(chosen) or "–", limit=d.vote_limit))
    if not mine:
        lines.append(look.t("dc.status.no_notes"))
    for kind in KINDS:
        mine_kind = [n for n in mine if n.kind == kind]
        if mine_kind:
            lines.append(f"*{look.t(f'dc.kinds.{kind}')}*")
            lines += [f"• {note_line(look, n)}" for n in mine_kind]
    return message([Text(head, "header"), *texts(lines)], head)


def notes_request(look: Look, d: DiscussionView, assessment: AssessmentView | None) -> Message:
    """Asynchronous discussions: the private invitation to write one's notes in step 1."""
    head = title(look, assessment)
    deadline = d.deadline(NOTES)
    lines = [look.t("dc.request.intro"), look.t(f"dc.step.{NOTES}.booklet")]
    if deadline is not None:
        lines.append(look.t("dc.step.deadline", when=look.when(deadline)))
    blocks: list[Block] = [
        Text(head, "header"),
        *texts(lines),
        Buttons((notes_button(look, d, primary=True),)),
    ]
    blocks.append(Text(look.t("dc.notes.private"), "muted"))
    return message(blocks, head)
