"""The bot's name at the start of a message counts as addressing it, however Teams sent it: a
mention entity, `<at>Lovende praksis</at>` without one, or `@Lovende praksis` typed as text in a
1:1 chat (as the welcome suggests) — through `/api/messages`."""

from __future__ import annotations

from botbuilder.schema import Activity

from bot.teams.inbound import command_text, mentions_bot
from bot.teams.testing import BOT_ID, BOT_NAME, CHANNEL, TeamsBot, message

DM = "a:1bo-dm"


def typed(text: str, *, kind: str = "personal", entity: bool = False) -> Activity:
    body = message("Bo", text, "http://127.0.0.1:1/", kind=kind, mention=False)
    if entity:
        at = f"<at>{BOT_NAME}</at>"
        body["entities"].insert(
            0, {"type": "mention", "mentioned": {"id": BOT_ID, "name": BOT_NAME}, "text": at}
        )
    return Activity().deserialize(body)


def test_the_bots_name_is_taken_off_however_it_came() -> None:
    assert command_text(typed("@Lovende praksis status")) == "status"
    assert command_text(typed("@lovende praksis: svar 1.1 ja")) == "svar 1.1 ja"
    assert command_text(typed("<at>Lovende praksis</at> status")) == "status"
    assert command_text(typed("<at>Lovende praksis</at> status", kind="channel")) == "status"
    assert mentions_bot(typed("<at>Lovende praksis</at> status", kind="channel"))
    entity = typed("<at>Lovende praksis</at> luk", kind="channel", entity=True)
    assert mentions_bot(entity) and command_text(entity) == "luk"
    # Not the bot: another person mentioned, or the name inside a sentence.
    assert not mentions_bot(typed("<at>Anna</at> status", kind="channel"))
    assert command_text(typed("@Lovende praksisser er gode")) == "@Lovende praksisser er gode"
    assert command_text(typed("status @Lovende praksis")) == "status @Lovende praksis"


async def test_a_typed_at_name_in_a_one_to_one_chat_works_as_the_welcome_says(
    teams_bot: TeamsBot,
) -> None:
    fake, bo = teams_bot.connector, teams_bot.user("Bo")
    assert await bo.say("status", kind="personal", conversation_id=DM, mention=False) == 201
    plain = fake.sent()[-1].text
    said = await bo.say(
        "@Lovende praksis status", kind="personal", conversation_id=DM, mention=False
    )
    assert said == 201
    assert fake.sent()[-1].text == plain and "kender jeg ikke" not in plain


async def test_a_mention_tag_without_an_entity_is_heard_in_a_channel(teams_bot: TeamsBot) -> None:
    fake, bo = teams_bot.connector, teams_bot.user("Bo")
    mark = len(fake.sent())
    text = f"<at>{BOT_NAME}</at> start Recovery"
    assert await bo.say(text, conversation_id=CHANNEL, mention=False) == 201
    assert "Måling af praksis: Recovery" in fake.text(mark)
    mark = len(fake.sent())
    assert await bo.say("start Andet", conversation_id=CHANNEL, mention=False) == 201
    assert fake.sent()[mark:] == []  # not addressed to the bot: not heard
