"""scoring: a plugin-based assessment scoring engine.

    import scoring
    engine = scoring.Engine()
    result = engine.score("enterprise-safety-target", "evidence.csv")
    for unit in result.units():
        print(unit.id, unit.score, unit.grade, unit.rank)
"""

from __future__ import annotations

from .analysis import Impact, Margins, Sensitivity, Statistics
from .engine import ENGINE_VERSION as __version__
from .engine import BundledRubric, Engine
from .errors import EvidenceError, ExpressionError, PluginError, RubricError, ScoringError, UsageError
from .evidence import Evidence, Rejection
from .hookspecs import hookimpl
from .methods import Method, MethodInput, Params, Scored
from .plan import Rubric
from .result import Result, UnitResult
from .rounding import round_half_up

__all__ = [
    "BundledRubric", "Engine", "Evidence", "EvidenceError", "ExpressionError", "Impact", "Margins", "Method",
    "MethodInput", "Params", "PluginError", "Rejection", "Result", "Rubric", "RubricError", "Scored",
    "ScoringError", "Sensitivity", "Statistics", "UnitResult", "UsageError", "__version__", "hookimpl",
    "round_half_up",
]
