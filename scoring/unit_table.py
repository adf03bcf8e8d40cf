"""A result's per-unit figures, rounded and formatted one column at a time.

The JSON document, JSON Lines, Parquet and `Result.to_arrow()` all come from
here, so a million units cost a few passes over arrays, not a million calls to
a scalar rounding function:

- every column (score, base, each dimension's and indicator's points) is
  rounded half-up once, with `round_half_up` over the whole array;
- for JSON, each column becomes a list of JSON literals (`float.__repr__`, the
  encoder's own string escaping), and each unit's text is one `%` formatting
  of a template built from the rubric's shape (`json.dumps` of a skeleton with
  slots), so the text is byte for byte what `json.dumps(doc, indent=2,
  ensure_ascii=False)` gives for the same document;
- for Arrow, the rounded columns go straight into an Arrow table.

Only vetoes, consequences and member rows, which vary in number from unit to
unit, are built per unit, and only for units that have any.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, BinaryIO

import numpy as np

from .panels import has_panel
from .consequences import GRANTED
from .decide import NO_GRADE
from .explain import consequence_reason
from .json_text import dumps_indented
from .overrides import quota_vacancies
from .review import statuses
from .report.data import report_block
from .rounding import round_half_up

if TYPE_CHECKING:
    from .analysis.margins import Margins
    from .result import Result

CHUNK = 16384  # units formatted at a time: bounds the memory the text of a chunk takes
SLOT = "\u0000slot\u0000"  # a string no rubric id or JSON literal contains
VALUE_PLACES = 4  # an indicator's measured value (a rate, a count) is shown to 4 places

_encode_text: Callable[[str], str] = json.encoder.encode_basestring  # type: ignore[attr-defined]


# --- columns as JSON literals ------------------------------------------------------


# Literals are UTF-8 bytes: most of a unit's text is ASCII, and bytes take a
# byte a character where a str holding one Chinese grade name takes two.
def json_numbers(values: np.ndarray, places: int, *, missing: bytes = b"null") -> list[bytes]:
    """Half-up rounded JSON numbers; NaN (and, for values, inf) become `missing`."""
    rounded = round_half_up(values, places)
    return _decimal_literals(rounded, places, missing) or json_floats(rounded, missing=missing)


def _decimal_literals(rounded: np.ndarray, places: int, missing: bytes) -> list[bytes] | None:
    """`json_floats(rounded)` found without sorting, for figures rounded to `places`: each is a whole
    number of 10**-places, so that number indexes a table of literals. None when some figure is not
    (the caller sorts instead): -0.0, huge figures, or a spread too wide for a table."""
    n = int(rounded.shape[0])
    if n == 0:
        return []
    finite = np.isfinite(rounded)
    figures = np.where(finite, rounded, 0.0)
    scale = 10.0 ** places
    steps = np.rint(figures * scale)
    if not (np.abs(steps) < 2.0**52).all() or not (steps / scale == figures).all() \
            or (np.signbit(figures) & (figures == 0)).any():
        return None
    whole = steps.astype(np.int64)
    low, high = int(whole.min()), int(whole.max())
    if high - low > 4 * n + 1024:
        return None
    table = np.empty(high - low + 2, dtype=object)
    seen = np.zeros(high - low + 1, dtype=bool)
    seen[whole[finite] - low] = True
    for k in np.flatnonzero(seen).tolist():
        # The same division numpy did above, so the same float: its repr is the figure's literal.
        table[k] = float.__repr__(float(k + low) / scale).encode()
    table[-1] = missing
    out: list[bytes] = table[np.where(finite, whole - low, high - low + 1)].tolist()
    return out


def json_floats(rounded: np.ndarray, *, missing: bytes = b"null") -> list[bytes]:
    """JSON numbers of `rounded` as they are; NaN and inf become `missing`."""
    # Points take few distinct values (10.0, 7.5, ...): format each once.
    distinct, inverse = np.unique(rounded, return_inverse=True)
    literals = [missing if not math.isfinite(x) else float.__repr__(x).encode() for x in distinct.tolist()]
    out: list[bytes] = np.array(literals, dtype=object)[inverse.reshape(-1)].tolist()
    return out


def _json_ranks(ranks: np.ndarray) -> list[bytes]:
    out = [b"%d" % r for r in np.nan_to_num(ranks).astype(np.int64).tolist()]
    for k in np.flatnonzero(np.isnan(ranks)).tolist():
        out[k] = b"null"
    return out


def json_texts(values: Any) -> list[bytes]:
    return [_encode_text(str(v)).encode() for v in values]


def _constant(flags: np.ndarray, yes: bytes, no: bytes) -> list[bytes]:
    out: list[bytes] = np.array([no, yes], dtype=object)[flags.astype(np.intp)].tolist()
    return out


def json_values(values: np.ndarray) -> list[bytes]:
    """An indicator's measured values as JSON, as `Result` shows them one by one."""
    kind = values.dtype.kind
    if kind == "b":
        return _constant(values, b"true", b"false")
    if kind in "iuf":
        return json_numbers(values.astype(np.float64), VALUE_PLACES)
    if kind in "US":
        return json_texts(values.tolist())
    return [json.dumps(_plain_value(v), ensure_ascii=False).encode() for v in values.tolist()]


