"""A fix for msrest (botbuilder's HTTP layer, archived) that makes every send 8 ms slower.

Each ConnectorClient and UserTokenClient (two per proactive send with CloudAdapter) builds a
retry policy with `[i for i in range(999) if i not in safe_codes]`, where `safe_codes` is a
500-item list: half a million comparisons per client. A frozenset with the same members gives
the same policy (the retry policy is only used by msrest's synchronous requests sender).
"""

from __future__ import annotations

from msrest.universal_http.requests import ClientRetryPolicy


def apply() -> None:
    if not isinstance(ClientRetryPolicy.safe_codes, frozenset):
        ClientRetryPolicy.safe_codes = frozenset(ClientRetryPolicy.safe_codes)  # type: ignore[assignment]
