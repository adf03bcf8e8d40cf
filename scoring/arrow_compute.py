"""Arrow's compute functions, called by name, without importing `pyarrow.compute`.

`import pyarrow.compute` builds a Python wrapper for each of Arrow's ~290
compute functions, scraping each options class's docstring as it goes: about
0.07 s of CPU (0.14 s profiled) on every job that writes a CSV report, which
calls two of them (`take` and `binary_join_element_wise`, scoring/report/csv_rows.py;
the fast CSV reader calls none since it checks each column's distinct texts in
Python). Arrow's own `call_function` (what every wrapper calls in the end)
calls one by name with no such set-up, so this module gives the same calls,
`pc.take(col, indices)`, `pc.binary_join_element_wise(a, b, sep)`, through it. A CSV job
runs with `pyarrow.compute` never imported (tests/test_startup.py), so these
calls are checked to work without it. A function it does not know, or a pyarrow without `call_function` where it
is looked up, is taken from `pyarrow.compute` itself: never wrong, only slower.
tests/test_startup.py checks every function here against pyarrow.compute's.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

# Called with Arrow's default options (those pyarrow.compute's wrappers pass when given none): the CSV
# writer's two. Any other name is pyarrow.compute's own.
_PLAIN = ("take", "binary_join_element_wise")


def _by_name(name: str) -> Callable[..., Any] | None:
    """Arrow's function `name` called through `call_function`, or None where this pyarrow lacks it."""
    try:
        from pyarrow import _compute
        call = _compute.call_function
    except (ImportError, AttributeError):
        return None
    return lambda *arrays: call(name, list(arrays))


def __getattr__(name: str) -> Any:
    found = _by_name(name) if name in _PLAIN else None
    if found is None:
        import pyarrow.compute

        return getattr(pyarrow.compute, name)
    return found
