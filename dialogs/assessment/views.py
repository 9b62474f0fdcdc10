"""Pure renderers for the messages of answering in the neutral model: questions, elements, the
guided question, the own answer, the progress and the disagreements (the results and the
round's end are result_views.py's)."""

from __future__ import annotations

from dataclasses import dataclass, replace

from dialogs import actions
from dialogs.assessment.model import AssessmentView
from dialogs.assessment.pace import ONE, THREADS, Pace
from dialogs.assessment.team import (
    disagreements,
    question_status,
    tally,
    team_answers,
)
from dialogs.assessment.words import command as cmd
from dialogs.i18n import plural, t
from dialogs.messages import (
    Block,
    Button,
    Buttons,
    Choice,
    Fields,
    Message,
    MultiSelect,
    Progress,
    Text,
)
from dialogs.replies import words
from dialogs.turn import Surface
from scoring.catalogue import Catalogue, Element, Question


def answer_label(lang: str, question: Question, value: str) -> str:
    if question.type == "scale":
        return t(lang, f"answer.{value}")
    labels = {o.key: o.text[lang] for o in question.options}
    if question.type == "multi":
        return ", ".join(f"{k}) {labels.get(k, k)}" for k in value.split(",") if k)
    return labels.get(value, value)


def question_text(lang: str, q: Question) -> str:
    """The number and text, then the hint and the Word template's example, in italics."""
    notes = "".join(f"\n_{n[lang]}_" for n in (q.hint, q.example) if n)
    return f"*{q.id}* {q.text[lang]}{notes}"


@dataclass(frozen=True)
class Shown:
    """How a question is shown: to everyone (a card in the channel), or to one person whose
    own answer it shows (a private message; the card of a 1:1 chat), and whether its buttons
    go on to the person's next question (`næste spørgsmål`)."""

    personal: bool = False
    own: str | None = None  # the person's current answer (personal only)
    guided: bool = False
    tally: bool = True  # "2 har svaret." (not in a 1:1 chat: only one person answers there)


EVERYONE = Shown()
OWN_MARK = "✓ "  # before the person's own answer on a card that is theirs (as bot.own_view.MARK)
GUIDED = "g"  # the last argument of a button that goes on to the person's next question


def own_answer(view: AssessmentView, qid: str, member: str) -> str | None:
    return next(
        (a.value for a in view.answers.get(qid, ()) if a.member_external_id == member and a.value),
        None,
    )


def solo_answer(view: AssessmentView, qid: str) -> str | None:
    """The answer in a 1:1 chat's round: only its one person answers there."""
    return next((a.value for a in view.answers.get(qid, ()) if a.value), None)


def question_blocks(
    lang: str, view: AssessmentView, q: Question, shown: Shown = EVERYONE
) -> list[Block]:
    aid = view.id
    flag = (GUIDED,) if shown.guided else ()
    blocks: list[Block] = [Text(question_text(lang, q))]
    prev = previous_line(lang, view, q)
    if prev:
        blocks.append(Text(prev, "muted"))
    own = shown.own if shown.personal else None
    if not view.is_open:  # closed: what the round came to, without buttons to answer with
        blocks.append(Text(closed_line(lang, view, q, own), "muted"))
        return blocks
    if q.type == "multi":
        options = tuple(Choice(o.key, f"{o.key}) {o.text[lang]}") for o in q.options)
        selected = tuple(own.split(",")) if own else ()  # what the person chose stays ticked
        blocks.append(
            MultiSelect(
                actions.encode("multi", aid, q.id, *flag),
                t(lang, "q.multi_label"),
                options,
                selected=selected,
                submit_label=t(lang, "q.multi_submit"),
            )
        )
        buttons = [Button(t(lang, "q.comment"), actions.encode("cmt", aid, q.id))]
    else:
        buttons = [
            Button(
                # The person's own answer is marked as a click marks it (bot/own_view.py), so
                # that a card drawn again after a typed answer still shows it (a 1:1 chat).
                OWN_MARK + answer_label(lang, q, v) if v == own else answer_label(lang, q, v),
                actions.encode("ans", aid, q.id, v, *flag),
                "primary" if v == own else "default",
            )
            for v in q.choices()
        ]
        buttons.append(Button(t(lang, "q.comment"), actions.encode("cmt", aid, q.id)))
    blocks.append(Buttons(tuple(buttons)))
    status = question_status(view, q.id)
    if own is not None:
        blocks.append(Text(t(lang, "q.yours", answer=answer_label(lang, q, own)), "muted"))
    elif status.answered_by and shown.tally:
        key = "q.tally_disagree" if status.disagreement else "q.tally"
        blocks.append(Text(t(lang, key, n=status.answered_by), "muted"))
    return blocks


