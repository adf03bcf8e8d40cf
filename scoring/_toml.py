"""The TOML reader: tomllib on Python 3.11+, the tomli backport before."""

from __future__ import annotations

import sys

if sys.version_info >= (3, 11):
    import tomllib as toml
else:  # pragma: no cover - exercised only on 3.10
    import tomli as toml  # type: ignore[import-not-found, no-redef]

TOMLDecodeError = toml.TOMLDecodeError
loads = toml.loads

__all__ = ["TOMLDecodeError", "loads"]
