"""Domain scoring methods (schools); registered through the `scoring` entry-point group.

`balance_cv`, `gap_to_lead` and `improvement`: see `scoring_schools.methods`.
"""

from __future__ import annotations

from scoring.plugin import Method, hookimpl

from .methods import METHODS


@hookimpl
def scoring_register_methods() -> list[Method]:
    return list(METHODS)