def closed_line(lang: str, view: AssessmentView, q: Question, own: str | None) -> str:
    """A question of a closed round: the team answer (or why there is none), and the
    person's own answer on their own card."""
    status = question_status(view, q.id)
    if status.team is not None:
        key = (
            "q.closed_single"
            if status.answered_by == 1 and status.source != "decision"
            else ("q.closed_team")
        )
        line = t(lang, key, answer=answer_label(lang, q, status.team))
    elif status.disagreement:
        line = t(lang, "q.closed_disagree")
    else:
        line = t(lang, "q.closed_none")
    if own is not None:
        line += " · " + t(lang, "q.yours", answer=answer_label(lang, q, own))
    return line


def question_message(
    lang: str, view: AssessmentView, q: Question, shown: Shown = EVERYONE
) -> Message:
    return Message(tuple(question_blocks(lang, view, q, shown)), f"{q.id} {q.text[lang]}")


def previous_line(lang: str, view: AssessmentView, q: Question) -> str | None:
    """Last round's team answer and comments, shown beside the question in a reassessment."""
    if view.previous is None:
        return None
    status = question_status(view.previous, q.id)
    if status.team is None:
        return None
    decision = view.previous.decisions.get(q.id)
    why = (
        decision.justification
        if decision
        else "; ".join(a.comment for a in view.previous.answers.get(q.id, ()) if a.comment)
    )
    text = t(lang, "q.previous", answer=answer_label(lang, q, status.team))
    return text + (f" – “{why}”" if why else "")


def element_message(
    lang: str,
    view: AssessmentView,
    element: Element,
    pace: Pace | None = None,
    questions: list[Question] | None = None,
    surface: Surface | None = None,
    *,
    last: bool = True,
) -> Message:
    """An element: its root message with the questions in its thread, or — in a chat without
    threads (`pace.flat`) — one card holding its `questions`, so the chat gets one message per
    element instead of one per question. `last`: no element comes after it."""
    pace = pace or Pace("all", THREADS)
    surface = surface or Surface()
    name = element.name[lang]
    header = t(lang, "element.header", number=element.number, name=name)
    blocks: list[Block] = [
        Text(header, "header"),
        Text(f"*{element.definition[lang]}*\n{element.description[lang]}"),
    ]
    # The method's advice, briefly, on every card (with threads or without); the whole text
    # is one private click away.
    advice = Text(t(lang, "advice.brainstorm") + " " + t(lang, "advice.comments"), "muted")
    if not view.is_open:  # closed: said instead of how to answer (`genåbn` opens it again)
        reopen = cmd(lang, surface, "genåbn")
        blocks.append(Text(t(lang, "element.closed", reopen=reopen), "muted"))
    if pace.flat:
        hint = t(lang, "element.card_hint_solo" if pace.solo else "element.card_hint")
        blocks += [Text(hint, "muted"), advice] if view.is_open else []
        shown = Shown(tally=not pace.solo)
        for q in questions or []:
            own = solo_answer(view, q.id) if pace.solo else None
            blocks += question_blocks(lang, view, q, replace(shown, personal=pace.solo, own=own))
    elif view.is_open:
        blocks += [Text(t(lang, "element.thread_hint"), "muted"), advice]
    more = Button(t(lang, "element.more_button"), actions.encode("el-more", element.number))
    notes = Button(
        t(lang, "element.notes_button"), actions.encode("notes", view.id, element.number)
    )
    buttons = [notes, more] if view.is_open else [more]  # the notes are written while open
    if view.is_open and not view.delimitation:  # asked for on every card until it is given
        scope = cmd(lang, surface, "afgrænsning …")
        blocks.append(Text(t(lang, "element.scope_missing", scope=scope), "muted"))
        buttons.append(Button(t(lang, "intro.scope_button"), actions.encode("scope", view.id)))
    if view.is_open and pace.pace == ONE and view.current_element == element.number and not last:
        blocks.append(
            Text(t(lang, "element.one_at_a_time", next=cmd(lang, surface, "næste")), "muted")
        )
        buttons.append(
            Button(t(lang, "element.next_button"), actions.encode("next-el", view.id), "primary")
        )
    blocks.append(Buttons(tuple(buttons)))
    return Message(tuple(blocks), header)


