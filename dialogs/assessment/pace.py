"""The pace of a round (one element at a time, or all at once) and how its elements are laid
out where it runs, kept together in the round's stored `pacing` value.

Layouts:
- "threads": a channel with threads (Slack and Teams channels, the console): each element a
  message with its questions in its thread;
- "flat": a chat without threads that several people share (a Teams group chat): each element
  one card holding its questions, so that a chat is never flooded with one message per
  question;
- "solo": a 1:1 chat or a DM with the bot: like "flat", and the card shows the person's own
  answers, since only they answer there.

The layout is fixed when the pace is first set, from the surface of that turn, and stored with
the pace ("one", "all", "one-flat", "all-solo": the column holds 8 characters). A later turn
may act on the round from elsewhere (a button in a private message about a channel, whose
surface is the DM) and must still draw the round's messages as they were laid out.
"""

from __future__ import annotations

from dataclasses import dataclass

from dialogs.turn import Surface

ONE, ALL = "one", "all"
PACES = (ONE, ALL)
THREADS, FLAT, SOLO = "threads", "flat", "solo"
# When nobody chooses: one element at a time, on every surface. It is applied the first time
# someone needs the questions (an answer, `spørgsmål`, `næste`, the delimitation saved), so a
# round never waits for a button that scrolled away.
DEFAULT_PACE = ONE

# What people type after `tempo` (and the buttons' values).
PACE_WORDS = {
    "ét": ONE,
    "et": ONE,
    "én": ONE,
    "en": ONE,
    "1": ONE,
    "one": ONE,
    "ad gangen": ONE,
    "ét ad gangen": ONE,
    "et ad gangen": ONE,
    "ét element ad gangen": ONE,
    "one at a time": ONE,
    "alle": ALL,
    "all": ALL,
    "alle nu": ALL,
    "alle på én gang": ALL,
    "alle paa en gang": ALL,
    "all at once": ALL,
}


def parse_pace(text: str) -> str | None:
    """`tempo ét` → "one", `tempo alle` → "all"; None for anything else."""
    words = " ".join(text.casefold().replace(".", " ").split())
    return PACE_WORDS.get(words)


def layout_of(surface: Surface) -> str:
    if surface.threads:
        return THREADS
    return SOLO if surface.private else FLAT


@dataclass(frozen=True)
class Pace:
    pace: str | None  # None until chosen (or defaulted)
    layout: str

    @classmethod
    def of(cls, pacing: str | None, surface: Surface) -> Pace:
        """The stored value read back; before a pace is set, the layout this surface gets."""
        if pacing is None:
            return cls(None, layout_of(surface))
        pace, _, layout = pacing.partition("-")
        return cls(pace, layout or THREADS)

    @property
    def flat(self) -> bool:
        """One card per element holding its questions (no threads)."""
        return self.layout != THREADS

    @property
    def solo(self) -> bool:
        return self.layout == SOLO

    def stored(self, pace: str) -> str:
        """The value to store for `pace`, keeping this layout."""
        return pace if self.layout == THREADS else f"{pace}-{self.layout}"
