"""`scoring check`: prove a rubric before it decides anyone's bonus.

Four stages: the rubric loads (validation), a lint of what can be shown
without evidence, the rubric's own worked examples, and properties checked by
hypothesis on evidence drawn from the rubric's `[fields]`. A property that
fails is reported with hypothesis's shrunk counterexample, written as an
`[[example]]` block the author can paste into the rubric.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from ._toml import inline
from .errors import PluginError
from .examples import run_examples
from .methods import Lint
from .plan import CompiledIndicator, Rubric
from .progress import Progress, report
from .result import Result

if TYPE_CHECKING:
    from .engine import Engine

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Finding:
    severity: Severity
    stage: str
    message: str
    key: str | None = None
    example: str | None = None

    def render(self) -> str:
        where = f" [{self.key}]" if self.key else ""
        text = f"{self.severity}: {self.stage}{where}: {self.message}"
        if self.example:
            text += "\n" + self.example
        return text


# --- lint ---------------------------------------------------------------------------


def max_score(rubric: Rubric) -> float:
    model = rubric.model
    return model.rubric.scale + sum(d.points for d in model.dimension if d.kind == "bonus")


def fields_read(rubric: Rubric) -> set[str]:
    return set(rubric.fields_read)


def lint(rubric: Rubric) -> list[Finding]:
    model = rubric.model
    out: list[Finding] = []
    top = max_score(rubric)
    for i, grade in enumerate(model.grade):
        if grade.min > top:
            out.append(Finding("error", "lint", f"grade {grade.name!r} needs {grade.min:g} but the highest possible "
                               f"score is {top:g} (scale plus bonus caps): no unit can reach it", f"grade[{i}].min"))
    for ind in rubric.indicators:
        out += method_lint(ind)
    # Labels (label = true) are declared for reports to show; any other unread field is suspect.
    unread = sorted(f for f in set(model.fields) - fields_read(rubric) if not model.fields[f].label)
    if unread:
        out.append(Finding("warning", "lint", f"field(s) declared but never read: {', '.join(unread)} "
                           "(mark names shown in reports with label = true; otherwise a typo or a forgotten "
                           "indicator); evidence may leave them out", "fields"))
    return out


def method_lint(ind: CompiledIndicator) -> list[Finding]:
    """What the indicator's method says about its parameters (`Method.lint`)."""
    if ind.method.lint is None:
        return []
    try:
        found = list(ind.method.lint(ind.params, ind.points))
    except Exception as exc:  # noqa: BLE001 - a plugin's bug, named
        raise PluginError(f"the lint of method {ind.method.name!r} of plugin {ind.method.plugin or '(unnamed)'!r} "
                          f"raised {type(exc).__name__}: {exc}") from exc
    out = []
    for item in found:
        if not isinstance(item, Lint) or item.severity not in ("error", "warning"):
            raise PluginError(f"the lint of method {ind.method.name!r} of plugin {ind.method.plugin or '(unnamed)'!r} "
                              f"returned {item!r}, not a scoring.plugin.Lint")
        key = f"{ind.key}.{item.param}" if item.param else ind.key
        out.append(Finding(item.severity, "lint", f"indicator {ind.id!r}: {item.message}", key))
    return out


# --- properties -------------------------------------------------------------------


def _key(name: str) -> str:
    # TOML bare keys are ASCII letters, digits, _ and -; a field named 死亡人数 must be quoted.
    return name if re.fullmatch(r"[A-Za-z0-9_-]+", name) else json.dumps(name, ensure_ascii=False)


def _inline(row: dict[str, Any], skip: Sequence[str]) -> str:
    items = [f"{_key(k)} = {inline(v if isinstance(v, (bool, int, float)) else str(v))}"
             for k, v in row.items() if v is not None and k not in skip]
    return "{ " + ", ".join(items) + " }"


