"""Reading a rubric file and checking it as a whole.

TOML -> `RubricModel` (unknown keys refused) -> checks that span the rubric
(points add up, bands ordered, names resolve). Binding indicators to plugin
methods and compiling expressions happens in `scoring.plan`, which needs the
engine's registry; everything here needs nothing but the file.
"""

from __future__ import annotations

import difflib
import hashlib
import re
from collections import Counter
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from . import _toml
from .errors import RubricError
from .model import RubricModel
from .limits import MAX_EXPRESSIONS, MAX_INDICATORS, MAX_RUBRIC_BYTES, check_data_depth, check_toml_text, shorten
from .names import RESERVED_NAMES, nfkc

# Names the engine gives to results; a field of the same name would be ambiguous
# in a condition such as `score >= 90` (refused for every kind of name by the model).
RESULT_NAMES = RESERVED_NAMES


def key_path(loc: Iterable[Any]) -> str:
    """pydantic's ('dimension', 2, 'indicator', 1, 'full') -> 'dimension[2].indicator[1].full'."""
    out = ""
    for part in loc:
        if part == "[key]":  # pydantic's marker for a dict key's own error: the path already names it
            continue
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def parse_toml(text: str, path: str) -> dict[str, Any]:
    """The TOML document, within the limits of scoring.limits, or a RubricError with line and column."""
    if len(text) > MAX_RUBRIC_BYTES:
        raise RubricError(f"the rubric is {len(text):,} characters long, more than the limit of "
                          f"{MAX_RUBRIC_BYTES:,} bytes", path=path)
    check_toml_text(text, path)  # before the parser, whose recursion a deep array would exhaust
    try:
        data: dict[str, Any] = _toml.loads(text)
    except _toml.TOMLDecodeError as exc:
        # tomllib gives lineno/colno attributes only from Python 3.14; before, they
        # are in the message as "(at line L, column C)".
        message = str(exc)
        found = re.search(r"\s*\(at line (\d+), column (\d+)\)", message)
        line = getattr(exc, "lineno", None) or (int(found.group(1)) if found else None)
        column = getattr(exc, "colno", None) or (int(found.group(2)) if found else None)
        if found:
            message = message[: found.start()] + message[found.end():]
        raise RubricError(f"TOML syntax error: {message}", path=path, line=line, column=column) from None
    except (ValueError, RecursionError) as exc:  # what the checks above should already have refused
        raise RubricError(f"the TOML cannot be read within the limits: {shorten(str(exc))}", path=path) from None
    check_data_depth(data, path)
    return data


def validation_error(exc: ValidationError, path: str, prefix: str = "") -> RubricError:
    """The first pydantic error, rendered with its key path; the count of others."""
    errors = exc.errors(include_url=False)
    # An unknown key is usually the cause of a "missing" one beside it (a typo):
    # report it first, with the likely intended spelling.
    errors.sort(key=lambda e: e["type"] != "extra_forbidden")
    first = errors[0]
    loc = key_path(first["loc"])
    key = f"{prefix}.{loc}" if prefix and loc else (prefix or loc)
    kind = first["type"]
    if kind == "extra_forbidden":
        missing = [str(e["loc"][-1]) for e in errors if e["type"] == "missing" and e["loc"][:-1] == first["loc"][:-1]]
        guess = difflib.get_close_matches(str(first["loc"][-1]), missing, n=1)
        hint = f"did you mean {guess[0]!r}" if guess else "check its spelling against the format reference"
        message = f"unknown key {str(first['loc'][-1])!r}; {hint}"
        if guess:  # the missing key it stands for is the same problem
            errors = [e for e in errors if not (e["type"] == "missing" and str(e["loc"][-1]) == guess[0])]
    elif kind == "missing":
        message = "required key is missing"
    else:
        message = first["msg"]
        if "input" in first and not isinstance(first["input"], (dict, list)):
            message += f" (got {shorten(first['input'])})"
    more = len(errors) - 1
    if more:
        message += f"; and {more} more problem{'s' if more > 1 else ''}"
    return RubricError(message, path=path, key=key)


def build_model(data: dict[str, Any], path: str) -> RubricModel:
    try:
        model = RubricModel.model_validate(data)
    except ValidationError as exc:
        raise validation_error(exc, path) from None
    check_model(model, path)
    return model


def _dec(x: float) -> Decimal:
    # Compare points as the decimals the author wrote, not as binary floats.
    return Decimal(repr(x))


def count_expressions(model: RubricModel) -> int:
    """Expressions outside the indicators (those are counted as their methods are bound)."""
    return (len(model.veto) + sum(g.require is not None for g in model.grade)
            + sum(1 + isinstance(c.amount, str) for c in model.consequence))


