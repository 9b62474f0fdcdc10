"""The organisational self-evaluation through the whole bot and the fake channel:
three members reflect, the facilitator rates, points become agreements, the summary with the
chart; permissions, bad input and a restart half-way."""

from __future__ import annotations

from pathlib import Path

from PIL import Image as PILImage
from sqlalchemy import select

from bot.console.channel import Record
from bot.testing import BotHarness, assert_has, texts
from dialogs import actions
from dialogs.messages import Buttons, Image
from storage.selfeval_models import SelfEvalPoint, SelfEvalReflection

LABEL = "teamets egen vurdering – ikke en score fra måleredskabet"
CPR = "Borgeren 010190-1234 har det svært."


async def start(bot: BotHarness, pacing: str = "one", who: str = "Anna") -> int:
    return await bot.start_selfeval(by=who, pace=pacing)


def last_form(bot: BotHarness) -> Record:
    record = next(r for r in reversed(bot.channel.records) if r.form is not None)
    return record


def images(records: list[Record]) -> list[Image]:
    return [
        b for r in records if r.message is not None for b in r.message.blocks
        if isinstance(b, Image)
    ]  # fmt: skip


def png_ok(path: Path) -> bool:
    """A PNG within the chat platforms' limits (≤1 MB, ≤1024 px)."""
    with PILImage.open(path) as img:
        small = img.format == "PNG" and max(img.size) <= 1024
    return small and path.stat().st_size <= 1_000_000


def button_labels(record: Record) -> list[str]:
    assert record.message is not None
    return [b.label for blk in record.message.blocks if isinstance(blk, Buttons)
            for b in blk.buttons]  # fmt: skip


async def test_three_members_reflect_rate_add_points_and_see_the_summary(
    bot: BotHarness,
) -> None:
    intro = texts(await bot.say("Anna", "selvevaluering start Bostedet Lærkely"))
    assert "Selvevaluering af Bostedet Lærkely (runde 1)" in intro
    assert "Dette værktøj skal hjælpe jer til at afklare" in intro
    sid = int(actions.decode(bot.button("lp:se-pace:")).args[0])

    first = texts(await bot.click("Bo", actions.encode("se-pace", sid, "one")))
    assert "1/5 · Ledelse" in first and "Strategi" not in first
    assert (
        "L1 Er det tydeligt for medarbejderne, at arbejdet med kvalitetsudvikling er vigtigt?"
        in first
    )
    questions = [r for r in bot.channel.posts() if r.thread is not None]
    assert [r.message.fallback.split()[0] for r in questions if r.message] == ["L1", "L2", "L3"]

    # Reflections: by button + form, and typed.
    await bot.click("Bo", bot.button(f"lp:se-refl:{sid}:L1"))
    form = last_form(bot)
    assert form.kind == "form" and form.form is not None and form.form.title == "Refleksion L1"
    saved = await bot.click(
        "Bo",
        form.form.action,
        {"text": "Lederen siger det tit, men vi ser det sjældent i praksis."},
    )
    assert "din refleksion til L1 er gemt" in texts(saved)
    await bot.say("Carla", "selvevaluering refleksion L1 Det er tydeligt på personalemøder.")
    await bot.say("Anna", "selvevaluering refleksion l2 Ja, vi har afsat tid.")
    update = texts(
        await bot.say("Carla", "selvevaluering refleksion L1 Tydeligt – især efter temadagen.")
    )
    assert "Carla: Tydeligt – især efter temadagen." in update
    assert "Det er tydeligt på personalemøder." not in update  # replaced, not added

    # The facilitator's rating, clearly labelled.
    rated = texts(await bot.say("Anna", "selvevaluering vurdering ledelse 3"))
    assert f"Anna har sat teamets egen vurdering af Ledelse til 3/5 ({LABEL})" in rated
    assert f"Teamets egen vurdering: 3/5 ({LABEL})" in rated  # the dimension message

    # Development points: by form and typed.
    await bot.click("Bo", bot.button(f"lp:se-pt:{sid}:L"))
    point_form = last_form(bot).form
    assert point_form is not None and point_form.title == "Udviklingspunkt"
    added = texts(
        await bot.click("Bo", point_form.action, {"text": "Brug data på personalemøderne"})
    )
    assert "Udviklingspunkter – Ledelse" in added and "Brug data på personalemøderne" in added
    await bot.say("Carla", "selvevaluering udviklingspunkt ledelse Fejr når noget lykkes")

    # Next dimension; reflections there too.
    nxt = texts(await bot.click("Anna", bot.button(f"lp:se-next:{sid}")))
    assert "2/5 · Strategi" in nxt and "S1 Hvad er målsætningen for jeres organisation?" in nxt
    await bot.say("Bo", "selvevaluering refleksion S1 At borgerne kommer videre i eget liv.")
    await bot.say("Anna", "selvevaluering vurdering S 2")

    status = texts(await bot.say("Carla", "selvevaluering status"))
    assert "Refleksioner" in status and "Teamets egne vurderinger  2/5" in status

    closed = await bot.say("Anna", "selvevaluering luk")
    summary = texts(closed)
    assert_has(
        summary,
        "Anna har lukket selvevalueringen",
        "Selvevaluering – opsummering (runde 1)",
        "Ledelse – 3 refleksioner fra 3 personer",
        "Strategi – 1 refleksion fra 1 person",
        f"Teamets egen vurdering: 3/5 ({LABEL})",
    )
    assert "Kultur – 0 refleksioner" in summary and "Teamets egen vurdering: ikke sat" in summary
    assert "Brug data på personalemøderne" in summary and "Fejr når noget lykkes" in summary
    assert "ikke en score fra måleredskabet" in summary

    chart = images(closed)
    assert len(chart) == 1
    assert png_ok(Path(chart[0].path))
    assert "teamets egne vurderinger" in chart[0].alt

    async with bot.runtime.sessions() as s:
        rows = (await s.scalars(select(SelfEvalReflection))).all()
    assert len(rows) == 4  # Carla's edit replaced her first reflection

    late = texts(await bot.say("Bo", "selvevaluering refleksion L3 for sent"))
    assert "Selvevalueringen er lukket" in late


