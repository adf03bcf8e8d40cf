"""Amendments (--amend) and committee decisions (--decisions) as every report shows them.

A director reads the ranking, not the JSON: a unit whose outcome the committee
overrode must be marked where its row is, with the reason and who decided,
and the rule's own decision beside what now stands. These tables and phrases
are built from the JSON result's `amendments` and `overrides` (the same dicts
whether the report is made from a live result or from a saved one, so `scoring
render` gives the bytes `scoring run` gives), in the rubric's language.
"""

from __future__ import annotations

import re
from typing import Any

from .data import Report
from .tables import Column


def _unit_index(report: Report) -> dict[str, int]:
    return {uid: k for k, uid in enumerate(report.ids)}


def target_title(report: Report, target: str) -> str:
    """What a decision is about: the word for grade, or the consequence's title."""
    if target == "grade":
        return report.labels["grade"]
    return next((str(c["title"]) for c in report.meta["consequences"] if c["id"] == target), target)


def side_text(report: Report, side: dict[str, Any]) -> str:
    """One side of an override (the rule's or the committee's): a grade, or granted/not with the amount."""
    lab = report.labels
    if "grade" in side:
        return lab["side_grade"].format(grade=side["grade"] if side["grade"] is not None else lab["na_mark"])
    text = lab["side_granted"] if side.get("granted") else lab["side_not_granted"]
    if side.get("granted") and side.get("amount") is not None:
        text = lab["side_amount"].format(text=text, amount=f"{float(side['amount']):,.2f}")
    return text


def action_text(report: Report, override: dict[str, Any]) -> str:
    return report.labels[f"action_{override['action']}"].format(value=override.get("value") or "")


def decision_text(report: Report, override: dict[str, Any]) -> str:
    """One decision in one phrase: target, the rules' outcome → what stands, reason, who and when."""
    return report.labels["decision_cell"].format(
        target=target_title(report, str(override["target"])), rule=side_text(report, override["rule"]),
        decided=side_text(report, override["decided"]), reason=override["reason"], by=override["decided_by"],
        date=override["date"])


def field_title(report: Report, name: str) -> str:
    return str(report.meta.get("amended_fields", {}).get(name, name))


def amendment_text(report: Report, amendment: dict[str, Any]) -> str:
    lab = report.labels
    period = lab["period_in"].format(period=amendment["period"]) if amendment.get("period") else ""
    return lab["amendment_cell"].format(field=field_title(report, str(amendment["field"])), period=period,
                                        old=amendment["old"], new=amendment["new"], reason=amendment["reason"],
                                        by=amendment["approved_by"])


def per_unit(report: Report, entries: list[dict[str, Any]], text: Any) -> list[str]:
    """For each unit in reading order, its entries as one cell ("" for units with none)."""
    index = _unit_index(report)
    cells: list[list[str]] = [[] for _ in range(report.n)]
    for entry in entries:
        k = index.get(str(entry["unit"]))
        if k is not None:
            cells[k].append(text(report, entry))
    sep = report.labels["list_sep"]
    return [sep.join(c) for c in cells]


def decision_marks(report: Report) -> list[str]:
    """Per unit, its committee decisions in words (for a column of the ranking)."""
    return per_unit(report, report.overrides, decision_text)


def amendment_marks(report: Report) -> list[str]:
    return per_unit(report, report.amendments, amendment_text)


def source_text(report: Report, entry: dict[str, Any]) -> str:
    """Where an amendment or decision was read (`d.csv row 3`), with "row" in the report's language."""
    text = str(entry.get("source") or "")
    if report.meta["language"] == "zh":
        text = re.sub(r"\bsheet '(.*)' row (\d+)$", r"工作表“\1”第\2行", text)
        text = re.sub(r"\brow (\d+)$", r"第\1行", text)
    return text


def _names(report: Report, units: list[str]) -> list[str]:
    index, names = _unit_index(report), report.names
    return [names[index[u]] if u in index else "" for u in units]


def _unit_columns(report: Report, rows: list[dict[str, Any]]) -> list[Column]:
    """The id column of a decisions or amendments table, and the name column when units have names."""
    units = [str(r["unit"]) for r in rows]
    cols = [Column("id", report.labels["id"], "text", units)]
    if report.has_names:
        cols.append(Column("name", report.labels["name"], "text", _names(report, units)))
    return cols


def amendment_rows(report: Report) -> list[Column]:
    """One row per amendment: unit, name, field, period, old → new, reason, approved by, source row."""
    lab, rows = report.labels, report.amendments
    cols = _unit_columns(report, rows)
    cols += [
        Column("field", lab["field"], "text", [field_title(report, str(a["field"])) for a in rows]),
        Column("period", lab["period"], "text", [str(a.get("period") or "") for a in rows]),
        Column("old", lab["old_value"], "text", [str(a["old"]) for a in rows]),
        Column("new", lab["new_value"], "text", [str(a["new"]) for a in rows]),
        Column("reason", lab["decision_reason"], "text", [str(a["reason"]) for a in rows]),
        Column("approved_by", lab["approved_by"], "text", [str(a["approved_by"]) for a in rows]),
        Column("source", lab["source"], "text", [source_text(report, a) for a in rows]),
    ]
    return cols


def override_rows(report: Report) -> list[Column]:
    """One row per committee decision: unit, name, target, decision, by the rules, now, reason, who, date."""
    lab, rows = report.labels, report.overrides
    cols = _unit_columns(report, rows)
    cols += [
        Column("target", lab["target"], "text", [target_title(report, str(o["target"])) for o in rows]),
        Column("action", lab["action"], "text", [action_text(report, o) for o in rows]),
        Column("rule", lab["by_rules"], "text", [side_text(report, o["rule"]) for o in rows]),
        Column("decided", lab["by_committee"], "text", [side_text(report, o["decided"]) for o in rows]),
        Column("reason", lab["decision_reason"], "text", [str(o["reason"]) for o in rows]),
        Column("decided_by", lab["decided_by"], "text", [str(o["decided_by"]) for o in rows]),
        Column("date", lab["date"], "text", [str(o["date"]) for o in rows]),
        Column("source", lab["source"], "text", [source_text(report, o) for o in rows]),
    ]
    return cols
