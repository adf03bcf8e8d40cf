"""Generate the bundled sample evidence for ``enterprise-safety-target.toml``.

What it models
--------------
One county's year of 企业安全生产目标责任考核 as its emergency-management
bureau would publish it in a year-end work report: 70 enterprises that signed
target responsibility letters with the county, each visited once a quarter
(2026Q1..2026Q4): 280 enterprise-quarters. Since rubric 2026.6 each visit
is made by a team of three inspectors, each on their own row, and each
enterprise also assessed itself (see "The inspection panel and the
self-assessment" below), so the file has 16 rows per enterprise and the 89
hazards twice (1,298 rows).

* 44 private filling stations (民营加油站), 15 state-owned filling stations
  (国有加油站, 中石化/中石油), 5 liquid-chlorine users (液氯使用: water works,
  a sewage plant, a paper mill), 4 gas-filling firms (燃气充装) and 2
  hazardous-chemical producers (危化品生产).
* Process fields are that quarter's figures (open major hazards, letter
  signed, safety meetings, trainings, certified
  share of special-operation workers, emergency plan filed, drills). Outcome
  fields (casualties, accidents, fire losses, commendations) are
  year-to-date, so counts never fall from one quarter to the next and the Q4
  row holds the year's figures; the control indicators (death, minor-injury
  and fire-loss limits), key-enterprise flag, standardisation grade and risk
  deposit are constant per enterprise.

Where the figures come from
---------------------------
The enterprise mix and the hazard totals follow a county work report of the
usual kind: over the year 89 hazards were found and 74 rectified (83.15%);
the generator distributes exactly those two totals over the 280 enterprise-quarters (most
quarters find nothing; 5 of the 15 open hazards are major ones, at a filling
station typically a single-walled buried tank not yet refitted). The
accidents are such a report's year: one water works with a death within its
control limit of 1, one small private station with a death over its limit of
0, one 较大 accident at a chemical producer (classified on direct economic
loss: a tank-yard fire, two serious injuries, no deaths), one gas-filling firm
that concealed an injury accident, and serious injuries at a further 13
enterprises, mostly lax ones. Since rubric 2026.2 the year also has minor
injuries at 11 enterprises (two filling stations with 2 each, over their limit
of 1), 5 accidents with no casualty that were not fires (a tanker overflow, a
small leak), and four fires: the 较大 one at the chemical producer (13.8
million 元 direct loss), a forecourt vehicle fire (3200 元), an electrical
fire in a chlorine room (8000 元) and a canopy fire at a station (12600 元,
over its 10000 元 limit). Each accident is entered once, under its worst
consequence, as the rubric's header explains. The 4 gas-filling firms and 2
chemical producers are the county's key enterprises (重点监管, death limit 0);
none of them had a death. Names, meetings, trainings, certification rates,
drills, deposits (10000 元 a filling station, 20000 a chlorine user, 30000 a
gas-filling firm, 50000 a chemical producer), control indicators (minor
injuries 1 at a station, else 2; fire loss 10000 元 at a station, 20000 at a
chlorine user or gas-filling firm, 50000 at a chemical producer),
commendations (city, provincial or national) and standardisation grades are
invented but shaped like such a register. Names are fictional.

Each enterprise is either diligent or lax (about four in five private
stations, two in five state-owned stations and chlorine users, half the
gas-filling firms, neither chemical producer). Lax ones keep uncertified
staff on duty (certified share 0.85, rising slowly through the year), skip
quarterly meetings, trainings and drills, and the worst sign their letter or file their
plan late. The skew is deliberate: the outcome phase weighs 60%, so an
enterprise with no casualties reaches 优秀 at 75% in the process phase,
and only a weak process record spreads the grades. With this seed the sample
grades 23 优秀, 29 良好, 15 合格 and 3 不合格 (the two vetoes and the death
over the limit), with some tied scores.

Five small private stations keep an on-site emergency card instead of a filed
plan: their ``has_plan`` is left empty, which the rubric treats as not
applicable.

Earlier years (``enterprise-safety-target-history/``)
-----------------------------------------------------
安全生产先进单位 needs three good years (this year 优秀, the two before at
least 良好), so the sample comes with the county's results of 2023, 2024
and 2025 for the same 70 enterprises, which ``scoring run
enterprise-safety-target --sample`` reads as ``--history``. They are minimal
result files (rubric id and version; each unit's id, score, grade, rank and
vetoes), not engine output: a diligent enterprise's score is drawn around
86 + 12 × its quality, a lax one's around 72 + 12 × its quality, each ± 6,
graded by the rubric's bands (90 / 80 / 60) and ranked by score (ties
``min``). Planted: two of this year's 优秀 (E014, E033) had a 合格 year in
2025, so they are not 先进 this year; the death over the limit at E023 was
preceded by a 不合格 in 2025, so its 约谈 (``summons``, 不合格 two years
running) shows in the sample. Their own stream ``random.Random(20261203)``
leaves the evidence's figures untouched.

The hazard register (since rubric 2026.5)
----------------------------------------
The county's hazards are no longer two counts per quarter but a register:
one member row per hazard (``parent`` = the enterprise, ``id`` =
``E001-H01`` ...), filed under the quarter it was found, with its found
date, its rectification deadline and, once done, its rectified date. The 89
hazards and the 74 rectified are drawn exactly as before (how many a quarter,
which stay open), then dated from their own stream ``random.Random(20261204)``:
found on a day of its quarter, an ordinary hazard due 30 days later and a
major one (重大隐患) 90 days later; a rectified one is done on time by a
diligent enterprise and, with a chance that grows as the enterprise is lax,
10 to 40 days late; the 15 open ones have no rectified date, so those found
late in Q4 are still within their period at the year's last check and are
not counted as failures, while the others carry over, overdue, into every
later quarter.

The inspection panel and the self-assessment (since rubric 2026.6)
-------------------------------------------------------------------
Each enterprise is visited all year by one of four teams of three inspectors
(``TEAMS``; enterprise n by team (n - 1) mod 4), each on their own row
(column ``inspector``, stage 复评). The facts (casualties, accidents, limits,
the letter, the plan, the register, the deposit) are the same in every row.
The four figures the rubric rates (meetings, trainings, drills, certified
share) start from the team's figure drawn as before; from their own stream
``random.Random(20261205)`` each inspector, with a chance of 5% per figure and
visit, reads one record differently (a count one higher from 0, else one
lower; the certified share one band off). With this seed the grade spread and
the 18 先进单位 are those of rubric 2026.5; 50 of the 70 scores move, by 0.5 on
average and at most 1.5.

Each enterprise's self-assessment (stage 自评, no inspector) follows its
review rows: one row a quarter and the same hazard rows. From the stream
``random.Random(20261206)`` each enterprise leans toward the best answer (a
diligent one with a chance of 0, 0, 0.2 or 0.5, a lax one 0, 0.3, 0.6 or
0.9): with that chance each rated figure is claimed at its best (at least one
meeting, training or drill, every worker certified). Ten enterprises claim
more than 10 points above the review and are 通报 for 自评失实.

``plain(text)`` gives the sample as it was before rubric 2026.6 (the first
inspector's review rows, the review's register, no stage or inspector
column): the job benchmark and the tests of the plain-file paths read it.

Determinism
-----------
Only ``random.Random(20261129)`` and, for the figures added with rubric
2026.2 (minor injuries, other accidents, commendation levels, trainings),
``random.Random(20261130)`` (and the streams named above for the history,
the register's dates, the inspectors and the self-assessments) from the
standard library are used (with
``random()``, ``choices()`` and ``shuffle()``, whose outputs are stable for an
integer seed), so the figures that existed before are drawn exactly as
before; nothing depends on set or dict-of-object ordering, and the CSV
is written as UTF-8 without BOM with ``\\n`` line ends, so every run writes
byte-identical output. The columns are id, period, parent, stage, inspector, then the rubric's [fields]
in declaration order; ``main`` checks that against the rubric file.

Regenerate with::

    .venv/bin/python rubrics/samples/generate_enterprise_safety_target.py
"""

