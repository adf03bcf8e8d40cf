"""Domain scoring methods (schools); registered through the `scoring` entry-point group.

`balance_cv`, `gap_to_lead` and `improvement`: see `scoring_schools.methods`.
"""

from __future__ import annotations

from scoring.hookspecs import hookimpl
from scoring.methods import Method

from .methods import METHODS


@hookimpl
def scoring_register_methods() -> list[Method]:
    return list(METHODS)
