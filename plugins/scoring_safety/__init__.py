"""Domain scoring methods (safety); registered through the `scoring` entry-point group.

`lec`: see `scoring_safety.methods`; `hazard_deadline` and its evidence check
`hazard_dates`: see `scoring_safety.hazards`. A control-indicator deduction
needs no method of its own: it is the built-in `deduction` with
`all_when = "deaths > death_limit"`.
"""

from __future__ import annotations

from scoring.plugin import EvidenceCheck, Method, hookimpl

from .hazards import CHECKS, METHOD
from .methods import METHODS


@hookimpl
def scoring_register_methods() -> list[Method]:
    return [*METHODS, METHOD]


@hookimpl
def scoring_register_checks() -> list[EvidenceCheck]:
    return list(CHECKS)
