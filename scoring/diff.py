"""What changed between two results of the same assessment (`scoring diff BEFORE.json AFTER.json`).

After appeals (复核) a corrected figure for one unit can move others: a unit
that did not appeal can drop below a quota cut, every unit's share of a pool
changes, a tie forms or breaks. The published list (公示) must name every unit
whose outcome changed, so this compares the two JSON results unit by unit on
what decides money and standing: status, score, grade, rank, vetoes, each
consequence and its amount. A unit whose own figures (indicator points or
values) changed, or that carries an amendment or a committee decision, is
marked as its own change; any other changed unit moved without a change of
its own (someone else's correction or decision, or different earlier results
read by `previous.*` or `history.*`), and is marked so.

Results are read as the JSON documents `scoring run --format json` writes, so
two runs on different machines or engine versions can be compared.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from .errors import EvidenceError
from .previous import read_result_json

Kind = Literal["changed", "added", "removed"]
Cause = Literal["own", "knock-on", ""]

# What decides a unit's outcome, in the order the lines are shown.
OUTCOME_KEYS = ("status", "score", "grade", "rank")
SELF_KEYS = ("score", "grade", "vetoed", "gap")


@dataclass(frozen=True)
class Change:
    """One figure of one unit: its value before and after (None: absent)."""

    what: str
    before: Any
    after: Any

    def to_dict(self) -> dict[str, Any]:
        return {"what": self.what, "before": self.before, "after": self.after}


@dataclass(frozen=True)
class UnitDiff:
    id: str
    kind: Kind
    cause: Cause
    changes: tuple[Change, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "kind": self.kind, "cause": self.cause, "changes": [c.to_dict() for c in self.changes]}


@dataclass(frozen=True)
class ResultDiff:
    before: str
    after: str
    rubric: str
    units: tuple[UnitDiff, ...]
    notes: tuple[str, ...] = ()
    totals: tuple[Change, ...] = ()   # grade counts, consequence counts and sums that changed

    @property
    def empty(self) -> bool:
        return not self.units

    def counts(self) -> dict[str, int]:
        return {
            "changed": sum(u.kind == "changed" for u in self.units),
            "own": sum(u.cause == "own" for u in self.units),
            "knock_on": sum(u.cause == "knock-on" for u in self.units),
            "added": sum(u.kind == "added" for u in self.units),
            "removed": sum(u.kind == "removed" for u in self.units),
        }

    def to_dict(self) -> dict[str, Any]:
        return {"before": self.before, "after": self.after, "rubric": self.rubric, "notes": list(self.notes),
                "counts": self.counts(), "totals": [c.to_dict() for c in self.totals],
                "units": [u.to_dict() for u in self.units]}

    def headline(self) -> str:
        c = self.counts()
        if self.empty:
            return "no unit changed"
        return (f"{c['changed']} unit(s) changed ({c['own']} by their own correction, {c['knock_on']} moved without "
                f"a change of their own), {c['added']} added, {c['removed']} removed")

    def to_text(self) -> str:
        lines = [f"{self.before} → {self.after} (rubric {self.rubric}): {self.headline()}"]
        lines += [f"note: {n}" for n in self.notes]
        lines += [f"total {c.what}: {_show(c.before)} → {_show(c.after)}" for c in self.totals]
        for u in self.units:
            lines.append(f"{u.id} ({_label(u)})")
            lines += [f"  {c.what}: {_show(c.before)} → {_show(c.after)}" for c in u.changes]
        return "\n".join(lines) + "\n"

    def to_markdown(self) -> str:
        lines = [f"# 变动清单 Changes: {_md(self.before)} → {_md(self.after)}", "",
                 f"Rubric {_md(self.rubric)}: {self.headline()}.", ""]
        lines += [f"- note: {_md(n)}" for n in self.notes]
        lines += [f"- total {_md(c.what)}: {_md(_show(c.before))} → {_md(_show(c.after))}" for c in self.totals]
        if self.notes or self.totals:
            lines.append("")
        if self.units:
            lines += ["| unit | why | what | before | after |", "|---|---|---|---|---|"]
            for u in self.units:
                for k, c in enumerate(u.changes):
                    head = (_md(u.id), _md(_label(u))) if k == 0 else ("", "")
                    lines.append(f"| {head[0]} | {head[1]} | {_md(c.what)} | {_md(_show(c.before))} | "
                                 f"{_md(_show(c.after))} |")
        return "\n".join(lines) + "\n"


def _label(u: UnitDiff) -> str:
    if u.kind == "added":
        return "new in the later result"
    if u.kind == "removed":
        return "not in the later result"
    return "own correction" if u.cause == "own" else "moved, nothing of its own changed"


def _show(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.6f}".rstrip("0").rstrip(".")
    if isinstance(value, (list, tuple)):
        return ", ".join(map(str, value)) or "none"
    return str(value)


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def load_result(path: str | Path) -> dict[str, Any]:
    """A JSON result document, or an error naming the file and what is wrong."""
    where = str(path)
    doc = read_result_json(path)
    check_result_document(doc, where)
    return dict(doc)


def check_result_document(doc: Any, where: str) -> None:
    ok = (isinstance(doc, dict) and isinstance(doc.get("rubric"), dict) and isinstance(doc.get("units"), list)
          and all(isinstance(u, dict) and isinstance(u.get("id"), str) for u in doc["units"]))
    if not ok:
        raise EvidenceError("not a result file written by `scoring run --format json` "
                            "(it needs rubric.id and units[].id)", path=where)


def _consequences(unit: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for c in unit.get("consequences") or []:
        if isinstance(c, dict) and "id" in c:
            out[str(c["id"])] = c.get("amount")
    return out


def _vetoes(unit: Mapping[str, Any]) -> list[str]:
    return sorted(str(v.get("id")) for v in unit.get("vetoes") or [] if isinstance(v, dict))


def _own_figures(unit: Mapping[str, Any]) -> Any:
    """What belongs to the unit alone: its items, and corrections or decisions on it."""
    return (unit.get("indicators"), unit.get("members"), unit.get("amendments"), unit.get("overrides"),
            unit.get("self_assessment"), unit.get("panel"))


def _self(unit: Mapping[str, Any]) -> Mapping[str, Any]:
    sa = unit.get("self_assessment")
    return sa if isinstance(sa, dict) else {}


def unit_changes(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[Change]:
    """Every outcome figure that differs between two views of one unit."""
    out = [Change(k, before.get(k), after.get(k)) for k in OUTCOME_KEYS if before.get(k) != after.get(k)]
    # The self-assessment (自评) is the unit's own claim: a change in it is listed too, since
    # conditions such as 自评失实 read it.
    sb, sa = _self(before), _self(after)
    out += [Change(f"self {k}", sb.get(k), sa.get(k)) for k in SELF_KEYS if sb.get(k) != sa.get(k)]
    vb, va = _vetoes(before), _vetoes(after)
    if vb != va:
        out.append(Change("vetoes", vb, va))
    cb, ca = _consequences(before), _consequences(after)
    for cid in sorted(set(cb) | set(ca)):
        if (cid in cb) != (cid in ca):
            out.append(Change(f"consequence {cid}", "granted" if cid in cb else "not granted",
                              "granted" if cid in ca else "not granted"))
        if cb.get(cid) != ca.get(cid):
            out.append(Change(f"amount {cid}", cb.get(cid), ca.get(cid)))
    return out


def diff_results(before: Mapping[str, Any], after: Mapping[str, Any], *, before_name: str = "before",
                 after_name: str = "after") -> ResultDiff:
    """Compare two result documents; refuse results of different rubrics."""
    check_result_document(before, before_name)
    check_result_document(after, after_name)
    rb, ra = before["rubric"], after["rubric"]
    if rb.get("id") != ra.get("id"):
        raise EvidenceError(f"the results are of different rubrics ({rb.get('id')!r} and {ra.get('id')!r}); "
                            "compare two results of the same assessment", path=after_name)
    notes = []
    if rb.get("version") != ra.get("version"):
        notes.append(f"rubric version {rb.get('version')} → {ra.get('version')}")
    eb, ea = before.get("evidence") or {}, after.get("evidence") or {}
    if isinstance(eb, dict) and isinstance(ea, dict) and eb.get("sha256") != ea.get("sha256"):
        notes.append("the evidence differs (its sha256 changed)")
    old = _by_id(before["units"], before_name)
    new = _by_id(after["units"], after_name)
    units: list[UnitDiff] = []
    # In the later result's reading order (by rank), then the departed units.
    for uid, unit in new.items():
        if uid not in old:
            units.append(UnitDiff(uid, "added", "", tuple(Change(k, None, unit.get(k)) for k in OUTCOME_KEYS)))
            continue
        changes = unit_changes(old[uid], unit)
        if changes:
            own = _own_figures(old[uid]) != _own_figures(unit) or bool(unit.get("amendments") or unit.get("overrides"))
            units.append(UnitDiff(uid, "changed", "own" if own else "knock-on", tuple(changes)))
    for uid, unit in old.items():
        if uid not in new:
            units.append(UnitDiff(uid, "removed", "", tuple(Change(k, unit.get(k), None) for k in OUTCOME_KEYS)))
    return ResultDiff(before_name, after_name, str(ra.get("id")), tuple(units), tuple(notes),
                      tuple(summary_changes(before.get("summary"), after.get("summary"))))


def summary_changes(before: Any, after: Any) -> list[Change]:
    """Grade counts and each consequence's units and sum, where they changed."""
    if not isinstance(before, dict) or not isinstance(after, dict):
        return []
    out = []
    gb, ga = before.get("grades") or {}, after.get("grades") or {}
    for g in dict.fromkeys([*gb, *ga]):
        if gb.get(g) != ga.get(g):
            out.append(Change(f"grade {g} (units)", gb.get(g), ga.get(g)))
    cb, ca = before.get("consequences") or {}, after.get("consequences") or {}
    for c in dict.fromkeys([*cb, *ca]):
        b, a = cb.get(c) or {}, ca.get(c) or {}
        for key in ("units", "amount"):
            if b.get(key) != a.get(key):
                out.append(Change(f"{c} ({key})", b.get(key), a.get(key)))
    return out


def _by_id(units: Sequence[Mapping[str, Any]], where: str) -> dict[str, Mapping[str, Any]]:
    out: dict[str, Mapping[str, Any]] = {}
    for k, unit in enumerate(units):
        uid = str(unit["id"])
        if uid in out:
            raise EvidenceError(f"unit {uid!r} appears twice (units[{k}]); a result lists each unit once", path=where)
        out[uid] = unit
    return out