def check_counts(model: RubricModel, where: str) -> None:
    """Refuse a rubric too large to load in bounded time (limits in scoring.limits)."""
    indicators = sum(len(d.indicator) for d in model.dimension)
    if indicators > MAX_INDICATORS:
        raise RubricError(f"the rubric has {indicators:,} indicators, more than the limit of {MAX_INDICATORS:,}",
                          path=where, key="dimension")
    expressions = count_expressions(model)
    if expressions > MAX_EXPRESSIONS:
        raise RubricError(f"the rubric has {expressions:,} veto, require and consequence expressions, more than "
                          f"the limit of {MAX_EXPRESSIONS:,} expressions", path=where)


def check_model(m: RubricModel, path: str) -> None:
    """Checks across the whole rubric that pydantic cannot express field by field."""
    check_counts(m, path)

    def fail(message: str, key: str) -> None:
        raise RubricError(message, path=path, key=key)

    taken = set(m.phases) | {d.id for d in m.dimension}
    for name in m.fields:
        if name in RESULT_NAMES:
            fail(f"field name {name!r} is reserved for results; rename the field", f"fields.{name}")
        if name in taken:
            # A condition reading the name would mean the field in a veto but the
            # total in a grade's require: refuse the ambiguity.
            fail(f"field name {name!r} is also a phase or dimension id; rename one of them", f"fields.{name}")
    info = m.rubric
    columns = {"id_column": info.id_column, "period_column": info.period_column, "parent_column": info.parent_column}
    for key, column in columns.items():
        if column in m.fields:
            fail(f"{key} {column!r} is also a field name; evidence columns must be distinct", f"rubric.{key}")
    if len(set(columns.values())) < 3:
        fail("id_column, period_column and parent_column must name three different columns", "rubric")
    for name, spec in m.fields.items():
        key = f"fields.{name}"
        if spec.type == "enum" and not spec.values:
            fail("an enum field needs values = [...]", key)
        if spec.type != "enum" and spec.values is not None:
            fail("values = [...] is only for enum fields", key)
        for bound_name in ("min", "max"):
            bound = getattr(spec, bound_name)
            if bound is None:
                continue
            if not spec.numeric:
                fail(f"{bound_name} applies only to count, number and rate fields", f"{key}.{bound_name}")
            if isinstance(bound, str):
                other = m.fields.get(bound)
                if other is None or not other.numeric:
                    fail(f"{bound_name} names {bound!r}, which is not a numeric field of [fields]", f"{key}.{bound_name}")
        if spec.rollup == "weighted_mean":
            weight = m.fields.get(spec.weight or "")
            if weight is None or not weight.numeric:
                fail('rollup = "weighted_mean" needs weight = "<a numeric field>"', f"{key}.weight")
        elif spec.weight is not None:
            fail('weight is only used with rollup = "weighted_mean"', f"{key}.weight")
        if spec.rollup is not None and not spec.numeric:
            fail("rollup applies only to count, number and rate fields", f"{key}.rollup")

    ids: dict[str, str] = {}

    def unique(kind: str, name: str, key: str) -> None:
        if name in ids:
            fail(f"{kind} id {name!r} is already used by {ids[name]}; ids must be unique", key)
        ids[name] = f"{kind} {name!r}"

    replaced: dict[str, str] = {}  # old indicator id -> the new indicator that replaces it
    for p in m.phases:
        unique("phase", p, f"phases.{p}")
    for i, dim in enumerate(m.dimension):
        unique("dimension", dim.id, f"dimension[{i}].id")
        dim_key = f"dimension[{i}]"
        for j, ind in enumerate(dim.indicator):
            unique("indicator", ind.id, f"{dim_key}.indicator[{j}].id")
            if ind.replaces is not None:
                if ind.replaces in replaced:
                    fail(f"replaces = {ind.replaces!r} is already claimed by indicator {replaced[ind.replaces]!r}; "
                         "an old indicator maps to one new one", f"{dim_key}.indicator[{j}].replaces")
                replaced[ind.replaces] = ind.id
        total = sum((_dec(ind.points) for ind in dim.indicator), Decimal(0))
        if dim.kind == "base" and total != _dec(dim.points):
            fail(
                f"indicator points add up to {total} but the dimension has points = {dim.points:g}; "
                "make them agree",
                f"{dim_key}.points",
            )
        if dim.kind == "bonus":
            for j, ind in enumerate(dim.indicator):
                if ind.points > dim.points:
                    fail(
                        f"a bonus item's points ({ind.points:g}) exceed the dimension's cap ({dim.points:g})",
                        f"{dim_key}.indicator[{j}].points",
                    )
        if m.phases:
            if dim.kind == "base" and dim.phase is None:
                fail(f"the rubric declares [phases], so this dimension needs phase = one of {sorted(m.phases)}", f"{dim_key}.phase")
            if dim.phase is not None and dim.phase not in m.phases:
                fail(f"phase {dim.phase!r} is not declared in [phases] ({', '.join(sorted(m.phases))})", f"{dim_key}.phase")
        elif dim.phase is not None:
            fail("phase is set but the rubric has no [phases] table; declare the phases or remove the key", f"{dim_key}.phase")
    if not any(d.kind == "base" for d in m.dimension):
        fail("the rubric needs at least one dimension that is not a bonus", "dimension")

    if m.phases:
        weights = sum((_dec(p.weight) for p in m.phases.values()), Decimal(0))
        if weights != 1:
            fail(f"phase weights add up to {weights}, not 1", "phases")
        for name, phase in m.phases.items():
            if phase.periods is None and name not in ("process", "outcome"):
                fail('say how periods combine: periods = "mean", "min", "max" or "last"', f"phases.{name}.periods")
            if not any(d.phase == name and d.kind == "base" for d in m.dimension):
                fail(f"phase {name!r} has no dimension; give it one or remove it", f"phases.{name}")

    for i, veto in enumerate(m.veto):
        unique("veto", veto.id, f"veto[{i}].id")
    for i, cons in enumerate(m.consequence):
        unique("consequence", cons.id, f"consequence[{i}].id")
    consequence_ids = {c.id for c in m.consequence}
    for i, veto in enumerate(m.veto):
        if (veto.effect == "grade") != (veto.grade is not None):
            fail('effect = "grade" and grade = "<a grade name>" go together', f"veto[{i}]")
        if veto.grade is not None and veto.grade not in {g.name for g in m.grade}:
            fail(f"grade {veto.grade!r} is not a grade of the rubric", f"veto[{i}].grade")
        for j, blocked in enumerate(veto.blocks):
            if blocked not in consequence_ids:
                fail(f"blocks {shorten(blocked)}, which is not a consequence id", f"veto[{i}].blocks[{j}]")
    labels = Counter(c.achievement for c in m.consequence if c.achievement)
    for i, cons in enumerate(m.consequence):
        key = f"consequence[{i}]"
        for j, blocked in enumerate(cons.blocks):
            if blocked not in consequence_ids:
                fail(f"blocks {shorten(blocked)}, which is not a consequence id", f"{key}.blocks[{j}]")
        if cons.quota is not None and (cons.quota.count is None) == (cons.quota.share is None):
            fail("a quota needs exactly one of count or share", f"{key}.quota")
        if cons.quota is not None and cons.quota.within is not None:
            within = m.fields.get(cons.quota.within)
            if within is None or within.type not in ("enum", "text"):
                fail(f"within {cons.quota.within!r} must name an enum or text field", f"{key}.quota.within")
        written = [k for k in ("amount", "pool", "payout") if getattr(cons, k) is not None]
        if len(written) > 1:
            fail(f"give one of amount, pool or payout, not {' and '.join(written)}", key)
        if cons.achievement and labels[cons.achievement] > 1:
            # Which of two rewards for one achievement a unit keeps is decided
            # last; a quota or a block would have acted on the other by then (and a
            # shared budget would no longer add up: checked with the payout kinds).
            if cons.quota is not None:
                fail("a consequence with a quota cannot share its achievement with another: a place could go to "
                     "a unit that keeps the other reward; put the quota on a consequence of its own",
                     f"{key}.achievement")
            if cons.blocks:
                fail("a consequence that blocks others cannot share its achievement with another: it might block "
                     "them and then be dropped for the other reward", f"{key}.achievement")
        if cons.applies_to == "person":
            if not cons.person_role:
                fail('applies_to = "person" needs person_role = "<the role, e.g. 主要负责人>"', f"{key}.person_role")
            if cons.person_field is not None and (cons.person_field not in m.fields
                                                  or m.fields[cons.person_field].type not in ("text", "enum")):
                fail(f"person_field {cons.person_field!r} must name a text or enum field", f"{key}.person_field")
        elif cons.person_role or cons.person_field:
            fail('person_role and person_field are only for applies_to = "person"', key)
    cycle = _block_cycle({c.id: c.blocks for c in m.consequence})
    if cycle:
        fail(f"consequences block each other in a cycle ({' → '.join(cycle)}); "
             "no order could decide which is granted", "consequence")

    names = [g.name for g in m.grade]
    if len(set(names)) != len(names):
        fail("grade names must be unique", "grade")
    # Grades are compared as text (`grade == '优秀'`, last year's grade): a
    # name with a stray space, or two that differ only in full-width forms,
    # would look alike in print and never match.
    seen: dict[str, str] = {}
    for i, name in enumerate(names):
        if name != name.strip():
            fail(f"grade name {shorten(name)} has leading or trailing spaces; remove them", f"grade[{i}].name")
        if nfkc(name) in seen:
            fail(f"grade names {shorten(seen[nfkc(name)])} and {shorten(name)} differ only in full-width or other "
                 "look-alike characters; make them plainly different", f"grade[{i}].name")
        seen[nfkc(name)] = name
    for i in range(1, len(m.grade)):
        if not m.grade[i].min < m.grade[i - 1].min:
            fail(
                f"grade bands must be listed from the highest min down, strictly; {m.grade[i].name!r} "
                f"(min {m.grade[i].min:g}) follows {m.grade[i - 1].name!r} (min {m.grade[i - 1].min:g})",
                f"grade[{i}].min",
            )
    if m.grade[-1].min > 0:
        fail(f"the lowest grade must cover 0 (min = 0), so every score gets a grade; it has min = {m.grade[-1].min:g}", f"grade[{len(m.grade) - 1}].min")
    if m.grade[-1].require is not None:
        fail("the lowest grade cannot have require: a unit failing it would have no grade", f"grade[{len(m.grade) - 1}].require")

    rankable = set(m.phases) | {d.id for d in m.dimension}
    for i, name in enumerate(m.rank.tie_break):
        if name not in rankable:
            fail(f"tie_break {name!r} is not a phase or dimension id ({', '.join(sorted(rankable))})", f"rank.tie_break[{i}]")
    if info.name is not None and (info.name not in m.fields or m.fields[info.name].type != "text"):
        fail(f"name {info.name!r} must name a text field (the unit's name, shown in reports)", "rubric.name")
    for i, group in enumerate(info.groups):
        if group not in m.fields or m.fields[group].type not in ("enum", "text"):
            fail(f"groups: {group!r} must name an enum or text field (reports filter and chart by it)",
                 f"rubric.groups[{i}]")
    if m.rank.within is not None:
        within = m.fields.get(m.rank.within)
        if within is None or within.type not in ("enum", "text"):
            fail(f"within {m.rank.within!r} must name an enum or text field", "rank.within")

    # An example's member rows (schools of a group) name an id and a parent.
    declared = set(m.fields) | {m.rubric.period_column, m.rubric.parent_column, m.rubric.id_column}
    for i, ex in enumerate(m.example):
        if (ex.evidence is None) == (ex.rows is None):
            fail("an example needs exactly one of evidence = {...} (one row) or rows = [...]", f"example[{i}]")
        rows = [ex.evidence] if ex.evidence is not None else list(ex.rows or [])
        for r, row in enumerate(rows):
            for k in row:
                if k not in declared:
                    where = "evidence" if ex.evidence is not None else f"rows[{r}]"
                    fail(f"{k!r} is not a field declared in [fields]", f"example[{i}].{where}.{k}")
        if ex.expect.grade is not None and ex.expect.grade not in names:
            fail(f"expects grade {ex.expect.grade!r}, which is not a grade of the rubric", f"example[{i}].expect.grade")


