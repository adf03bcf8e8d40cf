"""A chunk of units' vetoes and granted consequences as JSON lists, one slot each (scoring/json_slots.py).

Both vary in length from unit to unit, but most units share them: no veto, or
the same award for the same reason. So each unit's list is first reduced to a
row of codes (which vetoes; which distinct consequence record), the distinct
rows are found with numpy, and each distinct list is encoded once, by the same
encoder as the per-unit views (`_nested`), kept across chunks in `seen`.

A granted consequence's record is the unit view's own (`ConsequenceResult`);
its reason comes a column at a time from `held_reasons`, the wording of
`consequence_reason`. Units with a committee decision on a consequence take
the unit view's own path (`Result._consequence`): there are few of them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np

from .consequences import GRANTED
from .explain import held_reasons
from .json_slots import Slot, coded

if TYPE_CHECKING:
    from .result import Result

Nested = Callable[[object], bytes]  # JSON of a list, indented to sit inside a unit


def distinct_rows(table: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct rows of a 2-d array of small non-negative integers (or bools), and each row's place among them."""
    n, width = table.shape
    radix = int(table.max()) + 1 if table.size else 1
    if width * max(radix - 1, 1).bit_length() <= 62:  # each row as one integer: a sort of integers, not of rows
        bits = max(radix - 1, 1).bit_length()
        shifts = np.arange(width, dtype=np.int64) * bits
        keys = (table.astype(np.int64) << shifts).sum(axis=1) if width else np.zeros(n, dtype=np.int64)
        found, inverse = np.unique(keys, return_inverse=True)
        rows = (found[:, None] >> shifts) & ((1 << bits) - 1)
        return rows.astype(table.dtype), inverse.reshape(-1)
    rows, inverse = np.unique(table, axis=0, return_inverse=True)
    return rows, inverse.reshape(-1)


def veto_slot(flags: np.ndarray, docs: list[dict[str, Any]], nested: Nested, seen: dict[Any, bytes]) -> Slot:
    """The `vetoes` lists of a chunk: `flags` (units x vetoes) says which veto fell on which unit."""
    n = int(flags.shape[0])
    if flags.shape[1] == 0 or not flags.any():
        return Slot.constant(b"[]", n)
    found, inverse = distinct_rows(flags)
    literals = []
    for row in found.tolist():
        key = tuple(j for j, hit in enumerate(row) if hit)
        if key not in seen:
            seen[key] = nested([docs[j] for j in key])
        literals.append(seen[key])
    return Slot(inverse.astype(np.intp, copy=False), literals)


def consequence_slot(result: Result, rows: np.ndarray, nested: Nested, seen: dict[Any, bytes]) -> Slot:
    """The `consequences` lists (the granted ones) of units `rows`."""
    model, cq = result.rubric.model, result.consequences
    n = int(rows.shape[0])
    granted = cq.status[rows] == GRANTED
    if not granted.any():
        return Slot.constant(b"[]", n)
    decided = _decided_units(result, rows)
    codes = np.zeros(granted.shape, dtype=np.intp)  # per unit and consequence: 0 not granted, else 1 + its record
    records: list[list[tuple[Any, dict[str, Any]]]] = []
    for j in range(len(model.consequence)):
        picked = np.flatnonzero(granted[:, j])
        found, distinct = _records(result, rows[picked], j, decided[picked])
        records.append(distinct)
        codes[picked, j] = found + 1
    combos, inverse = distinct_rows(codes)
    literals = []
    for combo in combos.tolist():
        listed = [records[j][c - 1] for j, c in enumerate(combo) if c]
        key = tuple(k for k, _ in listed)
        if key not in seen:
            seen[key] = nested([dict(record) for _, record in listed])
        literals.append(seen[key])
    return Slot(inverse.astype(np.intp, copy=False), literals)


def _decided_units(result: Result, rows: np.ndarray) -> np.ndarray:
    """Which of units `rows` have a committee decision (on anything: their records take the unit view's path)."""
    if not result.overrides:
        return np.zeros(rows.shape[0], dtype=bool)
    ids = result.layout.unit_ids[rows]
    touched = [o.decision.unit for o in result.overrides]
    return np.isin(ids, np.array(touched, dtype=ids.dtype))


def _records(result: Result, units: np.ndarray, j: int,
             decided: np.ndarray) -> tuple[np.ndarray, list[tuple[Any, dict[str, Any]]]]:
    """Consequence `j`'s records of `units` (granted it): each unit's code, and the distinct records with a
    key that tells them apart in any chunk (an amount by its text, so 0.0 and -0.0 stay apart)."""
    from .result import ConsequenceResult

    m = int(units.shape[0])
    if m == 0:
        return np.zeros(0, dtype=np.intp), []
    cq = result.consequences
    spec = result.rubric.model.consequence[j]
    reason_codes, reasons = coded(held_reasons(result, units, j), m)
    columns: list[tuple[np.ndarray, list[Any]]] = [(reason_codes, reasons)]
    if result.rubric.payouts[j] is not None:
        # Amounts by their bits: equal bits, equal text (np.unique on the floats would take -0.0 for 0.0).
        bits, amount_codes = np.unique(cq.amounts[units, j].astype(np.float64).view(np.int64), return_inverse=True)
        columns.append((amount_codes.reshape(-1), bits.view(np.float64).tolist()))
    if spec.applies_to == "person":
        named = cq.persons[j]
        persons = ([f"{spec.person_role} {x}".strip() for x in named[units]] if named is not None
                   else [spec.person_role] * m)
        columns.append(coded(persons, m))
    table = np.column_stack([c for c, _ in columns])
    combos, found = distinct_rows(table)
    out: list[tuple[Any, dict[str, Any]]] = []
    for combo in combos.tolist():
        values = [distinct[c] for (_, distinct), c in zip(columns, combo)]
        reason = values[0]
        amount = values[1] if result.rubric.payouts[j] is not None else None
        person = values[-1] if spec.applies_to == "person" else None
        record = dict(vars(ConsequenceResult(spec.id, spec.title, amount, reason, spec.applies_to, person)))
        out.append(((j, None if amount is None else float.__repr__(amount), reason, person), record))
    for k in np.flatnonzero(decided).tolist():  # the unit view's own record, a committee's word and all
        record = dict(vars(result._consequence(int(units[k]), j)))
        found[k] = len(out)
        out.append(((j, "decided", repr(record)), record))
    return found.astype(np.intp, copy=False), out
