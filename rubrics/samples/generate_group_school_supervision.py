"""Generate the bundled sample evidence for ``group-school-supervision.toml``.

What it models
--------------
One district's year of 集团化办学专项督导评估 as its education supervision
office would publish it: 11 education groups (the number in one district's
published report, whose groups are led by schools such as 巴蜀中学, 人民小学
and 实验幼儿园, with members such as 66中, 50中 and 57中), 3 to 6 schools each
(44 schools), visited once a quarter (2026Q1..2026Q4).

* Each group has its own row every quarter (44 rows) with the visit's
  findings: teachers surveyed and how many know the charter and plans,
  principals' meetings, joint decisions, teachers in exchange posts and how
  many have stayed a year, cross-postings, mentoring pairs, exchange files,
  unified exams (blank in the summer quarter, 2026Q3, when no exam is held,
  and always blank for a kindergarten group), joint research, unified moral
  education, shared facilities and courses. The final quarter's row also
  holds the year-end teacher and parent satisfaction.
* Each school has one row, in the final quarter only (44 rows; the outcome
  items alone read them), under its group (``parent``): its role (龙头校 or
  成员校), enrolment, three per-student resource figures (每百名学生高于规定
  学历教师数, 每百名学生县级以上骨干教师数, 生均教学仪器设备值) and its
  unified-exam average this year and last (blank for kindergartens).

Where the figures come from
---------------------------
The group names, stages and sizes follow such a report: 6 primary groups, 3
junior-secondary groups and 2 kindergarten groups. Every figure is invented,
shaped by one "quality" per group (drawn once): better groups hold their
meetings and research monthly, exchange more teachers for longer, share more,
spread resources more evenly between schools (a lower CV), close more of the
gap to the lead school and improve more on last year. Resource figures are
around typical district values (5-7 teachers above the required
qualification and about one backbone teacher per 100 pupils, 2,500-3,800 元
of equipment per pupil). School and director names other than the lead
schools named above are fictional.

* Each group also assessed itself (自评): the same rows again, with column
  ``assessment`` = 自评 (the review's rows have 复评), its visits' findings
  moved toward the best answer by a share drawn once per group (0 to 0.9),
  its schools' figures as they are. That share comes from a generator of its
  own (``SELF_SEED``), so the review rows are the same as without it.

With this seed the sample grades 3 优秀, 2 良好, 4 合格 and 2 不合格; the two
kindergarten groups are scored without the exam and balance items (not
applicable, rescaled away).

Determinism
-----------
Only ``random.Random(SEED)`` from the standard library is used, with
``random()``, ``randint()``, ``uniform()``, ``gauss()`` and ``shuffle()``, whose
outputs are stable for an integer seed; figures are rounded and written with fixed
formats, nothing depends on set ordering, and the CSV is written as UTF-8
without BOM with ``\\n`` line ends, so every run writes byte-identical output.
The columns are id, period, parent, then the rubric's [fields] in declaration
order; ``main`` checks that against the rubric file.

Regenerate with::

    .venv/bin/python rubrics/samples/generate_group_school_supervision.py
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from pathlib import Path

from scoring_rubrics._samples import csv_text, write_sample


SEED = 20261201
HERE = Path(__file__).resolve().parent
OUT = HERE / "group-school-supervision.csv"
RUBRIC = HERE.parent / "group-school-supervision.toml"

PERIODS = ("2026Q1", "2026Q2", "2026Q3", "2026Q4")
FINAL = PERIODS[-1]
NO_EXAM_QUARTER = "2026Q3"  # summer: no mid-term or final exam falls in it

GROUP_FIELDS = (
    "name", "director", "stage", "survey_teachers", "survey_aware", "principal_meetings", "joint_decisions",
    "teachers", "exchanged", "exchanged_long", "cross_posts", "mentoring_pairs", "exchange_files",
    "unified_exams", "joint_research", "unified_moral_ed", "facilities_shared", "courses_shared",
    "teacher_satisfaction", "parent_satisfaction",
)
SCHOOL_FIELDS = (
    "role", "enrolment", "teachers_per_100", "backbone_per_100", "equipment_per_student", "exam_avg",
    "exam_avg_last",
)
COLUMNS = ("id", "period", "parent", "assessment") + GROUP_FIELDS + SCHOOL_FIELDS
REVIEW, SELF = "复评", "自评"
# How far each group's self-assessment (自评) leans toward the best answer, drawn from its
# own generator so the review (复评) rows are the same as without self-assessments.
SELF_SEED = SEED + 1

# (group name, stage, director, [lead school, member schools...])
GROUPS = (
    ("巴蜀中学教育集团", "初中", "陈立", ("巴蜀中学", "第六十六中学", "第五十中学", "第五十七中学")),
    ("人民小学教育集团", "小学", "刘芳", ("人民小学", "城东小学", "河畔小学", "新村小学", "滨江小学")),
    ("实验幼儿园教育集团", "幼儿园", "周敏", ("实验幼儿园", "花园幼儿园", "阳光幼儿园")),
    ("育才中学教育集团", "初中", "王强", ("育才中学", "第三十一中学", "第四十二中学", "青松中学", "文星中学")),
    ("求真中学教育集团", "初中", "赵磊", ("求真中学", "第二十九中学", "南坪中学")),
    ("启明小学教育集团", "小学", "孙丽", ("启明小学", "桂园小学", "石桥小学", "枫林小学", "长江小学", "南山小学")),
    ("树人小学教育集团", "小学", "钱伟", ("树人小学", "杨柳小学", "红岩小学", "朝阳小学")),
    ("博雅小学教育集团", "小学", "吴静", ("博雅小学", "东湖小学", "西湖小学")),
    ("行知小学教育集团", "小学", "郑浩", ("行知小学", "金竹小学", "白鹤小学", "临江小学")),
    ("机关幼儿园教育集团", "幼儿园", "冯洁", ("机关幼儿园", "星星幼儿园", "彩虹幼儿园", "小太阳幼儿园")),
    ("新华小学教育集团", "小学", "何军", ("新华小学", "柳荫小学", "龙溪小学")),
)
# One per group, shuffled: the spread of quality decides the spread of grades.
QUALITIES = (0.94, 0.86, 0.8, 0.76, 0.72, 0.64, 0.58, 0.5, 0.42, 0.3, 0.18)

# stage: (lead enrolment, member enrolment, teachers/100, backbone/100, equipment 元, lead exam average)
STAGE = {
    "小学": ((1800, 2800), (500, 1600), 5.6, 0.85, 2600.0, (86.0, 91.0)),
    "初中": ((2200, 3200), (700, 1900), 6.9, 1.05, 3600.0, (80.0, 87.0)),
    "幼儿园": ((380, 560), (150, 380), 6.2, 0.55, 1800.0, None),
}


@dataclass(frozen=True)
class School:
    code: str
    name: str
    role: str
    enrolment: int
    teachers_per_100: float
    backbone_per_100: float
    equipment: float
    exam: float | None
    exam_last: float | None


def _yes(flag: bool) -> str:
    return "是" if flag else "否"


def _clip(x: float, lo: float, hi: float) -> float:
    return max(lo, min(hi, x))


def _schools(rng: random.Random, gid: str, stage: str, names: tuple[str, ...], q: float) -> list[School]:
    lead_size, member_size, t100, b100, equip, lead_exam = STAGE[stage]
    # How unevenly resources are spread: the lead school sits above the norm and
    # members fall behind it by a log-normal factor whose spread shrinks with quality.
    sigma = 0.15 + 0.85 * (1 - q)
    out = []
    lead_avg = round(rng.uniform(*lead_exam), 1) if lead_exam else None
    growth = -0.045 + 0.09 * q              # the group's change on last year
    for k, name in enumerate(names):
        lead = k == 0
        size = rng.randint(*(lead_size if lead else member_size))
        factors = [math.exp(abs(rng.gauss(0.0, sigma)) * (0.4 if lead else -1.0)) for _ in range(3)]
        exam = exam_last = None
        if lead_avg is not None:
            ratio = 1.0 if lead else _clip(0.70 + 0.27 * q + rng.uniform(-0.04, 0.04), 0.5, 1.05)
            exam = round(_clip(lead_avg * ratio, 0.0, 100.0), 1)
            exam_last = round(_clip(exam / (1 + growth + rng.uniform(-0.015, 0.015)), 0.0, 100.0), 1)
        out.append(School(
            code=f"{gid}S{k + 1}", name=name, role="龙头校" if lead else "成员校", enrolment=size,
            teachers_per_100=round(t100 * factors[0], 2), backbone_per_100=round(b100 * factors[1], 2),
            equipment=round(equip * factors[2]), exam=exam, exam_last=exam_last,
        ))
    return out


def _visit(rng: random.Random, period: str, stage: str, teachers: int, q: float) -> dict[str, str]:
    surveyed = rng.randint(30, 60)
    aware = round(surveyed * _clip(0.52 + 0.46 * q + rng.uniform(-0.05, 0.05), 0.0, 1.0))
    exchanged = round(teachers * _clip(0.02 + 0.1 * q + rng.uniform(-0.01, 0.01), 0.0, 1.0))
    row = {
        "survey_teachers": str(surveyed),
        "survey_aware": str(aware),
        "principal_meetings": str(3 if rng.random() < 0.2 + 0.8 * q else rng.randint(1, 2)),
        "joint_decisions": _yes(rng.random() < 0.55 + 0.45 * q),
        "teachers": str(teachers),
        "exchanged": str(exchanged),
        "exchanged_long": str(round(exchanged * _clip(0.45 + 0.55 * q + rng.uniform(-0.1, 0.1), 0.0, 1.0))),
        "cross_posts": str(rng.randint(round(2 * q), 1 + round(2 * q))),
        "mentoring_pairs": str(rng.randint(1 + round(2 * q), 2 + round(3 * q))),
        "exchange_files": _yes(rng.random() < 0.4 + 0.6 * q),
        "unified_exams": "" if period == NO_EXAM_QUARTER or stage == "幼儿园" else _yes(rng.random() < 0.5 + 0.5 * q),
        "joint_research": str(3 if rng.random() < 0.3 + 0.7 * q else rng.randint(1, 2)),
        "unified_moral_ed": _yes(rng.random() < 0.45 + 0.55 * q),
        "facilities_shared": _yes(rng.random() < 0.55 + 0.45 * q),
        "courses_shared": str(rng.randint(round(2 * q), 1 + round(3 * q))),
        "teacher_satisfaction": "",
        "parent_satisfaction": "",
    }
    if period == FINAL:
        row["teacher_satisfaction"] = f"{_clip(0.74 + 0.18 * q + rng.uniform(-0.02, 0.02), 0.0, 1.0):.3f}"
        row["parent_satisfaction"] = f"{_clip(0.73 + 0.18 * q + rng.uniform(-0.02, 0.02), 0.0, 1.0):.3f}"
    return row


def _self_assessed(rng: random.Random, review: dict[str, str], lean: float) -> dict[str, str]:
    """The group's own account of a visit: each finding moved toward the best answer by `lean` (0: as the
    supervision team found it, 1: the best there is), yes/no findings turned to 是 with that chance."""
    row = dict(review, assessment=SELF)

    def toward(value: str, best: int) -> str:
        return value if value == "" else str(int(value) + round((best - int(value)) * lean))

    row["survey_aware"] = toward(row["survey_aware"], int(row["survey_teachers"]))
    row["exchanged_long"] = toward(row["exchanged_long"], int(row["exchanged"]))
    for name, best in (("principal_meetings", 3), ("joint_research", 3), ("cross_posts", 2),
                       ("mentoring_pairs", 4), ("courses_shared", 3)):
        row[name] = toward(row[name], max(best, int(row[name])))
    for name in ("joint_decisions", "exchange_files", "unified_exams", "unified_moral_ed", "facilities_shared"):
        if row[name] == "否" and rng.random() < lean:
            row[name] = "是"
    for name in ("teacher_satisfaction", "parent_satisfaction"):
        if row[name]:
            row[name] = f"{_clip(float(row[name]) + 0.08 * lean, 0.0, 1.0):.3f}"
    return row


def rows() -> list[dict[str, str]]:
    rng = random.Random(SEED)
    self_rng = random.Random(SELF_SEED)
    qualities = list(QUALITIES)
    rng.shuffle(qualities)
    out: list[dict[str, str]] = []
    for g, ((name, stage, director, names), q) in enumerate(zip(GROUPS, qualities), 1):
        gid = f"G{g:02d}"
        schools = _schools(rng, gid, stage, names, q)
        pupils_per_teacher = 14 if stage != "幼儿园" else 9
        teachers = round(sum(s.enrolment for s in schools) / pupils_per_teacher)
        visits = []
        for period in PERIODS:
            row = {c: "" for c in COLUMNS}
            row.update(id=gid, period=period, assessment=REVIEW, name=name, director=director, stage=stage)
            row.update(_visit(rng, period, stage, teachers, q))
            visits.append(row)
        out += visits
        school_rows = []
        for s in schools:
            row = {c: "" for c in COLUMNS}
            row.update(
                id=s.code, period=FINAL, parent=gid, assessment=REVIEW, name=s.name, role=s.role,
                enrolment=str(s.enrolment),
                teachers_per_100=f"{s.teachers_per_100:.2f}", backbone_per_100=f"{s.backbone_per_100:.2f}",
                equipment_per_student=str(int(s.equipment)),
                exam_avg="" if s.exam is None else f"{s.exam:.1f}",
                exam_avg_last="" if s.exam_last is None else f"{s.exam_last:.1f}",
            )
            school_rows.append(row)
        out += school_rows
        # The group's self-assessment: its visits as it reports them, its schools' figures as they are.
        lean = self_rng.choice((0.0, 0.1, 0.2, 0.3, 0.6, 0.9))
        out += [_self_assessed(self_rng, v, lean) for v in visits]
        out += [dict(r, assessment=SELF) for r in school_rows]
    return out


def main(out: Path | None = None) -> Path:
    """Write the sample CSV to `out` (default: next to this script); return the path."""
    return write_sample(RUBRIC, COLUMNS, csv_text(COLUMNS, rows()), Path(out) if out is not None else OUT)


if __name__ == "__main__":
    print(main())
