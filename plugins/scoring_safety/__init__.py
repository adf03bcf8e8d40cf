"""Domain scoring methods (safety); registered through the `scoring` entry-point group.

`lec`: see `scoring_safety.methods`. A control-indicator deduction needs no
method of its own: it is the built-in `deduction` with
`all_when = "deaths > death_limit"`.
"""

from __future__ import annotations

from scoring.plugin import Method, hookimpl

from .methods import METHODS


@hookimpl
def scoring_register_methods() -> list[Method]:
    return list(METHODS)
