"""Messages derived from the state after a turn: progress, element threads, summaries.

A dialog step cannot render these itself because it runs before its own data operations are
applied (a new round has no id yet). The engine reloads the turn and calls `render`.
"""

from __future__ import annotations

from dialogs import actions
from dialogs.assessment.model import AssessmentView, assessment_of
from dialogs.assessment.team import member_applies, question_status
from dialogs.assessment.views import (
    disagreement_message,
    element_message,
    element_questions,
    progress_message,
    summary_message,
)
from dialogs.effects import Post, Refresh
from dialogs.i18n import t
from dialogs.messages import Button, Buttons, Message, Text, ToActorOnly, ToChannel
from dialogs.turn import Turn
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


def intro_message(lang: str, view: AssessmentView) -> Message:
    aid = view.id
    return Message(
        (
            Text(
                t(lang, "intro.title", practice=view.practice_name, round=view.round_no), "header"
            ),
            Text(t(lang, "intro.what")),
            Text(t(lang, "intro.scope_ask")),
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
        t(lang, "intro.title", practice=view.practice_name, round=view.round_no),
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
                return [Post(intro_message(lang, view))]
            case "progress":
                msg = progress_message(lang, view, self.catalogue, turn.surface)
                return [Post(msg, ToChannel(), key=progress_key(view.id))]
            case "progress_private":
                msg = progress_message(lang, view, self.catalogue, turn.surface)
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
            case "elements":
                return [
                    p
                    for n in range(1, (view.current_element or 0) + 1)
                    for p in self.element_posts(turn, view, n)
                ]
            case "element":
                return self.element_posts(turn, view, int(refresh.arg or 0))
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
        raise ValueError(f"unknown refresh {refresh.what}")

    def element_posts(self, turn: Turn, view: AssessmentView, number: int) -> list[Post]:
        if not element_posted(view, number):
            return []
        element = self.catalogue.element(number)
        root = Post(
            element_message(turn.lang, view, element), ToChannel(), key=element_key(view.id, number)
        )
        thread = ToChannel(thread_key=element_key(view.id, number))
        return [root] + [
            Post(msg, thread, key=question_key(view.id, q.id))
            for q, msg in element_questions(turn.lang, view, self.catalogue, element)
        ]

    def question_posts(self, turn: Turn, view: AssessmentView, qs: list[Question]) -> list[Post]:
        posts = []
        for q in qs:
            if not element_posted(view, q.element):
                continue
            element = self.catalogue.element(q.element)
            for question, msg in element_questions(turn.lang, view, self.catalogue, element):
                if question.id == q.id:
                    thread = ToChannel(thread_key=element_key(view.id, q.element))
                    posts.append(Post(msg, thread, key=question_key(view.id, q.id)))
        return posts

    def my_questions(self, turn: Turn, view: AssessmentView) -> list[Post]:
        """The actor's unanswered questions, privately (also how the console catches up)."""
        me = turn.actor.external_id
        todo = []
        for e in self.catalogue.elements:
            if not element_posted(view, e.number):
                continue
            for q, msg in element_questions(turn.lang, view, self.catalogue, e):
                mine = any(
                    a.member_external_id == me and a.value for a in view.answers.get(q.id, ())
                )
                if not mine and member_applies(q, view, me):
                    todo.append(Post(msg, ToActorOnly()))
        if not todo:
            return [
                Post(
                    Message(
                        (Text(t(turn.lang, "ok.all_answered")),), t(turn.lang, "ok.all_answered")
                    ),
                    ToActorOnly(),
                )
            ]
        more = len(todo) - MAX_PRIVATE_QUESTIONS
        tail = (
            [
                Post(
                    Message(
                        (Text(t(turn.lang, "q.more", n=more)),), t(turn.lang, "q.more", n=more)
                    ),
                    ToActorOnly(),
                )
            ]
            if more > 0
            else []
        )
        return todo[:MAX_PRIVATE_QUESTIONS] + tail


__all__ = ["Renderer", "question_status"]