from __future__ import annotations

import csv
import io
import json
import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from scoring_rubrics import _samples
from scoring_rubrics._samples import csv_text, write_sample


SEED = 20261129
SEED_EVENTS = 20261130   # a second stream for the figures added in rubric 2026.2
SEED_HISTORY = 20261203  # a third stream: the earlier years' results
SEED_REGISTER = 20261204  # a fourth stream: the hazard register's dates
SEED_PANEL = 20261205    # a fifth stream: the inspectors' own figures (rubric 2026.6)
SEED_SELF = 20261206     # a sixth stream: the enterprises' self-assessments (rubric 2026.6)
REVIEW, SELF = "复评", "自评"
# The county's inspection teams (检查组), three inspectors each; enterprise n is
# visited by team (n - 1) % 4 all year. Names are fictional.
TEAMS = (("张伟", "李娜", "王强"), ("刘洋", "陈静", "杨帆"), ("赵磊", "黄敏", "周杰"), ("吴刚", "徐丽", "孙涛"))
# The figures the inspectors judge on the visit (the rubric's rated fields).
RATED = ("meetings", "trainings", "certified_share", "drills")
DISAGREE = 0.05          # chance an inspector reads one record differently from the team's figure
CERT_LEVELS = (0.85, 0.92, 0.96, 1.0)
QUARTER_DAYS = (("2026-01-01", "2026-03-31"), ("2026-04-01", "2026-06-30"), ("2026-07-01", "2026-09-30"),
                ("2026-10-01", "2026-12-31"))
