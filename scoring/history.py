"""Several earlier results, for rules that reach back years (`--history DIR_OR_FILES`).

"先进单位 three years running", "不合格 two years in a row → 约谈", "accidents
falling year on year": such rules read more than last year. Earlier results
of the same rubric are read oldest first (files in the order given; a
directory's `*.json` files in name order, so `2023.json, 2024.json,
2025.json` read as they should), matched to this period's units by id, and
offered to consequence conditions as plain, precomputed columns; no new
expression syntax:

- `history.score_K`, `history.grade_K`, `history.rank_K`, `history.vetoed_K`:
  the unit's result K results back (K = 1 is the most recent earlier result,
  the same as `previous.*`), for K up to MAX_YEARS. Missing where the unit is
  not in that result, or fewer results were given, so a condition reading
  them does not hold.
- `history.years`: how many of the earlier results hold the unit.
- `history.points_IND_K`, `history.value_IND_K`: indicator IND's points and
  its value (a number; yes/no as 1/0) K results back, for trends such as
  "accidents falling year on year" (`accidents < history.value_accidents_1`).
- For each grade whose name is a plain identifier (优秀, 合格, ...):
  `history.streak_优秀`, the number of consecutive earlier results, most
  recent first, in which the unit had that grade; `history.count_优秀`, in how
  many of all the earlier results it had it; `history.count_优秀_K`, in how
  many of the last K. A grade named otherwise ("A+") is read with
  `history.grade_K == "A+"`.

So "先进 three years running" is `grade == "优秀" and history.streak_优秀 >= 2`,
and "twice 不合格 in the last three years" is `history.count_不合格_3 >= 2`.
Only the columns a rubric names are built.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from .errors import EvidenceError
from .model import RubricModel
from .previous import Previous, check_previous, previous_columns, previous_from_document, read_result_json

if TYPE_CHECKING:
    from .plan import Rubric

MAX_YEARS = 10
PER_YEAR = {"score": np.ones(1), "grade": np.array(["x"]), "rank": np.ones(1), "vetoed": np.ones(1, dtype=bool)}


def _named_grades(model: RubricModel) -> list[str]:
    """Grades whose names can be written inside a name (NFKC-stable identifiers)."""
    return [g.name for g in model.grade if g.name.isidentifier() and unicodedata.normalize("NFKC", g.name) == g.name]


def _named_indicators(model: RubricModel) -> list[str]:
    return [i.id for d in model.dimension for i in d.indicator
            if i.id.isidentifier() and unicodedata.normalize("NFKC", i.id) == i.id]


def history_types(model: RubricModel) -> dict[str, np.ndarray]:
    """One sample value per name a condition may read from the history, for checking rubrics."""
    types = {f"history.{key}_{k}": sample for key, sample in PER_YEAR.items() for k in range(1, MAX_YEARS + 1)}
    for ind in _named_indicators(model):
        for k in range(1, MAX_YEARS + 1):
            types[f"history.points_{ind}_{k}"] = np.ones(1)
            types[f"history.value_{ind}_{k}"] = np.ones(1)
    types["history.years"] = np.ones(1)
    for g in _named_grades(model):
        types[f"history.streak_{g}"] = np.ones(1)
        types[f"history.count_{g}"] = np.ones(1)
        types.update({f"history.count_{g}_{k}": np.ones(1) for k in range(1, MAX_YEARS + 1)})
    return types


def history_files(sources: Sequence[str | Path]) -> list[Path]:
    """The result files named, oldest first: files as given, a directory's *.json by name."""
    out: list[Path] = []
    for source in sources:
        path = Path(source)
        if path.is_dir():
            found = sorted(p for p in path.glob("*.json") if p.is_file())
            if not found:
                raise EvidenceError("the history directory holds no .json result files", path=str(path))
            out.extend(found)
        else:
            out.append(path)
    return out


def load_history(sources: Sequence[str | Path]) -> list[Previous]:
    """Earlier results, oldest first, each unit with its indicators' points and numeric values."""
    out = []
    for path in history_files(sources):
        doc = read_result_json(path, "previous result")  # read and parsed once, within the limits
        earlier = previous_from_document(doc, str(path))  # checks the unit fields it reads
        items = _indicators(doc)
        out.append(replace(earlier, units={u: {**v, "items": items.get(u, {})} for u, v in earlier.units.items()}))
    return out


def _indicators(doc: Any) -> dict[str, dict[str, tuple[float, float]]]:
    """Each unit's indicators as (points, value); NaN where absent or not a number."""
    out: dict[str, dict[str, tuple[float, float]]] = {}
    for unit in doc["units"]:
        items = unit.get("indicators")
        if not isinstance(items, dict):
            continue
        out[str(unit["id"])] = {str(k): (_number(v.get("points")), _number(v.get("value")))
                                for k, v in items.items() if isinstance(v, dict)}
    return out


def _number(x: Any) -> float:
    if isinstance(x, bool):
        return float(x)
    if isinstance(x, (int, float)) and math.isfinite(x):
        return float(x)
    return math.nan


