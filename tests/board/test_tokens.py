"""The board's tokens and its public address, pure."""

from __future__ import annotations

import hashlib
import secrets

import pytest

from bot.board.config import base_url
from bot.board.page import radar
from bot.settings import CONSOLE_PUBLIC_URL, for_console, load_settings
from dialogs.board.dialog import board_url, new_random_token
from dialogs.board.model import plausible, token_hash


def test_tokens_are_long_random_and_url_safe() -> None:
    tokens = {new_random_token() for _ in range(200)}
    assert len(tokens) == 200
    assert all(len(t) == 43 and plausible(t) for t in tokens)  # 32 random bytes


def test_only_the_sha256_of_a_token_is_kept() -> None:
    token = secrets.token_urlsafe(32)
    assert token_hash(token) == hashlib.sha256(token.encode()).hexdigest()
    assert len(token_hash(token)) == 64 and token not in token_hash(token)


def test_implausible_tokens_are_not_even_looked_up() -> None:
    good = secrets.token_urlsafe(32)
    for bad in ("", "kort", good + "x" * 40, good[:-1] + "/", good[:-1] + "æ", good[:-1] + "%"):
        assert not plausible(bad), bad
    assert plausible(good)


def test_the_link_is_the_public_address_and_the_token() -> None:
    assert board_url("https://bot.example.dk/", "abc") == "https://bot.example.dk/tavle/abc"


def test_the_public_address_and_the_consoles_default() -> None:
    settings = load_settings(public_url="https://bot.example.dk/")
    assert settings.public_url == "https://bot.example.dk"
    assert base_url(settings, {}) == "https://bot.example.dk"
    unset = load_settings(public_url="")
    assert base_url(unset, {"TEAMS_PUBLIC_URL": "https://teams.example.dk/"}) == (
        "https://teams.example.dk"
    )
    assert base_url(unset, {}) == ""
    # The console's links point at `lovende serve` on this machine (its default port).
    assert CONSOLE_PUBLIC_URL == "http://127.0.0.1:3978"


def test_the_console_links_to_serve_unless_an_address_is_set(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("TEAMS_PUBLIC_URL", raising=False)
    assert for_console(load_settings(public_url="")).public_url == CONSOLE_PUBLIC_URL
    kept = for_console(load_settings(public_url="https://bot.example.dk"))
    assert kept.public_url == "https://bot.example.dk"


def test_the_radar_puts_the_first_element_at_the_top() -> None:
    drawn = radar([1.0, 0.5, None, 0.0], None)
    first = drawn.current.split(" ")[0]
    assert first == "200.0,60.0"  # centre 200, radius 140: straight up
    assert len(drawn.dots) == 3 and drawn.previous is None
    assert [label[3] for label in drawn.labels] == ["1", "2", "3", "4"]