DUE_DAYS = {"ordinary": 30, "major": 90}
HAZARD_KINDS = ("消防器材过期未更换", "静电接地线松脱", "配电箱未上锁", "作业现场未设警示标志", "安全通道堵塞",
                "应急照明失效", "压力表超期未检", "气瓶未固定", "管线标识不清", "防护设施缺失")
MAJOR_KIND = "单层埋地油罐未完成防渗改造"
HISTORY_YEARS = ("2023", "2024", "2025")
# Planted earlier grades: (enterprise, year) -> grade, replacing the drawn one.
PLANTED_HISTORY = {("E014", "2025"): "合格", ("E033", "2025"): "合格", ("E023", "2025"): "不合格"}
GRADE_BANDS = ((90.0, "优秀"), (80.0, "良好"), (60.0, "合格"), (0.0, "不合格"))
PLANTED_SCORE = {"合格": 72.0, "不合格": 55.0}
HERE = Path(__file__).resolve().parent
OUT = HERE / "enterprise-safety-target.csv"
RUBRIC = HERE.parent / "enterprise-safety-target.toml"
HISTORY = HERE / "enterprise-safety-target-history"

PERIODS = ("2026Q1", "2026Q2", "2026Q3", "2026Q4")
HAZARDS_FOUND = 89       # the county's figure for the year
HAZARDS_RECTIFIED = 74   # the county's figure for the year

# Column order: id, period, parent, the stage and inspector columns, then the rubric's [fields] in declaration order.
COLUMNS = (
    "id", "period", "parent", "stage", "inspector", "name", "industry", "key_enterprise", "deaths", "death_limit",
    "serious_injuries", "minor_injuries", "minor_injury_limit", "accidents", "fire_loss",
    "fire_loss_limit", "major_accidents", "concealed_accidents", "hazard_found_on",
    "hazard_deadline", "hazard_rectified_on", "major_hazards_open", "letter_signed", "meetings", "trainings",
    "certified_share", "has_plan", "drills", "standardization", "national_commendations",
    "provincial_commendations", "city_commendations", "deposit",
)

# industry: (count, share of lax enterprises, hazard weight, death limit, deposit)
# The key enterprises (重点监管: the gas-filling firms and the chemical
# producers) have a death limit of 0; a death there is a veto anyway.
INDUSTRIES = (
    ("民营加油站", 44, 0.80, 0.30, 0, 10000),
    ("国有加油站", 15, 0.40, 0.20, 0, 10000),
    ("液氯使用", 5, 0.40, 0.90, 1, 20000),
    ("燃气充装", 4, 0.50, 0.90, 0, 30000),
    ("危化品生产", 2, 0.00, 2.20, 0, 50000),
)
KEY_INDUSTRIES = ("燃气充装", "危化品生产")
# industry: (minor-injury limit, fire-loss limit in 元), as set in the letters.
LIMITS = {
    "民营加油站": (1, 10000),
    "国有加油站": (1, 10000),
    "液氯使用": (2, 20000),
    "燃气充装": (2, 20000),
    "危化品生产": (2, 50000),
}
# Management quality: lax enterprises draw from the first range, diligent
# ones from the second (see _quarters for what quality drives).
LAX_QUALITY = (0.00, 0.30)
DILIGENT_QUALITY = (0.55, 1.00)

TOWNS = (
    "城关", "东关", "西关", "南关", "北关", "河口", "柳林", "杨庄", "李集", "王庄", "张湾",
    "新桥", "石桥", "白马", "青龙", "龙泉", "三里铺", "十里铺", "五里墩", "双河", "马坊",
    "高庄", "沙河", "黄营", "刘集", "孙店", "赵楼", "陈湾", "周口岸", "大营", "小岗", "桃园",
    "梨树沟", "杏花", "黑石", "红旗", "太平", "长岭", "金鸡", "凤凰", "仁和", "永丰", "清河",
    "古城", "花园", "岔路口", "老街", "东湖", "西湖", "南山",
)
PRIVATE_BRANDS = (
    "", "民营", "鑫源", "顺达", "宏发", "兴旺", "通达", "永安", "众诚", "华通", "路路通", "中兴",
)
STATE_NAMES = tuple(f"中石化{t}加油站" for t in ("城关", "东环路", "河口", "柳林", "新桥", "白马", "龙泉", "双河"))
STATE_NAMES += tuple(f"中石油{t}加油站" for t in ("西环路", "杨庄", "李集", "石桥", "高庄", "沙河", "大营"))
CHLORINE_NAMES = (
    "县自来水公司第一水厂", "县自来水公司第二水厂", "城东污水处理厂", "河口镇供水站", "华泰纸业有限公司",
)
GAS_NAMES = ("县华润燃气有限公司充装站", "鑫源液化气充装站", "昌盛液化石油气有限公司", "龙泉燃气有限公司")
CHEM_NAMES = ("宏达化工有限公司", "金源化工有限公司")

