"""Everything a scoring plugin needs, from one module.

    from scoring.plugin import hookimpl, Method, MethodInput, NumericField, Params, Scored

A plugin imports only from here (the built-in plugins `scoring_std`,
`scoring_schools` and `scoring_safety` do too), so the engine's internal
modules can be reorganised without breaking anyone's plugin. What each hook
expects is documented in `scoring.hookspecs`; docs/guide-writing-a-plugin.md
walks from an empty package to a published plugin.

What is here, by hook:

- `scoring_register_methods`: `Method`, `Params`, `MethodInput`, `MemberRows`,
  `Scored`, `Lint`, `ExampleFields`, and the parameter annotations
  (`NumericField`, `BoolField`, `ChoiceField`, `FieldName`, `MemberNumericField`,
  `MemberChoiceField`, `Condition`, `NumberExpression`, `OptionalCondition`,
  `FieldRef`, `ExpressionRef` to make your own), `FieldSpec` (a rubric field,
  for `Method.validate`).
- `scoring_register_payout_kinds`: `PayoutKind`, `PayoutInput`, `Payout`,
  `PaidUnit`, `Budget`, `Shorthand`, and for exact money `check_amounts`,
  `decimal_figure`, `exact_sum`, `figure_text`, `to_minor_units`, `units_to_float`
  (docs/money.md).
- `scoring_register_functions`: `Function`.
- `scoring_register_checks`: `EvidenceCheck`, `EvidenceRows`, `CheckReport`,
  `Refusal`, and `Notice` (a warning with a code, unit and field).
- `scoring_register_loaders`: `Loader`, `RawTable`, `loads_json_bounded` and
  `json_nesting_problem` (JSON read within the engine's nesting and number-size
  limits), `shorten` (a bad value cut for an error message), `UsageError`
  (an option that does not apply).
- `scoring_register_writers`: `Writer`, `Result`; for reports for people
  `Report`, `WriteOptions`, the shared tables (`ranking_columns`, `Column`, ...),
  `labels_for` and the escaping per format (`csv_text`, `csv_texts` for a whole column, `md_text`, `html_text`);
  `csv_body`, a ranking's CSV rows put together in Arrow.
- `scoring_register_rubrics`: paths; nothing to import.
- lifecycle hooks: `Rubric`, `Result`.
- errors to raise: `EvidenceError` (a loader's broken file), `RubricError` (a
  policy refusing a rubric), `PluginError`; `round_half_up` for money and scores.
"""

from __future__ import annotations

from .errors import EvidenceError, ExpressionError, PluginError, RubricError, ScoringError, UsageError
from .row_checks import CheckReport, EvidenceCheck, EvidenceRows, Refusal
from .functions import Function
from .evidence_limits import shorten
from .limits import json_nesting_problem, loads_json_bounded
from .hookspecs import hookimpl
from .report import Report, Table, labels_for
from .report.escape import csv_text, csv_texts, html_text, md_text, script_json
from .report.csv_rows import csv_body
from .report.labels import member_word
from .report.tables import (
    NA,
    Column,
    about_rows,
    consequence_rows,
    consequence_totals,
    deduction_rows,
    extra_columns,
    extra_text_columns,
    fmt_cell,
    member_result_text,
    member_rows,
    panel_rows,
    ranking_columns,
    rejected_rows,
    show_value,
    veto_rows,
    warning_texts,
)
from .report.workflow import amendment_rows, amendment_text, decision_marks, decision_text, override_rows
from .panels import SPREAD_TABLE as PANEL_WORDS  # rater-panel table words per language (title, headers, dropped)
from .panels import raters_text  # one line of each rater's points, as every report shows it
from .text_encoding import FALLBACK_ENCODING, not_utf8_note  # a CSV that is not UTF-8, read as GB18030
from .workbook_formulas import formula_message, uncalculated_formulas  # formulas no spreadsheet computed
from .writers import WriteOptions
from .methods import (
    BoolArray,
    BoolField,
    ChoiceField,
    Condition,
    ExampleFields,
    ExpressionRef,
    FieldName,
    FieldRef,
    FloatArray,
    Lint,
    MemberChoiceField,
    MemberNumericField,
    MemberRows,
    Method,
    MethodInput,
    NumberExpression,
    NumericField,
    OptionalCondition,
    Params,
    Scored,
)
from .model import FieldSpec
from .notices import Notice
from .payouts import Budget, PaidUnit, Payout, PayoutInput, PayoutKind, Shorthand, check_amounts
from .plan import Rubric
from .result import Result
from .rounding import decimal_figure, exact_sum, figure_text, round_half_up, to_minor_units, units_to_float
from .tables import Loader, RawTable
from .unit_table import document_json, document_parts, jsonl_lines, parquet_bytes, write_parts
from .writers import Writer

__all__ = [
    "NA", "Column", "Report", "Table", "WriteOptions", "about_rows", "consequence_rows",
    "consequence_totals", "csv_body", "csv_text", "csv_texts", "deduction_rows", "fmt_cell", "html_text", "labels_for",
    "md_text", "member_word", "member_result_text", "member_rows", "ranking_columns", "rejected_rows", "script_json",
    "show_value", "veto_rows", "warning_texts",
    # amendments and committee decisions (scoring.report.workflow)
    "amendment_rows", "amendment_text", "decision_marks", "decision_text", "override_rows",
    # rater panels (scoring.panels)
    "PANEL_WORDS", "panel_rows", "raters_text",
    # text evidence that is not UTF-8 (scoring.text_encoding)
    "FALLBACK_ENCODING", "not_utf8_note",
    # workbook formulas no spreadsheet computed (scoring.workbook_formulas)
    "formula_message", "uncalculated_formulas",
    # extra tables (statistics): shares shown as percentages
    "extra_columns", "extra_text_columns",
    # column-by-column JSON, JSON Lines and Parquet of a result, for writers
    "document_json", "document_parts", "jsonl_lines", "parquet_bytes", "write_parts",
    "Budget", "PaidUnit", "Payout", "PayoutInput", "PayoutKind", "Shorthand", "check_amounts", "decimal_figure",
    "exact_sum", "figure_text", "to_minor_units", "units_to_float",
    "BoolArray", "BoolField", "CheckReport", "ChoiceField", "Condition", "EvidenceCheck", "EvidenceError",
    "EvidenceRows", "ExampleFields", "ExpressionError", "ExpressionRef", "FieldName", "FieldRef", "FieldSpec",
    "FloatArray", "Function", "Lint", "Loader", "MemberChoiceField", "MemberNumericField", "MemberRows",
    "Method", "MethodInput", "NumberExpression", "NumericField", "OptionalCondition", "Params", "PluginError",
    "RawTable", "Refusal", "Result", "Rubric", "RubricError", "Scored", "ScoringError", "Writer", "hookimpl",
    "Notice", "UsageError", "json_nesting_problem", "loads_json_bounded", "round_half_up", "shorten",
]
