"""Messages derived from the self-evaluation after a turn's operations are applied.

Keyed messages (intro, progress, each dimension, each question, each dimension's points) are
updated in place, never re-posted, so the channel is not flooded.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from dialogs.effects import Post, Refresh
from dialogs.i18n import t
from dialogs.messages import Message, Text, ToActorOnly, ToChannel
from dialogs.selfeval import views as v
from dialogs.selfeval.model import SelfEvalView, selfeval_of
from dialogs.turn import Turn
from scoring.org_catalogue import Dimension

if TYPE_CHECKING:
    from dialogs.selfeval.dialog import SelfEvalDialog

MAX_PRIVATE_QUESTIONS = 13  # all of them: the instrument is small


def render(dialog: SelfEvalDialog, r: Refresh, turn: Turn) -> list[Post]:
    view = selfeval_of(turn)
    if view is None or r.subject_id not in (None, view.id):
        return []
    cat, lang = dialog.catalogue, turn.lang
    match r.what:
        case "intro":
            return [Post(v.intro_message(lang, view, cat), ToChannel(), key=v.intro_key(view.id))]
        case "progress":
            msg = v.progress_message(lang, view, cat)
            return [Post(msg, ToChannel(), key=v.progress_key(view.id))]
        case "progress_private":
            return [Post(v.progress_message(lang, view, cat), ToActorOnly())]
        case "all_dims":
            posts = [Post(v.intro_message(lang, view, cat), ToChannel(), key=v.intro_key(view.id))]
            for dim in cat.dimensions:
                posts += dimension_posts(turn, view, dim, total=len(cat.dimensions))
            return posts
        case "dims_from":  # the dimensions from `arg` on (the pace became "all")
            return [
                post
                for dim in cat.dimensions[int(r.arg or 1) - 1 :]
                if view.posted(dim.number)
                for post in dimension_posts(turn, view, dim, total=len(cat.dimensions))
            ]
        case "dim":
            dim = cat.dimensions[int(r.arg or 0) - 1]
            return dimension_posts(turn, view, dim, total=len(cat.dimensions))
        case "dim_root":
            dim = cat.dimension(r.arg or "")
            return (
                [root_post(turn, view, dim, total=len(cat.dimensions))]
                if view.posted(dim.number)
                else []
            )
        case "question":
            q = cat.question(r.arg or "")
            dim = cat.dimension(q.dimension)
            if not view.posted(dim.number):
                return []
            thread = ToChannel(thread_key=v.dimension_key(view.id, dim.key))
            msg = v.question_message(lang, view, q)
            return [Post(msg, thread, key=v.question_key(view.id, q.id))]
        case "points":
            dim = cat.dimension(r.arg or "")
            return [points_post(turn, view, dim)]
        case "summary":
            return [Post(v.summary_message(lang, view, cat), ToChannel())]
        case "my_questions":
            return my_questions(dialog, turn, view)
    raise ValueError(f"unknown refresh {r.what}")


def root_post(turn: Turn, view: SelfEvalView, dim: Dimension, *, total: int) -> Post:
    msg = v.dimension_message(turn.lang, view, dim, total=total)
    return Post(msg, ToChannel(), key=v.dimension_key(view.id, dim.key))


def points_post(turn: Turn, view: SelfEvalView, dim: Dimension) -> Post:
    thread = ToChannel(thread_key=v.dimension_key(view.id, dim.key))
    msg = v.points_message(turn.lang, view, dim)
    return Post(msg, thread, key=v.points_key(view.id, dim.key))


def dimension_posts(turn: Turn, view: SelfEvalView, dim: Dimension, *, total: int) -> list[Post]:
    """A dimension's root message with its questions (and its points, if any) in the thread."""
    if not view.posted(dim.number):
        return []
    thread = ToChannel(thread_key=v.dimension_key(view.id, dim.key))
    posts = [root_post(turn, view, dim, total=total)]
    posts += [
        Post(v.question_message(turn.lang, view, q), thread, key=v.question_key(view.id, q.id))
        for q in dim.questions
    ]
    if view.points_of(dim.key):
        posts.append(points_post(turn, view, dim))
    return posts


def my_questions(dialog: SelfEvalDialog, turn: Turn, view: SelfEvalView) -> list[Post]:
    """The actor's questions without a reflection yet, privately (how the console catches up)."""
    me = turn.actor.external_id
    todo = [
        Post(v.question_message(turn.lang, view, q), ToActorOnly())
        for d in dialog.catalogue.dimensions
        if view.posted(d.number)
        for q in d.questions
        if view.my_reflection(q.id, me) is None
    ]
    if not todo:
        text = t(turn.lang, "se.ok.all_reflected")
        return [Post(Message((Text(text),), text), ToActorOnly())]
    return todo[:MAX_PRIVATE_QUESTIONS]
