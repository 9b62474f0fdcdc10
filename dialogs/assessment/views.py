"""Pure renderers for the assessment's messages in the neutral model."""

from __future__ import annotations

from dataclasses import dataclass, replace

from dialogs import actions
from dialogs.assessment.model import AssessmentView
from dialogs.assessment.pace import ONE, THREADS, Pace
from dialogs.assessment.team import (
    disagreements,
    gaps,
    question_status,
    single_answers,
    tally,
    team_answers,
)
from dialogs.assessment.words import command as cmd
from dialogs.i18n import change_text, plural, score_change, score_text, shown_score, t
from dialogs.messages import (
    Block,
    Button,
    Buttons,
    Choice,
    Fields,
    Generate,
    Message,
    MultiSelect,
    Progress,
    Text,
)
from dialogs.replies import words
from dialogs.turn import Surface
from scoring.catalogue import SCALE, Catalogue, Element, Question
from scoring.scores import ElementScore, all_scores
from scoring.table import ScoringTable


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
                answer_label(lang, q, v),
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
    if pace.flat:
        hint = t(lang, "element.card_hint_solo" if pace.solo else "element.card_hint")
        blocks += [Text(hint, "muted"), advice]
        shown = Shown(tally=not pace.solo)
        for q in questions or []:
            own = solo_answer(view, q.id) if pace.solo else None
            blocks += question_blocks(lang, view, q, replace(shown, personal=pace.solo, own=own))
    else:
        blocks += [Text(t(lang, "element.thread_hint"), "muted"), advice]
    buttons = [
        Button(t(lang, "element.notes_button"), actions.encode("notes", view.id, element.number)),
        Button(t(lang, "element.more_button"), actions.encode("el-more", element.number)),
    ]
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
) -> Message:
    """One question for one person (`næste spørgsmål`): its buttons save the answer and bring
    the next question; `left`: the person's unanswered questions, this one included."""
    head = t(lang, "q.guided_head", number=element.number, name=element.name[lang], left=left)
    hint_key = {"scale": "q.guided_scale", "multi": "q.guided_multi"}.get(q.type, "q.guided_single")
    typed = {"scale": "j", "multi": "svar a,c"}.get(q.type) or f"svar {q.options[0].key}"
    example = cmd(lang, surface, typed)
    hint = t(lang, hint_key, stop=cmd(lang, surface, "stop"), example=example)
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


def _delimitation_line(lang: str, view: AssessmentView, ws: dict[str, object]) -> Text | None:
    """The delimitation under the progress and the summary; while the round is open and it is
    missing, how to write it (the method's first advice: "Start med at afgrænse")."""
    if view.delimitation:
        return Text(t(lang, "progress.delimitation", text=view.delimitation), "muted")
    if view.is_open:
        return Text(t(lang, "progress.no_delimitation", **ws), "muted")
    return None