def _plain_value(v: object) -> float | bool | str | None:
    if isinstance(v, (np.bool_, bool)):
        return bool(v)
    if isinstance(v, (np.floating, float, np.integer, int)):
        f = float(v)
        return None if not math.isfinite(f) else float(round_half_up(np.array([f]), VALUE_PLACES)[0])
    return None if v is None else str(v)


# --- the template of one unit --------------------------------------------------------


def _skeleton(result: Result) -> dict[str, Any]:
    """A unit document of the rubric's shape with a slot for every figure that varies.

    The maxima of indicators and bonus dimensions are the rubric's own, the
    same for every unit, so they are written into the template.
    """
    model = result.rubric.model
    return {
        "id": SLOT, "status": SLOT, "score": SLOT, "grade": SLOT, "rank": SLOT, "base": SLOT, "bonus": SLOT,
        "phases": {name: SLOT for name in model.phases},
        "dimensions": {d.id: {"points": SLOT, "max": SLOT if d.kind == "base" else d.points}
                       for d in model.dimension},
        "indicators": {ind.id: {"points": SLOT, "max": ind.points, "value": SLOT, "status": SLOT}
                       for ind in result.rubric.indicators},
        "vetoes": SLOT,
        "consequences": SLOT,
    }


def unit_template(result: Result, indent: int | None, depth: int) -> tuple[bytes, int]:
    """A `%` template of one unit's JSON text, and how far its nested lists are indented.

    `depth` is how many levels the unit sits inside the document (2 in the
    JSON result: document, units list); `indent` None gives one compact line.
    The last slot, after the consequences, takes the optional members key.
    """
    text = json.dumps(_skeleton(result), ensure_ascii=False, indent=indent)
    slot = _encode_text(SLOT)
    text = text.replace("%", "%%").replace(slot, "%s")
    if indent is None:
        return (text[:-1] + "%s}").encode(), 0
    pad = " " * (indent * depth)
    text = text.replace("\n", "\n" + pad)
    close = text.rindex("\n")
    return (text[:close] + "%s" + text[close:]).encode(), indent * (depth + 1)


def _nested(value: object, indent: int | None, pad: int) -> bytes:
    """JSON of a list inside a unit, indented to sit at `pad` spaces."""
    if indent is None:
        return json.dumps(value, ensure_ascii=False, allow_nan=False).encode()  # the C encoder: fast as it is
    return dumps_indented(value, indent).replace("\n", "\n" + " " * pad).encode()


# --- per-unit documents -----------------------------------------------------------------


def veto_docs(result: Result) -> list[dict[str, Any]]:
    return [{"id": v.id, "title": v.title, "effect": v.effect, "grade": v.grade} for v in result.rubric.model.veto]


def consequence_doc(result: Result, i: int, j: int) -> dict[str, Any]:
    # The unit view's own record, so a committee's override reads the same in both.
    return dict(vars(result._consequence(i, j)))


