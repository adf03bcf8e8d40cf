"""scoring: a plugin-based assessment scoring engine.

    import scoring
    engine = scoring.Engine()
    result = engine.score("enterprise-safety-target", "evidence.csv")
    for unit in result.units():
        print(unit.id, unit.score, unit.grade, unit.rank)
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .engine import ENGINE_VERSION as __version__
from .engine import BundledRubric, Engine
from .errors import EvidenceError, ExpressionError, PluginError, RubricError, ScoringError, UsageError
from .evidence import Evidence, Rejection
from .hookspecs import hookimpl
from .methods import Method, MethodInput, Params, Scored
from .plan import Rubric
from .result import Result, UnitResult
from .rounding import round_half_up

if TYPE_CHECKING:
    from .analysis import Impact, Margins, Sensitivity, Statistics


def __getattr__(name: str) -> Any:
    """The analysis answers, imported on first use: `import scoring` (and every `scoring run`) does not pay
    for modules a scoring job never calls (PEP 562)."""
    if name in ("Impact", "Margins", "Sensitivity", "Statistics"):
        from . import analysis

        return getattr(analysis, name)
    if name in ("analysis", "amend", "examples"):  # `scoring.analysis.compare_results(...)` after `import scoring`
        import importlib

        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "BundledRubric", "Engine", "Evidence", "EvidenceError", "ExpressionError", "Impact", "Margins", "Method",
    "MethodInput", "Params", "PluginError", "Rejection", "Result", "Rubric", "RubricError", "Scored",
    "ScoringError", "Sensitivity", "Statistics", "UnitResult", "UsageError", "__version__", "hookimpl",
    "round_half_up",
]
