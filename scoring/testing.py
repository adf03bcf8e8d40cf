"""Hypothesis strategies for rubric authors and for the engine's own tests.

    from hypothesis import given
    from scoring.testing import from_rubric

    rubric = scoring.Engine().load_rubric("my-rubric.toml")

    @given(from_rubric(rubric, units=(1, 20)))
    def test_scores_stay_in_bounds(rows):
        result = engine.score(rubric, rows)
        ...

`from_rubric` draws evidence tables (lists of row dicts, as `Engine.score`
accepts) that satisfy the rubric's declared types, bounds, cross-field bounds
(`max = "hazards_found"`), enums, missing policies, periods and member rows.
`rubric_texts()` draws whole valid rubrics, so properties can be checked across
rubrics and not only on the bundled ones.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence
from typing import Any

try:
    from hypothesis import strategies as st
    from hypothesis.errors import InvalidArgument
except ImportError as exc:  # pragma: no cover - exercised only without the extra
    raise ImportError(
        "scoring.testing needs hypothesis; install it with: pip install 'scoring[testing]'"
    ) from exc

from ._toml import inline
from .methods import ExampleFields, Method
from .model import FieldSpec, RubricModel
from .periods import example_labels
from .plan import Rubric

__all__ = ["from_rubric", "rubric_texts", "rubrics", "field_values", "field_choices", "method_examples"]

DEFAULT_COUNT_MAX = 30
DEFAULT_NUMBER_RANGE = (0.0, 1000.0)
TEXT_VALUES = ("甲", "乙", "丙")


def _span(value: int | tuple[int, int], name: str) -> tuple[int, int]:
    lo, hi = (value, value) if isinstance(value, int) else value
    if not 0 <= lo <= hi:
        raise InvalidArgument(f"{name}={value!r} must be a count or a (min, max) range with 0 <= min <= max")
    return lo, hi


def _order(model: RubricModel) -> list[str]:
    """Fields ordered so that a field's bounds are drawn before the field."""
    deps = {name: {b for b in (spec.min, spec.max) if isinstance(b, str)} for name, spec in model.fields.items()}
    done: list[str] = []
    while len(done) < len(deps):
        ready = [n for n in deps if n not in done and deps[n] <= set(done)]
        if not ready:
            cycle = sorted(n for n in deps if n not in done)
            raise InvalidArgument(f"fields {', '.join(cycle)} bound each other in a cycle; no value can satisfy them")
        done.extend(ready)
    return done


def _numeric_bounds(name: str, spec: FieldSpec, model: RubricModel | None = None) -> tuple[float, float]:
    """The range drawn for a numeric field: its declared bounds, else a default
    span that starts at its declared minimum (or ends at its maximum)."""
    declared_min = float(spec.min) if isinstance(spec.min, (int, float)) else None
    declared_max = float(spec.max) if isinstance(spec.max, (int, float)) else None
    if declared_min is not None and declared_max is not None and declared_min > declared_max:
        raise InvalidArgument(f"field {name!r} has min {declared_min:g} above max {declared_max:g}; "
                              "no value can satisfy it")
    span = 1.0 if spec.type == "rate" else (DEFAULT_COUNT_MAX if spec.type == "count" else DEFAULT_NUMBER_RANGE[1])
    floor_ = 0.0 if spec.type in ("count", "rate") else None
    if declared_min is not None:
        lo = declared_min if floor_ is None else max(floor_, declared_min)
        hi = declared_max if declared_max is not None else lo + span
    elif declared_max is not None:
        hi = declared_max
        lo = floor_ if floor_ is not None else min(DEFAULT_NUMBER_RANGE[0], hi - span)
    else:
        lo, hi = (floor_ if floor_ is not None else DEFAULT_NUMBER_RANGE[0]), span
    if spec.type == "rate":
        hi = min(hi, 1.0)
    if model is not None:
        # A field another is bounded by must leave that field room: g.min = this, g.max = 10 → this ≤ 10.
        for other in model.fields.values():
            if other.min == name and isinstance(other.max, (int, float)):
                hi = min(hi, float(other.max))
            if other.max == name and isinstance(other.min, (int, float)):
                lo = max(lo, float(other.min))
    if lo > hi:
        raise InvalidArgument(f"field {name!r}: its bounds leave no value ({lo:g} > {hi:g})")
    return lo, hi


def field_choices(rubric: Rubric) -> dict[str, list[object]]:
    """Values methods require of fields (`Method.field_choices`), intersected per field."""
    out: dict[str, list[object]] = {}
    for ind in rubric.indicators:
        if ind.method.field_choices is None:
            continue
        for name, values in ind.method.field_choices(ind.params).items():
            out[name] = [v for v in out[name] if v in values] if name in out else list(values)
            if not out[name]:
                raise InvalidArgument(f"field {name!r}: the methods reading it allow no common value")
    return out


