"""Payout kinds: how a granted consequence turns into money, as plugins declare it.

A payout kind is a name, a pydantic model of its parameters, a function from
the decided columns (who is granted, score, grade, rank, the rubric's
expressions) to one amount per unit, and an explanation of one unit's amount.
The built-in kinds come from the `scoring_std` plugin through the
`scoring_register_payout_kinds` hook, exactly as a third party's would; the
core knows none of them by name.

In a rubric a consequence names its kind in a `payout` table whose other keys
are the kind's parameters:

    payout = { kind = "per_point", rate = 100, above = 60 }

A kind may also claim a shorthand key of the consequence (`amount = 5000`,
`pool = { ... }`), so rubrics written before payout kinds existed keep working.

Money is exact (see docs/money.md): whatever a kind returns, the core pays each
granted unit its amount half-up to the fen on the amount's decimal figure,
never below zero, and refuses amounts that are not finite or reach `MAX_AMOUNT`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

import numpy as np

from .expr import Expression
from .methods import BoolArray, FloatArray, Params
from .rounding import figure_text

# Every amount, table entry and pool total stays below 10**13 (ten trillion) in
# the rubric's currency: a figure to the fen below that has at most 15
# significant digits, so it is read back from its float exactly (docs/money.md).
MAX_AMOUNT = 10.0**13
MONEY_PLACES = 2  # amounts are paid in fen (cents)


@dataclass(frozen=True)
class Shorthand:
    """A consequence key a kind accepts instead of a `payout` table.

    `amount = 5000` is the fixed kind's shorthand: key "amount", accepts numbers,
    param "amount" (the value becomes that parameter). With `param=None` the
    value is a table of the kind's parameters (`pool = { total = ..., ... }`).
    """

    key: str
    accepts: tuple[type, ...]
    param: str | None = None


@dataclass(frozen=True)
class Budget:
    """A budget shared among the granted units (a pool): reported in the summary."""

    total: float
    used: float
    units: int
    rule: str


@dataclass(frozen=True)
class PayoutInput:
    """What a payout kind sees: the decided columns, one entry per unit."""

    granted: BoolArray
    score: FloatArray            # the rounded total; NaN where the unit is not assessable
    grade: np.ndarray            # index into `grade_names`; -1 where the unit has no grade
    grade_names: tuple[str, ...]
    rank: FloatArray             # the unit's rank as shown (within its group, if the rubric ranks within)
    overall_rank: FloatArray     # the rank across all units
    unit_ids: np.ndarray
    expressions: Mapping[str, Expression]
    env: Mapping[str, object]
    missing: Mapping[str, BoolArray]

    @property
    def n(self) -> int:
        return int(self.granted.shape[0])

    def expression(self, param: str) -> FloatArray:
        """The compiled number expression of parameter `param`; 0 where it reads a missing value."""
        expr = self.expressions[param]
        value = np.asarray(expr.evaluate_number(self.env, self.n), dtype=np.float64)
        for name in expr.names:  # an amount reading a missing value pays nothing
            if name in self.missing:
                value = np.where(self.missing[name], 0.0, value)
        return value

    def by_grade(self, table: Mapping[str, float]) -> FloatArray:
        """Each unit's entry of a table keyed by grade name (0 for grades not listed, and for no grade)."""
        values = np.array([float(table.get(name, 0.0)) for name in self.grade_names] + [0.0])
        out: FloatArray = values[self.grade]  # no grade (-1) picks the trailing 0
        return out


@dataclass(frozen=True)
class Payout:
    """A kind's answer: an amount per unit (only granted units are paid), and a shared budget if any."""

    amounts: FloatArray
    budget: Budget | None = None


@dataclass(frozen=True)
class PaidUnit:
    """One granted unit, for a kind's explanation of its amount."""

    id: str
    score: float
    grade: str | None
    rank: float
    amount: float
    budget: Budget | None


@dataclass(frozen=True)
class PayoutKind:
    """A payout kind registered by a plugin."""

    name: str
    params: type[Params]
    pay: Callable[[Any, PayoutInput], Payout]
    summary: str = ""
    # One line on why a granted unit gets its amount ("rank 2, band 1-3: 10,000.00");
    # None, or an empty answer, says nothing beyond the amount.
    explain: Callable[[Any, PaidUnit], str] | None = None
    # Checks that need the rubric (grade names, say): raise ValueError("param: message") to refuse.
    validate: Callable[[Any, Sequence[str]], None] | None = None
    shorthand: Shorthand | None = None
    # True when the amounts share a fixed budget (a pool): such a consequence may not
    # share its achievement with another, or the budget would no longer add up.
    budget: bool = False
    plugin: str = field(default="", compare=False)


@dataclass(frozen=True)
class CompiledPayout:
    """A consequence's payout, bound to its kind, with its expressions compiled."""

    kind: PayoutKind
    params: Params
    expressions: dict[str, Expression]
    key: str

    @property
    def names(self) -> frozenset[str]:
        """Every name the payout's expressions read."""
        return frozenset().union(*(e.names for e in self.expressions.values()))


def payout_source(spec: Any, kinds: Mapping[str, PayoutKind]) -> tuple[str, str, dict[str, Any]] | None:
    """(kind name, key of the rubric, parameters) of a consequence, from `payout` or a kind's shorthand.

    Raises ValueError("key: message") when the shorthand fits no registered kind.
    """
    if spec.payout is not None:
        params = dict(spec.payout.model_extra or {})
        return spec.payout.kind, "payout", params
    # The shorthand keys are keys of the format (ConsequenceSpec); the kinds say which is theirs.
    for key in ("amount", "pool"):
        value: Any = getattr(spec, key)
        if value is None:
            continue
        for kind in kinds.values():
            sh = kind.shorthand
            if sh is not None and sh.key == key and isinstance(value, sh.accepts) and not isinstance(value, bool):
                return kind.name, key, ({sh.param: value} if sh.param else dict(cast(Mapping[str, Any], value)))
        raise ValueError(f"{key}: no payout kind accepts {key} = {value!r}; "
                         f"write payout = {{ kind = \"...\", ... }} (kinds: {', '.join(sorted(kinds)) or 'none'})")
    return None


def check_amounts(values: Sequence[float], what: str) -> None:
    """Refuse a rubric figure of money at or beyond the limit (ValueError naming it)."""
    for v in values:
        if not abs(v) < MAX_AMOUNT:
            raise ValueError(f"{what} {figure_text(v)} is too large: amounts must stay below {MAX_AMOUNT:,.0f} "
                             "(so every fen is exact; see docs/money.md)")
