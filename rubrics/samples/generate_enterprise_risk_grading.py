"""Generate the bundled sample evidence for ``enterprise-risk-grading.toml``.

What it models
--------------
One district's risk register (安全风险分级管控台账) as its emergency-management
bureau would hold it: 40 enterprises, each with its own row (name, industry)
and one member row per hazard source (``parent`` = the enterprise id), 2 to 8
sources each, rated by L, E and C from the LEC tables. No periods: the
register is graded once a year.

* 6 hazardous-chemical firms (危险化学品), 5 metal smelters (金属冶炼), 11
  machinery makers (机械制造), 5 building-material plants (建材), 7 food
  processors (食品加工) and 6 warehouses (仓储物流).
* Each industry has its typical sources (a liquid-ammonia tank farm, a
  hydrogenation reactor, a melting furnace and molten-metal crane, a gas
  main, press lines and paint booths, a rotary kiln, an ammonia
  refrigeration room, flour dust, forklifts and high racking, confined
  spaces). A source's exposure E and consequence C come from its kind, its
  likelihood L from the enterprise's management: well-run firms draw mostly
  0.2 to 1, poorly-run ones 1 to 6.
* Two cases are planted to show the boundary convention: warehouse QY040,
  whose worst source (forklifts in continuous use, L 1 × E 10 × C 7) is
  D = 70, exactly on the boundary, so the enterprise is 低 and not 一般; and
  smelter QY011, whose worst source (its gas main, 0.5 × 10 × 15) is D = 75,
  so it is 一般.
* Two sources meet a condition of direct determination (直接判定, column
  ``direct_major``, blank on every other row): chemical firm QY003's
  hydrogenation reactor (a major hazard installation; D = 240, 较大 by D) and
  food processor QY034's ammonia refrigeration room (ten or more workers at a
  place exposed to poisoning and explosion; D = 90, 一般 by D). Both
  enterprises are 重大 by the rubric's veto, their D kept as the score.

Where the figures come from
---------------------------
The industry mix and the kinds of source are those of a typical district
register; every rating and every name is invented (names are fictional).
With this seed the sample grades 10 重大, 6 较大, 14 一般 and 10 低 (the
heavy-consequence sources of the chemical firms, smelters and ammonia
refrigeration rooms make most of the 重大; two of the ten are direct
determinations).

Determinism
-----------
Only ``random.Random(SEED)`` from the standard library is used, with
``random()``, ``randint()``, ``choices()`` and ``sample()``, whose outputs are
stable for an integer seed; nothing depends on set ordering, and the CSV is
written as UTF-8 without BOM with ``\\n`` line ends, so every run writes
byte-identical output. The columns are id, parent, then the rubric's [fields]
in declaration order; ``main`` checks that against the rubric file.

Regenerate with::

    .venv/bin/python rubrics/samples/generate_enterprise_risk_grading.py
"""

from __future__ import annotations

import random
from pathlib import Path

from scoring_rubrics._samples import csv_text, write_sample


SEED = 20261202
HERE = Path(__file__).resolve().parent
OUT = HERE / "enterprise-risk-grading.csv"
RUBRIC = HERE.parent / "enterprise-risk-grading.toml"

COLUMNS = ("id", "parent", "name", "industry", "likelihood", "exposure", "consequence", "direct_major")

