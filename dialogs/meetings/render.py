"""Messages derived from the state after a turn (the engine calls `render` for our Refreshes).

Kinds (`Refresh.what`, owner "meetings"):
  planned            the newest meeting's root message and the private preparation requests
  preps <mid>        every participant's preparation request, updated (the meeting started…)
  prep <mid>-<ext>   one participant's preparation request (posted, or updated once prepared)
  root <mid>         the meeting's root message (its thread), updated in place
  step <mid>         the step just closed (final form) and the step just opened
  observations <mid> the Udforsk message (observations, votes, chosen themes)
  theme <mid>-<tid>  one theme with its interpretations
  paper <mid>        the agreement paper
  summary <mid>      the meeting summary (posted at the end)
  agreement <aid>    every message in the channel that shows the agreement
"""

from __future__ import annotations

from dialogs.assessment.model import assessment_of
from dialogs.effects import Post, Refresh
from dialogs.meetings import step_views, views
from dialogs.meetings.model import (
    ACT,
    EXPLORE,
    FINISHED,
    INTERPRET,
    SINCE,
    AgreementView,
    MeetingsData,
    MeetingView,
    meetings_of,
)
from dialogs.messages import ToChannel, ToMember
from dialogs.turn import Turn
from scoring.catalogue import Catalogue
from scoring.table import ScoringTable


class Renderer:
    def __init__(self, catalogue: Catalogue, table: ScoringTable) -> None:
        self.catalogue, self.table = catalogue, table

    def render(self, refresh: Refresh, turn: Turn) -> list[Post]:
        data = meetings_of(turn)
        look = views.Look.of(turn, self.catalogue, self.table)
        arg = refresh.arg or ""
        if refresh.what == "planned":
            m = data.latest
            return self.planned(look, turn, m, data) if m is not None else []
        if refresh.what == "agreement":
            return self.agreement(look, data, int(arg)) if arg.isdigit() else []
        mid_text, _, sub = arg.partition("-")  # sub: a theme id, or a member's external id
        m = data.meeting(int(mid_text)) if mid_text.isdigit() else None
        if m is None:
            return []
        match refresh.what:
            case "root":
                return [self.root(look, turn, m)]
            case "preps":
                return self.preps(look, turn, m, data)
            case "prep":
                return self.preps(look, turn, m, data, only=sub)
            case "step":
                return self.step(look, m, data)
            case "observations":
                return [self.observations(look, m)]
            case "theme":
                return self.themes(look, m, only=int(sub) if sub.isdigit() else None)
            case "paper":
                return [self.paper(look, m, data)]
            case "summary":
                msg = step_views.summary_message(look, m, data, assessment_of(turn))
                return [Post(msg, ToChannel(), key=views.summary_key(m.id))]
        raise ValueError(f"unknown refresh {refresh.what}")

    # ---- pieces ----
    def root(self, look: views.Look, turn: Turn, m: MeetingView) -> Post:
        msg = views.root_message(look, m, assessment_of(turn))
        return Post(msg, ToChannel(), key=views.root_key(m.id))

    def planned(
        self, look: views.Look, turn: Turn, m: MeetingView, data: MeetingsData
    ) -> list[Post]:
        return [self.root(look, turn, m), *self.preps(look, turn, m, data)]

    def preps(
        self,
        look: views.Look,
        turn: Turn,
        m: MeetingView,
        data: MeetingsData,
        only: str | None = None,
    ) -> list[Post]:
        """The private preparation requests, each under its own key: posted once, then updated
        (its buttons go once the meeting has started)."""
        assessment = assessment_of(turn)
        return [
            Post(
                views.preparation_request(look, m, p.external_id, assessment, data),
                ToMember(p.external_id),
                key=views.prep_key(m.id, p.external_id),
            )
            for p in m.participants
            if only is None or p.external_id == only
        ]

    def thread(self, m: MeetingView) -> ToChannel:
        return ToChannel(thread_key=views.root_key(m.id))

    def header(self, look: views.Look, m: MeetingView, number: int) -> Post:
        msg = step_views.step_header(look, m, number)
        return Post(msg, self.thread(m), key=views.step_key(m.id, number))

    def observations(self, look: views.Look, m: MeetingView) -> Post:
        msg = step_views.observations_message(look, m)
        return Post(msg, self.thread(m), key=views.observations_key(m.id))

    def themes(self, look: views.Look, m: MeetingView, only: int | None = None) -> list[Post]:
        if not m.themes:
            return [Post(step_views.themes_empty(look), self.thread(m))] if only is None else []
        return [
            Post(
                step_views.theme_message(look, m, i, theme),
                self.thread(m),
                key=views.theme_key(m.id, theme.id),
            )
            for i, theme in enumerate(m.themes, 1)
            if only is None or theme.id == only
        ]

    def paper(self, look: views.Look, m: MeetingView, data: MeetingsData) -> Post:
        msg = step_views.paper_message(look, m, data)
        return Post(msg, self.thread(m), key=views.paper_key(m.id))

    def since(self, look: views.Look, m: MeetingView, data: MeetingsData) -> list[Post]:
        items = [a for a in (data.agreement(i) for i in m.reviewed) if a is not None]
        if not items:
            return [Post(step_views.since_empty(look), self.thread(m))] if _in_since(m) else []
        return [self.since_one(look, m, a) for a in items]

    def since_one(self, look: views.Look, m: MeetingView, a: AgreementView) -> Post:
        """An agreement in *Siden sidst*: with its status buttons while that step runs; once it
        has closed, without (the lists and reminders carry them)."""
        msg = views.agreement_message(look, a, buttons=_in_since(m))
        return Post(msg, self.thread(m), key=views.since_key(m.id, a.id))

    def step(self, look: views.Look, m: MeetingView, data: MeetingsData) -> list[Post]:
        """After a transition: the closed step in its final form, then the opened one."""
        posts: list[Post] = []
        closed = m.step - 1 if m.status in ("running", "done") else 0  # done: step 5 → 4
        if closed >= SINCE:
            posts.append(self.header(look, m, closed))
            if closed == SINCE:
                posts += self.since(look, m, data)  # their buttons go with the step
            elif closed == EXPLORE:
                posts.append(self.observations(look, m))
            elif closed == INTERPRET:
                posts += self.themes(look, m, only=None) if m.themes else []
            elif closed == ACT:
                posts.append(self.paper(look, m, data))
        if m.status != "running" or not SINCE <= m.step < FINISHED:
            return posts
        posts.append(self.header(look, m, m.step))
        if m.step == SINCE:
            posts += self.since(look, m, data)
        elif m.step == EXPLORE:
            posts.append(self.observations(look, m))
        elif m.step == INTERPRET:
            posts += self.themes(look, m)
        else:
            posts.append(self.paper(look, m, data))
        return posts

    def agreement(self, look: views.Look, data: MeetingsData, aid: int) -> list[Post]:
        """Update the messages already in the channel that show this agreement."""
        a = data.agreement(aid)
        if a is None:
            return []
        posts = []
        for m in data.meetings:
            if m.status == "cancelled" or m.started_at is None:
                continue
            if aid in m.reviewed:
                posts.append(self.since_one(look, m, a))
            if a.meeting_id == m.id and m.step >= ACT:
                posts.append(self.paper(look, m, data))
        return posts


def _in_since(m: MeetingView) -> bool:
    return m.status == "running" and m.step == SINCE