def element_questions(
    lang: str, view: AssessmentView, catalogue: Catalogue, element: Element
) -> list[tuple[Question, Message]]:
    return [(q, question_message(lang, view, q)) for q in asked_questions(view, catalogue, element)]


def asked_questions(view: AssessmentView, catalogue: Catalogue, element: Element) -> list[Question]:
    """The element's questions that are put to the team (2.3 once someone chose 2.2 c)."""
    if all(q.condition is None for q in element.questions):
        # (every element but the one with 2.3: no team answers to work out on each click)
        return list(element.questions)
    team = team_answers(view, catalogue)
    return [q for q in element.questions if q.condition is None or _asked(q, team, view)]


def _asked(q: Question, team: dict[str, str], view: AssessmentView) -> bool:
    """A conditional question is posted once anyone's answer to its condition includes it."""
    assert q.condition is not None
    other, option = q.condition
    return option in team.get(other, "").split(",") or any(
        option in (a.value or "").split(",") for a in view.answers.get(other, ())
    )


def guided_message(
    lang: str,
    view: AssessmentView,
    q: Question,
    element: Element,
    left: int,
    own: str | None,
    surface: Surface,
    *,
    elsewhere: Surface | None = None,
) -> Message:
    """One question for one person (`næste spørgsmål`): its buttons save the answer and bring
    the next question; `left`: the person's unanswered questions, this one included.
    `elsewhere`: the surface of the shared chat, when the question is sent to the person's
    own chat with the bot (typed words there would not reach the shared chat's round)."""
    head = t(lang, "q.guided_head", number=element.number, name=element.name[lang], left=left)
    hint_key = {"scale": "q.guided_scale", "multi": "q.guided_multi"}.get(q.type, "q.guided_single")
    typed = {"scale": "j", "multi": "svar a,c"}.get(q.type) or f"svar {q.options[0].key}"
    example = cmd(lang, surface, typed)
    hint = t(lang, hint_key, stop=cmd(lang, surface, "stop"), example=example)
    if elsewhere is not None:
        hint = t(lang, "q.guided_dm", stop=cmd(lang, elsewhere, "stop"))
    shown = Shown(personal=True, own=own, guided=True)
    blocks = [Text(head, "muted"), *question_blocks(lang, view, q, shown), Text(hint, "muted")]
    return Message(tuple(blocks), f"{q.id} {q.text[lang]}")


def own_answer_message(
    lang: str, view: AssessmentView, answers: list[tuple[Question, str]], *, typed: bool
) -> Message:
    """The person's own answer(s), privately: "Dit svar på 1.1: Ja" after a click, "Gemt: 1.1
    Ja." after a typed answer; for 2.2 its check boxes again, ticked as the person chose."""
    if len(answers) == 1:
        q, value = answers[0]
        key = "ok.answer" if typed else "ok.own_answer"
        line = t(lang, key, question=q.id, answer=answer_label(lang, q, value))
    else:
        listed = " · ".join(f"{q.id} {answer_label(lang, q, v)}" for q, v in answers)
        line = t(lang, "ok.answers", answers=listed)
    blocks: list[Block] = [Text(line)]
    for q, value in answers:
        if q.type == "multi":
            shown = Shown(personal=True, own=value)
            boxes = question_blocks(lang, view, q, shown)
            blocks += [b for b in boxes if isinstance(b, MultiSelect)]
    return Message(tuple(blocks), line)


