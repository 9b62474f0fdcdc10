"""Every Danish text has an English twin with the same placeholders."""

from __future__ import annotations

import string

from dialogs.i18n import catalogue, t


def placeholders(text: str) -> set[str]:
    """The values a text takes: `{cmd[luk]}` takes `cmd` (the command's words are the
    language's own: `{cmd[close]}` in English)."""
    return {name.split("[")[0] for _, name, _, _ in string.Formatter().parse(text) if name}


def test_danish_and_english_have_the_same_keys_and_placeholders() -> None:
    da, en = catalogue("da"), catalogue("en")
    assert da.keys() == en.keys()
    for key in da:
        assert placeholders(da[key]) == placeholders(en[key]), key
        assert da[key].strip() and en[key].strip(), key


def test_unknown_language_falls_back_to_danish() -> None:
    assert t("xx", "answer.ja") == "Ja"
    assert t("en", "answer.ja") == "Yes"
