"""A compiled rubric: each indicator bound to its method, each expression compiled once.

`Rubric` is what the engine scores with. It is built from a checked
`RubricModel` and the engine's registry, so a method name, a parameter typo or
an expression naming an unknown field is refused here, before any evidence is
read, with the key path of the offending key.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from pydantic import BaseModel, ValidationError

from .errors import ExpressionError, RubricError
from .expr import NO_FUNCTIONS, Expression, FunctionTable, compile_expression
from .history import history_types
from .panel_rows import check_model as panel_problems, stage_names
from .headers import header_names
from .methods import Method, expression_params, field_params
from .limits import MAX_EXPRESSIONS
from .model import DimensionSpec, IndicatorSpec, RubricModel
from .payouts import CompiledPayout, PayoutKind, payout_source
from .rubric import count_expressions, validation_error

RESULT_BASE = ("score", "vetoed", "bonus", "base")
# Last period's result (`scoring run --previous LAST.json`), readable by consequences.
PREVIOUS_NAMES = ("previous.score", "previous.grade", "previous.rank", "previous.vetoed")


@dataclass(frozen=True)
class CompiledIndicator:
    spec: IndicatorSpec
    dimension: DimensionSpec
    method: Method
    params: BaseModel
    expressions: dict[str, Expression]
    inputs: tuple[str, ...]
    key: str
    # Fields read from member rows: their blanks do not make the unit's item not applicable.
    member_inputs: tuple[str, ...] = ()

    @property
    def id(self) -> str:
        return self.spec.id

    @property
    def points(self) -> float:
        return self.spec.points


@dataclass(frozen=True)
class Rubric:
    """A loaded, checked and compiled rubric."""

    model: RubricModel
    path: Path | None
    sha256: str
    indicators: tuple[CompiledIndicator, ...]
    vetoes: tuple[Expression, ...]
    requires: tuple[Expression | None, ...]
    consequence_when: tuple[Expression, ...]
    payouts: tuple[CompiledPayout | None, ...]
    sample: Path | None = field(default=None)
    sample_history: Path | None = field(default=None)
    # [member_result]'s score, compiled (scoring.member_results); None without one.
    member_score: Expression | None = field(default=None)

    @property
    def id(self) -> str:
        return self.model.rubric.id

    @property
    def version(self) -> str:
        return self.model.rubric.version

    @property
    def title(self) -> str:
        return self.model.rubric.title

    @property
    def fields_read(self) -> frozenset[str]:
        """Fields that an indicator, veto, grade, rank, consequence or another field's bound reads."""
        return frozenset(fields_read(self))

    @property
    def optional_fields(self) -> frozenset[str]:
        """Fields read by nothing: evidence may leave them out or blank, whatever their missing policy."""
        return frozenset(self.model.fields) - self.fields_read

    @property
    def member_fields(self) -> frozenset[str]:
        """Fields read from member rows by member-row methods or [member_result] (besides roll-ups)."""
        own = self.member_score.names & set(self.model.fields) if self.member_score is not None else set()
        return frozenset(f for ind in self.indicators for f in ind.member_inputs) | own


def fields_read(rubric: Rubric) -> set[str]:
    model = rubric.model
    names: set[str] = set()
    for ind in rubric.indicators:
        names.update(ind.inputs)
        names.update(ind.member_inputs)
    for expr in (*rubric.vetoes, *(r for r in rubric.requires if r is not None), *rubric.consequence_when,
                 *(e for p in rubric.payouts if p is not None for e in p.expressions.values())):
        names.update(expr.names)
    for spec in model.fields.values():
        names.update(b for b in (spec.min, spec.max, spec.weight) if isinstance(b, str))
    if model.rank.within:
        names.add(model.rank.within)
    names.update(model.rank.tie_break)
    for c in model.consequence:
        names.update(n for n in (c.quota.within if c.quota else None, c.person_field) if n)
    if rubric.member_score is not None:
        names.update(rubric.member_score.names)
    return names & set(model.fields)


