"""Tavlen (the board) on the web: the read-only pages `tavle` links to, served by
bot/http/board.py, rendered from the templates in this package (page.py), kept live by
server-sent events that the engine's committed turns trigger (live.py). The command and the
links' storage: dialogs/board and storage/board.py."""
