"""Checks across evidence rows, as plugins declare them.

The core checks each cell against the rubric's `[fields]` and the rows'
structure (ids, periods, one level of members). What only a domain knows (a
school group has one lead school; an enterprise's hazard sources belong to one
site) is an `EvidenceCheck` registered by that domain's plugin through the
`scoring_register_checks` hook. A check sees the typed rows and answers with
rows to refuse, each with a reason, and warnings; the core applies its error
policy to refused rows exactly as to a bad cell, so nothing is lost silently.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from .errors import PluginError

if TYPE_CHECKING:
    from .plan import Rubric


@dataclass(frozen=True)
class EvidenceRows:
    """What a check sees: every row of the table, typed, before the error policy.

    `columns[f]` is field `f` over all rows (numbers float64 with NaN where
    missing), `refused` marks rows the core has refused already (a check
    should leave them alone), `parents` is None when the table has no member
    rows, and `label(i)` is how a person finds row `i` ("row 7").
    """

    rubric: Rubric
    ids: np.ndarray
    periods: np.ndarray | None
    parents: np.ndarray | None
    columns: Mapping[str, np.ndarray]
    missing: Mapping[str, np.ndarray]
    refused: np.ndarray
    label: Callable[[int], str]

    @property
    def n(self) -> int:
        return int(self.ids.shape[0])

    def owners(self) -> np.ndarray:
        """The unit each row belongs to: its parent for a member row, else its own id."""
        if self.parents is None:
            return self.ids
        return np.where(self.parents != "", self.parents, self.ids)


@dataclass(frozen=True)
class Refusal:
    """Rows a check refuses (indices into `EvidenceRows`), and why."""

    rows: Sequence[int] | np.ndarray
    reason: str
    field: str | None = None


@dataclass(frozen=True)
class CheckReport:
    """A check's answer: rows to refuse and warnings to report.

    A warning is text, or better a `scoring.notices.Notice` (text with a
    stable `code`, the `unit` and `field` it is about), which the JSON result
    keeps structured and `--strict` turns into an error like any other.
    """

    refuse: Sequence[Refusal] = ()
    warnings: Sequence[str] = ()


@dataclass(frozen=True)
class EvidenceCheck:
    """A check across rows, registered by a plugin."""

    name: str
    run: Callable[[EvidenceRows], CheckReport]
    summary: str = ""
    plugin: str = field(default="", compare=False)


@dataclass(frozen=True)
class CheckOutcome:
    """All checks' answers, as the core applies them."""

    refuse: list[tuple[np.ndarray, str | None, str]]
    warnings: list[str]


# What the evidence typing calls: (ids, periods, parents, columns, missing,
# refused, label) -> the checks' outcome; `bind` makes one for a rubric.
RowChecks = Callable[
    [np.ndarray, "np.ndarray | None", "np.ndarray | None", Mapping[str, np.ndarray], Mapping[str, np.ndarray],
     np.ndarray, Callable[[int], str]],
    CheckOutcome,
]


def bind(checks: Sequence[EvidenceCheck], rubric: Rubric) -> RowChecks | None:
    """The registered checks, bound to the rubric they check evidence for (None: no checks)."""
    if not checks:
        return None

    def run(ids: np.ndarray, periods: np.ndarray | None, parents: np.ndarray | None,
            columns: Mapping[str, np.ndarray], missing: Mapping[str, np.ndarray], refused: np.ndarray,
            label: Callable[[int], str]) -> CheckOutcome:
        rows = EvidenceRows(rubric, ids, periods, parents, columns, missing, refused, label)
        return run_checks(checks, rows)
    return run


def run_checks(checks: Sequence[EvidenceCheck], rows: EvidenceRows) -> CheckOutcome:
    """Run each check; a check that breaks its contract is the plugin's error, named."""
    refuse: list[tuple[np.ndarray, str | None, str]] = []
    warnings: list[str] = []
    for check in checks:
        who = f"evidence check {check.name!r} of plugin {check.plugin or '(unnamed)'!r}"
        try:
            report = check.run(rows)
        except (PluginError, MemoryError, RecursionError):
            raise
        except Exception as exc:  # noqa: BLE001 - a plugin's bug, named, never a crash of the job
            raise PluginError(f"{who} raised {type(exc).__name__}: {exc}") from exc
        if not isinstance(report, CheckReport):
            raise PluginError(f"{who} returned {type(report).__name__}, not a CheckReport")
        for item in report.refuse:
            if not isinstance(item, Refusal):
                raise PluginError(f"{who} listed {type(item).__name__} among rows to refuse, not a Refusal")
            index = np.asarray(item.rows, dtype=np.int64).reshape(-1)
            if index.size and (index.min() < 0 or index.max() >= rows.n):
                raise PluginError(f"{who} refused row index {int(index.max())}, outside the {rows.n} rows")
            if item.field is not None and item.field not in rows.columns:
                raise PluginError(f"{who} named field {item.field!r}, which the rubric does not declare")
            refuse.append((index[~rows.refused[index]], item.field, item.reason))
        for warning in report.warnings:
            if not isinstance(warning, str):
                raise PluginError(f"{who} gave a warning of type {type(warning).__name__}, not text")
            warnings.append(warning)
    return CheckOutcome(refuse, warnings)