def _compile(
    source: str, allowed: frozenset[str], path: str, key: str, types: dict[str, np.ndarray], kind: str,
    functions: FunctionTable = NO_FUNCTIONS,
) -> Expression:
    """Compile once, then evaluate on one typed sample row, so that a type error
    (`industry > 3` on a text field) is refused now, with its key, and not in
    the middle of a scoring job."""
    try:
        expr = compile_expression(source, allowed_names=allowed, functions=functions)
        env = {name: types[name] for name in expr.names if name in types}
        (expr.evaluate_bool if kind == "bool" else expr.evaluate_number)(env, 1)
    except ExpressionError as exc:
        raise RubricError(str(exc), path=path, key=key) from None
    return expr


_SAMPLE = {
    "count": np.ones(1), "number": np.ones(1), "rate": np.ones(1),
    "bool": np.ones(1, dtype=bool), "enum": np.array(["x"]), "text": np.array(["x"]),
}


def sample_types(model: RubricModel) -> dict[str, np.ndarray]:
    """One sample value of the right type for every name an expression may read."""
    types = {name: _SAMPLE[spec.type] for name, spec in model.fields.items()}
    types.update({name: np.ones(1) for name in result_names(model)})
    types.update(vetoed=np.ones(1, dtype=bool), grade=np.array(["x"]), rank=np.ones(1))
    types.update({"previous.score": np.ones(1), "previous.grade": np.array(["x"]), "previous.rank": np.ones(1),
                  "previous.vetoed": np.ones(1, dtype=bool)})
    types.update(history_types(model))
    types.update(stage_names(model))
    return types


def result_names(model: RubricModel) -> set[str]:
    return set(RESULT_BASE) | set(model.phases) | {d.id for d in model.dimension}


def _sample_path(rubric_path: Path, sample: str, where: str, key: str = "rubric.sample") -> Path:
    """The rubric's sample evidence, which must lie in the rubric's own folder.

    A rubric may come from someone else; its `sample` must not make a run read
    (and echo cells of) any other file on the machine, such as `../secret.csv`
    or an absolute path. Symlinks are resolved before the check.
    """
    if "\x00" in sample:  # no file name holds one; the OS refuses it with a ValueError, not an OSError
        raise RubricError(f"sample {sample[:200]!r} contains a NUL character, which no file name can hold; "
                          "write the sample file's name", path=where, key=key)
    folder = rubric_path.resolve().parent
    found = (folder / sample).resolve()
    if not found.is_relative_to(folder):
        raise RubricError(f"sample {sample[:200]!r} lies outside the rubric's folder ({folder}); "
                          "put the sample file in the rubric's folder or below it", path=where, key=key)
    return found


