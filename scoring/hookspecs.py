"""The hooks a scoring plugin may implement.

Every method, payout kind, loader, writer, expression function and evidence
check, the built-in ones included, arrives through these hooks, from a plugin
registered under the entry-point group `scoring`. Registration hooks return
lists (in the style of datasette's `register_*` hooks); a name registered
twice is an error that names both plugins.

The contract is strict, because a plugin's slip would otherwise surface as a
wrong figure or a crash far from its cause: a function named like a hook that
is not one (`scoring_register_method`), or not marked with `hookimpl`, an
object of the wrong type in a returned list, and an exception raised by a
registration hook are each refused when the `Engine` is created, with a
`scoring.errors.PluginError` naming the plugin and the hook.

Each hook is documented with the same template: when it is called, what it
returns, and what the engine does with the answer.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    from .row_checks import EvidenceCheck
    from .functions import Function
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
    Returns: a list of `scoring.writers.Writer`: `write(result)` for a format
    made from the scored result, or `report(report, options)` for a report for
    people made from a `scoring.report.Report` (which `scoring render` can also
    rebuild from a saved JSON result); either returns text or bytes.
    The engine: offers them by name (`--format NAME`) and by suffix (`-o NAME.SUFFIX`).
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


@hookspec
def scoring_register_functions() -> list[Function]:  # type: ignore[empty-body]
    """Functions rubric expressions may call (`clip(rate, 0, 1)`).

    Called: once, when an `Engine` is created.
    Returns: a list of `scoring.functions.Function`, each with its declared
    argument and result kinds.
    The engine: hands them to the expression compiler at every rubric load, so
    a call to an unknown function, or with the wrong number or kind of
    arguments, is refused with the rubric key.
    """


@hookspec
def scoring_register_checks() -> list[EvidenceCheck]:  # type: ignore[empty-body]
    """Checks across evidence rows (a school group with two lead schools).

    Called: once, when an `Engine` is created.
    Returns: a list of `scoring.row_checks.EvidenceCheck`.
    The engine: runs every check on each evidence table after its cells are
    typed; rows a check refuses are rejected like any bad row (named, with the
    check's reason; the whole unit with them), and its warnings are reported
    with the result.
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
