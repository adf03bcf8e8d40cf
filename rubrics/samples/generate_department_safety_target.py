"""Generate the bundled sample evidence for ``department-safety-target.toml``.

What it models
--------------
One district's year-end 安全生产目标责任考核 of the member units of its safety
committee (安委会): 14 departments (应急管理局, 住建局, 交通运输局, 市场监管局,
教育局, 公安分局, 消防救援大队 and others) and 6 streets and towns. One row per
unit holds the year's figures; there are no periods.

Where the figures come from
---------------------------
The hazard totals are those of a district year-end report of the usual kind:
577 hazards found and 561 rectified (97.23%); the generator distributes
exactly those two totals over the 20 units, weighted to the units with the
most inspections. Everything else is invented but shaped like such a report:
each unit's number of key enterprises, enforcement plan, certification plan
and control indicators come from the table below (公安分局 signs no letters
with enterprises and plans no certification, so those items are not
applicable to it; 消防救援大队 and 教育局 have a death indicator of 0); each
unit's diligence (a "quality" between 0.35 and 1) drives how many meetings,
classes and drills it held, how much of its plan it did and how many letters
and tip-offs it left open. The year's accidents are placed by hand: a few
general accidents within the indicators, a town whose two deaths exceed its
indicator of 1 (a veto), and a 较大 accident (a scaffold collapse, 3 deaths,
within the housing bureau's death indicator of 3, but a veto all the same).
With this seed the sample grades 5 优秀, 8 良好, 5 合格 and 2 不合格 (the two
vetoed units); two units tie at 86.7 and are separated by the tie-break.

Determinism
-----------
Only ``random.Random(20261201)`` from the standard library is used (with
``random()`` and ``choices()``, whose outputs are stable for an integer seed),
and the CSV is written as UTF-8 without BOM with ``\\n`` line ends, so every
run writes byte-identical output. The columns are id, then the rubric's
[fields] in declaration order; ``main`` checks that against the rubric file.

Regenerate with::

    .venv/bin/python rubrics/samples/generate_department_safety_target.py
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

from scoring_rubrics._samples import csv_text, write_sample


SEED = 20261201
HERE = Path(__file__).resolve().parent
OUT = HERE / "department-safety-target.csv"
RUBRIC = HERE.parent / "department-safety-target.toml"

HAZARDS_FOUND = 577       # the district's figure for the year
HAZARDS_RECTIFIED = 561   # the district's figure for the year

COLUMNS = (
    "id", "name", "category", "meetings", "letters_required", "letters_signed",
    "inspections_planned", "inspections_done", "hazards_found", "hazards_rectified",
    "training_classes", "certify_planned", "people_certified", "drills",
    "tipoffs_received", "tipoffs_closed", "accidents", "accident_limit", "deaths",
    "death_limit", "major_accidents",
)

# id, name, category, key enterprises, planned inspections, planned
# certifications, tip-offs received, accident indicator, death indicator
UNITS = (
    ("BM01", "区应急管理局", "职能部门", 62, 260, 180, 24, 2, 1),
    ("BM02", "区住房和城乡建设局", "职能部门", 45, 220, 150, 18, 3, 3),
    ("BM03", "区交通运输局", "职能部门", 28, 160, 90, 12, 4, 3),
    ("BM04", "区市场监督管理局", "职能部门", 36, 200, 60, 20, 1, 1),
    ("BM05", "区教育局", "职能部门", 48, 120, 40, 4, 1, 0),
    ("BM06", "区公安分局", "职能部门", 0, 90, 0, 6, 2, 1),
    ("BM07", "区消防救援大队", "职能部门", 40, 300, 30, 30, 1, 0),
    ("BM08", "区自然资源局", "职能部门", 8, 40, 10, 3, 1, 1),
    ("BM09", "区农业农村局", "职能部门", 12, 60, 50, 2, 1, 1),
    ("BM10", "区水利局", "职能部门", 10, 45, 20, 0, 1, 1),
    ("BM11", "区文化广电旅游局", "职能部门", 16, 70, 20, 5, 1, 1),
    ("BM12", "区商务局", "职能部门", 22, 80, 30, 4, 1, 1),
    ("BM13", "区卫生健康委员会", "职能部门", 18, 60, 40, 2, 1, 0),
    ("BM14", "区城市管理局", "职能部门", 14, 100, 30, 15, 1, 1),
    ("JD01", "城关街道", "街道", 30, 120, 60, 9, 1, 1),
    ("JD02", "东城街道", "街道", 26, 110, 50, 7, 1, 1),
    ("JD03", "西城街道", "街道", 24, 100, 50, 6, 1, 1),
    ("ZH01", "河口镇", "镇", 38, 140, 80, 5, 2, 1),
    ("ZH02", "柳林镇", "镇", 34, 130, 70, 4, 2, 1),
    ("ZH03", "白马镇", "镇", 42, 150, 90, 6, 2, 1),
)
# The year's accidents, placed by hand: id -> (accidents, deaths, 较大 accidents)
ACCIDENTS = {
    "BM01": (1, 0, 0),   # a workshop fire at a hazardous-chemical store, no death
    "BM02": (2, 3, 1),   # a scaffold collapse (较大, 3 deaths) and a crane accident (injuries)
    "BM03": (3, 2, 0),   # road-transport accidents, within the indicators
    "BM04": (1, 0, 0),   # a boiler accident, injuries only
    "ZH01": (1, 1, 0),   # a fall from a roof, within the indicator
    "ZH03": (2, 2, 0),   # two deaths at a quarry: above the indicator of 1
    "JD02": (1, 0, 0),   # a small shop fire
}
# Diligence of the units the accidents happened in (the rest are drawn).
QUALITY = {"BM02": 0.6, "ZH03": 0.5}


@dataclass
class Unit:
    id: str
    name: str
    category: str
    quality: float
    row: dict[str, int]


def _noise(rng: random.Random, width: float) -> float:
    return width * (rng.random() - 0.5)


def _clip(x: float, lo: float, hi: float) -> float:
    return max(lo, min(hi, x))


def build(rng: random.Random) -> list[Unit]:
    """The 20 units with their year's figures, drawn from `rng` in a fixed order."""
    units: list[Unit] = []
    for uid, name, category, letters, planned, cert_plan, tipoffs, acc_limit, death_limit in UNITS:
        q = round(0.35 + 0.65 * rng.random(), 3)
        q = QUALITY.get(uid, q)
        # Meetings: the diligent meet quarterly or more, the lax two or three times.
        meetings = int(round(_clip(1.5 + 4.0 * q + _noise(rng, 1.5), 1, 7)))
        # Letters: most sign every key enterprise; the lax leave a few unsigned.
        unsigned = 0 if rng.random() < 0.3 + 0.7 * q else int(round(letters * (0.05 + 0.15 * (1 - q))))
        # The enforcement plan: done in full or beyond by the diligent.
        done = int(round(planned * _clip(0.55 + 0.55 * q + _noise(rng, 0.2), 0.4, 1.15)))
        classes = int(round(_clip(1.0 + 4.5 * q + _noise(rng, 1.5), 0, 8)))
        certified = int(round(cert_plan * _clip(0.4 + 0.7 * q + _noise(rng, 0.2), 0.2, 1.1)))
        drills = int(round(_clip(3.0 * q + _noise(rng, 1.2), 0, 4)))
        open_tips = 0 if rng.random() < q else int(round(tipoffs * (0.1 + 0.2 * (1 - q))))
        accidents, deaths, majors = ACCIDENTS.get(uid, (0, 0, 0))
        units.append(Unit(uid, name, category, q, {
            "meetings": meetings,
            "letters_required": letters,
            "letters_signed": letters - unsigned,
            "inspections_planned": planned,
            "inspections_done": done,
            "hazards_found": 0,
            "hazards_rectified": 0,
            "training_classes": classes,
            "certify_planned": cert_plan,
            "people_certified": certified,
            "drills": drills,
            "tipoffs_received": tipoffs,
            "tipoffs_closed": tipoffs - open_tips,
            "accidents": accidents,
            "accident_limit": acc_limit,
            "deaths": deaths,
            "death_limit": death_limit,
            "major_accidents": majors,
        }))
    _hazards(rng, units)
    return units