def compile_rubric(
    model: RubricModel, methods: dict[str, Method], *, path: Path | None, sha256: str, name: str | None = None,
    functions: FunctionTable = NO_FUNCTIONS,
    payout_kinds: Mapping[str, PayoutKind] | None = None,
) -> Rubric:
    """`functions` are those rubric expressions may call: the engine's registered ones."""
    where = name or (str(path) if path else "rubric")

    def expression(source: str, allowed: frozenset[str], key: str, kind: str) -> Expression:
        return _compile(source, allowed, where, key, types, kind, functions)

    try:
        header_names(model)  # every header (id, title, alias) must name one column only
    except ValueError as exc:
        raise RubricError(str(exc), path=where, key="fields") from None
    for key, problem in panel_problems(model):  # raters and stages (panels.py, stages.py)
        raise RubricError(problem, path=where, key=key)
    fields = frozenset(model.fields)
    types = sample_types(model)
    expressions_seen = count_expressions(model)
    compiled: list[CompiledIndicator] = []
    for i, dim in enumerate(model.dimension):
        for j, ind in enumerate(dim.indicator):
            key = f"dimension[{i}].indicator[{j}]"
            method = methods.get(ind.method)
            if method is None:
                known = ", ".join(sorted(methods)) or "none: are the built-in plugins installed? run pip install -e ."
                raise RubricError(
                    f"unknown method {ind.method!r} in indicator {ind.id!r}; methods are: {known}",
                    path=where, key=f"{key}.method",
                )
            try:
                params = method.params.model_validate(ind.params)
            except ValidationError as exc:
                err = validation_error(exc, where, key)
                raise RubricError(
                    f"{err.message} (indicator {ind.id!r}, method {ind.method!r})", path=where, key=err.key
                ) from None
            inputs: list[str] = []
            member_inputs: list[str] = []
            for pname, ref in field_params(method.params).items():
                value = getattr(params, pname)
                if value is None:
                    continue
                spec = model.fields.get(value)
                if spec is None:
                    raise RubricError(
                        f"{pname} = {value!r} is not a field declared in [fields] (indicator {ind.id!r})",
                        path=where, key=f"{key}.{pname}",
                    )
                if ref.types and spec.type not in ref.types:
                    raise RubricError(
                        f"{pname} = {value!r} is a {spec.type} field; method {ind.method!r} needs "
                        f"{' or '.join(ref.types)} here",
                        path=where, key=f"{key}.{pname}",
                    )
                (member_inputs if ref.members else inputs).append(value)
            if method.validate is not None:
                try:
                    method.validate(params, model.fields)
                except ValueError as exc:
                    param, _, message = str(exc).partition(": ")
                    raise RubricError(
                        f"{message or param} (indicator {ind.id!r}, method {ind.method!r})",
                        path=where, key=f"{key}.{param}" if message else key,
                    ) from None
            expressions: dict[str, Expression] = {}
            for pname, kind in expression_params(method.params).items():
                source = getattr(params, pname)
                if source is None:
                    continue
                expressions_seen += 1
                if expressions_seen > MAX_EXPRESSIONS:
                    raise RubricError(f"the rubric has more than {MAX_EXPRESSIONS:,} expressions, the limit",
                                      path=where, key=f"{key}.{pname}")
                expr = expression(source, fields, f"{key}.{pname}", kind.kind)
                expressions[pname] = expr
                inputs.extend(sorted(expr.names))
            compiled.append(
                CompiledIndicator(
                    spec=ind, dimension=dim, method=method, params=params,
                    expressions=expressions, inputs=tuple(dict.fromkeys(inputs)), key=key,
                    member_inputs=tuple(dict.fromkeys(member_inputs)),
                )
            )
    results = frozenset(result_names(model))
    with_results = fields | results
    vetoes = tuple(expression(v.when, fields, f"veto[{i}].when", "bool") for i, v in enumerate(model.veto))
    requires = tuple(
        None if g.require is None else expression(g.require, with_results, f"grade[{i}].require", "bool")
        for i, g in enumerate(model.grade)
    )
    cons_names = (with_results | {"grade", "rank"} | frozenset(PREVIOUS_NAMES) | frozenset(history_types(model))
                  | frozenset(stage_names(model)))
    when = tuple(expression(c.when, cons_names, f"consequence[{i}].when", "bool")
                 for i, c in enumerate(model.consequence))
    payouts = tuple(_compile_payout(i, model, payout_kinds or {}, cons_names, where, types, functions)
                    for i in range(len(model.consequence)))
    sample = None
    if model.rubric.sample and path is not None:
        sample = _sample_path(path, model.rubric.sample, where)
    sample_history = None
    if model.rubric.sample_history and path is not None:
        sample_history = _sample_path(path, model.rubric.sample_history, where, "rubric.sample_history")
    member_score = None
    if model.member_result is not None:
        allowed, member_types = member_result_names(model, compiled, where)
        member_score = _compile(model.member_result.score, allowed, where, "member_result.score", member_types,
                                "number", functions)
    return Rubric(
        model=model, path=path, sha256=sha256, indicators=tuple(compiled), vetoes=vetoes,
        requires=requires, consequence_when=when, payouts=payouts, sample=sample, sample_history=sample_history,
        member_score=member_score,
    )


