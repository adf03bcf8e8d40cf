"""Rule-change impact: the same evidence scored under an old and a new rubric.

Units are matched by id (a unit rejected under one rubric only is listed as
added or removed), consequences by id, indicators by id or, when the new
rubric renamed one, by its `replaces = "old_id"`. A unit is listed when its
score, grade, rank, set of vetoes, or any consequence (granted or not, and the
amount) differs. Consequence totals come from each result's own summary, so
they are the figures a report of either run would print.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from ..consequences import GRANTED
from ..decide import NO_GRADE

if TYPE_CHECKING:
    from ..result import Result

Columns = dict[str, np.ndarray]
# Money is compared to the fen; scores at the rubric's precision are exact decimals.
CENT = 0.005


def indicator_map(old: Result, new: Result) -> tuple[dict[str, str], list[str]]:
    """New indicator id -> old id (same id, or `replaces`), and warnings about the mapping."""
    old_ids = {i.id for i in old.rubric.indicators}
    out: dict[str, str] = {}
    warnings: list[str] = []
    for ind in new.rubric.indicators:
        source = ind.spec.replaces or ind.id
        if source in old_ids:
            out[ind.id] = source
        elif ind.spec.replaces:
            warnings.append(f"indicator {ind.id!r} replaces {ind.spec.replaces!r}, which the old rubric does not have")
    return out, warnings


def _align(ids: np.ndarray, result: Result) -> tuple[np.ndarray, np.ndarray]:
    """Position of each of `ids` in `result` (sorted unit ids) and whether it is there."""
    own = result.layout.unit_ids
    pos = np.clip(np.searchsorted(own, ids), 0, max(own.size - 1, 0))
    found = own[pos] == ids if own.size else np.zeros(ids.shape, dtype=bool)
    return pos, found


def _take(values: np.ndarray, pos: np.ndarray, found: np.ndarray, empty: Any) -> np.ndarray:
    out = values[pos] if values.size else np.full(pos.shape, empty, dtype=values.dtype)
    return np.where(found if out.ndim == 1 else found[:, None], out, empty)


def _veto_sets(result: Result) -> np.ndarray:
    """Each unit's vetoes as one sorted text ("a;b"), so sets compare as strings."""
    ids = sorted((v.id, j) for j, v in enumerate(result.rubric.model.veto))
    out = np.full(result.layout.n_units, "", dtype=object)
    for vid, j in ids:  # a loop over the rubric's vetoes, not over units
        hit = result.decisions.vetoes[:, j]
        out[hit] = np.where(out[hit] == "", vid, out[hit] + ";" + vid)
    return out


