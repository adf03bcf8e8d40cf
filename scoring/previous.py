"""Last period's results, for consequences that look back (`--previous LAST.json`).

"不合格 two years running → 约谈" and improvement-based rewards need last
year's grade and score. They are read from a result file this engine wrote,
matched to this year's units by id, and offered to consequence conditions as
`previous.score`, `previous.grade`, `previous.rank` and `previous.vetoed`. A
unit with no previous result has those values missing, so a condition that
reads them does not hold for it.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from .errors import EvidenceError
from .limits import MAX_PREVIOUS_BYTES, loads_json_bounded, shorten
from .model import RubricModel

if TYPE_CHECKING:
    from .plan import Rubric


# Ranks are compared as float64 columns: beyond 2^53 they would no longer be whole.
MAX_RANK = 2**53


@dataclass(frozen=True)
class Previous:
    source: str
    rubric_id: str
    rubric_version: str
    units: dict[str, dict[str, Any]] = field(default_factory=dict)
    rubric_sha256: str = ""


def read_result_json(path: str | Path, what: str = "result") -> Any:
    """A saved JSON result file (`--previous`, `--history`, `scoring diff`, `scoring render`), read
    within the limits of scoring.limits; an error names the file and what is wrong."""
    where = str(path)
    try:
        with open(path, "rb") as handle:
            raw = handle.read(MAX_PREVIOUS_BYTES + 1)
    except OSError as exc:
        raise EvidenceError(f"cannot read the {what}: {exc.strerror or exc}", path=where) from None
    if len(raw) > MAX_PREVIOUS_BYTES:
        raise EvidenceError(f"the {what} is larger than the limit of {MAX_PREVIOUS_BYTES:,} bytes", path=where)
    try:
        # Nesting and number size are checked before json.loads, whose
        # recursion and integer conversion would otherwise fail as a bug would.
        return loads_json_bounded(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise EvidenceError(f"the {what} is not UTF-8 text (byte {exc.start})", path=where) from None
    except ValueError as exc:
        raise EvidenceError(f"the {what} is not JSON a result file can hold: {shorten(str(exc))}",
                            path=where) from None


def load_previous(path: str | Path) -> Previous:
    """Read a result file, within the limits of scoring.limits, checking each value's type."""
    return previous_from_document(read_result_json(path, "previous result"), str(path))


def previous_from_document(doc: Any, where: str) -> Previous:
    """A result document already read (read_result_json), checked as load_previous checks it."""
    try:
        rubric = doc["rubric"]
        units: dict[str, dict[str, Any]] = {}
        for k, unit in enumerate(doc["units"]):
            uid = unit["id"]
            if not isinstance(uid, str) or not uid:
                raise EvidenceError(f"units[{k}].id = {shorten(uid)} is not a unit id (non-empty text)", path=where)
            if uid in units:
                raise EvidenceError(f"unit {shorten(uid)} appears twice (units[{k}]); a result lists each unit once",
                                    path=where)
            units[uid] = {key: _checked(unit.get(key), key, uid, where) for key in ("score", "rank", "grade", "vetoes")}
        sha = rubric.get("sha256", "")
        return Previous(where, str(rubric["id"]), str(rubric.get("version", "")), units,
                        sha if isinstance(sha, str) else "")
    except (KeyError, TypeError, AttributeError):
        raise EvidenceError(
            "not a result file written by `scoring run --format json` (it needs rubric.id and units[].id)", path=where
        ) from None


def _is_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def _checked(value: Any, key: str, unit: str, where: str) -> Any:
    """A previous unit's value, of the type a result file holds, or an error naming it."""
    if value is None:
        return None
    checks: dict[str, Callable[[Any], bool]] = {
        "score": _is_number,
        # A rank is a whole number: 3.0 as a result file may have rounded it, not 2.5.
        "rank": lambda v: _is_number(v) and float(v).is_integer(),
        "grade": lambda v: isinstance(v, str),
        "vetoes": lambda v: isinstance(v, list),
    }
    if not checks[key](value):
        raise EvidenceError(f"unit {shorten(unit)}: {key} = {shorten(value)} is not what a result file holds",
                            path=where)
    return value


