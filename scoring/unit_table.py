"""A result's per-unit figures, rounded and formatted one column at a time.

The JSON document, JSON Lines, Parquet and `Result.to_arrow()` all come from
here, so a million units cost a few passes over arrays, not a million calls to
a scalar rounding function:

- every column (score, base, each dimension's and indicator's points) is
  rounded half-up once, with `round_half_up` over the whole array;
- for JSON, each column becomes a slot (scoring/json_slots.py): per unit a
  code into the column's distinct JSON literals (`float.__repr__`, the
  encoder's own string escaping), each formatted once; the constant text
  between the slots comes from the rubric's shape (`json.dumps` of a skeleton
  with markers), neighbouring slots are fused where few distinct pairs occur,
  and each unit's text is one `%` formatting of what is left, so the text is
  byte for byte what `json.dumps(doc, indent=2, ensure_ascii=False)` gives for
  the same document;
- vetoes and consequences, which vary in number from unit to unit, are coded
  lists, each distinct list encoded once (scoring/json_lists.py); member rows,
  panels and committee decisions are built per unit, only for units with any;
- for Arrow, the rounded columns go straight into an Arrow table.
"""

from __future__ import annotations

import json
import math
import queue
import threading
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, BinaryIO

import numpy as np

from .panels import has_panel
from .consequences import GRANTED
from .decide import NO_GRADE
from .json_lists import consequence_slot, distinct_rows, veto_slot
from .json_slots import Slot, Units, object_array, coded, flag_slot, float_slot, number_slot
from .json_text import dumps_indented
from .overrides import quota_vacancies
from .review import statuses
from .report.data import report_block
from .rounding import round_half_up

if TYPE_CHECKING:
    from .analysis.margins import Margins, QuotaMargins
    from .result import Result

CHUNK = 32768  # units whose figures are coded at a time: bounds the memory of the codes
PIECE = 4096  # units whose text is made at a time: bounds the memory the text takes
SLOT = "\u0000slot\u0000"  # a string no rubric id or JSON literal contains
VALUE_PLACES = 4  # an indicator's measured value (a rate, a count) is shown to 4 places

_encode_text: Callable[[str], str] = json.encoder.encode_basestring  # type: ignore[attr-defined]


# --- columns as JSON literals ------------------------------------------------------


# Literals are UTF-8 bytes: most of a unit's text is ASCII, and bytes take a
# byte a character where a str holding one Chinese grade name takes two.
def _json_ranks(ranks: np.ndarray) -> list[bytes]:
    out = [b"%d" % r for r in np.nan_to_num(ranks).astype(np.int64).tolist()]
    for k in np.flatnonzero(np.isnan(ranks)).tolist():
        out[k] = b"null"
    return out


def json_texts(values: Any) -> list[bytes]:
    return [_encode_text(str(v)).encode() for v in values]


def text_slot(values: Any, n: int) -> Slot:
    """JSON strings of `n` values, each distinct one encoded once."""
    codes, distinct = coded(values, n)
    return Slot(codes, json_texts(distinct))


def value_slot(values: np.ndarray) -> Slot:
    """An indicator's measured values as JSON, as `Result` shows them one by one."""
    kind = values.dtype.kind
    n = int(values.shape[0])
    if kind == "b":
        return flag_slot(values, b"true", b"false")
    if kind in "iuf":
        return number_slot(values.astype(np.float64), VALUE_PLACES)
    if kind in "US":
        return text_slot(values.tolist(), n)
    return Slot.of([json.dumps(_plain_value(v), ensure_ascii=False).encode() for v in values.tolist()])


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


def unit_template(result: Result, indent: int | None, depth: int) -> tuple[list[bytes], int]:
    """The constant text of one unit's JSON around its slots, and how far its nested lists are indented.

    `depth` is how many levels the unit sits inside the document (2 in the
    JSON result: document, units list); `indent` None gives one compact line.
    The last slot, after the consequences, takes the optional members key.
    """
    text = json.dumps(_skeleton(result), ensure_ascii=False, indent=indent)
    slot = _encode_text(SLOT)
    if indent is None:
        text, pad = text[:-1] + slot + "}", 0
    else:
        text = text.replace("\n", "\n" + " " * (indent * depth))
        close = text.rindex("\n")
        text, pad = text[:close] + slot + text[close:], indent * (depth + 1)
    return [part.encode() for part in text.split(slot)], pad