# The year's accidents, by enterprise number (1-based, see the id layout).
DEATH_WITHIN_LIMIT = 61    # a water works: 1 death, limit 1
DEATH_OVER_LIMIT = 23      # a small private station: 1 death, limit 0
MAJOR_ACCIDENT = 70        # a chemical producer: 较大 fire, no deaths
CONCEALED = 67             # a gas-filling firm: hid an injury accident
INJURED = 13               # further enterprises with a serious injury
MINOR_INJURED = 11         # enterprises with minor injuries (the first two: two each)
OTHER_ACCIDENTS = 5        # accidents with no casualty that are not fires
# Fires: (enterprise number, quarter index, direct loss in 元). The 较大 accident
# at E070 is the tank-yard fire; the others are small: a vehicle fire on a
# forecourt, an electrical fire in a chlorine room, and a station's canopy fire
# over its 10000 元 limit.
FIRES = ((70, 1, 13_800_000), (9, 2, 3200), (63, 0, 8000), (31, 3, 12600))
# Habits by quality (see _quarters).
CERT_CUTS = (0.45, 0.65, 0.8)
CERT_GAIN = 0.12
MEET_BASE, MEET_SLOPE = 0.3, 0.7
DRILL_BASE, DRILL_SLOPE = 0.1, 0.8
SMALL_STATIONS = 5           # private stations with has_plan not applicable
MAJOR_HAZARDS = 5            # enterprises with a major hazard open at some visit


@dataclass
class Enterprise:
    id: str
    name: str
    industry: str
    quality: float
    hazard_weight: float
    death_limit: int
    deposit: int
    standardization: str = "无"
    key: bool = False
    minor_limit: int = 1
    fire_limit: int = 10000
    small: bool = False  # keeps an emergency card; has_plan not applicable
    # year-to-date events: quarter index (0..3) -> increment
    deaths: dict[int, int] = field(default_factory=dict)
    injuries: dict[int, int] = field(default_factory=dict)
    majors: dict[int, int] = field(default_factory=dict)
    concealed: dict[int, int] = field(default_factory=dict)
    commendations: dict[int, int] = field(default_factory=dict)
    minor: dict[int, int] = field(default_factory=dict)
    accidents: dict[int, int] = field(default_factory=dict)
    fire_loss: dict[int, int] = field(default_factory=dict)
    # quarters in which a major hazard was found (the register dates it as major)
    major_found: list[int] = field(default_factory=list)
    # commendation level of each commendation, in the order they came
    levels: list[str] = field(default_factory=list)
    quarters: list[dict[str, object]] = field(default_factory=list)


def _ytd(events: dict[int, int], q: int) -> int:
    return sum(n for k, n in events.items() if k <= q)


def _uniform(rng: random.Random, lo: float, hi: float) -> float:
    return lo + (hi - lo) * rng.random()


def _private_names(rng: random.Random, n: int) -> list[str]:
    towns = list(TOWNS)
    rng.shuffle(towns)
    names = ["城关民营加油站"]
    for town in towns:
        if len(names) == n:
            break
        if town == "城关":
            continue
        brand = rng.choices(PRIVATE_BRANDS, weights=[5, 2] + [1] * (len(PRIVATE_BRANDS) - 2))[0]
        names.append(f"{town}{brand}加油站")
    return names


