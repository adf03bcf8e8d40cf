"""DataFrames as evidence: pandas, polars, pyarrow, or anything that speaks Arrow.

None of them is a dependency. A table that exports the Arrow PyCapsule stream
(`__arrow_c_stream__`: pandas 2.2+, polars, DuckDB, pyarrow) or has
`to_arrow()` is read through pyarrow when pyarrow is installed; a pandas or
polars frame without pyarrow is read through its own `to_dict`. Each column
becomes a column of cells, so a frame is typed and checked exactly as a file
with the same cells would be; NaN, None and null are blank cells.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from .errors import EvidenceError
from .tables import RawTable


def is_frame(obj: object) -> bool:
    """Whether `obj` looks like a DataFrame or Arrow table rather than a list of row dicts."""
    return (hasattr(obj, "__arrow_c_stream__") or hasattr(obj, "to_arrow")
            or (hasattr(obj, "columns") and hasattr(obj, "to_dict") and not isinstance(obj, (list, tuple, dict))))


def _blank(value: object) -> object:
    if isinstance(value, float) and math.isnan(value):
        return None
    # pandas' NA and NaT are not floats; they say they are missing by not equalling themselves.
    try:
        if value is not None and not isinstance(value, (str, int, bool)) and value != value:
            return None
    except (TypeError, ValueError):
        pass
    return value


def _arrow_columns(obj: object) -> tuple[list[str], list[list[object]]] | None:
    try:
        import pyarrow as pa  # type: ignore[import-untyped]
    except ImportError:
        return None
    table: Any
    if isinstance(obj, pa.Table):
        table = obj
    elif hasattr(obj, "__arrow_c_stream__"):
        table = pa.table(obj)
    elif hasattr(obj, "to_arrow"):
        table = obj.to_arrow()
        if isinstance(table, pa.RecordBatch):
            table = pa.Table.from_batches([table])
    else:
        return None
    names = [str(n) for n in table.column_names]
    return names, [table.column(k).to_pylist() for k in range(table.num_columns)]


def _dict_columns(obj: Any) -> tuple[list[str], list[list[object]]]:
    module = type(obj).__module__.split(".")[0]
    if module == "polars":
        data = obj.to_dict(as_series=False)
    elif module == "pandas":
        data = obj.to_dict(orient="list")
    else:
        raise EvidenceError(
            f"cannot read a {type(obj).__name__} as evidence: install pyarrow (pip install pyarrow), or pass a "
            "pandas or polars DataFrame, a pyarrow Table, a list of row dicts or a file path"
        )
    return [str(k) for k in data], [list(v) for v in data.values()]


def frame_to_table(obj: object, *, name: str = "<dataframe>") -> RawTable:
    """The cells of a DataFrame or Arrow table, column by column."""
    found = _arrow_columns(obj)
    names, columns = found if found is not None else _dict_columns(obj)
    n = len(columns[0]) if columns else 0
    data: Sequence[Sequence[object]] = [[_blank(v) for v in col] for col in columns]
    return RawTable.from_columns(names, data, [f"row {i + 1}" for i in range(n)])