def delimitation_line(lang: str, view: AssessmentView, ws: dict[str, object]) -> Text | None:
    """The delimitation under the progress and the summary; while the round is open and it is
    missing, how to write it (the method's first advice: "Start med at afgrænse")."""
    if view.delimitation:
        return Text(t(lang, "progress.delimitation", text=view.delimitation), "muted")
    if view.is_open:
        return Text(t(lang, "progress.no_delimitation", **ws), "muted")
    return None


def progress_message(
    lang: str,
    view: AssessmentView,
    catalogue: Catalogue,
    surface: Surface | None = None,
    *,
    scope_line: bool = True,
) -> Message:
    """How far the round is: the same total everywhere (the 59 questions every team answers;
    2.3 comes on top when it applies, and the note says so), answers by how they became the
    team's (agreement, the facilitator's decision, only 1 answer), open disagreements."""
    ws = words(lang, surface or Surface())
    n = tally(view, catalogue)
    state = t(lang, "progress.open" if view.is_open else "progress.closed")
    title = t(lang, "progress.title", practice=view.practice_name, round=view.round_no, state=state)
    answered = t(lang, "progress.of", done=n.answered, total=n.total)
    rows = (  # (how many are answered is the bar's: one "Besvaret", not two)
        (t(lang, "progress.agreed"), str(n.agreed)),
        (t(lang, "progress.decided"), str(n.decided)),
        (t(lang, "progress.single"), str(n.single)),
        (t(lang, "progress.disagreements"), str(n.disagreements)),
        (t(lang, "progress.people"), str(n.people)),
    )
    blocks: list[Text | Fields | Progress] = [
        Text(title, "header"),
        Progress(t(lang, "progress.bar"), n.answered, n.total),
        Fields(rows),
    ]
    line = delimitation_line(lang, view, ws)
    if line is not None and (scope_line or view.delimitation):
        blocks.append(line)
    if view.is_open:
        blocks.append(Text(t(lang, "progress.note", total=n.total, **ws), "muted"))
    return Message(tuple(blocks), f"{title}: {answered}")


def disagreement_message(
    lang: str,
    view: AssessmentView,
    catalogue: Catalogue,
    facilitator: bool,
    surface: Surface | None = None,
    list_id: str | None = None,
) -> Message:
    """The open disagreements with who answered what; a facilitator gets a button per question
    (`list_id`: this list's identity, carried by the buttons so that the list is drawn again
    without the question once its team answer is recorded)."""
    ws = words(lang, surface or Surface())
    ids = disagreements(view, catalogue)
    if not ids:
        return Message((Text(t(lang, "disagree.none")),), t(lang, "disagree.none"))
    count = plural(lang, "count.disagreement", len(ids))
    blocks: list[Text | Buttons] = [Text(t(lang, "disagree.title", count=count), "header")]
    for qid in ids:
        q = catalogue.question(qid)
        lines = [
            f"• {a.member_name}: {answer_label(lang, q, a.value)}"
            + (f" – “{a.comment}”" if a.comment else "")
            for a in view.answers.get(qid, ())
            if a.value
        ]
        blocks.append(Text(question_text(lang, q) + "\n" + "\n".join(lines)))
        if facilitator and view.is_open:
            args = (view.id, qid, list_id) if list_id else (view.id, qid)
            button = Button(t(lang, "disagree.decide"), actions.encode("dec", *args), "primary")
            blocks.append(Buttons((button,)))
    if not facilitator:
        blocks.append(Text(t(lang, "disagree.facilitator_hint", **ws), "muted"))
    return Message(tuple(blocks), t(lang, "disagree.title", count=count))