def progress_message(
    lang: str, view: AssessmentView, catalogue: Catalogue, surface: Surface | None = None
) -> Message:
    """How far the round is: the same total everywhere (the 59 questions every team answers;
    2.3 comes on top when it applies, and the note says so), answers by how they became the
    team's (agreement, the facilitator's decision, only 1 answer), open disagreements."""
    ws = words(lang, surface or Surface())
    n = tally(view, catalogue)
    state = t(lang, "progress.open" if view.is_open else "progress.closed")
    title = t(lang, "progress.title", practice=view.practice_name, round=view.round_no, state=state)
    answered = t(lang, "progress.of", done=n.answered, total=n.total)
    rows = (
        (t(lang, "progress.answered"), answered),
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
    line = _delimitation_line(lang, view, ws)
    if line is not None:
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


# An element's score is named as the highest or lowest only when at least half of its scored
# questions have a team answer: one answered question of six says little about the element.
ENOUGH_SHARE = 0.5


def has_enough_answers(s: ElementScore) -> bool:
    return s.score is not None and s.answered >= ENOUGH_SHARE * s.total


def highest_lowest(scores: list[ElementScore]) -> tuple[list[int], list[int]]:
    """The elements with the highest and the lowest score among those with enough answers
    (ties all named); nothing when fewer than two qualify or all show the same score, so
    that one element is never both."""
    shown = {s.number: shown_score(s.score) for s in scores if has_enough_answers(s)}
    if len(shown) < 2:
        return [], []
    top, low = max(shown.values()), min(shown.values())  # type: ignore[type-var]
    if top == low:
        return [], []
    return [n for n, v in shown.items() if v == top], [n for n, v in shown.items() if v == low]


def score_row(lang: str, s: ElementScore, before: ElementScore | None) -> str:
    """An element's row: its score, "3 af 6 besvaret" when partly answered, the change."""
    value = score_text(s.score, lang)
    if s.partial:
        value += " · " + t(lang, "summary.partial", answered=s.answered, total=s.total)
    change = score_change(s.score, before.score if before else None)
    if change is not None:
        value += " " + t(lang, "summary.change", change=change_text(change, lang))
    return value


def summary_message(
    lang: str,
    view: AssessmentView,
    catalogue: Catalogue,
    table: ScoringTable,
    surface: Surface | None = None,
) -> Message:
    ws = words(lang, surface or Surface())
    team = team_answers(view, catalogue)
    scores = all_scores(catalogue, table, team)
    previous = (
        all_scores(catalogue, table, team_answers(view.previous, catalogue))
        if view.previous
        else None
    )
    rows = [
        (
            f"{s.number}. {catalogue.element(s.number).name[lang]}",
            score_row(lang, s, previous[s.number - 1] if previous else None),
        )
        for s in scores
    ]
    title = t(lang, "summary.title", practice=view.practice_name, round=view.round_no)
    chart_alt = t(lang, "summary.chart_alt", practice=view.practice_name, round=view.round_no)
    blocks: list[Text | Fields | Generate] = [Text(title, "header")]
    if view.is_open:
        blocks.append(Text(t(lang, "summary.preliminary", **ws), "muted"))
    line = _delimitation_line(lang, view, ws)
    if line is not None:
        blocks.append(line)
    blocks += [Fields(tuple(rows)), Generate("radar", view.id, chart_alt)]
    if view.previous is not None:
        blocks.append(Text(t(lang, "summary.change_note", round=view.previous.round_no), "muted"))
    blocks.append(Text(_highest_lowest_text(lang, catalogue, scores)))
    single = single_answers(view, catalogue)
    if single:
        blocks.append(Text(t(lang, "summary.single", ids=", ".join(single))))
    open_ids = disagreements(view, catalogue)
    if open_ids:
        count = plural(lang, "count.disagreement", len(open_ids))
        blocks.append(Text(t(lang, "summary.disagreements", count=count, ids=", ".join(open_ids))))
    flagged: dict[str, list[str]] = {}
    for f in (f for s in scores for f in s.flags):
        flagged.setdefault(f.flag, []).append(f.question)
    for flag, qids in flagged.items():
        blocks.append(Text(t(lang, f"flag.{flag}", questions=", ".join(qids))))
    potentials = [(n, p) for n, (_o, p) in sorted(view.notes.items()) if p]
    if potentials:
        lines = "\n".join(f"• {catalogue.element(n).name[lang]}: {p}" for n, p in potentials)
        blocks.append(Text(t(lang, "summary.potentials") + "\n" + lines))
    if view.overall_potentials:
        blocks.append(Text(t(lang, "summary.overall_potentials", text=view.overall_potentials)))
    blocks.append(Text(t(lang, "summary.guide"), "muted"))
    fallback = title + "\n" + "\n".join(f"{a}: {b}" for a, b in rows)
    return Message(tuple(blocks), fallback)


def _highest_lowest_text(lang: str, catalogue: Catalogue, scores: list[ElementScore]) -> str:
    """Where the team stands highest and lowest, only when the answers carry it; and always
    that the team decides what to develop (the method: "how are we promising, how can we
    become more promising" – not "what is our score")."""
    best, worst = highest_lowest(scores)
    decide = t(lang, "summary.decide")
    if not best:
        return t(lang, "summary.too_few") + " " + decide

    def named(numbers: list[int]) -> str:
        value = score_text(scores[numbers[0] - 1].score, lang)
        names = t(lang, "summary.and").join(catalogue.element(n).name[lang] for n in numbers)
        return f"{names} ({value})"

    said = t(lang, "summary.highest_lowest", highest=named(best), lowest=named(worst))
    return said + " " + decide


# ---- before closing: the gaps, and a confirmation ----
CONFIRM_MINUTES = 15  # a typed `luk` confirms the gaps shown this long ago at most
MAX_IDS = 24  # question numbers listed per gap; the rest are counted


def _ids(lang: str, ids: tuple[str, ...]) -> str:
    shown = ", ".join(ids[:MAX_IDS])
    more = len(ids) - MAX_IDS
    return shown + (" " + t(lang, "close.more", n=more) if more > 0 else "")


def ranges(numbers: list[int]) -> str:
    """1, 2, 3, 5 → "1–3, 5"."""
    runs: list[list[int]] = []
    for n in sorted(numbers):
        if runs and n == runs[-1][-1] + 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    return ", ".join(f"{r[0]}–{r[-1]}" if len(r) > 2 else ", ".join(map(str, r)) for r in runs)


def _unanswered(lang: str, catalogue: Catalogue, ids: tuple[str, ...]) -> str:
    """The unanswered questions, whole elements named as such ("1.3, 1.4 og hele element
    2–11"): early in a round most of the 59 are, and a list of numbers says little."""
    missing = set(ids)
    whole = [
        e.number
        for e in catalogue.elements
        if (asked := [q.id for q in e.questions if q.id in missing or not q.condition])
        and all(qid in missing for qid in asked)
    ]
    loose = tuple(qid for qid in ids if catalogue.question(qid).element not in whole)
    if not whole:
        return _ids(lang, loose)
    key = "close.whole_element" if len(whole) == 1 else "close.whole_elements"
    elements = t(lang, key, numbers=ranges(whole))
    return t(lang, "close.and", first=_ids(lang, loose), then=elements) if loose else elements


def close_check_message(
    lang: str,
    view: AssessmentView,
    catalogue: Catalogue,
    surface: Surface | None = None,
    reopen_days: int = 0,
) -> Message:
    """What the team has not done yet (unanswered questions, questions with only 1 answer,
    open disagreements, elements without a Samlet vurdering, the delimitation), what closing
    means, and the buttons that close or keep the round open."""
    ws = words(lang, surface or Surface())
    g = gaps(view, catalogue)
    lines = []
    if g.unanswered:
        count = plural(lang, "count.question", len(g.unanswered))
        ids = _unanswered(lang, catalogue, g.unanswered)
        lines.append(t(lang, "close.unanswered", count=count, ids=ids))
    if g.single:
        count = plural(lang, "count.question", len(g.single))
        lines.append(t(lang, "close.single", count=count, ids=_ids(lang, g.single)))
    if g.disagreements:
        count = plural(lang, "count.disagreement", len(g.disagreements))
        ids = _ids(lang, g.disagreements)
        lines.append(t(lang, "close.disagreements", count=count, ids=ids, **ws))
    if g.without_notes:
        count = plural(lang, "count.element", len(g.without_notes))
        names = ranges(list(g.without_notes))
        lines.append(t(lang, "close.without_notes", count=count, names=names, **ws))
    if g.no_delimitation:
        lines.append(t(lang, "close.no_delimitation", **ws))
    title = t(lang, "close.title", practice=view.practice_name)
    body = "\n".join(f"• {line}" for line in lines) if lines else t(lang, "close.complete")
    after = (
        t(lang, "close.after", days=plural(lang, "count.day", reopen_days), **ws)
        if reopen_days
        else t(lang, "close.after_final", **ws)
    )
    buttons = Buttons(
        (
            Button(t(lang, "close.button"), actions.encode("close-ok", view.id), "danger"),
            Button(t(lang, "close.keep_button"), actions.encode("close-no", view.id)),
        )
    )
    ask = t(lang, "close.ask", minutes=CONFIRM_MINUTES, **ws)
    return Message(
        (Text(title, "header"), Text(body), Text(after), buttons, Text(ask, "muted")),
        title + "\n" + body,
    )


# `eksport` formats -> the generator kinds that produce them (bot/generators/assessment.py);
# with `alle runder` Excel and CSV carry every round of the practice (the report is the
# round's own, compared with the one before).
EXPORT_KINDS = {"docx": "report_docx", "xlsx": "export_xlsx", "csv": "export_csv"}
ROUNDS_KINDS = {"docx": "report_docx", "xlsx": "export_xlsx_rounds", "csv": "export_csv_rounds"}


def history_message(lang: str, view: AssessmentView) -> Message:
    """Element scores of every round of the practice: a table the bot draws after commit."""
    title = t(lang, "history.title", practice=view.practice_name)
    alt = t(lang, "history.alt", practice=view.practice_name)
    return Message(
        (Text(title, "header"), Text(t(lang, "history.intro")), Generate("history", view.id, alt)),
        title,
    )


def export_message(
    lang: str, view: AssessmentView, formats: tuple[str, ...], all_rounds: bool = False
) -> Message:
    """The Word report and the raw answers as files, produced after commit."""
    key = "export.title_rounds" if all_rounds else "export.title"
    title = t(lang, key, practice=view.practice_name, round=view.round_no)
    blocks: list[Text | Generate] = [Text(title, "header"), Text(t(lang, "export.intro"))]
    if all_rounds:
        blocks.append(Text(t(lang, "export.rounds_note", round=view.round_no), "muted"))
    if view.is_open:
        blocks.append(Text(t(lang, "export.draft"), "muted"))
    kinds, suffix = (ROUNDS_KINDS, "_rounds") if all_rounds else (EXPORT_KINDS, "")
    blocks += [
        Generate(kinds[f], view.id, t(lang, f"export.file.{f}{suffix if f != 'docx' else ''}"))
        for f in formats
    ]
    return Message(tuple(blocks), title)


__all__ = ["SCALE"]
