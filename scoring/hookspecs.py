"""The hooks a scoring plugin may implement.

Every method, payout kind, loader and writer, the built-in ones included, arrives through
these hooks, from a plugin registered under the entry-point group `scoring`.
Registration hooks return lists (in the style of datasette's `register_*`
hooks); a name registered twice is an error that names both plugins.

Each hook is documented with the same template: when it is called, what it
returns, and what the engine does with the answer.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    from .methods import Method
    from .payouts import PayoutKind
    from .result import Result
    from .plan import Rubric
    from .tables import Loader
    from .writers import Writer

PROJECT = "scoring"
hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


# --- registration -----------------------------------------------------------


@hookspec
def scoring_register_methods() -> list[Method]:  # type: ignore[empty-body]
    """Scoring methods this plugin provides.

    Called: once, when an `Engine` is created.
    Returns: a list of `scoring.methods.Method`.
    The engine: indexes them by name; rubric indicators name them in `method`.
    """


@hookspec
def scoring_register_loaders() -> list[Loader]:  # type: ignore[empty-body]
    """Evidence file formats this plugin can read.

    Called: once, when an `Engine` is created.
    Returns: a list of `scoring.tables.Loader`.
    The engine: picks a loader by the evidence file's suffix.
    """


@hookspec
def scoring_register_writers() -> list[Writer]:  # type: ignore[empty-body]
    """Result formats this plugin can write.

    Called: once, when an `Engine` is created.
    Returns: a list of `scoring.writers.Writer`.
    The engine: offers them by name (`scoring run --format NAME`).
    """


@hookspec
def scoring_register_payout_kinds() -> list[PayoutKind]:  # type: ignore[empty-body]
    """Payout kinds this plugin provides: how a granted consequence becomes money.

    Called: once, when an `Engine` is created.
    Returns: a list of `scoring.payouts.PayoutKind`.
    The engine: indexes them by name; a rubric's consequence names one in
    `payout = { kind = "..." }` or through a kind's shorthand key (`amount`,
    `pool`); the core pays each granted unit the kind's amount, half-up to the fen.
    """


@hookspec
def scoring_register_rubrics() -> list[Path]:  # type: ignore[empty-body]
    """Rubric files this plugin ships.

    Called: once, when an `Engine` is created.
    Returns: a list of paths to rubric TOML files.
    The engine: lists them in `scoring rubrics` and accepts their ids where a
    rubric path is expected.
    """


# --- lifecycle --------------------------------------------------------------


@hookspec
def scoring_rubric_loaded(rubric: Rubric) -> None:
    """A rubric has been loaded and checked.

    Called: after every successful `Engine.load_rubric`.
    Returns: nothing; raise `scoring.errors.RubricError` to refuse the rubric
    (a plugin enforcing a local policy, say).
    """


@hookspec
def scoring_result_ready(result: Result) -> None:
    """A scoring job has finished.

    Called: at the end of every `Engine.score`, before the result is returned.
    Returns: nothing; the result is immutable, so a plugin may only observe it
    (to log it, or archive it).
    """