def validate_previous(previous: Previous, model: RubricModel) -> None:
    """Refuse previous values this rubric could not have given.

    A score of -1000 on a 100-point scale would earn an improvement award, and
    a grade name with a trailing space would never equal '不合格', silently
    stopping a two-bad-years rule: both are errors, naming the unit and value.
    """
    cap = model.rubric.scale + sum(d.points for d in model.dimension if d.kind == "bonus")
    grades = [g.name for g in model.grade]
    known = set(grades)
    where = previous.source
    for uid, unit in previous.units.items():
        def fail(message: str) -> None:
            raise EvidenceError(f"unit {shorten(uid)}: {message}", path=where)

        score, rank, grade = unit.get("score"), unit.get("rank"), unit.get("grade")
        if score is not None and not -1e-9 <= score <= cap + 1e-9:
            fail(f"score = {shorten(score)} is outside this rubric's range 0 to {cap:g} "
                 f"(scale {model.rubric.scale:g} plus the bonus cap); is it last period's result of this assessment?")
        if rank is not None and not 1 <= rank <= MAX_RANK:
            fail(f"rank = {shorten(rank)} is not a rank (a whole number from 1 to {MAX_RANK:,})")
        if grade is not None and grade not in known:
            hint = ""
            if grade.strip() in known:
                hint = f"; it has a leading or trailing space: {grade.strip()!r} is a grade"
            else:
                close = difflib.get_close_matches(grade, grades, n=1)
                hint = f"; did you mean {close[0]!r}?" if close else ""
            fail(f"grade = {shorten(grade)} is not a grade of this rubric ({', '.join(grades)}){hint}")


def check_previous(previous: Previous, rubric: Rubric, unit_ids: np.ndarray) -> list[str]:
    """Refuse another rubric's results or values it could not have given; warn about what does not match."""
    rubric_id, rubric_version = rubric.id, rubric.version
    if previous.rubric_id != rubric_id:
        raise EvidenceError(
            f"the previous result is for rubric {shorten(previous.rubric_id)}, not {rubric_id!r}; "
            "give last period's result of the same assessment",
            path=previous.source,
        )
    validate_previous(previous, rubric.model)
    warnings = []
    if previous.rubric_version != rubric_version:
        warnings.append(f"the previous result used rubric version {shorten(previous.rubric_version)}, "
                        f"this run {rubric_version}")
    if previous.rubric_sha256 and previous.rubric_sha256 != rubric.sha256:
        warnings.append(f"the previous result was scored with a different rubric file (sha256 "
                        f"{shorten(previous.rubric_sha256[:12])}..., this run {rubric.sha256[:12]}...); "
                        "check that its grades and scale mean what they mean now")
    current = set(unit_ids.tolist())
    gone = sorted(set(previous.units) - current)
    if gone:
        warnings.append(f"{len(gone)} unit(s) in the previous result are not assessed now ({', '.join(gone[:5])}"
                        + (" ..." if len(gone) > 5 else "") + ")")
    new = sorted(current - set(previous.units))
    if new:
        warnings.append(f"{len(new)} unit(s) have no previous result ({', '.join(new[:5])}"
                        + (" ..." if len(new) > 5 else "") + "); conditions on previous.* do not hold for them")
    return warnings


def previous_columns(previous: Previous | None, unit_ids: np.ndarray) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """`previous.*` columns aligned with `unit_ids`, and where each is missing.

    The previous file's units are read once into arrays; matching them to this
    period's units is a sorted search, not a loop over units.
    """
    n = unit_ids.shape[0]
    units = previous.units if previous else {}
    ids = np.array(list(units), dtype=str)
    order = np.argsort(ids)
    ids = ids[order]

    def column(key: str, convert: Any, empty: Any, dtype: Any) -> np.ndarray:
        values = [u.get(key) for u in units.values()]
        arr = np.array([empty if v is None else convert(v) for v in values], dtype=dtype)
        return arr[order]

    scores = column("score", float, np.nan, np.float64)
    ranks = column("rank", float, np.nan, np.float64)
    grades = column("grade", str, "", str)
    vetoed = column("vetoes", bool, False, bool)
    if ids.size:
        pos = np.clip(np.searchsorted(ids, unit_ids), 0, ids.size - 1)
        found = ids[pos] == unit_ids
    else:  # no previous result (the usual run): no search of every unit id in an empty list
        pos, found = np.zeros(0, dtype=np.intp), np.zeros(n, dtype=bool)

    def take(arr: np.ndarray, empty: Any) -> np.ndarray:
        if not ids.size:
            return np.full(n, empty, dtype=arr.dtype if arr.dtype.kind != "U" else str)
        return np.where(found, arr[pos], empty)

    columns = {"previous.score": take(scores, np.nan), "previous.grade": take(grades, ""),
               "previous.rank": take(ranks, np.nan), "previous.vetoed": take(vetoed, False).astype(bool)}
    missing = {
        "previous.score": np.isnan(columns["previous.score"]), "previous.grade": ~found | (columns["previous.grade"] == ""),
        "previous.rank": np.isnan(columns["previous.rank"]), "previous.vetoed": ~found,
    }
    return columns, missing
