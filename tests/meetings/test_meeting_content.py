"""The booklet's content (hæfte 7, 3.2, 4, 5 and 6.1) is quoted faithfully, no quotation starts
after a sentence that was cut away ("Det er derfor …"), both languages are complete, and every
message key the feature uses exists in Danish and English."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import pytest

from dialogs.i18n import catalogue
from dialogs.meetings import content

ROOT = Path(__file__).resolve().parents[2]
SEEDS = Path(os.environ.get("LOVENDE_SEEDS_DIR", ROOT.parent / "shared" / "seeds"))
BOOKLET = "003_"

# Our own labels (not quotations): the headings in front of quoted lists.
OWN_LABELS = {"Mødelederen:", "Mødeleder og deltagere:"}


def squash(text: str) -> str:
    """Compare without whitespace, hyphenation or quote variants (the seed is OCR text whose
    line breaks split words: "mulig\\nhed")."""
    text = text.replace("\u00ad", "").translate(str.maketrans("“”„’‘–—", '"""\'\'--'))
    text = re.sub(r"(?<=[^\W\d_])-\s*\n\s*(?=[^\W\d_])", "", text)
    return re.sub(r"[\s*•]+", "", text).casefold()


@pytest.fixture(scope="module")
def seed() -> str:
    files = sorted(SEEDS.glob(f"{BOOKLET}*.txt")) if SEEDS.is_dir() else []
    if not files:
        pytest.skip(f"seed {BOOKLET}* not found in {SEEDS}")
    return squash(files[0].read_text(encoding="utf-8"))


def sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.?!:])\s+", text) if s]


def danish_quotes() -> list[tuple[str, str]]:
    raw = content.raw()
    out: list[tuple[str, str]] = []
    prep = raw["preparation"]
    out.append(("preparation.goal", prep["goal"]["da"]))
    out.append(("preparation.points_title", prep["points_title"]["da"]))
    for key, point in prep["points"].items():
        out.append((f"preparation.points.{key}", point["da"]))
    for name in ("review_questions", "participant", "facilitator", "facilitator_self"):
        out += [(f"preparation.{name}", q) for q in prep[name]["da"]]
    for name in ("participant_title", "facilitator_title", "facilitator_self_title"):
        out.append((f"preparation.{name}", prep[name]["da"]))
    out.append(("dialogue_intro", raw["dialogue_intro"]["da"]))
    for step in raw["steps"]:
        where = f"step {step['number']}"
        out.append((f"{where} name", step["name"]["da"]))
        out += [(f"{where} purpose", p) for p in step["purpose"]["da"]]
        out += [(f"{where} intro", s) for s in sentences(step["intro"]["da"])]
        for name in ("questions", "facilitator", "participants"):
            for text in step[name]["da"]:
                out += [(f"{where} {name}", s) for s in sentences(text)]
        for name in ("facilitator_title", "participants_title"):
            if step[name]["da"] not in OWN_LABELS:
                out.append((f"{where} {name}", step[name]["da"]))
    out += [("action", s) for text in raw["action"]["da"] for s in sentences(text)]
    practice = raw["practice"]
    out += [("practice.interpret_intro", s) for s in sentences(practice["interpret_intro"]["da"])]
    for name in ("explore_questions", "interpret_questions"):
        for text in practice[name]["da"]:
            out += [(f"practice.{name}", s) for s in sentences(text)]
    planning = raw["planning"]
    for name in ("size", "checklist_title", "roles_title"):
        out += [(f"planning.{name}", s) for s in sentences(planning[name]["da"])]
    for name in ("checklist", "roles"):
        for text in planning[name]["da"]:
            out += [(f"planning.{name}", s) for s in sentences(text)]
    return out


def openings() -> list[tuple[str, str]]:
    """The first sentence of every quoted text that is shown on its own (an intro, a list
    item): each must make sense without the sentence before it in the booklet."""
    raw = content.raw()
    out: list[tuple[str, str]] = [("dialogue_intro", raw["dialogue_intro"]["da"])]
    for step in raw["steps"]:
        out.append((f"step {step['number']} intro", step["intro"]["da"]))
        for name in ("facilitator", "participants"):
            out += [(f"step {step['number']} {name}", x) for x in step[name]["da"]]
    out += [("action", x) for x in raw["action"]["da"]]
    out.append(("practice.interpret_intro", raw["practice"]["interpret_intro"]["da"]))
    out += [("planning.roles", x) for x in raw["planning"]["roles"]["da"]]
    return [(where, sentences(text)[0]) for where, text in out]