def field_values(model: RubricModel, name: str, row: dict[str, Any], blanks: bool,
                 choices: dict[str, list[object]] | None = None) -> st.SearchStrategy[Any]:
    """Values of field `name` valid for a row that already holds the fields it is bounded by."""
    spec = model.fields[name]
    blank = st.just(None) if blanks and spec.missing != "error" else None
    value: st.SearchStrategy[Any]
    if choices and name in choices:
        # A method that lists a field's values says whether a blank is one of them (None).
        blank = blank if None in choices[name] else None
        value = st.sampled_from([v for v in choices[name] if v is not None])
    elif spec.numeric:
        lo, hi = _numeric_bounds(name, spec, model)
        for which, bound in (("min", spec.min), ("max", spec.max)):
            if isinstance(bound, str):
                other = row.get(bound)
                if other is None and model.fields[bound].missing == "zero":
                    other = 0  # the engine reads a blank of this field as 0
                if other is None:
                    continue
                lo, hi = (max(lo, float(other)), hi) if which == "min" else (lo, min(hi, float(other)))
        if lo > hi:
            raise InvalidArgument(f"field {name!r}: its bounds leave no value ({lo:g} > {hi:g})")
        # Inner grid points only (ceil the low end, floor the high end), so a
        # drawn value never rounds outside the bounds it must keep.
        step = {"count": 1, "rate": 1000, "number": 100}[spec.type]
        low, high = math.ceil(lo * step - 1e-9), math.floor(hi * step + 1e-9)
        if low > high:
            raise InvalidArgument(f"field {name!r}: no value on a 1/{step} grid lies within [{lo:g}, {hi:g}]")
        scale = float(step)
        value = st.integers(low, high) if step == 1 else st.integers(low, high).map(lambda k: k / scale)
    elif spec.type == "bool":
        value = st.booleans()
    elif spec.type == "enum":
        value = st.sampled_from(list(spec.values or []))
    else:
        value = st.sampled_from(TEXT_VALUES)
    return value if blank is None else st.one_of(blank, value)


def _member_fields(rubric: Rubric) -> set[str]:
    fields = {name for name, spec in rubric.model.fields.items() if spec.rollup is not None}
    for ind in rubric.indicators:
        fields.update(ind.member_inputs)
    for name in list(fields):
        weight = rubric.model.fields[name].weight
        if weight:
            fields.add(weight)
    return fields


@st.composite
def _row(draw: st.DrawFn, model: RubricModel, names: Sequence[str], blanks: bool, base: dict[str, Any],
         choices: dict[str, list[object]]) -> dict[str, Any]:
    row = dict(base)
    for name in names:
        row[name] = draw(field_values(model, name, row, blanks, choices))
    return row


def from_rubric(
    rubric: Rubric,
    *,
    units: int | tuple[int, int] = (1, 10),
    periods: int | tuple[int, int] | None = None,
    members: int | tuple[int, int] | None = None,
    blanks: bool = True,
) -> st.SearchStrategy[list[dict[str, Any]]]:
    """Evidence tables for `rubric`: lists of row dicts with unique unit ids.

    `periods` defaults to 1-3 when the rubric has [phases], else 1; `members`
    (member rows per unit and period) defaults to 1-4 when a field has a
    `rollup` or a method reads member rows, else none. `blanks=False` fills
    every field, even where an empty cell would be allowed.
    """
    model = rubric.model
    unit_span = _span(units, "units")
    period_span = _span(periods if periods is not None else ((1, 3) if model.phases else 1), "periods")
    member_fields = _member_fields(rubric)
    member_span = _span(members if members is not None else ((1, 4) if member_fields else 0), "members")
    order = _order(model)
    choices = field_choices(rubric)
    own = [n for n in order if n not in member_fields]
    sub = [n for n in order if n in member_fields]
    info = model.rubric
    # Check now, not on the first draw, that every field can hold a value.
    for name in order:
        if model.fields[name].numeric:
            _numeric_bounds(name, model.fields[name], model)

    @st.composite
    def tables(draw: st.DrawFn) -> list[dict[str, Any]]:
        n_units = draw(st.integers(*unit_span))
        n_periods = draw(st.integers(*period_span))
        labels = example_labels(info, n_periods)  # labels the rubric accepts, in time order
        n_periods = len(labels)
        rows: list[dict[str, Any]] = []
        for u in range(n_units):
            unit = f"U{u + 1:03d}"
            for p in range(n_periods):
                base: dict[str, Any] = {info.id_column: unit}
                if n_periods > 1 or model.phases:
                    base[info.period_column] = labels[p]
                rows.append(draw(_row(model, own, blanks, base, choices)))
                for k in range(draw(st.integers(*member_span))):
                    member = {info.id_column: f"{unit}-M{k + 1}", info.parent_column: unit}
                    if info.period_column in base:
                        member[info.period_column] = base[info.period_column]
                    rows.append(draw(_row(model, sub, blanks, member, choices)))
        return rows

    return tables()


