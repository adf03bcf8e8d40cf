"""Domain scoring methods (schools); registered through the `scoring` entry-point group."""

from __future__ import annotations

from scoring.hookspecs import hookimpl
from scoring.methods import Method

METHODS: tuple[Method, ...] = ()


@hookimpl
def scoring_register_methods() -> list[Method]:
    return list(METHODS)
