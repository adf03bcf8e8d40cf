"""What a scoring method is, as plugins declare it.

A method is a name, a pydantic model of its parameters and a function from
whole evidence columns to raw points. Parameters annotated `FieldName` must
name a declared field and those annotated `Condition` or `NumberExpression` are
compiled by the core (safely, once), so a method never parses rubric text and
the core can tell which fields an indicator reads.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal, TypeVar

import numpy as np
from numpy.typing import NDArray
from pydantic import BaseModel, ConfigDict

from .expr import Expression

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]


@dataclass(frozen=True)
class FieldRef:
    """Marks a parameter that names an evidence field.

    `members=True`: the field is read from the unit's member rows (the schools
    of a group, the hazard sources of an enterprise), not from its own row.
    """

    types: tuple[str, ...] = ()
    members: bool = False


@dataclass(frozen=True)
class ExpressionRef:
    """Marks a parameter that holds a rubric expression."""

    kind: Literal["bool", "number"]


FieldName = Annotated[str, FieldRef()]
MemberNumericField = Annotated[str, FieldRef(("count", "number", "rate"), members=True)]
MemberChoiceField = Annotated[str, FieldRef(("enum", "text"), members=True)]
NumericField = Annotated[str, FieldRef(("count", "number", "rate", "bool"))]
BoolField = Annotated[str, FieldRef(("bool",))]
ChoiceField = Annotated[str, FieldRef(("enum", "text"))]
Condition = Annotated[str, ExpressionRef("bool")]
NumberExpression = Annotated[str, ExpressionRef("number")]
OptionalCondition = Annotated[str | None, ExpressionRef("bool")]


class Params(BaseModel):
    """Base of every method's parameter model: unknown keys are typos."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


@dataclass(frozen=True)
class MemberRows:
    """The member rows under the rows a method scores.

    `row[k]` is the index, among the method's rows, of member row `k`'s unit
    frame, so per-unit figures are reductions such as
    `np.bincount(members.row, weights=x, minlength=inp.n)`.
    """

    ids: np.ndarray
    row: np.ndarray
    columns: Mapping[str, np.ndarray]
    missing: Mapping[str, np.ndarray]

    def number(self, name: str) -> FloatArray:
        """A numeric member column, NaN where the cell is missing."""
        values = np.asarray(self.columns[name], dtype=np.float64)
        return np.where(self.missing[name], np.nan, values)

    def column(self, name: str) -> np.ndarray:
        return self.columns[name]

    @property
    def size(self) -> int:
        return int(self.row.shape[0])


@dataclass(frozen=True)
class MethodInput:
    """What a method sees: the rows it scores, as whole columns.

    Numeric columns are float64 with NaN where a value is missing; the core
    marks those rows not applicable afterwards, so a method need not care.
    """

    points: float
    n: int
    columns: Mapping[str, np.ndarray]
    expressions: Mapping[str, Expression]
    members: MemberRows | None = None
    # Which unit each row is a period of (an index, equal for a unit's rows) and
    # the row's period label ("" without periods), for methods that carry
    # member rows from one period into the next (open items of a register).
    units: np.ndarray | None = None
    periods: np.ndarray | None = None

    def member_rows(self) -> MemberRows:
        """The member rows, or an error naming what the evidence lacks."""
        if self.members is None:
            raise ValueError("this method reads member rows, and the evidence has none (no parent column)")
        return self.members

    def number(self, name: str) -> FloatArray:
        return np.asarray(self.columns[name], dtype=np.float64)

    def column(self, name: str) -> np.ndarray:
        return self.columns[name]

    def condition(self, param: str) -> BoolArray:
        """The compiled condition held by parameter `param`, over these rows."""
        return self.expressions[param].evaluate_bool(self.columns, self.n)

    def expression(self, param: str) -> FloatArray:
        return self.expressions[param].evaluate_number(self.columns, self.n)


@dataclass
class Scored:
    """A method's answer for every row.

    `points` are raw: the core clips them to [0, points] (扣完为止) and says so
    in the explanation. `value` is the figure the indicator measured (a rate,
    a count) for reports; `not_applicable` marks rows the method finds not
    applicable (a ratio over zero hazards, say).
    """

    points: FloatArray
    value: np.ndarray | None = None
    not_applicable: BoolArray | None = None
    # Figures per member row (a school's deviation, its gap to the lead school),
    # reported under each member: name -> array over `MethodInput.members`.
    member_values: dict[str, np.ndarray] | None = None