def build(rng: random.Random) -> list[Enterprise]:
    """The 70 enterprises with their four quarters, drawn from `rng` in a fixed order."""
    names = {
        "民营加油站": _private_names(rng, 44),
        "国有加油站": list(STATE_NAMES),
        "液氯使用": list(CHLORINE_NAMES),
        "燃气充装": list(GAS_NAMES),
        "危化品生产": list(CHEM_NAMES),
    }
    firms: list[Enterprise] = []
    for industry, count, lax_share, weight, limit, deposit in INDUSTRIES:
        for k in range(count):
            number = len(firms) + 1
            lo, hi = LAX_QUALITY if rng.random() < lax_share else DILIGENT_QUALITY
            firms.append(Enterprise(
                id=f"E{number:03d}", name=names[industry][k], industry=industry,
                quality=round(_uniform(rng, lo, hi), 3), hazard_weight=weight,
                death_limit=limit, deposit=deposit, key=industry in KEY_INDUSTRIES,
                minor_limit=LIMITS[industry][0], fire_limit=LIMITS[industry][1],
            ))
    _standardization(rng, firms)
    _accidents(rng, firms)
    _commendations(rng, firms)
    for firm in firms:
        _quarters(rng, firm)
    _hazards(rng, firms)
    # The figures added with rubric 2026.2 come from their own stream, so the
    # ones above are drawn exactly as before.
    events = random.Random(SEED_EVENTS)
    _more_events(events, firms)
    for firm in firms:
        _trainings(events, firm)
    return firms


def _more_events(rng: random.Random, firms: list[Enterprise]) -> None:
    """Minor injuries, accidents without casualties, fires, commendation levels.

    Each accident is entered once, under its worst consequence (see the
    rubric's header): the accidents drawn here have no death or serious injury.
    """
    special = {DEATH_WITHIN_LIMIT, DEATH_OVER_LIMIT, MAJOR_ACCIDENT, CONCEALED}
    pool = [f for i, f in enumerate(firms, 1) if i not in special]
    weights = [(1.15 - f.quality) ** 2 for f in pool]
    hurt: list[Enterprise] = []
    while len(hurt) < MINOR_INJURED:
        pick = rng.choices(pool, weights=weights)[0]
        if pick not in hurt:
            hurt.append(pick)
    for n, firm in enumerate(hurt):
        firm.minor[rng.choices(range(4))[0]] = 2 if n < 2 else 1
    had: list[Enterprise] = []
    while len(had) < OTHER_ACCIDENTS:
        pick = rng.choices(pool, weights=weights)[0]
        if pick not in had:
            had.append(pick)
    for firm in had:
        firm.accidents[rng.choices(range(4))[0]] = 1
    for number, quarter, loss in FIRES:
        firms[number - 1].fire_loss[quarter] = loss
    for firm in firms:
        for _ in range(sum(firm.commendations.values())):
            firm.levels.append(rng.choices(("市级", "省级", "国家级"), weights=(6, 3, 1))[0])


def _trainings(rng: random.Random, firm: Enterprise) -> None:
    """Safety trainings a quarter: diligent enterprises hold one most quarters."""
    big = firm.industry in ("液氯使用", "燃气充装", "危化品生产")
    p = min(0.97, (0.55 + 0.45 * firm.quality) if big else 0.2 + 0.8 * firm.quality)
    for row in firm.quarters:
        row["trainings"] = rng.choices((1, 2), weights=(4, 1))[0] if rng.random() < p else 0


def _levels_ytd(firm: Enterprise, q: int, level: str) -> int:
    """Commendations of `level` received up to quarter `q` (in the order received)."""
    received = _ytd(firm.commendations, q)
    return sum(1 for lv in firm.levels[:received] if lv == level)


def _standardization(rng: random.Random, firms: list[Enterprise]) -> None:
    for firm in firms:
        q = firm.quality
        if firm.industry == "危化品生产":
            firm.standardization = "二级"
        elif firm.industry == "国有加油站":
            firm.standardization = "三级"
        elif firm.industry in ("液氯使用", "燃气充装"):
            firm.standardization = "二级" if q > 0.7 else "三级"
        else:
            firm.standardization = "三级" if rng.random() < 0.25 + 0.5 * q else "无"
    # A handful of small private stations keep an on-site emergency card
    # instead of a filed plan: has_plan is not applicable to them.
    small = [f for f in firms if f.industry == "民营加油站" and f.standardization == "无"]
    rng.shuffle(small)
    for firm in small[:SMALL_STATIONS]:
        firm.small = True
    # The county's best: one chemical producer reached 一级.
    firms[68].standardization = "一级"


