"""Rejected rows and warnings in Chinese (scoring/report/messages_zh.py).

The catalogue maps the engine's English message templates to Chinese. These
tests keep it honest: every entry is matched by a message the code really makes
(bad evidence driven through the real loaders), every literal message at a
`Refused(`/`Notice(`/`reject(` site has an entry, a message the catalogue does
not know passes through unchanged, and the reports of a Chinese rubric (xlsx,
HTML, Markdown, from `run` and from `render`) say rows, fields and reasons in
Chinese while an English rubric's reports keep the engine's words.
"""

from __future__ import annotations

import ast
import csv
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import scoring
from scoring.evidence_limits import MAX_CELL_CHARS, MAX_KEY_CHARS, MAX_NUMBER_CHARS
from scoring.report.messages_zh import _PART, CATALOGUE, KEYS, TYPES, Names, row_label, translate
from tests.conftest import RATIO_BODY, rubric_text, single_indicator

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "rubrics" / "samples"
_EXE = Path(sys.executable).with_name("scoring")
SCORING = [str(_EXE)] if _EXE.exists() else [sys.executable, "-m", "scoring.cli"]


# --- messages the code really makes -------------------------------------------------------------

def _messages(result: scoring.Result) -> list[str]:
    return [r.reason for r in result.rejected] + [str(w) for w in result.warnings]


def _scored(engine: scoring.Engine, *args, **kwargs) -> list[str]:
    """The reasons and warnings of a run; a run whose every row was refused gives its reasons."""
    try:
        return _messages(engine.score(*args, **kwargs))
    except scoring.EvidenceError as exc:
        assert exc.rejected, exc
        return [r.reason for r in exc.rejected]


