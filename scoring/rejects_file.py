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
    from .report.data import message_field_titles
    from .report.labels import labels_for
    from .report.messages_zh import Names, row_label, translate

    lab = labels_for("zh")
    titles = message_field_titles(model)
    names = Names(fields=titles, indicators={i.id: i.title for d in model.dimension for i in d.indicator},
                  consequences={c.id: c.title for c in model.consequence})
    said: dict[str, str] = {}  # each distinct reason translated once: one reason often stands for many rows

    def field(name: str | None) -> str:
        title = titles.get(name or "", name or "")
        return "" if not name else name if title == name else f"{title}（{name}）"

    w.writerow([lab["row"], lab["unit"], lab["column"], lab["field"], lab["cell"], lab["reason"]])
    for r in rejected:
        reason = said.get(r.reason)
        if reason is None:
            reason = said[r.reason] = translate(r.reason, names)
        w.writerow([csv_text(row_label(r.row)), csv_text(r.unit or ""), csv_text(r.column or ""),
                    csv_text(field(r.field)), csv_text(r.value or ""), csv_text(reason)])
    return BOM + out.getvalue()
