"""Messages derived from the state after a turn: progress, element threads, summaries.

A dialog step cannot render these itself because it runs before its own data operations are
applied (a new round has no id yet). The engine reloads the turn and calls `render`.
"""

from __future__ import annotations

from dataclasses import replace

from dialogs import actions
from dialogs.assessment.model import AssessmentView, assessment_of
from dialogs.assessment.pace import FLAT, Pace
from dialogs.assessment.result_views import close_check_message, close_key, summary_message
from dialogs.assessment.status import scope_blocks, status_message
from dialogs.assessment.team import member_applies, question_status
from dialogs.assessment.views import (
    asked_questions,
    disagreement_message,
    element_message,
    guided_message,
    own_answer,
    progress_message,
    question_message,
)
from dialogs.assessment.words import command as cmd
from dialogs.assessment.words import typed_here
from dialogs.effects import Post, Refresh
from dialogs.i18n import t
from dialogs.messages import Button, Buttons, Message, Text, ToActorOnly, ToChannel, ToMember
from dialogs.settings import prefs
from dialogs.turn import Surface, Turn
from scoring.catalogue import Catalogue, Question
from scoring.table import ScoringTable

MAX_PRIVATE_QUESTIONS = 15


def progress_key(aid: int) -> str:
    return f"progress:{aid}"


def element_key(aid: int, number: int) -> str:
    return f"element:{aid}:{number}"


def question_key(aid: int, qid: str) -> str:
    return f"q:{aid}:{qid}"


def disagreement_key(aid: int, list_id: str) -> str:
    return f"disagree:{aid}:{list_id}"


def element_posted(view: AssessmentView, number: int) -> bool:
    return view.pacing is not None and number <= (view.current_element or 0)


def pace_of(view: AssessmentView, turn: Turn) -> Pace:
    return Pace.of(view.pacing, turn.surface)


def card_key(view: AssessmentView, pace: Pace, q: Question) -> str:
    """The keyed message that shows `q` to everyone: its own, or its element's card."""
    return element_key(view.id, q.element) if pace.flat else question_key(view.id, q.id)


def intro_message(lang: str, view: AssessmentView, surface: Surface | None = None) -> Message:
    surface = surface or Surface()
    aid = view.id
    title = t(lang, "intro.title", practice=view.practice_name, round=view.round_no)
    flat = Pace.of(view.pacing, surface).flat
    pace = t(
        lang,
        "intro.pace_flat" if flat else "intro.pace",
        next=cmd(lang, surface, "næste"),
        tempo=cmd(lang, surface, "tempo alle"),
    )
    return Message(
        (
            Text(title, "header"),
            Text(t(lang, "intro.what")),
            Text(t(lang, "intro.scope_ask", scope=cmd(lang, surface, "afgrænsning …"))),
            Text(
                pace + " " + t(lang, "intro.guided", guided=cmd(lang, surface, "næste spørgsmål"))
            ),
            # Seed 001's advice on who takes part, in one line (issue 17 kept this message to
            # a greeting and steps); the rest of the advice is the help topic it names.
            Text(
                t(
                    lang,
                    "intro.advice",
                    group=t(lang, "advice.group"),
                    more=surface.command(t(lang, "intro.advice_more")),
                ),
                "muted",
            ),
            Buttons(
                (
                    Button(t(lang, "intro.scope_button"), actions.encode("scope", aid)),
                    Button(
                        t(lang, "intro.pace_one"), actions.encode("pace", aid, "one"), "primary"
                    ),
                    Button(t(lang, "intro.pace_all"), actions.encode("pace", aid, "all")),
                )
            ),
        ),
        title,
    )