async def test_a_development_point_becomes_an_agreement(bot: BotHarness) -> None:
    sid = await start(bot)
    await bot.say("Bo", "hjælp")  # Bo and Carla are seen in the channel
    await bot.say("Carla", "hjælp")
    await bot.say("Bo", "selvevaluering udviklingspunkt L Ledelsen bruger data på hvert teammøde")
    agree = bot.button(f"lp:se-agree:{sid}:")
    point_id = int(actions.decode(agree).args[1])

    refused = texts(await bot.click("Bo", agree))
    assert "kun mødelederen" in refused

    await bot.click("Anna", agree)
    record = last_form(bot)
    assert record.kind == "form" and record.form is not None
    form = record.form
    assert [f.name for f in form.fields] == ["what", "signal", "owner", "follow_up", "due"]
    assert form.fields[0].initial == "Ledelsen bruger data på hvert teammøde"

    bad = await bot.click(
        "Anna",
        form.action,
        {"what": "Ledelsen bruger data på hvert teammøde", "owner": "bo",
         "follow_up": "anna", "due": "32.13.2026"},
    )  # fmt: skip
    rejected = bad[-1]
    assert rejected.kind == "form_error" and rejected.form is not None
    assert "due" in rejected.form.errors
    assert rejected.form.fields[2].initial == "bo"  # the draft is kept

    done = texts(
        await bot.click(
            "Anna",
            form.action,
            {
                "what": "Ledelsen bruger data på hvert teammøde",
                "owner": "bo",
                "follow_up": "carla",
                "due": "15.04.2026",
            },
        )
    )
    assert f"har gjort udviklingspunkt #{point_id} (Ledelse) til en aftale" in done
    assert "(gjort til aftale)" in done

    listed = texts(await bot.say("Carla", "aftaler"))
    assert "Ledelsen bruger data på hvert teammøde" in listed

    from storage.meeting_models import Agreement  # the meetings feature's table

    async with bot.runtime.sessions() as s:
        agreement = (await s.scalars(select(Agreement))).one()
        point = await s.get(SelfEvalPoint, point_id)
    assert agreement.source == "selvevaluering:L"
    assert point is not None and point.agreed_at is not None

    again = texts(await bot.click("Anna", agree))
    assert f"#{point_id} er allerede gjort til en aftale" in again


