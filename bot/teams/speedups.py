"""Two fixes for msrest (botbuilder's HTTP layer, archived) that make every send slower.

1. Each ConnectorClient and UserTokenClient builds a retry policy with
   `[i for i in range(999) if i not in safe_codes]`, where `safe_codes` is a 500-item list:
   half a million comparisons per client (8 ms). A frozenset with the same members gives the
   same policy (the retry policy is only used by msrest's synchronous requests sender).
2. An activity's card (an attachment's `content`, typed "object") is serialised by walking it
   value by value, each string through an attribute probe and each number through
   `eval("int")(value)`: ~2 ms for a question's card, on every post and card update. A card is
   plain JSON data (dicts, lists, strings, numbers, booleans, None), for which msrest's result
   is an equal copy: made directly here; anything else still goes msrest's way.
"""

from __future__ import annotations

from typing import Any

from msrest.serialization import Serializer
from msrest.universal_http.requests import ClientRetryPolicy

_SCALARS = (str, int, float, bool, type(None))
MSREST_SERIALIZE_OBJECT = Serializer.serialize_object  # msrest's own (tests compare with it)


class _NotPlain(Exception):
    """A value msrest treats specially (an enum, a date, a model…): its own way, then."""


def _plain_copy(value: Any) -> Any:
    kind = type(value)  # exact types: subclasses (enums) get msrest's treatment
    if kind in _SCALARS:
        return value
    if kind is dict:
        copied = {}
        for key, item in value.items():
            if type(key) is not str:
                raise _NotPlain
            copied[key] = _plain_copy(item)
        return copied
    if kind is list:
        return [_plain_copy(item) for item in value]
    raise _NotPlain


def _serialize_object(msrest_way: Any) -> Any:
    def serialize_object(self: Serializer, attr: Any, **kwargs: Any) -> Any:
        if type(attr) in (dict, list):
            try:
                return _plain_copy(attr)
            except _NotPlain:
                pass
        return msrest_way(self, attr, **kwargs)

    serialize_object.fast = True  # type: ignore[attr-defined]
    return serialize_object


def apply() -> None:
    if not isinstance(ClientRetryPolicy.safe_codes, frozenset):
        ClientRetryPolicy.safe_codes = frozenset(ClientRetryPolicy.safe_codes)  # type: ignore[assignment]
    if not getattr(Serializer.serialize_object, "fast", False):
        Serializer.serialize_object = _serialize_object(Serializer.serialize_object)  # type: ignore[method-assign]
