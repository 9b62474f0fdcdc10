"""The round's picture and end through the Slack adapter (issue 17), signed requests through
the real route and every Block Kit payload validated: `/lovende luk` shows the gaps privately
(ephemeral) with the buttons that close or keep the round open, `/lovende genåbn` reopens it,
the facilitator's disagreement list comes again without a decided question's button, and the
words name commands as Slack needs them — `/lovende …` in a channel, plain in the bot's DM."""

from __future__ import annotations

from bot.slack.testing import payloads as p
from bot.slack.testing.harness import SlackHarness, button_values, check_all, elements, shown


async def test_close_shows_the_gaps_and_the_buttons_close_or_keep_it_open(
    slack: SlackHarness,
) -> None:
    fake = slack.fake
    await slack.command("U1", "start Recovery-forløb")  # Anna: the facilitator
    await slack.command("U1", "svar 1.1 ja")
    await slack.command("U2", "svar 1.1 nej")

    mark = len(fake.calls)
    await slack.command("U2", "luk")
    (refused,) = fake.since(mark, "chat.postEphemeral")
    assert refused["user"] == "U2" and "kun mødelederen" in refused["text"]

    mark = len(fake.calls)
    await slack.command("U1", "luk")
    (gaps,) = fake.since(mark, "chat.postEphemeral")  # only Anna sees them
    assert gaps["user"] == "U1" and not fake.since(mark, "chat.postMessage")
    said = shown(gaps)
    assert "Før målingen af Recovery-forløb lukkes" in said
    assert "Uenigheder:* 1 uenighed (1.1)" in said
    assert "skriv `/lovende luk` igen inden for 15 minutter" in said
    assert "`/lovende genåbn`" in said and "resultatet bliver vist i kanalen" in said
    assert [b.split(":")[1] for b in button_values(gaps)] == ["close-ok", "close-no"]
    styles = [e.get("style") for e in elements(gaps["blocks"])]
    assert "danger" in styles  # closing is the consequential button

    mark = len(fake.calls)
    await slack.press("U1", "lp:close-no:")
    assert "Målingen fortsætter" in str(fake.since(mark, "chat.postEphemeral")[0]["text"])
    await slack.command("U1", "luk")
    mark = len(fake.calls)
    await slack.press("U1", "lp:close-ok:")
    posted = " ".join(str(c["text"]) for c in fake.since(mark, "chat.postMessage"))
    assert "Anna har lukket målingen af Recovery-forløb" in posted
    assert "Resultat: Recovery-forløb – runde 1" in posted

    mark = len(fake.calls)
    await slack.command("U1", "genåbn")
    posted = " ".join(str(c["text"]) for c in fake.since(mark, "chat.postMessage"))
    assert "Anna har genåbnet målingen af Recovery-forløb (runde 1)" in posted
    (progress,) = [
        c for c in fake.since(mark, "chat.update") if "runde 1 (i gang)" in str(c["text"])
    ]
    assert progress["channel"] == "C1"
    assert check_all(fake.calls) > 10


async def test_the_decided_question_leaves_the_facilitators_list(slack: SlackHarness) -> None:
    fake = slack.fake
    await slack.command("U1", "start Recovery-forløb")
    for qid in ("1.1", "1.2"):
        await slack.command("U1", f"svar {qid} ja")
        await slack.command("U2", f"svar {qid} nej")
    mark = len(fake.calls)
    await slack.command("U1", "uenighed")
    (listed,) = fake.since(mark, "chat.postEphemeral")
    assert [b.split(":")[3] for b in button_values(listed)] == ["1.1", "1.2"]

    mark = len(fake.calls)
    await slack.press("U1", "lp:dec:1:1.1:")
    (opened,) = fake.since(mark, "views.open")
    await slack.submit("U1", opened["view"], {"value": "delvist", "justification": "Begge dele."})
    # Slack cannot change an ephemeral message: the list comes again, without 1.1's button.
    again = [c for c in fake.since(mark, "chat.postEphemeral") if "forskelligt" in c["text"]]
    assert again and again[-1]["user"] == "U1"
    assert [b.split(":")[3] for b in button_values(again[-1])] == ["1.2"]
    assert "(1 uenighed)" in again[-1]["text"]
    assert check_all(fake.calls) > 5


async def test_help_and_unknown_input_name_slack_commands_and_the_dm_plain_ones(
    slack: SlackHarness,
) -> None:
    fake = slack.fake
    mark = len(fake.calls)
    await slack.command("U2", "hjælp")
    (short,) = fake.since(mark, "chat.postEphemeral")
    assert "`/lovende start «praksis»`" in shown(short)
    assert "`/lovende hjælp «emne»`" in shown(short)
    assert len(str(short["text"]).splitlines()) <= 16

    mark = len(fake.calls)
    await slack.command("U2", "stauts")
    (typo,) = fake.since(mark, "chat.postEphemeral")
    assert typo["text"] == (
        "Den kender jeg ikke: “stauts”. Mente du `/lovende status`? Ellers skriv `/lovende hjælp`."
    )

    mark = len(fake.calls)
    await slack.event(p.direct_message("U2", "status"), "EvDM1")
    (said,) = [c for c in fake.since(mark, "chat.postMessage")]
    assert said["text"] == "Der er ingen måling her endnu. Start en med `start «praksis»`."
    mark = len(fake.calls)
    await slack.event(p.direct_message("U2", "hjælp svar", ts="2.000200"), "EvDM2")
    (topic,) = [c for c in fake.since(mark, "chat.postMessage")]
    assert "`svar 2.2 a,c`" in shown(topic) and "/lovende" not in shown(topic)
    assert check_all(fake.calls) >= 4
