"""Pure renderers for the round's results and its end: the score summary (with the highest
and lowest among elements with enough answers), the gaps before closing and the confirmation,
the history and the export messages. The messages of answering are views.py's."""

from __future__ import annotations

from dialogs import actions
from dialogs.assessment.model import AssessmentView
from dialogs.assessment.team import (
    disagreements,
    gaps,
    single_answers,
    team_answers,
)
from dialogs.assessment.views import delimitation_line
from dialogs.board.model import open_button
from dialogs.i18n import change_text, plural, score_change, score_text, shown_score, t
from dialogs.messages import (
    Button,
    Buttons,
    Fields,
    Generate,
    Message,
    Text,
)
from dialogs.replies import words
from dialogs.turn import Surface
from scoring.catalogue import SCALE, Catalogue
from scoring.scores import ElementScore, all_scores
from scoring.table import ScoringTable

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
    blocks: list[Text | Fields | Generate | Buttons] = [Text(title, "header")]
    if view.is_open:
        blocks.append(Text(t(lang, "summary.preliminary", **ws), "muted"))
    line = delimitation_line(lang, view, ws)
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
    blocks.append(Buttons((open_button(lang),)))  # the whole round on a screen: `tavle`
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


def close_key(aid: int, stamp: int) -> str:
    """The key of the gaps shown before closing (one per `luk`: each asks anew)."""
    return f"close:{aid}:{stamp}"


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
    stamp: int | None = None,
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
    if not view.is_open:  # drawn again once closed: what was missing, and no buttons
        done = t(lang, "close.done", **ws)
        return Message(
            (Text(title, "header"), Text(body), Text(done, "muted")), title + "\n" + body
        )
    after = (
        t(lang, "close.after", days=plural(lang, "count.day", reopen_days), **ws)
        if reopen_days
        else t(lang, "close.after_final", **ws)
    )
    # The buttons carry the message's stamp: closing draws this very message again.
    args = (view.id, stamp) if stamp is not None else (view.id,)
    buttons = Buttons(
        (
            Button(t(lang, "close.button"), actions.encode("close-ok", *args), "danger"),
            Button(t(lang, "close.keep_button"), actions.encode("close-no", *args)),
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
