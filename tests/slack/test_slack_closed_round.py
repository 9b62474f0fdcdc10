"""A closed round looks closed in Slack (issue 17): closing updates the element roots and the
progress message without answer buttons (a line says the round is closed), and the gaps the
facilitator confirmed — an ephemeral message — are replaced through the click's `response_url`
without their "Luk målingen / Fortsæt målingen" buttons instead of being sent again. Signed
requests through the real route; every Block Kit payload validated."""

from __future__ import annotations

from bot.slack.testing.harness import SlackHarness, button_values, check_all, shown

ANSWERING = ("lp:ans:", "lp:multi:", "lp:next-el:", "lp:scope:", "lp:notes:", "lp:close-")


async def test_closing_updates_the_roots_and_replaces_the_gaps(slack: SlackHarness) -> None:
    fake = slack.fake
    await slack.command("U1", "start Recovery-forløb")
    await slack.command("U1", "tempo ét")
    await slack.command("U1", "svar 1.1 ja")
    await slack.command("U1", "luk")

    mark = len(fake.calls)
    await slack.press("U1", "lp:close-ok:")
    updates = fake.since(mark, "chat.update")
    (root,) = [c for c in updates if "Element 1:" in shown(c)]
    assert "Målingen er lukket" in shown(root) and "indtil målingen lukkes" not in shown(root)
    assert not [v for v in button_values(root) if v.startswith(ANSWERING)]
    assert [c for c in updates if "runde 1 (lukket)" in shown(c)]
    (gaps,) = [c for c in fake.since(mark, "response_url") if "Før målingen" in shown(c)]
    assert gaps["replace_original"] is True and not button_values(gaps)
    assert "resultatet blev vist i kanalen" in shown(gaps)
    assert not [c for c in fake.since(mark, "chat.postEphemeral") if "Før målingen" in shown(c)]
    assert check_all(fake.calls) > 5


async def test_status_is_one_ephemeral_message(slack: SlackHarness) -> None:
    fake = slack.fake
    await slack.command("U1", "start Recovery-forløb")
    await slack.command("U1", "tempo ét")
    mark = len(fake.calls)
    await slack.command("U2", "status")
    (status,) = fake.since(mark, "chat.postEphemeral", "chat.postMessage")
    assert status["user"] == "U2"
    text = shown(status)
    assert "Tempo: ét element ad gangen" in text and "Husk at afgrænse" in text
    assert [v.split(":")[1] for v in button_values(status)] == ["pace", "guide", "scope"]
    assert check_all(fake.calls) > 3