# --- whole rubrics --------------------------------------------------------------

_F = ExampleFields()
# The fields every generated rubric declares: those `ExampleFields` promises
# methods, and `flag` for the vetoes.
_FIELDS = f"""
[fields]
{_F.count} = {{ type = "count", direction = "lower_is_better" }}
{_F.limit} = {{ type = "count", missing = "zero" }}
{_F.total} = {{ type = "count" }}
{_F.part} = {{ type = "count", max = "{_F.total}", direction = "higher_is_better" }}
{_F.rate} = {{ type = "rate", missing = "not_applicable", direction = "higher_is_better" }}
{_F.flag} = {{ type = "bool", direction = "higher_is_better" }}
{_F.choice} = {{ type = "enum", values = {json.dumps(list(_F.choices), ensure_ascii=False)} }}
flag = {{ type = "count", missing = "zero" }}
"""


def method_examples(methods: Iterable[Method]) -> list[tuple[str, str]]:
    """(method name, indicator lines) for every example parameter set the methods declare."""
    fields = ExampleFields()
    out = []
    for method in methods:
        for params in method.example_params(fields) if method.example_params else ():
            lines = [f'method = "{method.name}"'] + [f"{k} = {inline(v)}" for k, v in params.items()]
            out.append((method.name, "\n".join(lines)))
    if not out:
        raise InvalidArgument("no method declares example_params, so no rubric can be generated")
    return out


@st.composite
def _dimension(draw: st.DrawFn, items: Sequence[tuple[str, str]], did: str, phase: str | None, kind: str,
               start: int) -> str:
    count = draw(st.integers(1, 4))
    points = [draw(st.integers(1, 20)) for _ in range(count)]
    total = sum(points) if kind == "base" else draw(st.integers(1, sum(points)))
    out = f'\n[[dimension]]\nid = "{did}"\npoints = {total}\nkind = "{kind}"\n'
    if phase:
        out += f'phase = "{phase}"\n'
    for k, pts in enumerate(points):
        pts = min(pts, total)
        _, params = draw(st.sampled_from(items))
        body = "\n".join(f"  {line}" for line in params.splitlines())
        out += f'  [[dimension.indicator]]\n  id = "i{start + k}"\n  points = {pts}\n{body}\n'
    return out


@st.composite
def _rubric_text(draw: st.DrawFn, items: Sequence[tuple[str, str]]) -> str:
    text = 'format = 1\n[rubric]\nid = "generated"\ntitle = "generated"\nversion = "1"\n'
    text += f"precision = {draw(st.integers(0, 2))}\nscale = {draw(st.sampled_from([10, 100, 1000]))}\n"
    text += _FIELDS
    phased = draw(st.booleans())
    if phased:
        w = draw(st.integers(1, 9)) / 10
        text += f"\n[phases]\nprocess = {{ weight = {w} }}\noutcome = {{ weight = {round(1 - w, 1)} }}\n"
        text += draw(_dimension(items, "d1", "process", "base", 1)) + draw(_dimension(items, "d2", "outcome", "base", 10))
    else:
        for d in range(draw(st.integers(1, 3))):
            text += draw(_dimension(items, f"d{d + 1}", None, "base", 10 * d + 1))
    if draw(st.booleans()):
        text += draw(_dimension(items, "plus", None, "bonus", 50))
    for v in range(draw(st.integers(0, 2))):
        effect = draw(st.sampled_from(["fail", "zero", "grade"]))
        named = '\ngrade = "G0"' if effect == "grade" else ""
        text += f'\n[[veto]]\nid = "v{v}"\ntitle = "veto {v}"\nwhen = "flag > {v}"\neffect = "{effect}"{named}\n'
    mins = sorted(draw(st.sets(st.integers(1, 95), min_size=1, max_size=3)), reverse=True)
    for k, low in enumerate(mins):
        text += f'\n[[grade]]\nname = "G{k}"\nmin = {low}\n'
    text += '\n[[grade]]\nname = "LAST"\nmin = 0\n'
    text += f'\n[rank]\nties = "{draw(st.sampled_from(["min", "dense"]))}"\n'
    return text


def rubric_texts(engine: Any = None) -> st.SearchStrategy[str]:
    """Valid rubric TOML texts, with phases, bonus and vetoes by chance.

    Indicators use the methods of `engine` (a new one by default) that declare
    `example_params`, with the parameters they declare.
    """
    from .engine import Engine

    methods = (engine if engine is not None else Engine()).registry.methods.values()
    return _rubric_text(method_examples(methods))


def rubrics(engine: Any = None) -> st.SearchStrategy[Rubric]:
    """Valid, compiled rubrics (see `rubric_texts`), loaded by `engine` (a new one by default)."""
    from .engine import Engine

    loader = engine if engine is not None else Engine()
    return rubric_texts(loader).map(loader.rubric_from_text)
