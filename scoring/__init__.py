"""scoring: a plugin-based assessment scoring engine.

    import scoring
    engine = scoring.Engine()
    result = engine.score("enterprise-safety-target", "evidence.csv")
    for unit in result.units():
        print(unit.id, unit.score, unit.grade, unit.rank)
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .analysis import Impact, Margins, Sensitivity, Statistics
    from .engine import BundledRubric, Engine
    from .errors import EvidenceError, ExpressionError, PluginError, RubricError, ScoringError, UsageError
    from .evidence import Evidence, Rejection
    from .hookspecs import hookimpl
    from .methods import Method, MethodInput, Params, Scored
    from .plan import Rubric
    from .result import Result, UnitResult
    from .rounding import round_half_up
    from .version import ENGINE_VERSION as __version__

# Every public name (`__all__`) is imported on first use (PEP 562): `import scoring` costs nothing, so the
# `scoring` command (scoring/launch.py, itself in this package) can answer --version and set up the process
# before numpy, pyarrow, pydantic and the engine are imported. A name is taken from the first of these
# modules that has it, cheapest first: `scoring.UsageError` imports scoring.errors alone, `scoring.Engine`
# the engine. `from scoring import Engine` and `scoring.Engine` work as before.
_HOMES = ("errors", "hookspecs", "rounding", "evidence", "methods", "plan", "result", "engine", "analysis")


def __getattr__(name: str) -> Any:
    """A public name from its module, or a submodule (`scoring.analysis.compare_results(...)` after
    `import scoring`, as the docs show), imported on first use and then kept here."""
    value: Any
    if name == "__version__":
        from .version import ENGINE_VERSION as value
    elif name in __all__:
        homes = (importlib.import_module(f"{__name__}.{home}") for home in _HOMES)
        found = next((module for module in homes if hasattr(module, name)), None)
        if found is None:  # a name added to __all__ whose module is not listed: a bug of ours
            raise AttributeError(f"{__name__}.{name} is in __all__ but in none of {_HOMES}: add its module")
        value = getattr(found, name)
    elif not name.startswith("_"):
        try:
            value = importlib.import_module(f"{__name__}.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"{__name__}.{name}":
                raise  # the submodule exists but needs something missing: say so
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


__all__ = [
    "BundledRubric", "Engine", "Evidence", "EvidenceError", "ExpressionError", "Impact", "Margins", "Method",
    "MethodInput", "Params", "PluginError", "Rejection", "Result", "Rubric", "RubricError", "Scored",
    "ScoringError", "Sensitivity", "Statistics", "UnitResult", "UsageError", "__version__", "hookimpl",
    "round_half_up",
]
