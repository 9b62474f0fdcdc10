"""Three fixes for msrest (botbuilder's HTTP layer, archived) that make every send slower.

1. Each ConnectorClient and UserTokenClient builds a retry policy with
   `[i for i in range(999) if i not in safe_codes]`, where `safe_codes` is a 500-item list:
   half a million comparisons per client (8 ms). A frozenset with the same members gives the
   same policy (the retry policy is only used by msrest's synchronous requests sender).
2. An activity's card (an attachment's `content`, typed "object") is serialised by walking it
   value by value, each string through an attribute probe and each number through
   `eval("int")(value)`: ~2 ms for a question's card, on every post and card update. A card is
   plain JSON data (dicts, lists, strings, numbers, booleans, None), for which msrest's result
   is an equal copy: made directly here; anything else still goes msrest's way.
3. The activity itself (`Serializer.body`, for each post and card update) is walked three
   times — read back into models first, validated, then serialised attribute by attribute
   through the same probes: ~0.4 ms an activity, a tenth of a click's CPU in a Teams burst
   (issue 21's profile). An activity of exact types — strings (or string enums), booleans,
   plain JSON in "object" attributes, and models of exactly their declared class, in lists or
   not — has no constraint to validate and nothing to read back, and msrest's result is the
   attributes' keys and values: made directly here; anything else (a date, a subclass, a dict
   where a model is declared) still goes msrest's way.
"""

from __future__ import annotations

from enum import Enum
from typing import Any

from msrest.serialization import Serializer
from msrest.universal_http.requests import ClientRetryPolicy

_SCALARS = (str, int, float, bool, type(None))
MSREST_SERIALIZE_OBJECT = Serializer.serialize_object  # msrest's own (tests compare with it)
MSREST_BODY = Serializer.body
_EXACT = {"str": str, "bool": bool}  # declared types whose values are copied as they are


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


def _model_json(model: Any, models: dict[str, type]) -> dict[str, Any]:
    """A model's JSON as msrest writes it, or _NotPlain."""
    kind = type(model)
    if getattr(kind, "_validation", None) or getattr(kind, "_subtype_map", None):
        raise _NotPlain  # constraints to check, or a polymorphic model
    out: dict[str, Any] = {}
    for attr, desc in kind._attribute_map.items():
        value = getattr(model, attr, None)
        if value is None:
            continue
        key = desc["key"]
        if not key or "." in key or "\\" in key:  # additional properties; flattened keys
            raise _NotPlain
        out[key] = _typed(value, desc["type"], models)
    return out


def _typed(value: Any, declared: str, models: dict[str, type]) -> Any:
    exact = _EXACT.get(declared)
    if exact is not None:
        if type(value) is exact:
            return value
        if declared == "str" and isinstance(value, Enum) and type(value.value) is str:
            return value.value  # (ActivityTypes.message: msrest writes an enum's value)
        raise _NotPlain
    if declared == "object":
        return _plain_copy(value)
    if declared.startswith("[") and declared.endswith("]"):
        if type(value) is not list:
            raise _NotPlain
        return [_typed(item, declared[1:-1], models) for item in value]
    if type(value) is not models.get(declared):  # a date, an enum, a subclass, a dict…
        raise _NotPlain
    return _model_json(value, models)


def _body(msrest_way: Any) -> Any:
    def body(self: Serializer, data: Any, data_type: str, **kwargs: Any) -> Any:
        if not kwargs and type(data) is self.dependencies.get(data_type):
            try:
                return _model_json(data, self.dependencies)
            except _NotPlain:
                pass
        return msrest_way(self, data, data_type, **kwargs)

    body.fast = True  # type: ignore[attr-defined]
    return body


def apply() -> None:
    if not isinstance(ClientRetryPolicy.safe_codes, frozenset):
        ClientRetryPolicy.safe_codes = frozenset(ClientRetryPolicy.safe_codes)  # type: ignore[assignment]
    if not getattr(Serializer.serialize_object, "fast", False):
        Serializer.serialize_object = _serialize_object(Serializer.serialize_object)  # type: ignore[method-assign]
    if not getattr(Serializer.body, "fast", False):
        Serializer.body = _body(Serializer.body)  # type: ignore[method-assign]
