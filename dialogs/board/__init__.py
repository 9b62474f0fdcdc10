"""Tavlen (the board): the `tavle` command that hands out links to the channel's board, a
read-only web page served by `lovende serve` (bot/board/), and `tavle luk` that revokes them."""

from __future__ import annotations

from dialogs.board.dialog import BoardDialog
from dialogs.board.model import OWNER, CreateBoardLink, RevokeBoardLinks, token_hash

__all__ = ["OWNER", "BoardDialog", "CreateBoardLink", "RevokeBoardLinks", "token_hash"]