def _block_cycle(blocks: dict[str, list[str]]) -> list[str]:
    """A cycle in the `blocks` graph, as a path of ids, or [] when there is none.

    Depth-first with an explicit stack, not recursion: a chain of thousands of
    consequences must not exhaust Python's stack.
    """
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    for start in blocks:
        if start in state:
            continue
        path: list[str] = [start]
        on_path: dict[str, int] = {start: 0}
        state[start] = 1
        stack = [iter(blocks.get(start, []))]
        while stack:
            nxt = next(stack[-1], None)
            if nxt is None:
                stack.pop()
                done = path.pop()
                del on_path[done]
                state[done] = 2
            elif state.get(nxt) == 1:
                return path[on_path[nxt]:] + [nxt]
            elif nxt not in state:
                state[nxt] = 1
                on_path[nxt] = len(path)
                path.append(nxt)
                stack.append(iter(blocks.get(nxt, [])))
    return []


def read_rubric_source(path: Path) -> tuple[str, bytes]:
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_RUBRIC_BYTES + 1)  # never more than the limit into memory
    except OSError as exc:
        raise RubricError(f"cannot read the file: {exc.strerror or exc}", path=str(path)) from None
    if len(data) > MAX_RUBRIC_BYTES:
        raise RubricError(f"the rubric is larger than the limit of {MAX_RUBRIC_BYTES:,} bytes", path=str(path))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise RubricError(f"not UTF-8 text (byte {exc.start}); save the file as UTF-8", path=str(path)) from None
    return text, data


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