def _hazards(rng: random.Random, units: list[Unit]) -> None:
    """Spread exactly HAZARDS_FOUND over the units and leave exactly the rest open."""
    weights = [u.row["inspections_done"] * (1.3 - u.quality) for u in units]
    for _ in range(HAZARDS_FOUND):
        u = rng.choices(units, weights=weights)[0]
        u.row["hazards_found"] += 1
        u.row["hazards_rectified"] += 1
    open_left = HAZARDS_FOUND - HAZARDS_RECTIFIED
    while open_left:
        live = [u for u in units if u.row["hazards_rectified"] > 0]
        u = rng.choices(live, weights=[(1.1 - v.quality) ** 2 for v in live])[0]
        u.row["hazards_rectified"] -= 1
        open_left -= 1


def render(units: list[Unit]) -> str:
    """The CSV text: a header, then one row per unit."""
    return csv_text(COLUMNS, ([u.id, u.name, u.category] + [u.row[c] for c in COLUMNS[3:]] for u in units))


def main(out: Path | None = None) -> Path:
    """Write the sample CSV to `out` (default: next to this script); return the path."""
    return write_sample(RUBRIC, COLUMNS, render(build(random.Random(SEED))), OUT if out is None else Path(out))


if __name__ == "__main__":
    print(main())