def _lists_of(flags: np.ndarray, rows: np.ndarray) -> dict[int, list[int]]:
    """For the rows among `rows` with any flag set: position in `rows` -> the flagged columns."""
    out: dict[int, list[int]] = {}
    if flags.shape[1] == 0:
        return out
    sub = flags[rows]
    hit_rows, hit_cols = np.nonzero(sub)
    for k, j in zip(hit_rows.tolist(), hit_cols.tolist()):
        out.setdefault(k, []).append(j)
    return out


def _shape_bits(margins: Margins, rows: np.ndarray) -> np.ndarray:
    """Per unit, what fixes the shape of its margins entry (all but the figures): assessed, held by
    rounding, and per quota competing, inside, tie, rounding. Flags and places follow from these."""
    bits = [margins.grade[rows] != NO_GRADE, margins.grade_by_rounding[rows]]
    for q in margins.quotas:
        bits += [q.competing[rows], q.inside[rows], q.tie[rows], q.rounding[rows]]
    return np.column_stack([np.asarray(b, dtype=bool) for b in bits])


def _margin_template(margins: Margins, i: int, indent: int | None, pad: int) -> bytes:
    """Unit `i`'s margins entry with a `%s` for every figure: its shape's template.

    The entry is the unit view's own (`Margins.entries`), so the words, flags
    and places cannot drift from it; only the figures are cut out.
    """
    entry = margins.entries(np.array([i]))[0]
    assert entry is not None
    grade = entry["grade"]
    for key in ("floor", "above_floor", "next", "to_next", "blocked"):
        grade[key] = SLOT
    for place in entry["quotas"].values():
        for key in ("rank", "cut_rank", "margin"):
            place[key] = SLOT
    sep = ", " if indent is None else ",\n" + " " * pad
    text = f'{sep}"margins": ' + _nested(entry, indent, pad).decode()
    return text.replace("%", "%%").replace(_encode_text(SLOT), "%s").encode()


def margin_texts(margins: Margins, rows: np.ndarray, indent: int | None, pad: int,
                 templates: dict[tuple[bool, ...], bytes]) -> list[bytes]:
    """Units `rows`' `"margins": {...}` members as JSON text (b"" for a unit not assessed).

    Byte for byte `_nested(margins.entries(rows)[k])`, but each distinct shape
    of entry is encoded once (`templates`, kept across chunks) and each unit is
    one `%` formatting of its shape's template with figures formatted a column
    at a time: the indenting JSON encoder, run per unit, was most of the time
    of writing a million-row job's JSON.
    """
    n = rows.shape[0]
    out = [b""] * n
    if n == 0:
        return out
    p = margins.precision
    names = json_texts(margins.grade_names) + [b"null"]
    blocked = {"": b"null", "veto": b'"veto"', "require": b'"require"'}
    figures: list[list[bytes]] = [
        json_floats(margins.floor[rows]),
        json_numbers(margins.above_floor[rows], p),
        [names[g] for g in margins.next_grade[rows].tolist()],
        json_numbers(margins.to_next[rows], p),
        [blocked.get(str(b)) or _encode_text(str(b)).encode() for b in margins.blocked[rows].tolist()],
    ]
    per_quota: list[list[list[bytes]]] = []
    for q in margins.quotas:
        ranks = q.rank[rows]
        cut = round_half_up(q.cut_rank[rows], p)
        per_quota.append([
            [b"%d" % r for r in np.nan_to_num(ranks).astype(np.int64).tolist()],
            [b"null" if math.isnan(c) else b"%d" % int(c) for c in cut.tolist()],
            json_numbers(q.margin[rows], p),
        ])
    bits = _shape_bits(margins, rows)
    if bits.shape[1] <= 62:  # each unit's shape as one integer: a sort of integers, not of rows
        weights = np.left_shift(np.int64(1), np.arange(bits.shape[1], dtype=np.int64))
        found, inverse = np.unique(bits.astype(np.int64) @ weights, return_inverse=True)
        shapes = ((found[:, None] & weights) != 0)
    else:
        shapes, inverse = np.unique(bits, axis=0, return_inverse=True)
    inverse = inverse.reshape(-1)
    for s, shape in enumerate(shapes.tolist()):
        if not shape[0]:
            continue  # not assessed: no margins entry
        members = np.flatnonzero(inverse == s)
        key = tuple(shape)
        if key not in templates:
            templates[key] = _margin_template(margins, int(rows[members[0]]), indent, pad)
        template = templates[key]
        competing = [per_quota[j] for j in range(len(margins.quotas)) if shape[2 + 4 * j]]
        columns = figures + [column for quota in competing for column in quota]
        picked = members.tolist()
        for k, values in zip(picked, zip(*([column[k] for k in picked] for column in columns))):
            out[k] = template % values
    return out


