"""Analysis for those who set and defend the rules.

Each module answers one question about a scored result, over whole columns:

- `stats`: which indicators cost units the most points, overall and by group;
- `margins`: how far each unit is from the next grade and from each quota's cut;
- `sensitivity`: how stable grades, ranks and quota places are when the
  rubric's weights move within a spread;
- `impact`: who changes score, grade, rank, veto or money under a new rubric.

Every answer is a frozen dataclass with `to_dict()` (JSON), `to_text()` (a
terminal table) and tables as dicts of equal-length columns, which
`pandas.DataFrame(cols)` and `pyarrow.table(cols)` take as they are.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

# Every report's tables need the statistics; `sensitivity` is imported here because the function
# shares its module's name (imported lazily, the module would shadow the function).
from .sensitivity import Sensitivity, sensitivity
from .stats import Statistics, statistics

if TYPE_CHECKING:
    from .impact import Impact, compare_results
    from .margins import Margins, unit_margins

_LATER = {"Impact": ".impact", "compare_results": ".impact", "Margins": ".margins", "unit_margins": ".margins"}


def __getattr__(name: str) -> Any:
    """Impact and margins, imported on first use: a scoring job whose report imports the statistics
    does not pay for them (PEP 562)."""
    import importlib

    if name in _LATER:
        return getattr(importlib.import_module(_LATER[name], __name__), name)
    if name in ("impact", "margins"):  # the modules themselves: `scoring.analysis.impact.compare_results`
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

__all__ = ["Impact", "Margins", "Sensitivity", "Statistics", "compare_results", "sensitivity", "statistics",
           "unit_margins"]