def check_history(history: Sequence[Previous], rubric: Rubric, unit_ids: np.ndarray) -> list[str]:
    """Refuse another rubric's results; warn, per file, about versions, departures and arrivals."""
    if len(history) > MAX_YEARS:
        raise EvidenceError(f"{len(history)} earlier results given; at most {MAX_YEARS} are read — give the most "
                            "recent ones", path=history[0].source)
    warnings = []
    for earlier in history:
        warnings += [f"history {earlier.source}: {w}" for w in check_previous(earlier, rubric, unit_ids)]
    return warnings


def history_columns(history: Sequence[Previous], unit_ids: np.ndarray, model: RubricModel,
                    wanted: set[str]) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """The `history.*` columns among `wanted`, aligned with `unit_ids`, and where each is missing."""
    n = unit_ids.shape[0]
    wanted = {w for w in wanted if w.startswith("history.")}
    if not wanted:
        return {}, {}
    recent_first = list(reversed(history))
    years: dict[int, tuple[dict[str, np.ndarray], dict[str, np.ndarray]]] = {}

    def year(k: int) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
        if k not in years:
            years[k] = previous_columns(recent_first[k - 1] if k <= len(recent_first) else None, unit_ids)
        return years[k]

    def present(k: int) -> np.ndarray:
        return ~year(k)[1]["previous.vetoed"]

    def had(g: str, k: int) -> np.ndarray:
        cols, miss = year(k)
        out: np.ndarray = (cols["previous.grade"] == g) & ~miss["previous.grade"]
        return out

    cols: dict[str, np.ndarray] = {}
    missing: dict[str, np.ndarray] = {}
    zero = np.zeros(n, dtype=bool)
    given = len(recent_first)
    grades = set(_named_grades(model))
    indicators = set(_named_indicators(model))
    for name in sorted(wanted):
        tail = name[len("history."):]
        key, _, last = tail.rpartition("_")
        if key in PER_YEAR and last.isdigit():
            c, m = year(int(last))
            cols[name], missing[name] = c[f"previous.{key}"], m[f"previous.{key}"]
        elif (tail.startswith(("points_", "value_")) and last.isdigit()
              and key.partition("_")[2] in indicators):
            kind, _, ind = key.partition("_")
            k = int(last)
            earlier = recent_first[k - 1] if k <= given else None
            cols[name] = _item_column(earlier, unit_ids, ind, 0 if kind == "points" else 1)
            missing[name] = np.isnan(cols[name])
        elif tail == "years":
            cols[name] = sum((present(k).astype(np.float64) for k in range(1, given + 1)), np.zeros(n))
            missing[name] = zero
        elif tail.startswith("streak_"):
            g = tail[len("streak_"):]
            run = np.ones(n, dtype=bool)
            streak = np.zeros(n)
            for k in range(1, given + 1):
                run &= had(g, k)
                streak += run
            cols[name], missing[name] = streak, zero
        elif tail.startswith("count_"):
            g, _, k_text = tail[len("count_"):].rpartition("_")
            if not (k_text.isdigit() and g in grades):  # `count_优秀`: every year given
                g, k_text = tail[len("count_"):], str(given)
            span = min(int(k_text), given)
            cols[name] = sum((had(g, k).astype(np.float64) for k in range(1, span + 1)), np.zeros(n))
            missing[name] = zero
    return cols, missing


def _item_column(earlier: Previous | None, unit_ids: np.ndarray, indicator: str, which: int) -> np.ndarray:
    """One indicator's points (0) or value (1) in an earlier result, aligned with `unit_ids`."""
    n = unit_ids.shape[0]
    if earlier is None or not earlier.units:
        return np.full(n, np.nan)
    ids = np.array(list(earlier.units), dtype=str)
    figures = np.array([u.get("items", {}).get(indicator, (math.nan, math.nan))[which]
                        for u in earlier.units.values()], dtype=np.float64)
    order = np.argsort(ids)
    ids, figures = ids[order], figures[order]
    pos = np.clip(np.searchsorted(ids, unit_ids), 0, ids.size - 1)
    out: np.ndarray = np.where(ids[pos] == unit_ids, figures[pos], np.nan)
    return out


def no_history_warning(rubric: Rubric, read: set[str], history: Sequence[Previous]) -> list[str]:
    """Say so when consequences read `history.*` and no earlier result was given.

    Without history a streak or count is 0 and an earlier score or grade is
    missing, so a rule such as "three good years" holds for nobody: right for
    the money (nobody gets an award on years nobody proved), but a bureau must
    not read an empty 先进 list as the rule's verdict.
    """
    if history or not any(name.startswith("history.") for name in read):
        return []
    ids = [c.id for c, e in zip(rubric.model.consequence, rubric.consequence_when)
           if any(n.startswith("history.") for n in e.names)]
    ids += [c.id for c, p in zip(rubric.model.consequence, rubric.payouts)
            if p is not None and c.id not in ids and any(n.startswith("history.") for n in p.names)]
    return [f"consequence(s) {', '.join(ids)} read earlier years (history.*) but no earlier results were given "
            "(--history): every streak and count is 0 and every earlier score or grade is missing, so a rule "
            "needing earlier years holds for no unit"]