def unit_texts(result: Result, *, indent: int | None = 2, depth: int = 2, chunk: int = CHUNK) -> Iterator[list[bytes]]:
    """Each unit's JSON text (UTF-8), in reading order, a chunk of units at a time."""
    model = result.rubric.model
    d, t, cq = result.decisions, result.totals, result.consequences
    p, dp = model.rubric.precision, result.detail_precision
    template, pad = unit_template(result, indent, depth)
    vetoes = veto_docs(result)
    grade_names = json_texts(g.name for g in model.grade)
    order = result.order()
    members = result.layout.members is not None
    margins = result.margins()
    margin_templates: dict[tuple[bool, ...], bytes] = {}
    # Rater panels and the self-assessment (panels.py, stages.py), only where the result has them.
    extras = result.stages is not None or has_panel(result.items)
    seen_vetoes: dict[tuple[int, ...], bytes] = {}
    seen_consequences: dict[tuple[tuple[tuple[str, Any], ...], ...], bytes] = {}
    for lo in range(0, order.shape[0], chunk):
        rows = order[lo:lo + chunk]
        n = rows.shape[0]
        ranks = d.rank[rows]
        grade_index = d.grade[rows].tolist()
        columns: list[list[bytes]] = [
            json_texts(result.layout.unit_ids[rows].tolist()),
            [b'"' + s.encode() + b'"' for s in statuses(result, rows).tolist()],
            json_numbers(d.score[rows], p),
            [b"null" if g == NO_GRADE else grade_names[g] for g in grade_index],
            _json_ranks(ranks),
            json_numbers(t.base[rows], dp),
            json_numbers(t.bonus[rows], dp),
        ]
        columns += [json_numbers(t.phase_scores[name][rows], dp) for name in model.phases]
        for dim in model.dimension:
            columns.append(json_numbers(t.dimension_points[dim.id][rows], dp, missing=b"0.0"))
            if dim.kind == "base":
                columns.append(json_floats(t.dimension_max[dim.id][rows]))
        for col in result.items:
            columns.append(json_numbers(col.points[rows], dp, missing=b"0.0"))
            columns.append(json_values(col.value[rows]))
            columns.append(_constant(col.applicable[rows], b'"scored"', b'"not_applicable"'))
        # Many units share the same vetoes and consequences (same reasons,
        # same amounts): each distinct list is encoded once.
        veto_text = [b"[]"] * n
        for k, js in _lists_of(d.vetoes, rows).items():
            key = tuple(js)
            if key not in seen_vetoes:
                seen_vetoes[key] = _nested([vetoes[j] for j in js], indent, pad)
            veto_text[k] = seen_vetoes[key]
        cons_text = [b"[]"] * n
        for k, js in _lists_of(cq.status == GRANTED, rows).items():
            i = int(rows[k])
            docs = tuple(tuple(consequence_doc(result, i, j).items()) for j in js)
            if docs not in seen_consequences:
                seen_consequences[docs] = _nested([dict(doc) for doc in docs], indent, pad)
            cons_text[k] = seen_consequences[docs]
        member_text = [b""] * n
        if members:
            sep = ", " if indent is None else ",\n" + " " * pad
            colon = ": "
            for k, i in enumerate(rows.tolist()):
                listed = result._members_of(i)
                if listed:
                    member_text[k] = f'{sep}"members"{colon}'.encode() + _nested(listed, indent, pad)
        sep = ", " if indent is None else ",\n" + " " * pad
        # Committee decisions and amendments of this unit (few units have any), then
        # margins (scoring.analysis.margins), each column rounded once per chunk.
        if result.overrides or result.evidence.amendments:
            touched = [o.decision.unit for o in result.overrides] + [a.unit for a in result.evidence.amendments]
            ids = result.layout.unit_ids[rows]
            for k in np.flatnonzero(np.isin(ids, np.array(touched, dtype=ids.dtype))).tolist():  # only those units
                uid = ids[k]
                decided = [o.to_dict() for o in result.overrides_of(str(uid)).values()]
                amended = [a.to_dict() for a in result.amendments_of(str(uid))]
                if decided:
                    member_text[k] += f'{sep}"overrides": '.encode() + _nested(decided, indent, pad)
                if amended:
                    member_text[k] += f'{sep}"amendments": '.encode() + _nested(amended, indent, pad)
        for k, text in enumerate(margin_texts(margins, rows, indent, pad, margin_templates)):
            if text:
                member_text[k] += text
        for k, i in enumerate(rows.tolist() if extras else ()):  # rater panels, the self-assessment
            for name, doc in (("panel", result.panel_of(i)), ("self_assessment", result.self_assessment_of(i))):
                if doc is not None:
                    member_text[k] += f'{sep}"{name}": '.encode() + _nested(doc, indent, pad)
        columns += [veto_text, cons_text, member_text]
        yield [template % values for values in zip(*columns)]


