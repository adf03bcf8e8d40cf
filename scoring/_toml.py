"""TOML: the reader (tomllib on Python 3.11+, the tomli backport before), and
inline values for the TOML the engine writes (generated rubrics, ready-to-paste
examples)."""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib as toml
else:  # pragma: no cover - exercised only on 3.10
    import tomli as toml  # type: ignore[import-not-found, no-redef]

TOMLDecodeError = toml.TOMLDecodeError
loads = toml.loads

__all__ = ["TOMLDecodeError", "inline", "loads"]


def inline(value: Any) -> str:
    """`value` as an inline TOML value: text, numbers, yes/no, lists and tables."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)  # JSON's string escapes are valid TOML
    if isinstance(value, Mapping):
        return "{ " + ", ".join(f"{json.dumps(str(k), ensure_ascii=False)} = {inline(v)}"
                                for k, v in value.items()) + " }"
    if isinstance(value, (list, tuple)):
        return "[ " + ", ".join(inline(v) for v in value) + " ]"
    raise ValueError(f"cannot write {value!r} ({type(value).__name__}) as a TOML value")
