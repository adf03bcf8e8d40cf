"""The `--rejects` file: one row per refused row, for the person who fixes the evidence.

It is opened in Excel or WPS, so it is UTF-8 with a byte-order mark (as `-o result.csv`
is): without one, Excel on Chinese Windows reads UTF-8 as GBK and shows unit names
and values as mojibake. A Chinese rubric's file says it as the reports' 未评 table
does (行, 单位, 列, 字段, 值, 原因: 第 3 行, the field by its title, the reason in
Chinese); an English rubric's keeps the engine's own words and columns. Programs
read the rejected rows from the JSON result, where they stay in English.
"""

from __future__ import annotations

import csv
import functools
import io
from collections.abc import Sequence
from typing import TYPE_CHECKING

from .report.escape import csv_text

if TYPE_CHECKING:
    from .evidence import Rejection
    from .model import RubricModel

BOM = "\ufeff"


def rejects_csv(rejected: Sequence[Rejection], model: RubricModel) -> str:
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    if model.rubric.language != "zh":
        w.writerow(["row", "unit", "field", "value", "reason", "column"])  # column: as the sheet shows it
        for r in rejected:
            # Cells come from the evidence: keep a spreadsheet from running them as formulas.
            w.writerow([r.row, csv_text(r.unit or ""), csv_text(r.field or ""), csv_text(r.value or ""),
                        csv_text(r.reason), csv_text(r.column or "")])
        return BOM + out.getvalue()
    from .report.data import message_names
    from .report.labels import labels_for
    from .report.messages_zh import translate
    from .report.tables import rejected_columns

    names = message_names(model)
    # Each distinct reason translated once: one reason often stands for many rows.
    message = functools.cache(lambda text: translate(text, names))
    columns = rejected_columns([vars(r) for r in rejected], labels_for("zh"), "zh",
                               lambda f: names.fields.get(f) or f, message)
    w.writerow([c.title for c in columns])
    w.writerows([csv_text(str(v)) for v in row] for row in zip(*(c.values for c in columns)))
    return BOM + out.getvalue()