def document_parts(result: Result, *, chunk: int = CHUNK) -> Iterator[bytes]:
    """The JSON result in pieces (the head, a chunk of units at a time, the tail), for streaming to a file."""
    doc = result.header()
    doc["units"] = SLOT
    doc["rejected"] = [vars(r) for r in result.rejected]
    doc["summary"] = result.summary()
    if result.evidence.amendments:
        doc["amendments"] = [a.to_dict() for a in result.evidence.amendments]
    if result.overrides:
        doc["overrides"] = [o.to_dict() for o in result.overrides]
    vacancies = quota_vacancies(result)
    if vacancies:
        doc["quota_vacancies"] = vacancies
    # Everything the reports need beyond the figures (names, titles, reason
    # phrases), so `scoring render` can remake them from this file.
    doc["report"] = report_block(result)
    text = dumps_indented(doc, 2)  # json.dumps(doc, ensure_ascii=False, indent=2), without its slow pure-Python path
    head, tail = text.split(_encode_text(SLOT), 1)
    yield (head + "[").encode()
    first = True
    for texts in unit_texts(result, chunk=chunk):
        if texts:
            yield b"\n    " if first else b",\n    "  # apart from the chunk: no copy of it
            yield b",\n    ".join(texts)
            first = False
    yield (("]" if first else "\n  ]") + tail + "\n").encode()


def document_json(result: Result) -> str:
    """The whole JSON result, indented by 2, as `json.dumps(result.to_dict(), indent=2)` would write it."""
    return b"".join(document_parts(result)).decode("utf-8")


def write_parts(parts: Iterator[bytes], handle: BinaryIO) -> None:
    """Write UTF-8 pieces to a binary file, one piece in memory at a time."""
    for part in parts:
        handle.write(part)


def jsonl_lines(result: Result, *, chunk: int = CHUNK) -> Iterator[bytes]:
    """One compact JSON object per unit, in reading order, each ending in a newline (a chunk of units a piece)."""
    for texts in unit_texts(result, indent=None, depth=0, chunk=chunk):
        yield b"\n".join(texts) + b"\n" if texts else b""


# --- Arrow ------------------------------------------------------------------------------


def require_pyarrow() -> Any:
    try:
        import pyarrow
    except ImportError:
        raise ImportError("Arrow and Parquet output need pyarrow, a dependency of scoring: pip install pyarrow") from None
    return pyarrow


