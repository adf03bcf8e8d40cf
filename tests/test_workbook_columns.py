"""The workbook loader's column work (plugins/scoring_std/workbook.py): the width of the data and each
column's cells, done by the column, equal the plain per-cell definitions on any rows."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from scoring_std.workbook import _cell, _filled, column_cells, data_width

CELLS = (st.none() | st.sampled_from(["", " ", "\u3000", "E001", "是", " x "]) | st.floats(allow_nan=True)
         | st.integers(-5, 5) | st.booleans() | st.dates() | st.datetimes() | st.times()
         | st.timedeltas(max_value=dt.timedelta(days=3)))
ROWS = st.lists(st.lists(CELLS, max_size=8), max_size=12)
HEADERS = st.lists(st.sampled_from(["", " ", "id", "死亡人数"]), max_size=8)


@settings(max_examples=300)
@given(header=HEADERS, lines=ROWS)
def test_the_width_is_the_last_column_with_a_header_or_a_value(header, lines) -> None:
    width = max((j + 1 for j, h in enumerate(header) if h.strip()), default=0)
    for line in lines:
        width = max(width, max((j + 1 for j, v in enumerate(line) if _filled(v)), default=0))
    assert data_width(header, lines) == width


@settings(max_examples=300)
@given(lines=ROWS, j=st.integers(0, 9))
def test_a_column_is_its_cells_as_the_core_takes_them(lines, j) -> None:
    expected = [_cell(line[j]) if j < len(line) else "" for line in lines]
    got = column_cells(lines, j)
    assert len(got) == len(expected)
    # NaN is not equal to itself: compare the cells by what they are.
    assert all(type(a) is type(b) and (a == b or a != a and b != b) for a, b in zip(got, expected))