def _accidents(rng: random.Random, firms: list[Enterprise]) -> None:
    firms[DEATH_WITHIN_LIMIT - 1].deaths[2] = 1
    firms[DEATH_WITHIN_LIMIT - 1].quality = min(firms[DEATH_WITHIN_LIMIT - 1].quality, 0.7)
    firms[DEATH_OVER_LIMIT - 1].deaths[1] = 1
    firms[MAJOR_ACCIDENT - 1].majors[1] = 1
    firms[MAJOR_ACCIDENT - 1].injuries[1] = 2
    firms[CONCEALED - 1].concealed[2] = 1
    firms[CONCEALED - 1].injuries[2] = 1
    special = {DEATH_WITHIN_LIMIT, DEATH_OVER_LIMIT, MAJOR_ACCIDENT, CONCEALED}
    pool = [f for i, f in enumerate(firms, 1) if i not in special]
    weights = [(1.15 - f.quality) ** 2 for f in pool]
    hurt: list[Enterprise] = []
    while len(hurt) < INJURED:
        pick = rng.choices(pool, weights=weights)[0]
        if pick not in hurt:
            hurt.append(pick)
    for n, firm in enumerate(hurt):
        firm.injuries[rng.choices(range(4))[0]] = 2 if n < 2 else 1


def _commendations(rng: random.Random, firms: list[Enterprise]) -> None:
    for firm in firms:
        if firm.deaths or firm.majors or firm.concealed or firm.injuries:
            continue
        if firm.quality > 0.7 and rng.random() < 0.4:
            firm.commendations[rng.choices(range(4), weights=[1, 2, 2, 3])[0]] = 1
            if firm.quality > 0.95 and rng.random() < 0.5:
                firm.commendations[3] = firm.commendations.get(3, 0) + 1


def _quarters(rng: random.Random, firm: Enterprise) -> None:
    """Quarterly process figures from the enterprise's habits.

    Habits are the enterprise's own (a weak station keeps missing drills and
    keeps uncertified staff on the forecourt), with quarter-to-quarter noise.
    """
    q = firm.quality
    big = firm.industry in ("液氯使用", "燃气充装", "危化品生产")
    # Certified share: a level for the year's start, improving as staff qualify.
    levels = (0.85, 0.92, 0.96, 1.0)
    h = q + 0.2 * (rng.random() - 0.5)
    level = 0 if h < CERT_CUTS[0] else (1 if h < CERT_CUTS[1] else (2 if h < CERT_CUTS[2] else 3))
    meet_p = min(0.97, MEET_BASE + MEET_SLOPE * q)
    drill_p = min(0.97, (0.6 + 0.4 * q) if big else DRILL_BASE + DRILL_SLOPE * q)
    letter_late = 0 if q >= 0.2 or big else (2 if q < 0.08 else 1)   # quarters before signing
    plan_from = 0 if q > 0.2 or big else (4 if rng.random() < 0.4 else 2)
    for k in range(4):
        meetings = 0
        if rng.random() < meet_p:
            meetings = rng.choices((1, 2, 3), weights=(5, 3, 1) if not big else (1, 2, 4))[0]
        drills = 0
        if rng.random() < drill_p:
            drills = rng.choices((1, 2), weights=(4, 1))[0]
        if k > 0 and level < 3 and rng.random() < CERT_GAIN:
            level += 1
        if firm.small:
            has_plan = ""
        else:
            has_plan = "是" if k >= plan_from else "否"
        firm.quarters.append({
            "letter_signed": "否" if k < letter_late else "是",
            "meetings": meetings,
            "certified_share": levels[level],
            "drills": drills,
            "has_plan": has_plan,
            "hazards_found": 0,
            "hazards_rectified": 0,
            "major_hazards_open": 0,
        })


def _hazards(rng: random.Random, firms: list[Enterprise]) -> None:
    """Spread exactly HAZARDS_FOUND over the rows, and leave exactly the rest open.

    First the year's major hazards (重大隐患: at a filling station typically a
    single-walled buried tank not yet refitted): each is found in one quarter,
    stays unrectified, and is reported open at that quarter's and the next
    visits. Then the ordinary hazards, weighted to the chemical sites and to
    lax enterprises; then the rest of the open ones, weighted to lax
    enterprises and to hazards found in Q4 (not yet due).
    """
    found_left = HAZARDS_FOUND
    open_left = HAZARDS_FOUND - HAZARDS_RECTIFIED
    candidates = [f for f in firms if not (f.deaths or f.majors or f.concealed)]
    weights = [(1.0 - f.quality) ** 3 + 0.01 for f in candidates]
    chosen: list[Enterprise] = []
    while len(chosen) < MAJOR_HAZARDS:
        pick = rng.choices(candidates, weights=weights)[0]
        if pick not in chosen:
            chosen.append(pick)
    for f in chosen:
        k = rng.choices(range(3), weights=(3, 2, 1))[0]
        f.quarters[k]["hazards_found"] += 1  # type: ignore[operator]
        f.major_found.append(k)
        for j in range(k, min(4, k + 1 + rng.choices((0, 1, 2), weights=(1, 2, 1))[0])):
            f.quarters[j]["major_hazards_open"] = 1
        found_left -= 1
        open_left -= 1
    rows = [(f, k) for f in firms for k in range(4)]
    weights = [f.hazard_weight * (1.6 - f.quality) for f, _ in rows]
    # Ordinary hazards count as rectified until picked below; major ones stay open.
    for _ in range(found_left):
        f, k = rng.choices(rows, weights=weights)[0]
        f.quarters[k]["hazards_found"] += 1  # type: ignore[operator]
        f.quarters[k]["hazards_rectified"] += 1  # type: ignore[operator]
    while open_left:
        live = [(f, k) for f, k in rows if f.quarters[k]["hazards_rectified"] > 0]  # type: ignore[operator]
        w = [(1.1 - f.quality) ** 2 * (2.0 if k == 3 else 1.0) for f, k in live]
        f, k = rng.choices(live, weights=w)[0]
        f.quarters[k]["hazards_rectified"] -= 1  # type: ignore[operator]
        open_left -= 1