def _nested(value: object, indent: int | None, pad: int) -> bytes:
    """JSON of a list inside a unit, indented to sit at `pad` spaces."""
    if indent is None:
        return json.dumps(value, ensure_ascii=False, allow_nan=False).encode()  # the C encoder: fast as it is
    return dumps_indented(value, indent).replace("\n", "\n" + " " * pad).encode()


# --- per-unit documents -----------------------------------------------------------------


def veto_docs(result: Result) -> list[dict[str, Any]]:
    return [{"id": v.id, "title": v.title, "effect": v.effect, "grade": v.grade} for v in result.rubric.model.veto]


def _shape_bits(margins: Margins, rows: np.ndarray) -> np.ndarray:
    """Per unit, what fixes the shape of its margins entry (all but the figures): assessed, held by
    rounding, and per quota competing, inside, tie, rounding. Flags and places follow from these."""
    bits = [margins.grade[rows] != NO_GRADE, margins.grade_by_rounding[rows]]
    for q in margins.quotas:
        bits += [q.competing[rows], q.inside[rows], q.tie[rows], q.rounding[rows]]
    return np.column_stack([np.asarray(b, dtype=bool) for b in bits])


def _margin_template(margins: Margins, i: int, indent: int | None, pad: int) -> list[bytes]:
    """Unit `i`'s margins entry cut at every figure: its shape's constant text.

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
    return [part.encode() for part in text.split(_encode_text(SLOT))]


def _take(slot: Slot, members: np.ndarray) -> Slot:
    if slot.codes is not None:
        return Slot(slot.codes[members], slot.literals)
    picked: list[bytes] = object_array(slot.literals)[members].tolist()
    return Slot.of(picked)


def _quota_slots(quota: QuotaMargins, rows: np.ndarray, places: int) -> list[Slot]:
    cut_bits, cut_codes = np.unique(round_half_up(quota.cut_rank[rows], places).view(np.int64), return_inverse=True)
    return [
        Slot.of([b"%d" % r for r in np.nan_to_num(quota.rank[rows]).astype(np.int64).tolist()]),
        Slot(cut_codes.reshape(-1), [b"null" if math.isnan(c) else b"%d" % int(c)  # few: one a quota and group
                                     for c in cut_bits.view(np.float64).tolist()]),
        number_slot(quota.margin[rows], places),
    ]


def margin_texts(margins: Margins, rows: np.ndarray, indent: int | None, pad: int,
                 templates: dict[tuple[bool, ...], list[bytes]]) -> list[bytes]:
    """Units `rows`' `"margins": {...}` members as JSON text (b"" for a unit not assessed).

    Byte for byte `_nested(margins.entries(rows)[k])`, but each distinct shape
    of entry is encoded once (`templates`, kept across chunks), the figures are
    coded a column at a time, and the units of a shape are made as the units
    themselves are (json_slots.Units): the indenting JSON encoder, run per
    unit, was most of the time of writing a million-row job's JSON.
    """
    n = rows.shape[0]
    if n == 0:
        return []
    p = margins.precision
    names = json_texts(margins.grade_names) + [b"null"]
    said = {"": b"null", "veto": b'"veto"', "require": b'"require"'}
    blocked_codes, blocked = coded(margins.blocked[rows].tolist(), n)
    figures = [
        float_slot(margins.floor[rows]),
        number_slot(margins.above_floor[rows], p),
        Slot(np.mod(margins.next_grade[rows], len(names)).astype(np.intp), names),  # -1 (none): null
        number_slot(margins.to_next[rows], p),
        Slot(blocked_codes, [said.get(str(b)) or _encode_text(str(b)).encode() for b in blocked]),
    ]
    out = np.full(n, b"", dtype=object)
    shapes, inverse = distinct_rows(_shape_bits(margins, rows))
    for s, shape in enumerate(shapes.tolist()):
        if not shape[0]:
            continue  # not assessed: no margins entry
        members = np.flatnonzero(inverse == s)
        key = tuple(shape)
        if key not in templates:
            templates[key] = _margin_template(margins, int(rows[members[0]]), indent, pad)
        slots = [_take(slot, members) for slot in figures]
        for j, q in enumerate(margins.quotas):
            if shape[2 + 4 * j]:  # competing for the quota's places: its rank, the cut and the margin to it
                slots += _quota_slots(q, rows[members], p)
        out[members] = object_array(Units(templates[key], slots, int(members.shape[0])).texts())
    texts: list[bytes] = out.tolist()
    return texts


def _extras(result: Result, rows: np.ndarray, indent: int | None, pad: int,
            margin_templates: dict[tuple[bool, ...], list[bytes]]) -> list[Slot]:
    """The optional members that close a unit, a slot each: members, committee decisions and amendments,
    margins, rater panels and the self-assessment."""
    n = rows.shape[0]
    sep = ", " if indent is None else ",\n" + " " * pad
    slots = []
    if result.layout.members is not None:
        member_text = [b""] * n
        for k, i in enumerate(rows.tolist()):
            listed = result._members_of(i)
            if listed:
                member_text[k] = f'{sep}"members": '.encode() + _nested(listed, indent, pad)
        slots.append(Slot.of(member_text))
    # Committee decisions and amendments of this unit (few units have any), then
    # margins (scoring.analysis.margins), each column rounded once per chunk.
    if result.overrides or result.evidence.amendments:
        workflow = [b""] * n
        touched = [o.decision.unit for o in result.overrides] + [a.unit for a in result.evidence.amendments]
        ids = result.layout.unit_ids[rows]
        for k in np.flatnonzero(np.isin(ids, np.array(touched, dtype=ids.dtype))).tolist():  # only those units
            uid = ids[k]
            decided = [o.to_dict() for o in result.overrides_of(str(uid)).values()]
            amended = [a.to_dict() for a in result.amendments_of(str(uid))]
            if decided:
                workflow[k] += f'{sep}"overrides": '.encode() + _nested(decided, indent, pad)
            if amended:
                workflow[k] += f'{sep}"amendments": '.encode() + _nested(amended, indent, pad)
        slots.append(Slot.of(workflow))
    slots.append(Slot.of(margin_texts(result.margins(), rows, indent, pad, margin_templates)))
    # Rater panels and the self-assessment (panels.py, stages.py), only where the result has them.
    if result.stages is not None or has_panel(result.items):
        panels = [b""] * n
        for k, i in enumerate(rows.tolist()):
            for name, doc in (("panel", result.panel_of(i)), ("self_assessment", result.self_assessment_of(i))):
                if doc is not None:
                    panels[k] += f'{sep}"{name}": '.encode() + _nested(doc, indent, pad)
        slots.append(Slot.of(panels))
    return slots


def unit_texts(result: Result, *, indent: int | None = 2, depth: int = 2, chunk: int = CHUNK,
               piece: int = PIECE) -> Iterator[list[bytes]]:
    """Each unit's JSON text (UTF-8), in reading order, `piece` units at a time.

    The figures are rounded and coded `chunk` units at a time (numpy's work,
    cheaper per unit the longer the columns), the text made `piece` units at a
    time (its memory is freed and reused before the next piece).
    """
    model = result.rubric.model
    d, t = result.decisions, result.totals
    p, dp = model.rubric.precision, result.detail_precision
    constants, pad = unit_template(result, indent, depth)
    vetoes = veto_docs(result)
    grade_names = json_texts(g.name for g in model.grade) + [b"null"]
    order = result.order()
    margin_templates: dict[tuple[bool, ...], list[bytes]] = {}
    # Many units share the same vetoes and consequences (same reasons,
    # same amounts): each distinct list is encoded once, in any chunk.
    seen_vetoes: dict[Any, bytes] = {}
    seen_consequences: dict[Any, bytes] = {}

    def nested(value: object) -> bytes:
        return _nested(value, indent, pad)

    for lo in range(0, order.shape[0], chunk):
        rows = order[lo:lo + chunk]
        n = int(rows.shape[0])
        grades = d.grade[rows]
        slots: list[Slot] = [
            Slot.of(json_texts(result.layout.unit_ids[rows].tolist())),
            text_slot(statuses(result, rows).tolist(), n),
            number_slot(d.score[rows], p),
            Slot(np.where(grades == NO_GRADE, len(grade_names) - 1, grades).astype(np.intp), grade_names),
            Slot.of(_json_ranks(d.rank[rows])),
            number_slot(t.base[rows], dp),
            number_slot(t.bonus[rows], dp),
        ]
        slots += [number_slot(t.phase_scores[name][rows], dp) for name in model.phases]
        for dim in model.dimension:
            slots.append(number_slot(t.dimension_points[dim.id][rows], dp, missing=b"0.0"))
            if dim.kind == "base":
                slots.append(float_slot(t.dimension_max[dim.id][rows]))
        for col in result.items:
            slots.append(number_slot(col.points[rows], dp, missing=b"0.0"))
            slots.append(value_slot(col.value[rows]))
            slots.append(flag_slot(col.applicable[rows], b'"scored"', b'"not_applicable"'))
        slots.append(veto_slot(d.vetoes[rows], vetoes, nested, seen_vetoes))
        slots.append(consequence_slot(result, rows, nested, seen_consequences))
        extras = _extras(result, rows, indent, pad, margin_templates)  # nothing between them: b""
        units = Units(constants[:-1] + [b""] * (len(extras) - 1) + constants[-1:], slots + extras, n)
        for a in range(0, n, piece):  # the text a piece at a time: small enough for its memory to be reused
            yield units.texts(a, a + piece)


def document_parts(result: Result, *, chunk: int = CHUNK, piece: int = PIECE) -> Iterator[bytes]:
    """The JSON result in pieces (the head, `piece` units at a time, the tail), for streaming to a file."""
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
    for texts in unit_texts(result, chunk=chunk, piece=piece):
        if texts:
            yield b"\n    " if first else b",\n    "  # apart from the piece: no copy of it
            yield b",\n    ".join(texts)
            first = False
    yield (("]" if first else "\n  ]") + tail + "\n").encode()


def document_json(result: Result) -> str:
    """The whole JSON result, indented by 2, as `json.dumps(result.to_dict(), indent=2)` would write it."""
    return b"".join(document_parts(result)).decode("utf-8")


def write_parts(parts: Iterator[bytes], handle: BinaryIO) -> None:
    """Write UTF-8 pieces to a binary file, a few pieces in memory at a time.

    The pieces are written by a second thread while the next are made: a large
    write is the kernel copying into its page cache (about a second for the
    900 MB of a million units' JSON), with the GIL released. The first error
    of a write is raised here, once the pieces made so far are dropped.
    """
    pending: queue.Queue[bytes | None] = queue.Queue(maxsize=2)
    failed: list[BaseException] = []

    def drain() -> None:
        while (part := pending.get()) is not None:
            if not failed:
                try:
                    handle.write(part)
                except BaseException as exc:  # raised in the caller's thread below
                    failed.append(exc)

    writer = threading.Thread(target=drain, name="scoring-write-parts", daemon=True)
    writer.start()
    try:
        for part in parts:
            if failed:
                break
            pending.put(part)
    finally:
        pending.put(None)
        writer.join()
    if failed:
        raise failed[0]


def jsonl_lines(result: Result, *, chunk: int = CHUNK, piece: int = PIECE) -> Iterator[bytes]:
    """One compact JSON object per unit, in reading order, each ending in a newline (`piece` units a part)."""
    for texts in unit_texts(result, indent=None, depth=0, chunk=chunk, piece=piece):
        if texts:
            yield b"\n".join(texts)
            yield b"\n"  # apart from the piece: no copy of it


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
