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

from .impact import Impact, compare_results
from .margins import Margins, unit_margins
from .sensitivity import Sensitivity, sensitivity
from .stats import Statistics, statistics

__all__ = ["Impact", "Margins", "Sensitivity", "Statistics", "compare_results", "sensitivity", "statistics",
           "unit_margins"]