async def test_only_the_facilitator_rates_advances_and_closes(bot: BotHarness) -> None:
    sid = await start(bot)
    refused = texts(await bot.say("Bo", "selvevaluering vurdering ledelse 4"))
    assert "kun mødelederen, der sætter teamets egen vurdering" in refused
    refused = texts(await bot.click("Bo", actions.encode("se-rate", sid, "L")))
    assert "kun mødelederen" in refused
    forged = texts(await bot.click("Bo", actions.encode("se-f-rate", sid, "L"), {"rating": "5"}))
    assert "kun mødelederen" in forged
    assert "kun mødelederen" in texts(await bot.say("Bo", "selvevaluering næste"))
    assert "kun mødelederen" in texts(await bot.say("Bo", "selvevaluering luk"))

    await bot.say("Carla", "selvevaluering udviklingspunkt L Carlas punkt")
    carla_point = int(actions.decode(bot.button(f"lp:se-rm:{sid}:")).args[1])
    assert "Kun den, der skrev" in texts(await bot.click("Bo", bot.button(f"lp:se-rm:{sid}:")))
    removed = texts(await bot.say("Carla", f"selvevaluering fjern {carla_point}"))
    assert f"Udviklingspunkt #{carla_point} er fjernet" in removed
    assert "Ingen udviklingspunkter endnu." in removed

    summary = texts(await bot.say("Bo", "selvevaluering resultat"))
    assert "Teamets egen vurdering: ikke sat" in summary
    assert not images(bot.channel.records)  # no ratings, no chart


async def test_bad_input_is_refused_and_nothing_is_lost(bot: BotHarness) -> None:
    sid = await start(bot)
    long_text = "x" * 1501
    typed = texts(await bot.say("Bo", f"selvevaluering refleksion L1 {long_text}"))
    assert "Teksten er for lang: 1501 tegn – højst 1500" in typed

    await bot.click("Bo", actions.encode("se-refl", sid, "L1"))
    form = last_form(bot).form
    assert form is not None
    rejected = (await bot.click("Bo", form.action, {"text": CPR}))[-1]
    assert rejected.kind == "form_error" and rejected.form is not None
    assert "CPR-nummer" in rejected.form.errors["text"]
    assert rejected.form.fields[0].initial == CPR  # the draft is kept for editing

    assert "CPR-nummer" in texts(await bot.say("Bo", f"selvevaluering udviklingspunkt L {CPR}"))
    await bot.click("Bo", actions.encode("se-pt", sid, "L"))
    point_form = last_form(bot).form
    assert point_form is not None
    too_long = (await bot.click("Bo", point_form.action, {"text": long_text}))[-1]
    assert too_long.kind == "form_error"

    bad_rating = texts(await bot.say("Anna", "selvevaluering vurdering ledelse 7"))
    assert "helt tal fra 1 til 5" in bad_rating
    assert "helt tal fra 1 til 5" in texts(await bot.say("Anna", "selvevaluering vurdering L 2.5"))
    await bot.click("Anna", actions.encode("se-rate", sid, "L"))
    rate_form = last_form(bot).form
    assert rate_form is not None and [o.key for o in rate_form.fields[0].options] == [
        "1", "2", "3", "4", "5", "ingen",
    ]  # fmt: skip
    rejected = (await bot.click("Anna", rate_form.action, {"rating": "7"}))[-1]
    assert rejected.kind == "form_error" and rejected.form is not None
    assert "helt tal fra 1 til 5" in rejected.form.errors["rating"]

    assert "Spørgsmålet L9 findes ikke" in texts(
        await bot.say("Bo", "selvevaluering refleksion L9 x")
    )
    assert "Dimensionen “Økonomi”" in texts(
        await bot.say("Anna", "selvevaluering vurdering Økonomi 3")
    )
    assert "ikke lagt frem endnu" in texts(await bot.say("Bo", "selvevaluering refleksion KU1 x"))
    assert "kender jeg ikke" in texts(await bot.say("Bo", "selvevaluering dans"))
    assert "Den handling kan jeg ikke" in texts(await bot.click("Bo", "lp:se-refl:x:L1"))
    assert "intet udviklingspunkt #99" in texts(await bot.say("Bo", "selvevaluering fjern 99"))

    async with bot.runtime.sessions() as s:
        assert not (await s.scalars(select(SelfEvalReflection))).all()
        assert not (await s.scalars(select(SelfEvalPoint))).all()
    summary = texts(await bot.say("Bo", "selvevaluering resultat"))
    assert "Teamets egen vurdering: ikke sat" in summary


