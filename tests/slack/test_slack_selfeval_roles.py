"""Leaders and staff in the self-evaluation through the Slack adapter: signed requests through
the real route; the intro's role buttons, the private role question with a first answer (an
ephemeral message whose buttons work), the dimension card's "Min vurdering" button and its
modal, and the summary with both perspectives — every Block Kit payload validated."""

from __future__ import annotations

from bot.slack.testing.harness import SlackHarness, check_all, valid_view


async def test_roles_and_own_ratings_through_slack(slack: SlackHarness) -> None:
    await slack.command("U1", "selvevaluering start Bostedet")
    await slack.press("U1", "lp:se-pace:")
    element, intro = slack.button("lp:se-role:")
    assert intro["method"] != "chat.postEphemeral" and element["value"].endswith(":leader")
    assert (await slack.press("U1", "lp:se-role:1:leader")).status == 200
    assert "du svarer som leder" in slack.texts()

    # Bo's first reflection: the role question comes to him alone, and its button works.
    await slack.command("U2", "selvevaluering refleksion L1 Det hører vi sjældent.")
    staff, asked = slack.button("lp:se-role:1:staff")
    assert asked["method"] == "chat.postEphemeral" and asked["user"] == "U2"
    assert "Svarer du som leder eller som medarbejder?" in asked["text"]
    assert (await slack.click("U2", staff, asked)).status == 200
    assert "du svarer som medarbejder" in slack.texts()

    # Own ratings through the dimension card's button and its modal.
    for user, rating in (("U1", "5"), ("U2", "2")):
        opened = len(slack.fake.of("views.open"))
        await slack.press(user, "lp:se-own:1:L")
        view = slack.fake.of("views.open")[opened]["view"]
        valid_view(view)
        assert view["title"]["text"] == "Min vurdering"
        assert (await slack.submit(user, view, {"rating": rating})).status == 200
    assert "Din egen vurdering af Ledelse er gemt: 2/5" in slack.texts()

    await slack.command("U1", "selvevaluering luk")
    summary = [m for m in slack.messages() if m["text"].startswith("Selvevaluering – opsummering")]
    assert summary
    blocks = summary[-1]["blocks"]
    fields = [b for b in blocks if b["type"] == "section" and "fields" in b]
    ledelse = [f["text"] for f in fields[0]["fields"]]
    assert ledelse[0].startswith("*Ledere*") and "5,0" in ledelse[0]
    assert ledelse[1].startswith("*Medarbejdere*") and "2,0" in ledelse[1]
    assert "ser Ledelse forskelligt – 5,0 mod 2,0 i snit" in str(blocks)
    assert check_all(slack.fake.calls) > 20