def example_block(rubric: Rubric, title: str, rows: list[dict[str, Any]], unit: Result | None, unit_id: str,
                  comment: str) -> str:
    """A ready-to-paste [[example]] for one unit's rows, expecting what the engine gave."""
    info = rubric.model.rubric
    own = [r for r in rows if not r.get(info.parent_column)]
    members = [r for r in rows if r.get(info.parent_column)]
    single = len(own) == 1 and not members
    skip_own = [info.id_column, info.parent_column] + ([info.period_column] if single else [])
    lines = [f"# {comment}", "[[example]]", f"title = {json.dumps(title, ensure_ascii=False)}"]
    if single:
        lines.append(f"evidence = {_inline(own[0], skip_own)}")
    else:
        # Member rows keep their own id and name the example's unit as parent.
        lines.append("rows = [")
        lines += [f"  {_inline(r, skip_own)}," for r in own]
        lines += [f"  {_inline({**r, info.parent_column: 'example'}, [])}," for r in members]
        lines.append("]")
    if unit is not None:
        u = unit.unit(unit_id)
        expect = [f"score = {u.score!r}"] if u.score is not None else []
        if u.grade is not None:
            expect.append(f"grade = {json.dumps(u.grade, ensure_ascii=False)}")
        lines.append("expect = { " + ", ".join(expect) + " }")
    return "\n".join(lines)


@dataclass
class _Failure:
    rows: list[dict[str, Any]]
    unit: str
    message: str


def _run_property(
    name: str, test: Callable[[list[dict[str, Any]], Any], str | None], rubric: Rubric, *,
    max_examples: int, seed: int, data_test: bool = False, progress: Progress | None = None,
) -> _Failure | None:
    """Run `test(rows, data)` under hypothesis; return the shrunk failure, if any.

    `test` returns None when the property holds, else "unit_id|message".
    """
    from hypothesis import HealthCheck, given, settings
    from hypothesis import seed as with_seed
    from hypothesis import strategies as st

    from .testing import from_rubric

    failures: list[_Failure] = []
    drawn = [0]
    stage = f"property {name}"
    report(progress, stage, 0, max_examples, "examples")
    try:
        evidence = from_rubric(rubric, units=(1, 5))
    except Exception as exc:  # noqa: BLE001 - an unsatisfiable rubric is a finding, not a crash
        return _Failure([], "", f"cannot draw evidence for this rubric: {exc}")

    @with_seed(seed)
    @settings(max_examples=max_examples, deadline=None, database=None, derandomize=False,
              suppress_health_check=list(HealthCheck), print_blob=False)
    @given(evidence, st.data())
    def prop(rows: list[dict[str, Any]], data: Any) -> None:
        drawn[0] += 1  # shrinking a failure draws more than max_examples; the bar says so
        report(progress, stage, drawn[0], max(max_examples, drawn[0]), "examples")
        verdict = test(rows, data)
        if verdict is not None:
            unit, _, message = verdict.partition("|")
            failures.append(_Failure(rows, unit, message))
            raise AssertionError(message)

    try:
        prop()
    except AssertionError:
        return failures[-1] if failures else None  # the last failure is the shrunk one
    except Exception as exc:  # noqa: BLE001 - an engine error on drawn evidence is a finding too
        if failures:
            return failures[-1]
        return _Failure([], "", f"scoring drawn evidence raised {type(exc).__name__}: {exc}")
    return None


def property_names(rubric: Rubric) -> list[str]:
    """The properties `check_properties` runs on this rubric, by name."""
    names = ["bounds", "vetoes", "row order"]
    names += [f"monotone {f}" for f, spec in rubric.model.fields.items() if spec.direction and spec.numeric]
    return names


