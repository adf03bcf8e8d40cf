"""Domain scoring methods and evidence checks (schools); registered through the `scoring` entry-point group.

`balance_cv`, `gap_to_lead` and `improvement`: see `scoring_schools.methods`;
the check across a group's rows (one lead school): see `scoring_schools.checks`.
"""

from __future__ import annotations

from scoring.plugin import EvidenceCheck, Method, hookimpl

from .checks import CHECKS
from .methods import METHODS


@hookimpl
def scoring_register_methods() -> list[Method]:
    return list(METHODS)


@hookimpl
def scoring_register_checks() -> list[EvidenceCheck]:
    return list(CHECKS)