# industry: (how many enterprises, name suffix, [(source, E choices, C choices)])
Source = tuple[str, tuple[str, ...], tuple[str, ...]]
INDUSTRIES: tuple[tuple[str, int, str, tuple[Source, ...]], ...] = (
    ("危险化学品", 6, "化工有限公司", (
        ("液氨储罐区", ("6", "10"), ("40", "100")),
        ("甲醇储罐区", ("6",), ("15", "40")),
        ("加氢反应釜", ("6",), ("15", "40")),
        ("危化品装卸站台", ("3", "6"), ("15",)),
        ("危化品仓库", ("3", "6"), ("15", "40")),
        ("配电室", ("3",), ("7", "15")),
        ("动火作业", ("2", "3"), ("15",)),
        ("储罐清洗(有限空间)", ("1", "2"), ("15", "40")),
    )),
    ("金属冶炼", 5, "铸造有限公司", (
        ("中频熔炼炉", ("6", "10"), ("15", "40")),
        ("铁水浇铸区", ("6",), ("15", "40")),
        ("熔融金属吊运", ("6",), ("15", "40")),
        ("煤气管道", ("10",), ("15", "40")),
        ("除尘系统", ("6",), ("7", "15")),
    )),
    ("机械制造", 11, "机械有限公司", (
        ("冲压生产线", ("6",), ("7",)),
        ("焊接作业", ("6",), ("3", "7")),
        ("喷漆房", ("6",), ("7", "15")),
        ("桥式起重机", ("3", "6"), ("7", "15")),
        ("空压机房", ("3",), ("7",)),
        ("配电室", ("3",), ("7", "15")),
        ("叉车作业", ("6",), ("7",)),
    )),
    ("建材", 5, "建材有限公司", (
        ("回转窑", ("6",), ("15",)),
        ("粉磨车间", ("6",), ("7",)),
        ("皮带输送机", ("6",), ("7",)),
        ("料仓(有限空间)", ("1", "2"), ("15", "40")),
        ("余热锅炉", ("10",), ("15",)),
    )),
    ("食品加工", 7, "食品有限公司", (
        ("液氨制冷车间", ("6", "10"), ("15", "40")),
        ("燃气锅炉房", ("6",), ("7", "15")),
        ("面粉粉尘区", ("6",), ("15",)),
        ("污水池(有限空间)", ("1", "2"), ("15",)),
        ("叉车作业", ("6",), ("3", "7")),
    )),
    ("仓储物流", 6, "物流有限公司", (
        ("叉车作业", ("6", "10"), ("3", "7")),
        ("高位货架区", ("6",), ("3", "7")),
        ("叉车充电间", ("3", "6"), ("7",)),
        ("装卸平台", ("6",), ("3",)),
    )),
)
# Likelihood by management: well-run firms rarely rate a source above 1.
L_VALUES = ("6", "3", "1", "0.5", "0.2")
L_WELL_RUN = (1, 4, 30, 40, 25)
L_POORLY_RUN = (4, 30, 46, 16, 4)
WELL_RUN_SHARE = 0.65

PLACES = ("城关", "东郊", "西城", "南岸", "北山", "河口", "新桥", "石桥", "青龙", "龙泉", "双河", "柳林",
          "桃园", "永丰", "清河", "凤凰", "金鸡", "太平", "长岭", "白马")
WORDS = ("兴盛", "宏达", "恒通", "鑫源", "华泰", "金诚", "永安", "顺发", "瑞丰", "盛世", "天成", "联众",
         "远航", "中和", "德润", "新元")

# Planted boundary cases: (enterprise id, [(source, L, E, C)]) replacing the drawn sources.
PLANTED = {
    "QY040": (("叉车作业", "1", "10", "7"), ("高位货架区", "1", "6", "3"), ("叉车充电间", "0.5", "3", "7")),
    "QY011": (("煤气管道", "0.5", "10", "15"), ("除尘系统", "1", "6", "7"), ("中频熔炼炉", "0.2", "6", "40")),
}


# Sources meeting a condition of direct determination (直接判定): source id -> how many conditions.
DIRECT = {"QY003-02": 1, "QY034-01": 1}


def _name(rng: random.Random, suffix: str, used: set[str]) -> str:
    while True:
        name = f"{rng.choice(PLACES)}{rng.choice(WORDS)}{suffix}"
        if name not in used:
            used.add(name)
            return name


def rows() -> list[dict[str, str]]:
    rng = random.Random(SEED)
    used: set[str] = set()
    out: list[dict[str, str]] = []
    number = 0
    for industry, count, suffix, kinds in INDUSTRIES:
        for _ in range(count):
            number += 1
            eid = f"QY{number:03d}"
            out.append({"id": eid, "parent": "", "name": _name(rng, suffix, used), "industry": industry,
                        "likelihood": "", "exposure": "", "consequence": ""})
            weights = L_WELL_RUN if rng.random() < WELL_RUN_SHARE else L_POORLY_RUN
            picked = rng.sample(list(kinds), min(rng.randint(2, 8), len(kinds)))
            drawn = [(s, rng.choices(L_VALUES, weights)[0], rng.choice(e), rng.choice(c)) for s, e, c in picked]
            for k, (source, lv, ev, cv) in enumerate(PLANTED.get(eid, drawn), 1):
                out.append({"id": f"{eid}-{k:02d}", "parent": eid, "name": source, "industry": "",
                            "likelihood": lv, "exposure": ev, "consequence": cv,
                            "direct_major": DIRECT.get(f"{eid}-{k:02d}", "")})
    return out


def main(out: Path | None = None) -> Path:
    """Write the sample CSV to `out` (default: next to this script); return the path."""
    return write_sample(RUBRIC, COLUMNS, csv_text(COLUMNS, rows()), Path(out) if out is not None else OUT)


if __name__ == "__main__":
    print(main())