def _csv(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([header, *rows])
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


FIELDS = """
[fields]
a = { type = "count" }
b = { type = "count", max = "a" }
lo = { type = "number", min = 0, max = 10, missing = "zero" }
n = { type = "number", missing = "zero" }
r = { type = "rate", missing = "zero" }
f = { type = "bool", missing = "zero" }
k = { type = "enum", values = ["甲", "乙"], missing = "zero" }
m = { type = "count", min = "b", missing = "zero" }
"""

HEADER = ["id", "a", "b", "lo", "n", "r", "f", "k", "m"]
GOOD = ["", "4", "2", "1", "1", "0.5", "是", "甲", "3"]


def _row(uid: str, **cells: str) -> list[str]:
    row = [uid] + GOOD[1:]
    for name, value in cells.items():
        row[HEADER.index(name)] = value
    return row


def _plain_messages(engine: scoring.Engine, tmp: Path) -> list[str]:
    """Cells and rows refused by a small rubric's checks, read from a CSV by the real loader."""
    rubric = engine.rubric_from_text(rubric_text(RATIO_BODY, fields=FIELDS, head='language = "zh"\n'))
    rows = [
        _row("u1", a="abc"), _row("u2", a="5%"), _row("u3", a="¥5"), _row("u4", n="1.2万"), _row("u5", n="1_000"),
        _row("u6", n="0x10"), _row("u7", n="1.2.3"), _row("u8", n="1,2"), _row("u9", n="inf"),
        _row("u10", n="1e999"), _row("u11", n="9" * (MAX_NUMBER_CHARS + 1)), _row("u12", f="也许"),
        _row("u13", k="丙"), _row("u14", a="1.5"), _row("u15", r="1.5"), _row("u16", a=""), _row("u17", a="3", b="5"),
        _row("u18", lo="11"), _row("u19", lo="-1"), _row(""), _row("u21"), _row("u21"), _row("u22") + ["", "extra"],
        _row("x" * (MAX_KEY_CHARS + 1)), _row("u24"), _row("u25", m="1"),
        _row("u26", n="1" * (MAX_CELL_CHARS + 1)), _row("u27", n="1 0"), _row("合计"),
    ]
    path = _csv(tmp / "plain.csv", HEADER + ["ignored_col"], [r + [""] if len(r) == len(HEADER) else r for r in rows])
    found = _scored(engine, rubric, path, on_error="skip")
    # In memory: a bool given as a number, an infinite figure.
    import numpy as np

    arrays = engine.evidence_from_arrays(
        rubric, ["m1", "m2", ""], {"a": np.array([4.0, 4, 4]), "b": np.array([2.0, 2, 2]),
                                   "f": np.array([2.0, 1, 1]), "n": np.array([1, np.inf, 1])}, on_error="skip")
    found += [r.reason for r in arrays.rejected]
    # A JSON array whose item repeats a key.
    (tmp / "dup.json").write_text('[{"id": "j1", "a": 4, "a": 5, "b": 2}]', encoding="utf-8")
    found += _scored(engine, rubric, tmp / "dup.json", on_error="skip")
    return found


def _period_messages(engine: scoring.Engine, tmp: Path) -> list[str]:
    """Period labels refused under each way a rubric declares them, and units lacking periods."""
    found = []
    heads = {"declared": 'periods = ["2026Q1", "2026Q2"]\n', "quarter": 'period_pattern = "quarter"\n',
             "year": 'period_pattern = "year"\n', "half": 'period_pattern = "half"\n',
             "month": 'period_pattern = "month"\n', "none": ""}
    labels = {"declared": ["2026Q1", "2026Q2", "2026q2", "2027Q1", ""], "quarter": ["2026Q1", "2026Q2", "2026Q5"],
              "year": ["2026", "2026Q1"], "half": ["2026H1", "2026H3"], "month": ["2026-01", "2026-13"],
              "none": ["p1", "P1", "p2"]}
    for kind, head in heads.items():
        rubric = engine.rubric_from_text(rubric_text(RATIO_BODY, fields=FIELDS, head=head))
        rows = [[f"u{k}", label] + GOOD[1:] for k, label in enumerate(labels[kind])]
        rows += [["v1", labels[kind][0]] + GOOD[1:], ["v1", labels[kind][0]] + GOOD[1:], ["v2", labels[kind][0]] + GOOD[1:]]
        rows += [["v2", labels[kind][1]] + GOOD[1:]] if kind == "declared" else []
        found += _scored(engine, rubric, _csv(tmp / f"{kind}.csv", ["id", "period"] + HEADER[1:], rows),
                         on_error="skip")
    return found


def _sample(name: str) -> tuple[list[str], list[list[str]]]:
    with (SAMPLES / f"{name}.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    return rows[0], rows[1:]


def _enterprise_messages(engine: scoring.Engine, tmp: Path) -> list[str]:
    """The bundled enterprise sample (raters, stages, hazard member rows), one fault per run."""
    head, rows = _sample("enterprise-safety-target")
    col = {h: j for j, h in enumerate(head)}

    def first(pred) -> int:
        return next(k for k, r in enumerate(rows) if pred(r))

    unit_row = first(lambda r: r[col["parent"]] == "" and r[col["id"]] == "E006")
    member = first(lambda r: r[col["parent"]] != "")
    other_member = next(r[col["id"]] for r in rows if r[col["parent"]] != "" and r[col["id"]] != rows[member][col["id"]])

    def frame(r: list[str]) -> bool:
        return r[col["id"]] == "E006" and r[col["period"]] == rows[unit_row][col["period"]] and r[col["parent"]] == ""

    faults = [
        [(unit_row, "stage", "")], [(unit_row, "stage", "终评")], [(member, "inspector", "张伟")],
        [(unit_row, "inspector", "")], [(unit_row, "deaths", "1")],
        [(k, "deaths", "") for k, r in enumerate(rows) if frame(r)],
        [(member, "parent", rows[member][col["id"]])], [(member, "parent", other_member)],
        [(member, "parent", "E999")], [(member, "hazard_found_on", "")], [(member, "hazard_deadline", "2026-13-45")],
        [(member, "hazard_deadline", "2020-01-01")],
        [(k, "stage", "自评") for k, r in enumerate(rows) if r[col["id"]] == "E006"],
        [(k, "period", "2026Q9") for k, r in enumerate(rows) if r[col["id"]] == "E001"],
        [(k, "certified_share", "") for k, r in enumerate(rows)
         if r[col["id"]] == "E003" and r[col["period"]] == "2026Q2"],
    ]
    rubric = engine.load_rubric("enterprise-safety-target")
    found = []
    for k, fault in enumerate(faults):
        changed = [list(r) for r in rows]
        for i, name, value in fault:
            changed[i][col[name]] = value
        found += _scored(engine, rubric, _csv(tmp / f"e{k}.csv", head, changed), on_error="skip")
    # E006 assessed itself but has no review; E007 has no self-assessment.
    owner = col["parent"]

    def whose(r: list[str]) -> str:
        return r[owner] or r[col["id"]]

    kept = [r for r in rows if not (whose(r) == "E006" and r[col["stage"]] == "复评")
            and not (whose(r) == "E007" and r[col["stage"]] == "自评")]
    found += _scored(engine, rubric, _csv(tmp / "stages.csv", head, kept), on_error="skip")
    # Earlier results that do not fit this run: another version, another file, units gone and new.
    result = engine.score(rubric, SAMPLES / "enterprise-safety-target.csv")
    doc = result.to_dict()
    doc["rubric"]["version"], doc["rubric"]["sha256"] = "2020.1", "0" * 64
    doc["units"] = doc["units"][1:] + [dict(doc["units"][0], id="GONE1")]
    (tmp / "prev.json").write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    found += _scored(engine, rubric, SAMPLES / "enterprise-safety-target.csv", previous=tmp / "prev.json",
                     history=[tmp / "prev.json"])
    return found


def _school_messages(engine: scoring.Engine, tmp: Path) -> list[str]:
    """The bundled education groups: a group without its lead school, and with two; a group with
    no member rows; a self-assessment without its lead school."""
    head, rows = _sample("group-school-supervision")
    col = {h: j for j, h in enumerate(head)}
    rubric = engine.load_rubric("group-school-supervision")
    found = []
    lead = [k for k, r in enumerate(rows) if r[col["role"]] == "龙头校"]
    no_lead = [list(r) for r in rows]
    no_lead[lead[0]][col["role"]] = "成员校"
    two = [list(r) for r in rows]
    two[lead[0] + 1][col["role"]] = "龙头校"
    group = rows[lead[0]][col["parent"]]
    alone = [r for r in rows if r[col["parent"]] != group]
    self_no_lead = [list(r) for r in rows]
    for r in self_no_lead:
        if r[col["parent"]] == group and r[col["assessment"]] == "自评" and r[col["role"]] == "龙头校":
            r[col["role"]] = "成员校"
    for k, changed in enumerate([no_lead, two, alone, self_no_lead]):
        found += _scored(engine, rubric, _csv(tmp / f"s{k}.csv", head, changed), on_error="skip")
    return found


PANEL = """
[raters]
column = "rater"
spread = 1

[fields]
a = { type = "count" }
b = { type = "count", max = "a", rated = true }
s = { type = "count", rollup = "sum", missing = "zero" }
"""


def _small_rubric_messages(engine: scoring.Engine, tmp: Path) -> list[str]:
    """Rater panels and member rows without periods, and a field blank in one period."""
    rubric = engine.rubric_from_text(rubric_text(RATIO_BODY, fields=PANEL))
    rows = [["u1", "", "r1", "4", "2", ""], ["u1", "", "r2", "4", "4", ""], ["u2", "", "r1", "4", "2", ""],
            ["u2", "", "", "4", "2", ""], ["m1", "u9", "", "", "", "3"], ["m2", "u1", "", "", "", "3"]]
    found = _scored(engine, rubric, _csv(tmp / "panel.csv", ["id", "parent", "rater", "a", "b", "s"], rows),
                    on_error="skip")
    # A group without its lead school, in a rubric without periods.
    lead = rubric_text(single_indicator(10, "gap_to_lead", 'field = "exam"\nrole = "role"\nlead = "龙头校"\n'
                                                           'full_at = 0.95\nzero_at = 0.75', indicator="gap"),
                       fields='[fields]\nexam = { type = "number", missing = "not_applicable" }\n'
                              'role = { type = "enum", values = ["龙头校", "成员校"], missing = "not_applicable" }\n')
    found += _scored(engine, engine.rubric_from_text(lead),
                     [{"id": "g1", "parent": "", "exam": "", "role": ""},
                      {"id": "s1", "parent": "g1", "exam": "80", "role": "成员校"}])
    for title in ('title = "整改数", ', ""):
        fields = FIELDS.replace('b = { type = "count", max = "a" }',
                                f'b = {{ type = "count", max = "a", {title}missing = "not_applicable" }}')
        rubric = engine.rubric_from_text(rubric_text(RATIO_BODY, fields=fields, head='periods = ["Q1", "Q2"]\n'))
        rows = [["u1", "Q1"] + GOOD[1:], ["u1", "Q2"] + GOOD[1:], ["u2", "Q1"] + GOOD[1:], ["u2", "Q2"] + GOOD[1:]]
        rows[1][HEADER.index("b") + 1] = ""
        found += _scored(engine, rubric, _csv(tmp / "blank.csv", ["id", "period"] + HEADER[1:], rows))
    return found


@pytest.fixture(scope="module")
def produced(tmp_path_factory) -> list[str]:
    engine = scoring.Engine()
    tmp = tmp_path_factory.mktemp("messages")
    return (_plain_messages(engine, tmp) + _period_messages(engine, tmp) + _enterprise_messages(engine, tmp)
            + _school_messages(engine, tmp) + _small_rubric_messages(engine, tmp))


def test_every_catalogue_entry_is_matched_by_a_message_the_code_makes(produced):
    hits: set[str] = set()
    for message in produced:
        translate(message, hits=hits)
    unused = [en for en, _ in CATALOGUE if en not in hits]
    assert not unused, f"catalogue entries no real message matched (stale, or not driven here): {unused}"


def test_every_message_the_code_makes_here_is_in_chinese(produced):
    untranslated = sorted({m for m in produced if translate(m) == m})
    assert not untranslated, f"messages with no catalogue entry: {untranslated}"
    # Wholly: a part that swallowed the rest of a wrapped message leaves English words in the Chinese.
    half = sorted({translate(m) for m in produced if re.search(r"field type|; (fill|write|use|check|give)", translate(m))})
    assert not half, f"translations with English left in them: {half}"


def test_a_long_number_cell_reason_translates_whole():
    """`{limit}` once swallowed `64) (field type count`, leaving English in the Chinese report."""
    message = "not a number: 70 characters (limit MAX_NUMBER_CHARS = 64) (field type count)"
    assert translate(message) == "不是数字：共 70 个字符（上限 MAX_NUMBER_CHARS = 64）；请填写阿拉伯数字（字段类型：计数）"


# --- the source scan: a new message must bring its Chinese -------------------------------------

SITES = ("Refused", "Notice", "reject", "Refusal")


def _literal_templates(node: ast.expr) -> str | None:
    """A message argument as a template: literal text kept, each {expression} as `{}`; None if not literal."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value if isinstance(v, ast.Constant) else "{}" for v in node.values)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _literal_templates(node.left), _literal_templates(node.right)
        return None if left is None or right is None else left + right
    if isinstance(node, ast.IfExp):  # "a" if c else "b": the scan takes the first branch
        return _literal_templates(node.body)
    return None


def _sources() -> list[tuple[Path, ast.Module]]:
    return [(path, ast.parse(path.read_text(encoding="utf-8")))
            for folder in ("scoring", "plugins") for path in sorted((ROOT / folder).rglob("*.py"))]


def _constants(sources: list[tuple[Path, ast.Module]]) -> dict[str, list[str]]:
    """Module-level text constants by name (`WHY = "..."`, `BOOL_HINT = "..."`), which sites pass as messages."""
    out: dict[str, list[str]] = {}
    for _, tree in sources:
        for node in tree.body:
            if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
                text = _literal_templates(node.value)
                if text is not None:
                    out.setdefault(node.targets[0].id, []).append(text)
    return out


def _site_messages() -> list[tuple[str, str]]:
    found = []
    sources = _sources()
    constants = _constants(sources)
    for path, tree in sources:
        # `from .total_rows import WHY as TOTAL_WHY`: a site's name for another module's constant.
        aliases = {a.asname: a.name for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
                   for a in node.names if a.asname}
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if name not in SITES or not node.args:
                continue
            arg = node.args[-1] if name == "reject" else node.args[0] if name != "Refusal" else node.args[1]
            texts = ([_literal_templates(arg)] if not isinstance(arg, ast.Name)
                     else constants.get(aliases.get(arg.id, arg.id), []))
            for text in texts:
                if text and " " in text:  # a message, not a code or an id
                    found.append((f"{path.relative_to(ROOT)}:{node.lineno}", text))
    return found


def _known(template: str) -> bool:
    """Whether a site's template (each {expression} as `{}`, which may be any text or none) can
    make a message some catalogue entry reads: an entry filled with sample words fits it."""
    site = re.compile(".*".join(re.escape(piece) for piece in template.split("{}")), re.DOTALL)
    return any(site.fullmatch(_PART.sub("x1", en)) for en, _ in CATALOGUE)


def test_every_literal_message_site_has_a_catalogue_entry():
    sites = _site_messages()
    assert len(sites) >= 20, sites  # the scan finds the sites at all
    missing = [(where, text) for where, text in sites if not _known(text)]
    assert not missing, ("messages with no Chinese in scoring/report/messages_zh.py (add an entry: the English "
                         f"template and its Chinese with the same {{parts}}): {missing}")


# --- the catalogue's invariants ---------------------------------------------------------------

WORD = st.text(alphabet="abcdefghjkmnpqrstuvwxyz0123456789", min_size=1, max_size=8).filter(
    lambda s: s not in TYPES and s not in KEYS)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(CATALOGUE), st.data())
def test_any_entry_filled_with_drawn_values_gives_its_chinese_with_those_values(entry, data):
    en, zh = entry
    parts = {name: data.draw(WORD, label=name) for name in _PART.findall(en)}
    assert translate(en.format(**parts)) == zh.format(**{k: v for k, v in parts.items()})


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60).filter(lambda s: not any(c.isspace() for c in s)))
def test_a_message_without_a_space_is_no_template_and_passes_unchanged(text):
    assert translate(text) == text


@given(st.text(min_size=1, max_size=40))
def test_a_plugins_own_message_passes_through_unchanged(text):
    message = f"our plugin says: {text}"
    assert translate(message) == message


@given(st.integers(min_value=1, max_value=10**7), st.sampled_from(["", "Sheet1 ", "填报表 "]))
def test_row_labels_read_as_chinese(n, sheet):
    assert row_label(f"{sheet}row {n}") == f"{sheet}第 {n} 行"
    assert row_label(f"line {n}") == f"第 {n} 行" and row_label(f"item {n}") == f"第 {n} 项"


def test_fields_indicators_and_consequences_are_named_by_their_titles():
    names = Names(fields={"deaths": "死亡人数", "a": "隐患数"}, indicators={"drills": "应急演练"},
                  consequences={"adv": "先进单位", "fine": "罚款"})
    assert translate("more than max is a (3); check both cells", names) == "大于上限“隐患数”（3）；请核对这两格"
    assert translate("not a number (field type count)", names) == "不是数字；请填写阿拉伯数字（字段类型：计数）"
    assert "“先进单位、罚款”" in translate(
        "consequence(s) adv, fine read earlier years (history.*) but no earlier results were given (--history): "
        "every streak and count is 0 and every earlier score or grade is missing, so a rule needing earlier years "
        "holds for no unit", names)
    assert translate("unit E1: the raters of 'drills' in 2026Q3 differ by 6 points (more than the spread 5 the "
                     "rubric allows)", names).startswith("单位 E1：2026Q3 各评分人对“应急演练”的评分相差 6 分")


# --- the reports, end to end ------------------------------------------------------------------

def _bad_enterprise(tmp: Path) -> Path:
    head, rows = _sample("enterprise-safety-target")
    rows = [list(r) for r in rows[:100]]
    rows[2][head.index("deaths")] = "abc"
    return _csv(tmp / "bad.csv", head, rows)


def _run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, SOURCE_DATE_EPOCH="1700000000")
    done = subprocess.run([*SCORING, *args], cwd=cwd, env=env, capture_output=True, text=True, encoding="utf-8")
    assert done.returncode == 0, done.stderr
    return done


def _sheet(path: Path, name: str) -> list[tuple[object, ...]]:
    import openpyxl

    book = openpyxl.load_workbook(path, read_only=True)
    try:
        return [tuple(r) for r in book[name].iter_rows(values_only=True)]
    finally:
        book.close()  # a read-only workbook keeps its file open until closed


DICT_REPR = re.compile(r"\{'code':|'message':")


@pytest.fixture(scope="module")
def chinese_reports(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("zh")
    bad = _bad_enterprise(tmp)
    _run("run", "enterprise-safety-target", str(bad), "-o", "bad.json", "--on-error", "skip", cwd=tmp)
    for suffix in ("xlsx", "html", "md"):
        _run("run", "enterprise-safety-target", str(bad), "-o", f"bad.{suffix}", "--on-error", "skip", cwd=tmp)
        _run("render", "bad.json", "-o", f"rendered.{suffix}", cwd=tmp)
    return tmp


def test_workbook_of_a_chinese_rubric_says_rejected_rows_and_warnings_in_chinese(chinese_reports):
    rejected = _sheet(chinese_reports / "bad.xlsx", "未评")
    assert rejected[0] == ("行", "单位", "列", "字段", "值", "原因")
    assert ("第 4 行", "E001", "I", "死亡人数（deaths）", "abc", "不是数字；请填写阿拉伯数字（字段类型：计数）") in rejected
    assert ("第 2 行", "E001", None, None, None, "同一单位的其他行未通过校验（第 4 行）；改正该行后本单位即可计分") in rejected
    about = _sheet(chinese_reports / "bad.xlsx", "说明")
    tips = [v for k, v in about if k == "提示"]
    assert tips and not any(DICT_REPR.search(str(t)) for t in tips)
    assert any(str(t).startswith("奖惩“安全生产先进单位”要读取往年结果") for t in tips)
    assert not any(re.search(r"[A-Za-z]{4,} [a-z]{3,} [a-z]{3,}", str(t)) for t in tips), tips  # no English sentence


def test_html_and_markdown_of_a_chinese_rubric_say_them_in_chinese(chinese_reports):
    html = (chinese_reports / "bad.html").read_text(encoding="utf-8")
    md = (chinese_reports / "bad.md").read_text(encoding="utf-8")
    for text in (html, md):
        assert "不是数字；请填写阿拉伯数字（字段类型：计数）" in text and "死亡人数（deaths）" in text
        assert "第 4 行" in text and "同一单位的其他行未通过校验（第 4 行）" in text
        assert "奖惩“安全生产先进单位”要读取往年结果" in text
        assert not DICT_REPR.search(text) and not DICT_REPR.search(text.replace("&#x27;", "'"))
        assert "another row of this unit" not in text and "not a number" not in text
        assert "read earlier years" not in text
    assert "## 提示" in md


def test_render_from_the_json_gives_the_same_reports(chinese_reports):
    for suffix in ("xlsx", "html", "md"):
        assert (chinese_reports / f"bad.{suffix}").read_bytes() == (chinese_reports / f"rendered.{suffix}").read_bytes()
    doc = json.loads((chinese_reports / "bad.json").read_text(encoding="utf-8"))
    # The JSON keeps its English, machine-readable reasons and messages.
    assert {"row": "row 4", "unit": "E001", "field": "deaths", "value": "abc",
            "reason": "not a number (field type count)", "column": "I"} in doc["rejected"]
    assert all(set(w) == {"code", "unit", "field", "message"} for w in doc["warnings"])
    assert doc["report"]["field_titles"]["deaths"] == "死亡人数"


def test_an_english_rubrics_reports_keep_the_engines_words(tmp_path):
    text = (ROOT / "rubrics" / "enterprise-safety-target.toml").read_text(encoding="utf-8")
    english = text.replace('language = "zh"', 'language = "en"')
    assert english != text
    (tmp_path / "en.toml").write_text(english, encoding="utf-8")
    bad = _bad_enterprise(tmp_path)
    for suffix in ("xlsx", "md", "html"):
        _run("run", "en.toml", str(bad), "-o", f"en.{suffix}", "--on-error", "skip", cwd=tmp_path)
    rejected = _sheet(tmp_path / "en.xlsx", "Rejected")
    assert rejected[0] == ("Row", "Unit", "Field", "Value", "Reason")
    assert ("row 4", "E001", "deaths", "abc", "not a number (field type count)") in rejected
    assert ("row 2", "E001", None, None, "another row of this unit was rejected (row 4)") in rejected
    about = _sheet(tmp_path / "en.xlsx", "About")
    warnings = [v for k, v in about if k == "Warnings"]
    assert any(str(w).startswith("consequence(s) advanced_unit read earlier years") for w in warnings)
    assert not any(DICT_REPR.search(str(w)) for w in warnings)
    md = (tmp_path / "en.md").read_text(encoding="utf-8")
    assert "| row 4 | E001 | deaths | abc | not a number (field type count) |" in md
    assert "## Warnings" in md and "第 4 行" not in md


def test_a_gbk_form_headed_in_chinese_names_the_column_as_the_sheet_shows_it(tmp_path):
    from tests.intake_helpers import chinese_table

    rubric = scoring.Engine().load_rubric("enterprise-safety-target")
    head, rows = chinese_table(rubric)
    rows = [list(r) for r in rows[:60]]
    j = head.index("死亡人数")
    rows[2][j] = "三"
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows([head, *rows])
    (tmp_path / "表.csv").write_bytes(out.getvalue().encode("gbk"))
    _run("run", "enterprise-safety-target", "表.csv", "-o", "r.xlsx", "--on-error", "skip", cwd=tmp_path)
    letter = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[j] if j < 26 else None
    assert letter is not None
    assert ("第 4 行", rows[2][0], f"{letter} 死亡人数", "死亡人数（deaths）", "三",
            "不是数字；请填写阿拉伯数字（字段类型：计数）") in _sheet(tmp_path / "r.xlsx", "未评")