class Renderer:
    def __init__(self, catalogue: Catalogue, table: ScoringTable) -> None:
        self.catalogue, self.table = catalogue, table

    def render(self, refresh: Refresh, turn: Turn) -> list[Post]:
        view = assessment_of(turn)
        if view is None or (refresh.subject_id not in (None, view.id)):
            return []
        lang = turn.lang
        match refresh.what:
            case "intro":
                return [Post(intro_message(lang, view, turn.surface))]
            case "progress":
                msg = progress_message(lang, view, self.catalogue, turn.surface)
                return [Post(msg, ToChannel(), key=progress_key(view.id))]
            case "progress_private":
                msg = progress_message(lang, view, self.catalogue, turn.surface)
                return [Post(msg, ToActorOnly())]
            case "status":  # `status`: the progress, the pace and the delimitation in one
                asked = bool(scope_blocks(turn, view))  # (then not in the progress as well)
                shown = progress_message(
                    lang, view, self.catalogue, turn.surface, scope_line=not asked
                )
                msg = status_message(shown, turn, view, len(self.catalogue.elements))
                return [Post(msg, ToActorOnly())]
            case "summary":
                msg = summary_message(lang, view, self.catalogue, self.table, turn.surface)
                return [Post(msg)]
            case "disagreements":  # a facilitator's list, kept up to date as they decide
                list_id = refresh.arg or ""
                msg = disagreement_message(
                    lang, view, self.catalogue, turn.is_facilitator, turn.surface, list_id
                )
                return [Post(msg, ToActorOnly(), key=disagreement_key(view.id, list_id))]
            case "elements":  # those from `arg` (the first: 1) to the current one
                return [
                    p
                    for n in range(int(refresh.arg or 1), (view.current_element or 0) + 1)
                    for p in self.element_posts(turn, view, n)
                ]
            case "element":
                return self.element_posts(turn, view, int(refresh.arg or 0))
            case "element_roots":  # every element's card, as the round closed or reopened
                return [
                    p
                    for n in range(1, (view.current_element or 0) + 1)
                    for p in self.element_posts(turn, view, n, root_only=True)
                ]
            case "close_check":  # the gaps shown before closing, drawn again (`arg`: its stamp)
                stamp = int(refresh.arg or 0)
                days = prefs(turn).reopen_days
                msg = close_check_message(lang, view, self.catalogue, turn.surface, days, stamp)
                return [Post(msg, ToActorOnly(), key=close_key(view.id, stamp))]
            case "element_root":  # its "next" button came or went
                return self.element_posts(turn, view, int(refresh.arg or 0), root_only=True)
            case "question":
                return self.question_posts(turn, view, [self.catalogue.question(refresh.arg or "")])
            case "conditional":
                dependants = [
                    q
                    for q in self.catalogue.questions
                    if q.condition and q.condition[0] == refresh.arg
                ]
                return self.question_posts(turn, view, dependants)
            case "my_questions":
                return self.my_questions(turn, view)
            case "guided":
                return self.guided(turn, view, refresh.arg or "")
        raise ValueError(f"unknown refresh {refresh.what}")

    def element_posts(
        self, turn: Turn, view: AssessmentView, number: int, *, root_only: bool = False
    ) -> list[Post]:
        """An element's card (a chat without threads: holding its questions), else its root
        message and its questions in its thread."""
        if not element_posted(view, number):
            return []
        pace = pace_of(view, turn)
        element = self.catalogue.element(number)
        asked = asked_questions(view, self.catalogue, element)
        msg = element_message(
            turn.lang,
            view,
            element,
            pace,
            asked,
            turn.surface,
            last=number >= len(self.catalogue.elements),
        )
        root = Post(msg, ToChannel(), key=element_key(view.id, number))
        if pace.flat or root_only:
            return [root]
        thread = ToChannel(thread_key=element_key(view.id, number))
        return [root] + [
            Post(question_message(turn.lang, view, q), thread, key=question_key(view.id, q.id))
            for q in asked
        ]

    def question_posts(self, turn: Turn, view: AssessmentView, qs: list[Question]) -> list[Post]:
        pace = pace_of(view, turn)
        posts: list[Post] = []
        for q in qs:
            if not element_posted(view, q.element):
                continue
            if pace.flat:  # the question is on its element's card
                if not any(p.key == element_key(view.id, q.element) for p in posts):
                    posts += self.element_posts(turn, view, q.element)
                continue
            element = self.catalogue.element(q.element)
            if q in asked_questions(view, self.catalogue, element):
                thread = ToChannel(thread_key=element_key(view.id, q.element))
                msg = question_message(turn.lang, view, q)
                posts.append(Post(msg, thread, key=question_key(view.id, q.id)))
        return posts

    def my_questions(self, turn: Turn, view: AssessmentView) -> list[Post]:
        """The actor's unanswered questions, privately (also how the console catches up)."""
        todo = [
            Post(question_message(turn.lang, view, q), ToActorOnly())
            for q in unanswered(view, self.catalogue, turn.actor.external_id)
        ]
        if not todo:
            return [self.all_answered(turn, view)]
        more = len(todo) - MAX_PRIVATE_QUESTIONS
        tail = [private(t(turn.lang, "q.more", n=more, again=typed_here(turn, "spørgsmål")))]
        return todo[:MAX_PRIVATE_QUESTIONS] + (tail if more > 0 else [])

    def all_answered(self, turn: Turn, view: AssessmentView) -> Post:
        """Nothing left for the person: thanks, and what comes next."""
        text = t(turn.lang, "ok.all_answered")
        if (view.current_element or 0) < len(self.catalogue.elements):
            text += " " + t(turn.lang, "ok.more_elements", next=typed_here(turn, "næste"))
        return private(text)

    def guided(self, turn: Turn, view: AssessmentView, qid: str) -> list[Post]:
        """The person's next question, one at a time (`næste spørgsmål`). In a chat several
        people share without threads (a Teams group chat) a "private" reply is seen by all:
        the questions go to the person's own chat with the bot there (their buttons act on
        the shared chat's round)."""
        target = guided_target(view, turn)
        if not qid or not self.catalogue.has_question(qid):
            done = self.all_answered(turn, view)
            return [replace(done, target=target)]
        q = self.catalogue.question(qid)
        me = turn.actor.external_id
        left = len(unanswered(view, self.catalogue, me))
        element = self.catalogue.element(q.element)
        # (typed in the 1:1 chat, a command would act on that chat: the buttons are the way)
        elsewhere = turn.surface if isinstance(target, ToMember) else None
        own = own_answer(view, q.id, me)
        msg = guided_message(
            turn.lang, view, q, element, left, own, turn.surface, elsewhere=elsewhere
        )
        return [Post(msg, target)]


def guided_target(view: AssessmentView, turn: Turn) -> ToActorOnly | ToMember:
    """Where a person's one-at-a-time questions go: privately where they are, or — in a
    shared chat without threads (the round's layout, whatever chat the click came from) —
    to their own chat with the bot."""
    if pace_of(view, turn).layout == FLAT:
        return ToMember(turn.actor.external_id)
    return ToActorOnly()


def private(text: str) -> Post:
    return Post(Message((Text(text),), text), ToActorOnly())


def unanswered(view: AssessmentView, catalogue: Catalogue, member: str) -> list[Question]:
    """The member's questions without an answer, in order, in the elements put to the team."""
    return [
        q
        for e in catalogue.elements
        if element_posted(view, e.number)
        for q in asked_questions(view, catalogue, e)
        if own_answer(view, q.id, member) is None and member_applies(q, view, member)
    ]


__all__ = ["Renderer", "question_status"]