def _day(text: str) -> date:
    return date.fromisoformat(text)


def register(rng: random.Random, firm: Enterprise, k: int) -> list[tuple[str, str, str, str]]:
    """The hazards found in quarter `k`: (kind, found, deadline, rectified or "")."""
    row = firm.quarters[k]
    found, rectified = int(row["hazards_found"]), int(row["hazards_rectified"])  # type: ignore[call-overload]
    majors = firm.major_found.count(k)
    start, end = (_day(d) for d in QUARTER_DAYS[k])
    out = []
    for n in range(found):
        major = n < majors
        on = start + timedelta(days=rng.randint(0, (end - start).days))
        due = on + timedelta(days=DUE_DAYS["major" if major else "ordinary"])
        kind = MAJOR_KIND if major else rng.choice(HAZARD_KINDS)
        done = ""
        # Majors stay open; of the ordinary ones the first `rectified` are done.
        if not major and n - majors < rectified:
            late = rng.random() < 0.6 * (1.0 - firm.quality) ** 2
            took = (due - on).days + rng.randint(10, 40) if late else rng.randint(2, (due - on).days)
            done = (on + timedelta(days=took)).isoformat()
        out.append((kind, on.isoformat(), due.isoformat(), done))
    return out


def _inspector(rng: random.Random, value: object, field: str) -> object:
    """One inspector's reading of a rated figure: mostly the team's, now and then one record apart."""
    if rng.random() >= DISAGREE:
        return value
    if field == "certified_share":   # found one more (or one fewer) uncertified worker on duty
        k = CERT_LEVELS.index(float(value))  # type: ignore[arg-type]
        return CERT_LEVELS[max(0, k - 1) if k == len(CERT_LEVELS) - 1 or rng.random() < 0.5 else k + 1]
    n = int(value)  # type: ignore[call-overload]
    return n + 1 if n == 0 else n - 1   # accepted one record the others did not, or rejected one they did


def _claimed(rng: random.Random, value: object, field: str, lean: float) -> object:
    """The enterprise's own figure: what the team found, or, with chance `lean`, the best it could claim."""
    if rng.random() >= lean:
        return value
    if field == "certified_share":
        return max(float(value), 1.0)  # type: ignore[arg-type]
    return max(int(value), 1)  # type: ignore[call-overload]