def check_properties(engine: Engine, rubric: Rubric, *, max_examples: int = 100, seed: int = 0,
                     only: Sequence[str] | None = None, progress: Progress | None = None) -> list[Finding]:
    model = rubric.model
    top = max_score(rubric)
    lowest = model.grade[-1].name
    info = model.rubric
    findings: list[Finding] = []

    def unit_rows(rows: list[dict[str, Any]], unit: str) -> list[dict[str, Any]]:
        return [r for r in rows if r.get(info.id_column) == unit or r.get(info.parent_column) == unit]

    def bounds(rows: list[dict[str, Any]], data: Any) -> str | None:
        res = engine.score(rubric, rows)
        for u in res.units():
            if u.score is not None and not 0 <= u.score <= top:
                return f"{u.id}|score {u.score} outside [0, {top:g}]"
            for ind in rubric.indicators:
                pts = u.indicators[ind.id].points
                if not 0 <= pts <= ind.points:
                    return f"{u.id}|indicator {ind.id} earned {pts}, outside [0, {ind.points:g}]"
        return None

    def vetoes(rows: list[dict[str, Any]], data: Any) -> str | None:
        res = engine.score(rubric, rows)
        for u in res.units():
            if u.status != "scored" or not u.vetoes:
                continue
            hard = [v for v in u.vetoes if v.effect in ("fail", "zero")]
            expected = lowest if hard else next(v.grade for v in u.vetoes if v.effect == "grade")
            if u.grade != expected:
                return f"{u.id}|vetoed ({u.vetoes[0].id}) but graded {u.grade}, not {expected}"
            if any(v.effect == "zero" for v in u.vetoes) and u.score != 0.0:
                return f"{u.id}|vetoed with effect zero but scored {u.score}"
        return None

    def order(rows: list[dict[str, Any]], data: Any) -> str | None:
        from hypothesis import strategies as st

        res = engine.score(rubric, rows)
        shuffled = data.draw(st.permutations(rows), label="shuffled rows")
        again = engine.score(rubric, shuffled)
        for a, b in zip(res.units(), again.units()):
            if a.to_dict() != b.to_dict():
                return f"{a.id}|reordering the evidence rows changed this unit's result"
        first = res.unit_ids[0]
        alone = engine.score(rubric, unit_rows(rows, str(first))).unit(str(first))
        among = res.unit(str(first))
        if (alone.score, alone.grade) != (among.score, among.grade):
            return f"{first}|scored {alone.score} alone but {among.score} among others"
        return None

    checks: list[tuple[str, Callable[[list[dict[str, Any]], Any], str | None], str]] = [
        ("bounds", bounds, "totals within [0, scale + bonus cap] and every item within [0, its points]"),
        ("vetoes", vetoes, "a triggered veto always yields its effect"),
        ("row order", order, "row order and the other units never change a unit's result"),
    ]
    for fname, spec in model.fields.items():
        if spec.direction and spec.numeric:
            checks.append((f"monotone {fname}", _monotone(engine, rubric, fname, spec.direction, unit_rows),
                           f"raising {fname} never {'lowers' if spec.direction == 'higher_is_better' else 'raises'} "
                           "the score"))
    for name, test, what in checks:
        if only is not None and name not in only:
            continue
        failure = _run_property(name, test, rubric, max_examples=max_examples, seed=seed, progress=progress)
        if failure is None:
            continue
        rows = unit_rows(failure.rows, failure.unit) if failure.unit else []
        block = None
        if rows:
            res = engine.score(rubric, rows)
            block = example_block(rubric, f"counterexample: {what}", rows, res, failure.unit,
                                  f"property {name!r} fails: {failure.message}")
        findings.append(Finding("error", "property", f"{name}: {failure.message}", None, block))
    return findings