def member_result_names(model: RubricModel, compiled: Sequence[CompiledIndicator], where: str = "rubric"
                        ) -> tuple[frozenset[str], dict[str, np.ndarray]]:
    """What [member_result]'s score may read: the numeric fields (from the member row itself), and each
    figure a member-row method reports per member, as `<indicator id>_<name>` (`exam_gap_ratio`)."""
    types = {name: np.ones(1) for name, spec in model.fields.items() if spec.numeric}
    for ind in compiled:
        for value in ind.method.member_values:
            name = f"{ind.id}_{value}"
            if name in model.fields:
                raise RubricError(f"member_result: the name {name!r} is both a field and indicator {ind.id!r}'s "
                                  f"member figure {value!r}; rename one", path=where, key="member_result.score")
            types[name] = np.ones(1)
    return frozenset(types), types


def _compile_payout(
    i: int, model: RubricModel, kinds: Mapping[str, PayoutKind], names: frozenset[str], where: str,
    types: dict[str, np.ndarray], functions: FunctionTable = NO_FUNCTIONS,
) -> CompiledPayout | None:
    """Consequence `i`'s payout bound to its kind, its parameters checked by the kind's own model."""
    spec = model.consequence[i]
    key = f"consequence[{i}]"
    try:
        source = payout_source(spec, kinds)
    except ValueError as exc:
        param, _, message = str(exc).partition(": ")
        raise RubricError(message, path=where, key=f"{key}.{param}") from None
    if source is None:
        return None
    kind_name, written, raw = source
    kind = kinds.get(kind_name)
    if kind is None:
        known = ", ".join(sorted(kinds)) or "none: are the built-in plugins installed? run pip install -e ."
        raise RubricError(f"unknown payout kind {kind_name!r}; kinds are: {known}", path=where,
                          key=f"{key}.payout.kind")
    # Errors name the key the author wrote: `amount` for a shorthand number, `pool.total` for a pool.
    shorthand_param = kind.shorthand.param if kind.shorthand and written != "payout" else None
    base = f"{key}.{written}"
    try:
        params = kind.params.model_validate(raw)
    except ValidationError as exc:
        err = validation_error(exc, where, base)
        message = err.message if shorthand_param is None else err.message.replace(f"{shorthand_param}: ", "")
        raise RubricError(f"{message} (consequence {spec.id!r}, payout {kind.name!r})", path=where,
                          key=base if shorthand_param else err.key) from None
    if kind.validate is not None:
        try:
            kind.validate(params, tuple(g.name for g in model.grade))
        except ValueError as exc:
            param, _, message = str(exc).partition(": ")
            target = base if shorthand_param or not message else f"{base}.{param}"
            raise RubricError(f"{message or param} (consequence {spec.id!r}, payout {kind.name!r})",
                              path=where, key=target) from None
    if kind.budget and spec.achievement and sum(c.achievement == spec.achievement for c in model.consequence) > 1:
        # Which of two rewards for one achievement a unit keeps is decided last,
        # after the budget was shared: it would no longer add up.
        raise RubricError(f"a consequence paid from a shared budget (payout {kind.name!r}) cannot share its "
                          "achievement with another: the budget would no longer add up", path=where,
                          key=f"{key}.achievement")
    expressions: dict[str, Expression] = {}
    for pname, ref in expression_params(kind.params).items():
        text = getattr(params, pname)
        if text is not None:
            param_key = base if shorthand_param else f"{base}.{pname}"
            expressions[pname] = _compile(text, names, where, param_key, types, ref.kind, functions)
    return CompiledPayout(kind=kind, params=params, expressions=expressions, key=base)
