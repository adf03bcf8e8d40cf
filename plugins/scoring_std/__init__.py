"""The standard scoring methods, payout kinds, expression functions, evidence loaders and result writers.

A plugin like any other: it is found through the `scoring` entry-point group,
imports only from `scoring.plugin`, and registers everything through the hooks
of `scoring.hookspecs`.
"""

from __future__ import annotations

from scoring.plugin import Function, Loader, Method, PayoutKind, Writer, hookimpl

from .functions import FUNCTIONS
from .loaders import LOADERS
from .methods import METHODS
from .payouts import PAYOUT_KINDS
from .writers import WRITERS


@hookimpl
def scoring_register_methods() -> list[Method]:
    return list(METHODS)


@hookimpl
def scoring_register_functions() -> list[Function]:
    return list(FUNCTIONS)


@hookimpl
def scoring_register_payout_kinds() -> list[PayoutKind]:
    return list(PAYOUT_KINDS)


@hookimpl
def scoring_register_loaders() -> list[Loader]:
    return list(LOADERS)


@hookimpl
def scoring_register_writers() -> list[Writer]:
    return list(WRITERS)