def _monotone(engine: Engine, rubric: Rubric, field: str, direction: str,
              unit_rows: Callable[[list[dict[str, Any]], str], list[dict[str, Any]]]
              ) -> Callable[[list[dict[str, Any]], Any], str | None]:
    spec = rubric.model.fields[field]
    info = rubric.model.rubric
    step = {"count": 1, "rate": 0.05, "number": 1.0}[spec.type]

    def test(rows: list[dict[str, Any]], data: Any) -> str | None:
        unit = rows[0][info.id_column]
        own = [k for k, r in enumerate(rows) if r.get(info.id_column) == unit and not r.get(info.parent_column)]
        k = own[-1]  # the final period's row: what outcome indicators read
        value = rows[k].get(field)
        if value is None:
            return None
        raised = [dict(r) for r in rows]
        raised[k][field] = round(value + step, 6) if spec.type != "count" else value + 1
        if spec.type == "rate" and raised[k][field] > 1:
            return None
        before = engine.score(rubric, unit_rows(rows, unit))
        try:
            after = engine.score(rubric, unit_rows(raised, unit))
        except Exception:  # noqa: BLE001 - the raised value broke a bound: no claim to test
            return None
        a, b = before.unit(unit).score, after.unit(unit).score
        if a is None or b is None or math.isnan(a) or math.isnan(b):
            return None
        worse = b < a if direction == "higher_is_better" else b > a
        if worse:
            return f"{unit}|raising {field} from {value} to {raised[k][field]} moved the score from {a} to {b}"
        return None

    return test


def constant_conditions(engine: Engine, rubric: Rubric, *, max_examples: int = 100, seed: int = 0,
                        progress: Progress | None = None) -> list[Finding]:
    """Vetoes and item conditions that never (or always) held on evidence drawn from the declared ranges.

    Drawn evidence is not proof, so these are warnings: a veto on `deaths > 50`
    may never fire on the ranges drawn and still be right.
    """
    from hypothesis import HealthCheck, given, settings
    from hypothesis import seed as with_seed

    from .decide import holds
    from .testing import from_rubric

    conditions: list[tuple[str, str]] = [(f"veto[{i}].when", v.when) for i, v in enumerate(rubric.model.veto)]
    conditions += [(f"{ind.key}.{p}", e.source) for ind in rubric.indicators for p, e in ind.expressions.items()
                   if p != "value"]
    seen: dict[str, set[bool]] = {key: set() for key, _ in conditions}
    drawn = [0]
    try:
        evidence = from_rubric(rubric, units=(1, 5))
    except Exception:  # noqa: BLE001 - reported once, by the property checks
        return []

    @with_seed(seed)
    @settings(max_examples=max_examples, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(evidence)
    def draw(rows: list[dict[str, Any]]) -> None:
        drawn[0] += 1
        report(progress, "lint: conditions", drawn[0], max(max_examples, drawn[0]), "examples")
        result = engine.score(rubric, rows)
        for i in range(len(rubric.model.veto)):
            seen[f"veto[{i}].when"].update(bool(x) for x in result.decisions.vetoes[:, i])
        layout = result.layout
        for ind in rubric.indicators:
            for p, expr in ind.expressions.items():
                if p != "value":
                    truth = holds(expr, layout.columns, layout.missing, layout.n_frames)
                    seen[f"{ind.key}.{p}"].update(bool(x) for x in truth)

    try:
        draw()
    except Exception:  # noqa: BLE001 - scoring failures are reported by the property checks
        return []
    out = []
    for key, source in conditions:
        if len(seen[key]) == 1:
            state = "held" if True in seen[key] else "never held"
            out.append(Finding("warning", "lint", f"condition `{source}` {state} on any of the evidence drawn "
                               f"from the declared field ranges ({max_examples} tables); check its bounds", key))
    return out


def check_rubric(engine: Engine, rubric: Rubric, *, max_examples: int = 100, seed: int = 0,
                 progress: Progress | None = None) -> list[Finding]:
    """Lint, examples and property checks; `progress` hears which property runs and how many examples are drawn."""
    findings = lint(rubric) + constant_conditions(engine, rubric, max_examples=max_examples, seed=seed,
                                                  progress=progress)
    for outcome in run_examples(engine, rubric):
        if not outcome.passed:
            findings.append(Finding("error", "example", f"example[{outcome.index}] {outcome.title!r}: "
                                    + "; ".join(outcome.problems), f"example[{outcome.index}]"))
    findings += check_properties(engine, rubric, max_examples=max_examples, seed=seed, progress=progress)
    return findings


def has_errors(findings: Sequence[Finding]) -> bool:
    return any(f.severity == "error" for f in findings)