def arrow_array(values: np.ndarray, mask: np.ndarray | None = None) -> Any:
    """A numpy column (float, int, bool or text) as an Arrow array, null where `mask`.

    Built from buffers: `pyarrow.array` on a numpy array or a list imports
    pandas to look at its argument, which costs a large job a second for nothing.
    """
    pa = require_pyarrow()
    n = int(values.shape[0])
    validity = None if mask is None or not mask.any() else pa.py_buffer(np.packbits(~mask, bitorder="little"))
    kind = values.dtype.kind
    if kind == "b":
        return pa.Array.from_buffers(pa.bool_(), n, [validity, pa.py_buffer(np.packbits(values, bitorder="little"))])
    if kind == "f":
        return pa.Array.from_buffers(pa.float64(), n, [validity, pa.py_buffer(values.astype(np.float64))])
    if kind in "iu":
        return pa.Array.from_buffers(pa.int64(), n, [validity, pa.py_buffer(values.astype(np.int64))])
    from .arrow_text import string_array

    listed = values.tolist()  # a text array's cells are str already
    return string_array(listed if kind == "U" else list(map(str, listed)), validity=validity)


def arrow_table(result: Result) -> Any:
    """One row per unit in reading order: the figures of the JSON result, as typed columns.

    Columns: id, status, score, grade, rank, base, bonus, `phase.NAME`,
    `dimension.ID` (points), `indicator.ID` (points), with stages `self.score`
    and `self.gap` (the self-assessment and self − review), `veto.ID` (bool),
    `consequence.ID` (bool: granted) and `consequence.ID.amount` for paid
    consequences (null where not granted). Points are rounded half-up as in
    the JSON result. The schema's metadata holds the result's header
    (`scoring.header`), rejected rows (`scoring.rejected`) and summary
    (`scoring.summary`) as JSON, so nothing of the result is lost.
    """
    pa = require_pyarrow()
    model = result.rubric.model
    d, t, cq = result.decisions, result.totals, result.consequences
    p, dp = model.rubric.precision, result.detail_precision
    rows = result.order()

    def num(values: np.ndarray, places: int) -> Any:
        r = round_half_up(values[rows], places)
        return arrow_array(r, np.isnan(r))

    ranks = d.rank[rows]
    grades = d.grade[rows]
    names = np.array([g.name for g in model.grade] + [""], dtype=object)
    columns: dict[str, Any] = {
        "id": arrow_array(result.layout.unit_ids[rows].astype(str)),
        "status": arrow_array(statuses(result, rows).astype(str)),
        "score": num(d.score, p),
        "grade": arrow_array(names[grades], grades == NO_GRADE),
        "rank": arrow_array(np.nan_to_num(ranks).astype(np.int64), np.isnan(ranks)),
        "base": num(t.base, dp),
        "bonus": num(t.bonus, dp),
    }
    for name in model.phases:
        columns[f"phase.{name}"] = num(t.phase_scores[name], dp)
    for dim in model.dimension:
        columns[f"dimension.{dim.id}"] = num(t.dimension_points[dim.id], dp)
    for ind, col in zip(result.rubric.indicators, result.items):
        columns[f"indicator.{ind.id}"] = num(col.points, dp)
    if result.stages is not None:  # the self-assessment and its gap to the review (scoring.stages)
        columns["self.score"] = num(result.stages.score, p)
        columns["self.gap"] = num(result.stages.gap, p)
    for j, veto in enumerate(model.veto):
        columns[f"veto.{veto.id}"] = arrow_array(d.vetoes[rows, j])
    for j, c in enumerate(model.consequence):
        granted = cq.status[rows, j] == GRANTED
        columns[f"consequence.{c.id}"] = arrow_array(granted)
        if result.rubric.payouts[j] is not None:
            columns[f"consequence.{c.id}.amount"] = arrow_array(cq.amounts[rows, j], ~granted)
    metadata = {
        "scoring.header": json.dumps(result.header(), ensure_ascii=False),
        "scoring.rejected": json.dumps([vars(r) for r in result.rejected], ensure_ascii=False),
        "scoring.summary": json.dumps(result.summary(), ensure_ascii=False),
    }
    # from_arrays, not pa.table(dict): the latter imports pandas to check its argument.
    return pa.Table.from_arrays(list(columns.values()), names=list(columns), metadata=metadata)


def parquet_bytes(result: Result) -> bytes:
    """The Arrow table of `result` as a Parquet file (zstd-compressed)."""
    pa = require_pyarrow()
    import pyarrow.parquet as pq

    sink = pa.BufferOutputStream()
    pq.write_table(arrow_table(result), sink, compression="zstd")
    return bytes(sink.getvalue().to_pybytes())