@dataclass(frozen=True)
class Impact:
    """Who changes, and by how much, when the rubric changes from `old` to `new`."""

    old_rubric: str
    new_rubric: str
    unit_ids: np.ndarray
    in_old: np.ndarray
    in_new: np.ndarray
    score: tuple[np.ndarray, np.ndarray]
    grade: tuple[np.ndarray, np.ndarray]      # names (None: no grade)
    rank: tuple[np.ndarray, np.ndarray]
    vetoes: tuple[np.ndarray, np.ndarray]
    consequences: tuple[str, ...]
    granted: tuple[np.ndarray, np.ndarray]    # (n, consequences)
    amount: tuple[np.ndarray, np.ndarray]
    indicators: tuple[str, ...]               # new ids of the indicators in both rubrics
    indicator_delta: np.ndarray               # (n, indicators) new points − old points
    renamed: dict[str, str]
    totals: dict[str, dict[str, Any]]
    grades: dict[str, tuple[int, int]]
    warnings: tuple[str, ...]

    # --- what changed --------------------------------------------------------
    def _differs(self, pair: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
        old, new = pair
        if old.dtype.kind == "f":
            both_nan = np.isnan(old) & np.isnan(new)
            out: np.ndarray = ~both_nan & ~(np.abs(old - new) < 1e-9)
            return out
        return np.asarray(old != new, dtype=bool)

    @property
    def score_changed(self) -> np.ndarray:
        return self._differs(self.score)

    @property
    def grade_changed(self) -> np.ndarray:
        return self._differs(self.grade)

    @property
    def rank_changed(self) -> np.ndarray:
        return self._differs(self.rank)

    @property
    def veto_changed(self) -> np.ndarray:
        return self._differs(self.vetoes)

    @property
    def consequence_changed(self) -> np.ndarray:
        """(n, consequences): granted or not, or the amount, differs."""
        (g0, g1), (a0, a1) = self.granted, self.amount
        out: np.ndarray = (g0 != g1) | (np.abs(a0 - a1) > CENT)
        return out

    @property
    def changed(self) -> np.ndarray:
        out: np.ndarray = (self.in_old != self.in_new) | self.score_changed | self.grade_changed \
            | self.rank_changed | self.veto_changed | self.consequence_changed.any(axis=1)
        return out

    def columns(self, only_changed: bool = True) -> Columns:
        """One row per unit (the changed ones by default); consequences as `<id>_old`, `<id>_new`."""
        keep = self.changed if only_changed else np.ones(self.unit_ids.shape, dtype=bool)
        out: Columns = {"unit": self.unit_ids[keep], "in_old": self.in_old[keep], "in_new": self.in_new[keep]}
        for name in ("score", "grade", "rank", "vetoes"):
            old, new = getattr(self, name)
            out[f"{name}_old"], out[f"{name}_new"] = old[keep], new[keep]
        for c, cid in enumerate(self.consequences):
            for side, (granted, amount) in (("old", (self.granted[0], self.amount[0])),
                                            ("new", (self.granted[1], self.amount[1]))):
                out[f"{cid}_{side}"] = np.where(granted[keep, c], amount[keep, c], np.nan)
        return out

    def _unit_dict(self, i: int) -> dict[str, Any]:
        def val(x: Any) -> Any:
            if isinstance(x, (float, np.floating)):
                return None if math.isnan(x) else float(x)
            return None if x is None else str(x)

        changes: dict[str, Any] = {}
        for name in ("score", "grade", "rank", "vetoes"):
            old, new = getattr(self, name)
            if self._differs((old[i:i + 1], new[i:i + 1]))[0]:
                changes[name] = [val(old[i]), val(new[i])]
        cons = {}
        for c in np.flatnonzero(self.consequence_changed[i]).tolist():
            cons[self.consequences[c]] = [
                round(float(self.amount[0][i, c]), 2) if self.granted[0][i, c] else None,
                round(float(self.amount[1][i, c]), 2) if self.granted[1][i, c] else None]
        if cons:
            changes["consequences"] = cons
        delta = self.indicator_delta[i]
        moved = np.flatnonzero(np.abs(delta) > 1e-9)
        if moved.size:
            changes["indicators"] = {self.indicators[k]: round(float(delta[k]), 4) for k in moved.tolist()}
        return {"id": str(self.unit_ids[i]), "in_old": bool(self.in_old[i]), "in_new": bool(self.in_new[i]),
                "changes": changes}

    def counts(self) -> dict[str, int]:
        return {"units": int(self.unit_ids.size), "changed": int(self.changed.sum()),
                "score": int(self.score_changed.sum()), "grade": int(self.grade_changed.sum()),
                "rank": int(self.rank_changed.sum()), "vetoes": int(self.veto_changed.sum()),
                "consequences": int(self.consequence_changed.any(axis=1).sum()),
                "added": int((self.in_new & ~self.in_old).sum()), "removed": int((self.in_old & ~self.in_new).sum())}

    def to_dict(self) -> dict[str, Any]:
        return {
            "old": self.old_rubric, "new": self.new_rubric, "renamed": self.renamed, "warnings": list(self.warnings),
            "counts": self.counts(),
            "grades": {g: {"old": a, "new": b} for g, (a, b) in self.grades.items()},
            "consequences": self.totals,
            "units": [self._unit_dict(i) for i in np.flatnonzero(self.changed).tolist()],
        }

    def to_text(self) -> str:
        c = self.counts()
        lines = [f"{self.old_rubric} → {self.new_rubric}: {c['units']} unit(s), {c['changed']} changed "
                 f"(score {c['score']}, grade {c['grade']}, rank {c['rank']}, vetoes {c['vetoes']}, "
                 f"consequences {c['consequences']}; added {c['added']}, removed {c['removed']})"]
        lines += [f"warning: {w}" for w in self.warnings]
        if self.renamed:
            lines.append("renamed: " + ", ".join(f"{old} → {new}" for new, old in self.renamed.items()))
        lines.append("grades: " + ", ".join(f"{g} {a} → {b}" for g, (a, b) in self.grades.items()))
        lines.append("consequences (units granted, amount paid):")
        for cid, t in self.totals.items():
            money = "" if t["amount"] is None else f", {_money(t['amount'][0])} → {_money(t['amount'][1])}"
            lines.append(f"  {cid} {t['title']}: {t['units'][0]} → {t['units'][1]} unit(s){money}")
        rows = np.flatnonzero(self.changed)
        if rows.size:
            lines += ["", "changed units:"]
        old_rank = np.nan_to_num(self.rank[0], nan=np.inf)
        for i in rows[np.lexsort((self.unit_ids[rows], old_rank[rows]))].tolist():
            u = self._unit_dict(i)
            shown = []
            for name in ("score", "grade", "rank", "vetoes"):
                if name in u["changes"]:
                    a, b = u["changes"][name]
                    shown.append(f"{name} {'—' if a in (None, '') else a} → {'—' if b in (None, '') else b}")
            if "consequences" in u["changes"]:
                shown += [f"{cid} {_money(x)} → {_money(y)}" for cid, (x, y) in u["changes"]["consequences"].items()]
            why = u["changes"].get("indicators", {})
            top = sorted(why.items(), key=lambda kv: -abs(kv[1]))[:3]
            note = ("; items " + ", ".join(f"{k} {v:+g}" for k, v in top)) if top else ""
            where = "" if u["in_old"] and u["in_new"] else (" (new)" if u["in_new"] else " (gone)")
            lines.append(f"  {u['id']}{where}: " + "; ".join(shown) + note)
        return "\n".join(lines) + "\n"


def _money(x: Any) -> str:
    if x is None:
        return "—"
    if isinstance(x, (int, float)):
        return f"{x:,.2f}"
    return str(x)


def _pays(result: Result) -> set[str]:
    """Ids of the consequences that pay an amount (the others only grant)."""
    # `payout` (a named payout kind) where the rubric format has it, beside the shorthands.
    return {c.id for c in result.rubric.model.consequence
            if any(getattr(c, key, None) is not None for key in ("amount", "pool", "payout"))}


def _totals(old: Result, new: Result) -> dict[str, dict[str, Any]]:
    before, after = old.summary()["consequences"], new.summary()["consequences"]
    paid = _pays(old) | _pays(new)
    out: dict[str, dict[str, Any]] = {}
    for cid in list(before) + [c for c in after if c not in before]:
        a, b = before.get(cid, {}), after.get(cid, {})
        out[cid] = {"title": b.get("title", a.get("title", "")),
                    "units": [a.get("units", 0), b.get("units", 0)],
                    "amount": [a.get("amount"), b.get("amount")] if cid in paid else None}
    return out


def compare_results(old: Result, new: Result) -> Impact:
    """The impact of moving from `old`'s rubric to `new`'s on the same evidence."""
    ids = np.union1d(old.layout.unit_ids.astype(str), new.layout.unit_ids.astype(str))
    pos0, in0 = _align(ids, old)
    pos1, in1 = _align(ids, new)

    def pair(get: Any, empty: Any) -> tuple[np.ndarray, np.ndarray]:
        return _take(get(old), pos0, in0, empty), _take(get(new), pos1, in1, empty)

    def names(result: Result) -> np.ndarray:
        labels = np.array([g.name for g in result.rubric.model.grade] + [None], dtype=object)
        out: np.ndarray = labels[np.where(result.decisions.grade == NO_GRADE, -1, result.decisions.grade)]
        return out

    cons_ids = [c.id for c in old.rubric.model.consequence]
    cons_ids += [c.id for c in new.rubric.model.consequence if c.id not in cons_ids]

    def cons_matrix(result: Result, what: str) -> np.ndarray:
        index = {c.id: j for j, c in enumerate(result.rubric.model.consequence)}
        n = result.layout.n_units
        cols = []
        for cid in cons_ids:  # a loop over consequences, not units
            j = index.get(cid)
            if what == "granted":
                cols.append(result.consequences.status[:, j] == GRANTED if j is not None else np.zeros(n, dtype=bool))
            else:
                cols.append(result.consequences.amounts[:, j].astype(np.float64) if j is not None else np.zeros(n))
        return np.stack(cols, axis=1) if cols else np.zeros((n, 0))

    mapping, warnings = indicator_map(old, new)
    old_col = {i.id: col for i, col in zip(old.rubric.indicators, old.items)}
    new_col = {i.id: col for i, col in zip(new.rubric.indicators, new.items)}
    shared = tuple(mapping)
    delta = np.zeros((ids.size, len(shared)))
    for k, nid in enumerate(shared):  # a loop over indicators
        a = _take(old_col[mapping[nid]].points, pos0, in0, 0.0)
        b = _take(new_col[nid].points, pos1, in1, 0.0)
        delta[:, k] = np.where(in0 & in1, b - a, 0.0)

    grade_names = [g.name for g in old.rubric.model.grade]
    grade_names += [g.name for g in new.rubric.model.grade if g.name not in grade_names]
    count0, count1 = old.summary()["grades"], new.summary()["grades"]
    return Impact(
        old_rubric=f"{old.rubric.id} {old.rubric.version}", new_rubric=f"{new.rubric.id} {new.rubric.version}",
        unit_ids=ids, in_old=in0, in_new=in1,
        score=pair(lambda r: r.decisions.score, np.nan), grade=pair(names, None),
        rank=pair(lambda r: r.decisions.rank, np.nan), vetoes=pair(_veto_sets, ""),
        consequences=tuple(cons_ids),
        granted=pair(lambda r: cons_matrix(r, "granted"), False), amount=pair(lambda r: cons_matrix(r, "amount"), 0.0),
        indicators=shared, indicator_delta=delta,
        renamed={k: v for k, v in mapping.items() if k != v}, totals=_totals(old, new),
        grades={g: (int(count0.get(g, 0)), int(count1.get(g, 0))) for g in grade_names},
        warnings=tuple(warnings),
    )