@pytest.mark.parametrize(("where", "first"), openings())
def test_no_quotation_starts_after_a_cut_sentence(where: str, first: str) -> None:
    """ "Det er derfor …", "Sørg derfor …", "Det kan du …", "På den måde …" lean on a sentence
    before them; a quotation that starts like that has lost it."""
    words = first.casefold().split()
    assert "derfor" not in words[:3], f"{where}: {first!r}"
    assert not first.startswith(("Det kan du", "På den måde", "Dette gøres")), where


def test_explore_intro_keeps_the_guided_brainstorm() -> None:
    explore = content.step(2)
    assert "I kan betragte udforskningen som en styret brainstorm" in explore.intro["da"]
    assert "guided brainstorm" in explore.intro["en"]
    assert "fire til otte deltagere" in " ".join(content.step(1).facilitator["da"])


@pytest.mark.parametrize(("where", "text"), danish_quotes())
def test_danish_text_is_quoted_from_the_booklet(seed: str, where: str, text: str) -> None:
    assert squash(text) in seed, f"{where}: not in the booklet: {text!r}"


def test_four_steps_with_support_questions_and_roles() -> None:
    steps = content.steps()
    assert [s.name["da"] for s in steps] == [
        "Siden sidst",
        "Udforsk",
        "Fortolk",
        "Forbered handling",
    ]
    assert [len(s.questions["da"]) for s in steps] == [4, 5, 4, 6]
    assert [len(s.facilitator["da"]) for s in steps] == [2, 6, 3, 1]
    assert [len(s.participants["da"]) for s in steps] == [1, 5, 3, 4]


def test_a_meeting_about_an_assessment_reflects_on_the_whole_practice() -> None:
    """Hæfte 7 afsnit 4: Fortolk asks about the intervention and its core elements instead of
    "den konkrete borger"; Udforsk adds the question of patterns across."""
    citizen = content.step_questions(3, "da", practice=False)
    practice = content.step_questions(3, "da", practice=True)
    assert any("den konkrete borger" in q for q in citizen)
    assert not any("borgers" in q or "konkrete borger" in q for q in practice)
    assert practice[0].startswith("Er det de rigtige kerneelementer")
    assert len(practice) == 3 and len(content.step_questions(3, "en", practice=True)) == 3
    explore = content.step_questions(2, "da", practice=True)
    assert explore[:-1] == content.step_questions(2, "da", practice=False)
    assert explore[-1].startswith("Er der mønstre, når I ser på tværs")
    assert content.step_intro(3, "da", True).startswith("Det er i denne fase")
    assert content.step_intro(3, "da", False) == content.step(3).intro["da"]


def _walk(node: Any, where: str = "") -> list[tuple[str, Any, Any]]:
    if isinstance(node, dict) and set(node) == {"da", "en"}:
        return [(where, node["da"], node["en"])]
    if isinstance(node, dict):
        return [x for k, v in node.items() for x in _walk(v, f"{where}.{k}")]
    if isinstance(node, list):
        return [x for i, v in enumerate(node) for x in _walk(v, f"{where}[{i}]")]
    return []


def test_every_text_has_an_english_twin() -> None:
    pairs = _walk(json.loads(content.PATH.read_text(encoding="utf-8")))
    assert len(pairs) > 40
    for where, da, en in pairs:
        if isinstance(da, list):
            assert isinstance(en, list) and len(en) == len(da) and all(en), where
        else:
            assert isinstance(da, str) and isinstance(en, str) and da and en, where


def test_every_message_key_exists_in_both_languages() -> None:
    source = "\n".join(
        p.read_text(encoding="utf-8") for p in (ROOT / "dialogs" / "meetings").glob("*.py")
    )
    used = set(re.findall(r"[\"'](?:mt|ag)\.[a-z_.]+[a-z_]['\"]", source))
    keys = {u.strip("\"'") for u in used}
    for prefix, options in (
        ("ag.status.", ("done", "in_progress", "not_started", "dropped")),
        ("mt.kind.", ("positive", "improvement", "question", "observation")),
        ("mt.kinds.", ("positive", "improvement", "question", "observation")),
        ("mt.step.howto.", ("since", "explore", "interpret", "act")),
        ("ag.err.", ("owner_missing", "follow_up_missing")),
    ):
        keys |= {prefix + o for o in options}
    assert len(keys) > 100
    da, en = catalogue("da"), catalogue("en")
    mine = {k for k in da if k.startswith(("mt.", "ag."))}
    assert not keys - da.keys(), sorted(keys - da.keys())
    assert not keys - en.keys(), sorted(keys - en.keys())
    assert mine == {k for k in en if k.startswith(("mt.", "ag."))}
    assert "help.body.meetings" in da and "help.body.meetings" in en
