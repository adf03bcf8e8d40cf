"""Coded slots and their fusing (scoring/json_slots.py): the text is the plain interleaving, whatever fuses."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring import json_slots
from scoring.json_lists import distinct_rows
from scoring.json_slots import Slot, Units, coded, float_slot, number_slot
from scoring.rounding import round_half_up

TEXTS = st.binary(max_size=4) | st.sampled_from([b"%", b"%s", b"%%", b"\n  ", b'"x"'])


@st.composite
def slots(draw: st.DrawFn, n: int) -> Slot:
    if draw(st.booleans()):
        return Slot.of(draw(st.lists(TEXTS, min_size=n, max_size=n)))
    literals = draw(st.lists(TEXTS, min_size=1, max_size=6))
    codes = draw(st.lists(st.integers(0, len(literals) - 1), min_size=n, max_size=n))
    return Slot(np.array(codes, dtype=np.intp), literals)


@settings(max_examples=200, deadline=None)
@given(data=st.data(), n=st.integers(0, 40), width=st.integers(0, 8), share=st.integers(1, 8),
       always=st.integers(0, 8), lo=st.integers(0, 40), span=st.integers(0, 40))
def test_units_are_the_constants_and_slots_interleaved(data: st.DataObject, n: int, width: int, share: int,
                                                       always: int, lo: int, span: int) -> None:
    columns = [data.draw(slots(n)) for _ in range(width)]
    constants = data.draw(st.lists(TEXTS, min_size=width + 1, max_size=width + 1))
    want = []
    for k in range(n):
        parts = [constants[0]]
        for column, after in zip(columns, constants[1:]):
            parts += [column.texts()[k], after]
        want.append(b"".join(parts))
    # Any fusing limits, down to none at all: the text may not depend on them.
    json_slots.FUSE_SHARE, json_slots.FUSE_ALWAYS = share, always
    try:
        units = Units(constants, columns, n)
        assert units.texts() == want
        assert units.texts(lo, lo + span) == want[lo:lo + span]
    finally:
        json_slots.FUSE_SHARE, json_slots.FUSE_ALWAYS = 8, 64


def test_fusing_keeps_few_slots_when_few_pairs_are_met() -> None:
    n = 1000
    flags = [Slot(np.arange(n, dtype=np.intp) % 2, [b"a", b"b"]) for _ in range(5)]
    ids = Slot.of([b"%d" % k for k in range(n)])
    units = Units([b"{"] + [b","] * 10 + [b"}"], flags + [ids] + flags, n)
    assert len(units.slots) == 3  # the flags before the ids, the ids, the flags after
    assert units.texts(3, 4) == [b"{b,b,b,b,b,3,b,b,b,b,b}"]


FIGURES = st.lists(st.floats(allow_nan=True, allow_infinity=True, width=64) | st.sampled_from([-0.0, 0.0, 0.5, 2.5]),
                   max_size=30)


@settings(max_examples=200, deadline=None)
@given(values=FIGURES, places=st.integers(0, 4))
def test_number_slots_are_each_figure_rounded_and_written_as_python_writes_it(values: list[float],
                                                                              places: int) -> None:
    column = np.array(values, dtype=np.float64)
    rounded = round_half_up(column, places)
    want = [float.__repr__(x).encode() if math.isfinite(x) else b"null" for x in rounded.tolist()]
    assert number_slot(column, places).texts() == want
    assert float_slot(rounded).texts() == want
    assert float_slot(column).texts() == [float.__repr__(x).encode() if math.isfinite(x) else b"null" for x in values]


@given(st.lists(st.sampled_from(["a", "b", "中", ""]), max_size=20))
def test_codes_number_keys_in_order_of_first_appearance(keys: list[str]) -> None:
    codes, distinct = coded(keys, len(keys))
    assert distinct == list(dict.fromkeys(keys))
    assert [distinct[c] for c in codes.tolist()] == keys


@given(st.lists(st.lists(st.integers(0, 3), min_size=3, max_size=3), min_size=1, max_size=20),
       st.sampled_from([3, 40]))
def test_distinct_rows_give_each_row_back(table: list[list[int]], width: int) -> None:
    array = np.array([(row * 14)[:width] for row in table], dtype=np.intp)  # 40 columns: too wide for one integer
    found, inverse = distinct_rows(array)
    assert (found[inverse] == array).all()
    assert len({tuple(r) for r in found.tolist()}) == found.shape[0]