@dataclass(frozen=True)
class Lint:
    """One thing a method's lint finds in an indicator's parameters.

    `param` names the parameter at fault, so the finding points at its key.
    """

    severity: Literal["error", "warning"]
    message: str
    param: str | None = None


@dataclass(frozen=True)
class ExampleFields:
    """The fields of every generated rubric (`scoring.testing.rubric_texts`),
    which a method's `example_params` may name."""

    count: str = "n"            # a count; lower is better
    limit: str = "limit"        # a count; blank means 0
    total: str = "found"        # a count
    part: str = "rectified"     # a count at most `total`; higher is better
    rate: str = "share"         # a rate in [0, 1]; may be blank (not applicable)
    flag: str = "ok"            # yes/no; yes is better
    choice: str = "level"       # an enum with `choices`
    choices: tuple[str, ...] = ("无", "三级", "二级", "一级")


@dataclass(frozen=True)
class Method:
    """A scoring method registered by a plugin."""

    name: str
    params: type[Params]
    score: Callable[[Any, MethodInput], Scored]
    summary: str = ""
    describe: Callable[[Any, float], str] | None = None
    # Checks that need the rubric's [fields] (a lookup table's keys against an
    # enum's values, say): raise ValueError("param: message") to refuse.
    validate: Callable[[Any, Mapping[str, Any]], None] | None = None
    # Values a field must take for this method to make sense (LEC's likelihood
    # is one of 10, 6, 3, ...): field name -> allowed values, None among them
    # when a blank is allowed. Used by `scoring.testing.from_rubric` so drawn
    # evidence is what the method expects.
    field_choices: Callable[[Any], Mapping[str, Sequence[object]]] | None = None
    # What `scoring check` can say about an indicator from its parameters
    # alone (every band pays 0): (params, points) -> findings.
    lint: Callable[[Any, float], Sequence[Lint]] | None = None
    # Parameter sets for the rubrics `scoring.testing.rubric_texts` generates,
    # naming the fields of `ExampleFields`; a method without them is left out.
    example_params: Callable[[ExampleFields], Sequence[Mapping[str, Any]]] | None = None
    # True when a unit with no member rows is scored as such (an empty hazard
    # register: nothing found, nothing lost) rather than not applicable, so the
    # core does not warn about units without member rows for this method.
    members_optional: bool = False
    # The figures it reports per member row (`Scored.member_values`), by name:
    # a rubric's [member_result] may read them as `<indicator id>_<name>`.
    member_values: tuple[str, ...] = ()
    plugin: str = field(default="", compare=False)


def _find_method(module: str, qualname: str, name: str) -> Method:
    """The `Method` named `name` whose score function is `module.qualname` (for unpickling)."""
    import importlib

    for value in vars(importlib.import_module(module)).values():
        for item in value if isinstance(value, (list, tuple)) else (value,):
            if isinstance(item, Method) and item.name == name and item.score.__qualname__ == qualname:
                return item
    raise LookupError(f"method {name!r} is no longer declared in module {module!r}")


def _method_reduce(self: Method) -> tuple[Any, tuple[str, str, str]]:
    # A method may hold lambdas (its describe, examples, lint), which pickle
    # cannot carry: it is pickled as where its plugin declares it, and found
    # there again, so a rubric that holds it pickles (to worker processes).
    return _find_method, (self.score.__module__, self.score.__qualname__, self.name)


Method.__reduce__ = _method_reduce  # type: ignore[assignment,method-assign]


M = TypeVar("M", FieldRef, ExpressionRef)


def _marked(model: type[BaseModel], marker: type[M]) -> dict[str, M]:
    return {name: meta for name, info in model.model_fields.items() for meta in info.metadata if isinstance(meta, marker)}


def field_params(model: type[BaseModel]) -> dict[str, FieldRef]:
    """Parameters of `model` that name evidence fields."""
    return _marked(model, FieldRef)


def expression_params(model: type[BaseModel]) -> dict[str, ExpressionRef]:
    """Parameters of `model` that hold rubric expressions."""
    return _marked(model, ExpressionRef)
