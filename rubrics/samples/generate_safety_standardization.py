"""Generate the bundled sample evidence for ``safety-standardization.toml``.

What it models
--------------
One year's batch of 安全生产标准化 reviews in a city's industry-and-trade
sector (工贸行业): 30 enterprises (8 machinery, 4 metallurgy, 6 building
materials, 6 light industry, 3 textiles, 3 trade and warehousing), one row
each: the prerequisites, the year's safety performance, and the points the
review team deducted from each of the 22 items.

Where the figures come from
---------------------------
Invented, but shaped like such a batch. Each enterprise has a management
quality between 0.3 and 0.98; each item loses a share of its points that
grows as quality falls (with noise), in half points, as review teams deduct.
Reasonable not-applicable items are left empty: 重大危险源 applies only to
the enterprises with a major hazard installation (every metallurgy plant,
light-industry plants with liquid-ammonia refrigeration, a few others),
应急处置 only where an emergency happened during the period, 事故调查和处理 only
where there was an accident. The year's accidents are placed to show the
performance conditions: the best-run enterprise had one death (so it grades
二级 whatever its score), another had two, and one had a 较大 accident with
three deaths (未达标). Two enterprises fail a prerequisite (an open major
accident hazard; uncertified special-operation workers), so their review
ends (不予评审: no score, grade or rank, since rubric 2026.2). With this seed
the sample grades 3 一级, 8 二级, 13 三级 and 4 未达标, and 2 are not scored:
S15 scores 95.9 but grades 二级 (one death), S21 scores 76.3 but grades 三级
(two deaths), S06 scores 61.3 but is 未达标 (the 较大 accident), and the
findings of S12 and S30 (which would have given 80.8 and 70.4) make no total:
their prerequisites failed. Names are fictional.

Determinism
-----------
Only ``random.Random(20261202)`` from the standard library is used (with
``random()`` and ``choices()``, whose outputs are stable for an integer seed),
and the CSV is written as UTF-8 without BOM with ``\\n`` line ends, so every
run writes byte-identical output. The columns are id, then the rubric's
[fields] in declaration order; ``main`` checks that against the rubric file.

Regenerate with::

    .venv/bin/python rubrics/samples/generate_safety_standardization.py
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from pathlib import Path

from scoring_rubrics._samples import csv_text, write_sample


SEED = 20261202
HERE = Path(__file__).resolve().parent
OUT = HERE / "safety-standardization.csv"
RUBRIC = HERE.parent / "safety-standardization.toml"

# The items, in the rubric's order: (field prefix, points).
ITEMS = (
    ("objectives", 40), ("responsibility", 50), ("investment", 30),
    ("regulations", 20), ("procedures", 40),
    ("training_mgmt", 20), ("staff_training", 60),
    ("equipment", 180), ("operations", 150), ("occupational_health", 50), ("signage", 20),
    ("risk_control", 60), ("major_hazard_source", 40), ("hazard_mgmt", 50),
    ("emergency_prep", 60), ("emergency_response", 10), ("emergency_assessment", 10),
    ("accident_reporting", 20), ("accident_investigation", 20), ("accident_records", 10),
    ("self_evaluation", 40), ("improvement", 20),
)
HEAD = ("id", "name", "industry", "licensed", "major_hazards_open", "operators_certified",
        "deaths", "major_accidents")
COLUMNS = HEAD + tuple(f"{prefix}_deducted" for prefix, _ in ITEMS)

# industry: (count, name suffixes, chance of a major hazard installation)
INDUSTRIES = (
    ("机械", 8, ("机械制造有限公司", "精密机械有限公司", "重工机械有限公司"), 0.1),
    ("冶金", 4, ("铸造有限公司", "钢铁制品有限公司"), 1.0),
    ("建材", 6, ("水泥制品有限公司", "新型建材有限公司", "玻璃制品有限公司"), 0.2),
    ("轻工", 6, ("食品有限公司", "冷链食品有限公司", "包装材料有限公司"), 0.5),
    ("纺织", 3, ("纺织有限公司", "印染有限公司"), 0.0),
    ("商贸", 3, ("物流有限公司", "仓储有限公司"), 0.3),
)
BRANDS = ("恒信", "永盛", "华兴", "金鼎", "瑞丰", "宏远", "新元", "鑫达", "天成", "博瑞",
          "汇通", "东方", "盛世", "嘉禾", "正泰", "富源", "长城", "祥和", "中联", "光明",
          "万通", "凯达", "德胜", "铭泰", "佳和", "安泰", "锦程", "宇航", "广源", "联创")



@dataclass
class Enterprise:
    id: str
    name: str
    industry: str
    quality: float
    major_hazard_installation: bool
    head: dict[str, object] = field(default_factory=dict)
    deducted: dict[str, str] = field(default_factory=dict)


def _half_points(x: float) -> float:
    """Deductions are recorded in half points."""
    return round(max(0.0, x) * 2) / 2


def build(rng: random.Random) -> list[Enterprise]:
    """The 30 enterprises with their review findings, drawn from `rng` in a fixed order."""
    brands = list(BRANDS)
    firms: list[Enterprise] = []
    for industry, count, suffixes, hazard_chance in INDUSTRIES:
        for k in range(count):
            number = len(firms) + 1
            brand = brands[(number * 7) % len(brands)]
            suffix = suffixes[k % len(suffixes)]
            firms.append(Enterprise(
                id=f"S{number:02d}", name=f"{brand}{suffix}", industry=industry,
                quality=round(0.3 + 0.68 * rng.random(), 3),
                major_hazard_installation=rng.random() < hazard_chance,
            ))
    for firm in firms:
        firm.head = {"licensed": "是", "major_hazards_open": 0, "operators_certified": "是",
                     "deaths": 0, "major_accidents": 0}
    by_quality = sorted(firms, key=lambda f: (-f.quality, f.id))
    # The year's accidents: the best-run enterprise had a death (二级 at most),
    # a middling one two deaths, a weak one a 较大 accident with three deaths.
    by_quality[0].head["deaths"] = 1
    by_quality[12].head["deaths"] = 2
    by_quality[24].head["deaths"] = 3
    by_quality[24].head["major_accidents"] = 1
    # Prerequisites failed by two otherwise fair enterprises.
    by_quality[8].head["major_hazards_open"] = 1
    by_quality[16].head["operators_certified"] = "否"
    for firm in firms:
        had_accident = int(str(firm.head["deaths"])) > 0 or rng.random() < 0.2
        had_emergency = had_accident or rng.random() < 0.3
        for prefix, points in ITEMS:
            share = (1.0 - firm.quality) * (0.4 + 0.45 * rng.random()) + 0.04 * (rng.random() - 0.5)
            value = f"{_half_points(points * share):g}"
            if prefix == "major_hazard_source" and not firm.major_hazard_installation:
                value = ""
            elif prefix == "emergency_response" and not had_emergency:
                value = ""
            elif prefix == "accident_investigation" and not had_accident:
                value = ""
            firm.deducted[prefix] = value
    return firms


def render(firms: list[Enterprise]) -> str:
    """The CSV text: a header, then one row per enterprise."""
    return csv_text(COLUMNS, ([f.id, f.name, f.industry] + [f.head[c] for c in HEAD[3:]]
                              + [f.deducted[prefix] for prefix, _ in ITEMS] for f in firms))


def main(out: Path | None = None) -> Path:
    """Write the sample CSV to `out` (default: next to this script); return the path."""
    return write_sample(RUBRIC, COLUMNS, render(build(random.Random(SEED))), OUT if out is None else Path(out))


if __name__ == "__main__":
    print(main())