async def test_restart_midway_keeps_everything_and_updates_messages_in_place(
    bot: BotHarness,
) -> None:
    sid = await start(bot, pacing="all")
    posted = texts(bot.channel.records)
    names = ["Ledelse", "Strategi", "Organisering", "Kompetencer", "Kultur"]
    assert all(f"{n}/5 · {name}" in posted for n, name in enumerate(names, 1))
    await bot.say("Bo", "selvevaluering refleksion KU3 Vi fejrer for lidt.")
    await bot.say("Anna", "selvevaluering vurdering kultur 2")
    await bot.say("Carla", "selvevaluering udviklingspunkt KU Kage når et mål er nået")

    await bot.restart()

    mark = len(bot.channel.records)
    await bot.say("Carla", "selvevaluering refleksion KU3 Enig med Bo.")
    after = bot.channel.records[mark:]
    updates = [r for r in after if r.kind == "update"]
    assert updates and not [r for r in after if r.kind == "post" and r.thread is not None]
    text = texts(after)
    assert "Bo: Vi fejrer for lidt." in text and "Carla: Enig med Bo." in text

    mine = texts(await bot.say("Carla", "selvevaluering spørgsmål"))
    assert "L1 Er det tydeligt" in mine and "KU3" not in mine

    await bot.click("Anna", actions.encode("se-pace", sid, "one"))
    assert "allerede lagt frem" in texts(bot.channel.records[-1:])
    summary = texts(await bot.say("Anna", "selvevaluering luk"))
    assert "Kultur – 2 refleksioner fra 2 personer" in summary
    assert f"Teamets egen vurdering: 2/5 ({LABEL})" in summary
    assert "Kage når et mål er nået" in summary


async def test_a_new_round_shows_last_rounds_rating_and_old_buttons_are_refused(
    bot: BotHarness,
) -> None:
    first = await start(bot, pacing="all")
    await bot.say("Anna", "selvevaluering vurdering L 2")
    closed = await bot.say("Anna", "selvevaluering luk")
    # Closing updates the posted messages so that their buttons disappear.
    assert any(r.kind == "update" and "Skriv refleksion" not in button_labels(r)
               for r in closed if r.message is not None)  # fmt: skip
    assert "allerede en selvevaluering" not in texts(await bot.say("Anna", "selvevaluering start"))
    second = int(actions.decode(bot.button("lp:se-pace:")).args[0])
    assert second != first
    shown = texts(await bot.click("Anna", actions.encode("se-pace", second, "all")))
    assert "Sidste runde: 2/5" in shown and "runde 2" in texts(bot.channel.records)
    stale = texts(await bot.click("Bo", actions.encode("se-refl", first, "L1")))
    assert "hører til en anden selvevaluering" in stale
    again = texts(await bot.say("Anna", "selvevaluering start"))
    assert "allerede en selvevaluering i gang i kanalen (runde 2)" in again


async def test_another_channels_ids_are_refused(bot: BotHarness) -> None:
    sid = await start(bot)
    await bot.say("Eve", "selvevaluering start", channel="other")
    other = texts(
        await bot.click("Eve", actions.encode("se-f-refl", sid, "L1"), {"text": "x"},
                        channel="other")
    )  # fmt: skip
    assert "hører til en anden selvevaluering" in other
    async with bot.runtime.sessions() as s:
        assert not (await s.scalars(select(SelfEvalReflection))).all()


async def test_help_lists_the_self_evaluation(bot: BotHarness) -> None:
    shown = texts(await bot.say("Anna", "selvevaluering"))
    assert "selvevaluering start" in shown and "selvevaluering vurdering" in shown
    assert "Der er ingen selvevaluering" in texts(await bot.say("Anna", "selvevaluering status"))
