"""Generate the bundled sample evidence for ``exchange-teacher.toml``.

What it models
--------------
One school year of 交流轮岗 in a county's primary-school education group
(城关教育集团): 40 teachers on exchange, one row each. Most go from the two
core schools in town (城关第一小学, 城关第二小学) to the group's rural member
schools; a quarter come the other way, from the member schools to a core
school (跟岗交流).

Where the figures come from
---------------------------
Invented, but shaped like a group's year-end exchange register. Each teacher
has a commitment between 0.35 and 1 that drives the host school's evaluation,
the open classes given (most give one a term), the mentoring pairs (one or
two), the case files kept and whether the written feedback reached the home
school. Four exchanges were cut short (maternity leave, a transfer, illness)
and did not run the full year. With this seed the sample grades 8 优秀,
15 良好, 13 合格 and 4 不合格; the 8 rated 优秀 draw the special-fund bonus.
T03 and T36 score 95 but are 良好: their host school rated them 良好, and 优秀
needs the host's 优秀. Names are fictional.

Determinism
-----------
Only ``random.Random(20261203)`` from the standard library is used (with
``random()`` and ``choices()``, whose outputs are stable for an integer seed),
and the CSV is written as UTF-8 without BOM with ``\\n`` line ends, so every
run writes byte-identical output. The columns are id, then the rubric's
[fields] in declaration order; ``main`` checks that against the rubric file.

Regenerate with::

    .venv/bin/python rubrics/samples/generate_exchange_teacher.py
"""

from __future__ import annotations

import random
from pathlib import Path

from scoring_rubrics._samples import csv_text, write_sample


SEED = 20261203
HERE = Path(__file__).resolve().parent
OUT = HERE / "exchange-teacher.csv"
RUBRIC = HERE.parent / "exchange-teacher.toml"

COLUMNS = (
    "id", "name", "home_school", "host_school", "subject", "full_year", "host_evaluation",
    "open_classes", "mentees", "case_files", "feedback_submitted",
)
N_TEACHERS = 40
OUTWARD = 30               # from a core school to a member school; the rest come the other way
CUT_SHORT = 4              # exchanges that did not run the full year

CORE = ("城关第一小学", "城关第二小学")
MEMBERS = ("河口小学", "柳林小学", "白马小学", "杨庄小学", "双河小学")
SUBJECTS = ("语文", "数学", "英语", "科学", "道德与法治", "体育", "音乐", "美术", "信息科技")
SUBJECT_WEIGHTS = (10, 9, 5, 3, 2, 3, 2, 2, 2)
SURNAMES = "王李张刘陈杨黄赵周吴徐孙马朱胡郭何林罗高"
GIVEN = ("静", "敏", "丽", "芳", "娟", "霞", "婷", "磊", "洋", "勇", "军", "杰", "涛", "明", "华",
         "慧", "颖", "玲", "雪", "倩", "晨", "宇", "欣", "悦", "琳", "博", "浩", "佳", "文", "彬")


def _noise(rng: random.Random, width: float) -> float:
    return width * (rng.random() - 0.5)


def _clip(x: float, lo: float, hi: float) -> float:
    return max(lo, min(hi, x))


def _evaluation(h: float) -> str:
    if h >= 0.85:
        return "优秀"
    if h >= 0.55:
        return "良好"
    if h >= 0.3:
        return "合格"
    return "不合格"


def build(rng: random.Random) -> list[list[object]]:
    """The 40 teachers' rows, drawn from `rng` in a fixed order."""
    names: list[str] = []
    while len(names) < N_TEACHERS:
        name = rng.choices(SURNAMES)[0] + "".join(rng.choices(GIVEN, k=rng.choices((1, 2), weights=(2, 3))[0]))
        if name not in names:
            names.append(name)
    cut_short: list[int] = []
    while len(cut_short) < CUT_SHORT:
        pick = rng.choices(range(N_TEACHERS))[0]
        if pick not in cut_short:
            cut_short.append(pick)
    rows: list[list[object]] = []
    for k in range(N_TEACHERS):
        if k < OUTWARD:
            home, host = CORE[k % 2], MEMBERS[k % len(MEMBERS)]
        else:
            home, host = MEMBERS[k % len(MEMBERS)], CORE[k % 2]
        subject = rng.choices(SUBJECTS, weights=SUBJECT_WEIGHTS)[0]
        q = round(0.35 + 0.65 * rng.random(), 3)
        full_year = k not in cut_short
        evaluation = _evaluation(q + _noise(rng, 0.25))
        open_classes = int(round(_clip(0.3 + 2.6 * q + _noise(rng, 1.4), 0, 5)))
        mentees = int(round(_clip(0.2 + 2.0 * q + _noise(rng, 1.2), 0, 3)))
        case_files = int(round(_clip(5.0 * q + _noise(rng, 2.0), 0, 8)))
        feedback = rng.random() < 0.4 + 0.6 * q
        rows.append([
            f"T{k + 1:02d}", names[k], home, host, subject, "是" if full_year else "否", evaluation,
            open_classes, mentees, case_files, "是" if feedback else "否",
        ])
    return rows


def main(out: Path | None = None) -> Path:
    """Write the sample CSV to `out` (default: next to this script); return the path."""
    text = csv_text(COLUMNS, build(random.Random(SEED)))
    return write_sample(RUBRIC, COLUMNS, text, OUT if out is None else Path(out))


if __name__ == "__main__":
    print(main())
