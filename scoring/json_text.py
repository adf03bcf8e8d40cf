"""Indented JSON text, byte for byte what `json.dumps(..., indent=N, ensure_ascii=False)` writes, faster.

With an indent the standard library encodes in pure Python, a generator per
nested value: the JSON result's head (the report block: a name, group values
and a reason phrase per unit) took seconds at a million units. Here lists of
plain strings or numbers are encoded with the C string encoder and one join,
and anything unusual (a non-text key, a type the encoder converts, NaN) is
handed to `json.dumps` itself, so the text is always the standard library's.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

_encode_text: Callable[[str], str] = json.encoder.encode_basestring  # type: ignore[attr-defined]
_INFINITE = (float("inf"), float("-inf"))


def _scalar(value: Any) -> str | None:
    """A plain scalar's JSON text; None when it is not one (the caller uses the standard encoder)."""
    kind = type(value)
    if kind is str:
        return _encode_text(value)
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if kind is int:
        return int.__repr__(value)
    if kind is float and value == value and value not in _INFINITE:
        return float.__repr__(value)
    return None


def dumps_indented(value: Any, indent: int = 2, level: int = 0) -> str:
    """`json.dumps(value, ensure_ascii=False, indent=indent, allow_nan=False)`, as if nested `level` deep."""
    text = _scalar(value)
    if text is not None:
        return text
    kind = type(value)
    if kind is list or kind is tuple:
        if not value:
            return "[]"
        if all(type(v) is str for v in value):
            items = _encoded_texts(value)
        else:
            items = [dumps_indented(v, indent, level + 1) for v in value]
        inner = "\n" + " " * (indent * (level + 1))
        return "[" + inner + ("," + inner).join(items) + "\n" + " " * (indent * level) + "]"
    if kind is dict and all(type(k) is str for k in value):
        if not value:
            return "{}"
        inner = "\n" + " " * (indent * (level + 1))
        members = [_encode_text(k) + ": " + dumps_indented(v, indent, level + 1) for k, v in value.items()]
        return "{" + inner + ("," + inner).join(members) + "\n" + " " * (indent * level) + "}"
    # Anything else as the standard library writes it (or refuses it), indented to this depth.
    out = json.dumps(value, ensure_ascii=False, indent=indent, allow_nan=False)
    return out.replace("\n", "\n" + " " * (indent * level)) if level else out


def _encoded_texts(values: list[str] | tuple[str, ...]) -> list[str]:
    """Each string as JSON. A long list (a million units' group values or reasons) usually repeats a
    few strings: then each distinct one is encoded once, the rest looked up, both in C loops."""
    if len(values) < 1024:
        return [_encode_text(v) for v in values]
    distinct = dict.fromkeys(values)
    if len(distinct) > len(values) // 2:
        return [_encode_text(v) for v in values]
    encoded = {v: _encode_text(v) for v in distinct}
    return list(map(encoded.__getitem__, values))