def render(firms: list[Enterprise]) -> str:
    """The CSV text: each enterprise's review (its quarters in order, three inspectors' rows each,
    followed by the hazards found in the quarter), then its self-assessment (one row a quarter, the
    same hazards)."""
    rows: list[list[object]] = []
    dates = random.Random(SEED_REGISTER)
    panel = random.Random(SEED_PANEL)
    claims = random.Random(SEED_SELF)
    at = {name: COLUMNS.index(name) for name in RATED}
    for n, f in enumerate(firms):
        team = TEAMS[n % len(TEAMS)]
        # How far the enterprise leans toward the best answer in its self-assessment: lax ones more.
        lean = claims.choice((0.0, 0.0, 0.2, 0.5)) if f.quality >= DILIGENT_QUALITY[0] else claims.choice((0.0, 0.3, 0.6, 0.9))
        review: list[list[object]] = []
        own: list[list[object]] = []
        number = 0
        for k, period in enumerate(PERIODS):
            row = f.quarters[k]
            found = [
                f.id, period, "", REVIEW, "", f.name, f.industry, "是" if f.key else "否",
                _ytd(f.deaths, k), f.death_limit, _ytd(f.injuries, k),
                _ytd(f.minor, k), f.minor_limit, _ytd(f.accidents, k),
                _ytd(f.fire_loss, k), f.fire_limit,
                _ytd(f.majors, k), _ytd(f.concealed, k),
                "", "", "", row["major_hazards_open"],
                row["letter_signed"], row["meetings"], row["trainings"],
                row["certified_share"], row["has_plan"], row["drills"],
                f.standardization, _levels_ytd(f, k, "国家级"), _levels_ytd(f, k, "省级"),
                _levels_ytd(f, k, "市级"), f.deposit,
            ]
            for name in team:
                mine = list(found)
                mine[COLUMNS.index("inspector")] = name
                for field_name, i in at.items():
                    mine[i] = _inspector(panel, found[i], field_name)
                review.append(mine)
            claimed = list(found)
            claimed[COLUMNS.index("stage")] = SELF
            for field_name, i in at.items():
                claimed[i] = _claimed(claims, found[i], field_name, lean)
            own.append(claimed)
            for kind, on, due, done in register(dates, f, k):
                number += 1
                hazard: list[object] = [f"{f.id}-H{number:02d}", period, f.id, REVIEW, "", kind] + [""] * 12 + [on, due, done]
                hazard += [""] * (len(COLUMNS) - len(hazard))
                review.append(hazard)
                own.append([SELF if c == 3 else v for c, v in enumerate(hazard)])
        rows += review + own
    share = COLUMNS.index("certified_share")
    for r in rows:
        if r[share] != "":
            r[share] = f"{float(r[share]):.2f}"  # type: ignore[arg-type]
    return csv_text(COLUMNS, rows)


def plain(text: str) -> str:
    """`text` (the CSV of `render`) as one plain row per enterprise and quarter: the first
    inspector's review rows and the review's hazard register, without the stage and inspector
    columns. What the sample looked like before rubric 2026.6; the job benchmark and the tests of
    the plain-file paths (the fast CSV reader, indicators computed on demand) read it."""
    table = list(csv.reader(io.StringIO(text)))
    head = table[0]
    stage, inspector = head.index("stage"), head.index("inspector")
    seen: set[tuple[str, str]] = set()
    rows = []
    for r in table[1:]:
        if r[stage] != REVIEW or (r[0], r[1]) in seen:
            continue
        seen.add((r[0], r[1]))
        rows.append([c for j, c in enumerate(r) if j not in (stage, inspector)])
    return csv_text([c for j, c in enumerate(head) if j not in (stage, inspector)], rows)


def _rubric_version() -> str:
    version: str = _samples.tomllib.loads(RUBRIC.read_text(encoding="utf-8"))["rubric"]["version"]
    return version


def history(firms: list[Enterprise]) -> dict[str, str]:
    """The earlier years' result files: {file name: JSON text}, oldest first."""
    rng = random.Random(SEED_HISTORY)
    version = _rubric_version()
    out: dict[str, str] = {}
    for year in HISTORY_YEARS:
        scores: dict[str, float] = {}
        for f in firms:
            centre = (86.0 if f.quality >= DILIGENT_QUALITY[0] else 72.0) + 12.0 * f.quality
            drawn = round(min(max(centre + _uniform(rng, -6.0, 6.0), 0.0), 100.0), 1)
            planted = PLANTED_HISTORY.get((f.id, year))
            scores[f.id] = PLANTED_SCORE[planted] if planted else drawn
        ranked = sorted(scores.values(), reverse=True)
        units = []
        for f in firms:
            score = scores[f.id]
            grade = next(name for floor, name in GRADE_BANDS if score >= floor)
            units.append({"id": f.id, "score": score, "grade": grade, "rank": ranked.index(score) + 1, "vetoes": []})
        doc = {"rubric": {"id": "enterprise-safety-target", "version": version},
               "note": f"the county's {year} results (sample, generated by generate_enterprise_safety_target.py)",
               "units": units}
        out[f"{year}.json"] = json.dumps(doc, ensure_ascii=False, indent=1) + "\n"
    return out


def write_history(folder: Path | None = None) -> Path:
    """Write the earlier years' result files into `folder` (default: the sample's history folder)."""
    folder = HISTORY if folder is None else Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in history(build(random.Random(SEED))).items():
        (folder / name).write_bytes(text.encode("utf-8"))
    return folder


def main(out: Path | None = None) -> Path:
    """Write the sample CSV to `out` (default: next to this script, with its history); return the path."""
    if out is None:
        write_history()
    return write_sample(RUBRIC, COLUMNS, render(build(random.Random(SEED))), OUT if out is None else Path(out))


if __name__ == "__main__":
    print(main())
