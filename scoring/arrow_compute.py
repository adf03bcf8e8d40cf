"""Arrow's compute functions, called by name, without importing `pyarrow.compute`.

`import pyarrow.compute` builds a Python wrapper for each of Arrow's ~290
compute functions, scraping each options class's docstring as it goes: about
0.07 s of CPU (0.14 s profiled) on every job that writes a CSV report, which
calls two of them (`take` and `binary_join_element_wise`, scoring/report/csv_rows.py;
the fast CSV reader calls none since it checks each column's distinct texts in
Python). Arrow's own `call_function` (what every wrapper calls in the end)
calls one by name with no such set-up, so this module gives the same calls,
`pc.take(col, indices)`, `pc.is_in(col, value_set=...)`, through it. A CSV job
runs with `pyarrow.compute` never imported (tests/test_startup.py), so these
calls are checked to work without it. A function it does not know, or a pyarrow without `call_function` where it
is looked up, is taken from `pyarrow.compute` itself: never wrong, only slower.
tests/test_startup.py checks every function here against pyarrow.compute's.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

# name -> its options class in pyarrow._compute; the options are the call's arguments after the array.
_WITH_OPTIONS = {"match_substring_regex": "MatchSubstringOptions", "utf8_normalize": "Utf8NormalizeOptions",
                 "is_in": "SetLookupOptions"}
# Called with Arrow's default options (those pyarrow.compute's wrappers pass when given none).
_PLAIN = ("any", "all", "max", "equal", "utf8_length", "utf8_lower", "dictionary_encode",
          "take", "binary_join_element_wise")  # the last two: the CSV writer's; the others kept, tested, for later use


def _by_name(name: str) -> Callable[..., Any] | None:
    """Arrow's function `name` called through `call_function`, or None where this pyarrow lacks a piece."""
    try:
        from pyarrow import _compute
        call = _compute.call_function
        options = getattr(_compute, _WITH_OPTIONS[name]) if name in _WITH_OPTIONS else None
    except (ImportError, AttributeError):
        return None
    if options is None:
        return lambda *arrays: call(name, list(arrays))

    def with_options(array: Any, *args: Any, **kwargs: Any) -> Any:
        return call(name, [array], options(*args, **kwargs))

    return with_options


def __getattr__(name: str) -> Any:
    found = _by_name(name) if name in _WITH_OPTIONS or name in _PLAIN else None
    if found is None:
        import pyarrow.compute

        return getattr(pyarrow.compute, name)
    return found
