"""Numbers, yes/no and choices as people type them; headers by title and alias; period labels; limits (issues 8, 9)."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, strategies as st

import scoring
import scoring.tables
from scoring import EvidenceError
from scoring.cells import Refused, bools, numbers, parse_number
from scoring.evidence_limits import MAX_CELL_CHARS, MAX_COLUMNS
from tests.conftest import RATIO_BODY, rubric_text
from tests.test_cli import scoring_cli

FIELDS = """
[fields]
a = { type = "count", title = "隐患数", aliases = ["排查隐患数"] }
b = { type = "count", title = "已整改数", max = "a" }
money = { type = "number", title = "抵押金", missing = "zero" }
r = { type = "rate", title = "持证率", missing = "zero" }
flag = { type = "bool", title = "是否备案", missing = "zero" }
kind = { type = "enum", values = ["甲", "乙"], missing = "zero" }
note = { type = "text", title = "备注", missing = "zero" }
"""
# Every field is read, so none is optional: a veto reads the rest.
VETO = '\n[[veto]]\nid = "v"\ntitle = "v"\nwhen = "money < 0 or r > 2 or flag and kind == \'丙\' and note == \'x\'"\n'


@pytest.fixture
def rubric(engine):
    return engine.rubric_from_text(rubric_text(RATIO_BODY + VETO, fields=FIELDS, head='id_title = "编号"\n'))


def column(texts):
    out = np.empty(len(texts), dtype=object)
    out[:] = texts
    return out


@pytest.mark.parametrize("text,kind,value", [
    ("1,234", "count", 1234.0), ("1，234", "count", 1234.0), ("12,345,678.5", "number", 12345678.5),
    ("¥50,000", "number", 50000.0), ("￥50,000", "number", 50000.0), ("50000元", "number", 50000.0),
    ("-¥12.5", "number", -12.5), ("１２３", "count", 123.0), ("－５", "number", -5.0), ("55.3%", "rate", 0.553),
    ("55.3％", "rate", 0.553), ("1e3", "number", 1000.0), (" 7 ", "count", 7.0), ("+4", "number", 4.0),
    ("1 234", "count", 1234.0), ("12\u00a0345.5", "number", 12345.5), ("1\u3000000\u3000000", "count", 1000000.0),
    ("¥ 50 000", "number", 50000.0), ("50000 元", "number", 50000.0), ("55.3 %", "rate", 0.553), ("- 5", "number", -5.0),
])
def test_numbers_people_type_are_read(text, kind, value):
    assert parse_number(text.strip(), kind) == value
    values, (bad, _) = numbers(column([text.strip()]), kind)
    assert bad.size == 0 and values[0] == value


@pytest.mark.parametrize("text,kind,hint", [
    ("1_0", "count", "'_'"), ("0x10", "count", "decimal"), ("inf", "number", "finite"), ("nan", "number", "finite"),
    ("-Infinity", "number", "finite"), ("1.2.3", "number", "two decimal points"), ("1,23", "number", "thousands"),
    ("12%", "count", "only for rate"), ("¥5", "count", "only for amounts"), ("1.2万", "number", "whole figure"),
    ("abc", "number", "not a number"), ("1e999", "number", "too large"), ("9" * 100, "number", "MAX_NUMBER_CHARS"),
    ("--5", "number", "not a number"), ("+-5", "count", "not a number"), ("-¥-5", "number", "not a number"),
    ("--5%", "rate", "not a number"),
    ("1 0", "count", "space"), ("1 0.5", "number", "space"), ("5 0000", "number", "space"), ("12 34", "count", "space"),
    ("1 ,000", "number", "space"), ("1 e3", "number", "space"), ("3\u3000 5", "count", "space"),
])
def test_ambiguous_numbers_are_refused_with_a_hint(text, kind, hint):
    with pytest.raises(Refused, match=hint):
        parse_number(text, kind)
    values, (bad, why) = numbers(column(["1", text]), kind)
    assert bad.tolist() == [1] and hint.strip("'") in why[0] and math.isnan(values[1])


@given(st.lists(st.floats(allow_nan=False, allow_infinity=False, min_value=-1e12, max_value=1e12), max_size=20))
def test_the_fast_column_path_agrees_with_the_cell_by_cell_reading(xs):
    texts = [repr(x) for x in xs]
    values, (bad, _) = numbers(column(texts), "number")
    assert bad.size == 0
    assert values.tolist() == [parse_number(t, "number") for t in texts] == xs


@given(st.integers(min_value=0, max_value=10**15))
def test_thousands_separators_and_full_width_read_as_the_plain_figure(n):
    grouped = f"{n:,}"
    full_width = "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in str(n))
    assert parse_number(grouped, "count") == parse_number(full_width, "count") == float(n)


@given(st.integers(min_value=1000, max_value=10**15), st.sampled_from([" ", "\u00a0", "\u3000", "\u202f"]),
       st.sampled_from(["", ".5", ".25"]))
def test_spaces_grouping_thousands_read_as_commas_do(n, space, decimals):
    assert parse_number(f"{n:,}".replace(",", space) + decimals, "number") == parse_number(f"{n:,}{decimals}", "number")


@given(st.from_regex(r"[0-9]{1,6}", fullmatch=True), st.from_regex(r"[0-9]{1,6}", fullmatch=True),
       st.sampled_from(["count", "number", "rate"]))
def test_a_space_between_digits_that_does_not_group_thousands_is_refused(a, b, kind):
    """`1 0` is never 10: two figures in one cell, or a slip, must not change a score silently."""
    if len(a) <= 3 and len(b) == 3:  # `1 000`: a thousands group
        return
    with pytest.raises(Refused, match="space"):
        parse_number(f"{a} {b}", kind)


@pytest.mark.parametrize("word,truth", [
    ("是", True), ("否", False), ("√", True), ("×", False), ("Y", True), ("n", False), ("TRUE", True),
    ("False", False), ("1", True), ("0", False), ("有", True), ("无", False), ("ｙｅｓ", True),
])
def test_yes_no_words(word, truth):
    values, (bad, _) = bools(column([word]))
    assert bad.size == 0 and bool(values[0]) is truth


def test_a_bad_yes_no_is_refused_with_the_forms_listed():
    _, (bad, why) = bools(column(["是", "maybe"]))
    assert bad.tolist() == [1] and "是/否" in why[0] and "√/×" in why[0]


def test_headers_by_title_alias_and_full_width(engine, rubric, tmp_path):
    path = tmp_path / "e.csv"
    path.write_text("编号 ,排查隐患数,已整改数,ｍｏｎｅｙ,持证率,是否备案,kind,备注\n"
                    "E1,\"1,200\",\"1,100\",\"¥3,000\",95%,√,甲,很好\n", encoding="utf-8")
    ev = engine.load_evidence(rubric, path)
    assert ev.columns["a"][0] == 1200 and ev.columns["money"][0] == 3000 and ev.columns["r"][0] == 0.95
    assert bool(ev.columns["flag"][0]) and ev.columns["note"].dtype == object


def test_two_columns_naming_one_field_are_refused_naming_both(engine, rubric, tmp_path):
    path = tmp_path / "e.csv"
    path.write_text("id,隐患数,a,b\nE1,1,1,1\n", encoding="utf-8")
    with pytest.raises(EvidenceError, match=r"columns '隐患数' \(column 2\) and 'a' \(column 3\) both name field 'a'"):
        engine.load_evidence(rubric, path)


def test_a_rubric_whose_headers_clash_is_refused(engine):
    clash = FIELDS.replace('title = "已整改数"', 'title = "隐患数"')
    with pytest.raises(scoring.RubricError, match="header '隐患数' would name both field 'a' and field 'b'"):
        engine.rubric_from_text(rubric_text(RATIO_BODY, fields=clash))


def test_a_wide_header_is_refused_quickly_and_briefly(tmp_path):
    (tmp_path / "r.toml").write_text(rubric_text(RATIO_BODY), encoding="utf-8")
    names = [f"c{k}" for k in range(50_000)]
    (tmp_path / "wide.csv").write_text(",".join(["id", *names]) + "\n" + ",".join(["u"] + ["1"] * 50_000) + "\n")
    proc = scoring_cli("run", "r.toml", "wide.csv", cwd=tmp_path)
    assert proc.returncode == 1 and f"MAX_COLUMNS = {MAX_COLUMNS:,}" in proc.stderr
    assert len(proc.stderr) < 2000 and "c49999" not in proc.stderr


def test_a_huge_cell_is_refused_by_name_and_not_echoed_whole(engine, tmp_path):
    rubric = engine.rubric_from_text(rubric_text(RATIO_BODY, fields=FIELDS))
    path = tmp_path / "e.csv"
    path.write_text(f"id,a,b,note\nu1,1,1,{'x' * (MAX_CELL_CHARS + 1)}\nu2,1,1,ok\n", encoding="utf-8")
    ev = engine.load_evidence(rubric, path, on_error="skip")
    [r] = ev.rejected
    assert r.row == "row 2" and "MAX_CELL_CHARS" in r.reason and len(str(r)) < 400


def test_one_long_cell_among_many_rows_stays_small(engine):
    """One 30,000-character cell among 20,000 rows: text is kept as objects, not at the longest cell's width."""
    rubric = engine.rubric_from_text(rubric_text(RATIO_BODY, fields=FIELDS))
    n = 20_000
    rows = [{"id": f"u{i}", "a": 1, "b": 1, "note": "x" * 30_000 if i == 7 else "ok"} for i in range(n)]
    ev = engine.evidence_from_rows(rubric, rows)
    assert ev.columns["note"].dtype == object and ev.columns["note"].nbytes <= 8 * n
    assert ev.unit_ids.dtype.itemsize <= 4 * 16  # ids keep their own width


def test_an_over_long_id_is_refused_naming_the_limit(engine):
    rubric = engine.rubric_from_text(rubric_text(RATIO_BODY, fields=FIELDS))
    ev = engine.evidence_from_rows(rubric, [{"id": "u" * 5000, "a": 1, "b": 1}, {"id": "ok", "a": 1, "b": 1}],
                                   on_error="skip")
    assert [r.row for r in ev.rejected] == ["row 1"] and "MAX_KEY_CHARS" in ev.rejected[0].reason
    assert ev.unit_ids.dtype.itemsize <= 4 * 100


PERIODS = 'periods = ["2026Q1", "2026Q2", "2026Q3", "2026Q4"]\n'


def test_an_undeclared_period_label_is_rejected_by_name(engine):
    rubric = engine.rubric_from_text(rubric_text(RATIO_BODY, head=PERIODS))
    rows = [{"id": "E", "period": p, "a": 10, "b": b, "flag": 1, "x": 1}
            for p, b in (("2026Q1", 1), ("2026Q4", 1), ("2026q4", 10))]
    with pytest.raises(EvidenceError) as err:
        engine.evidence_from_rows(rubric, rows)
    [r] = [r for r in err.value.rejected if r.field == "period"]
    assert r.value == "2026q4" and "did you mean '2026Q4'" in r.reason
    ok = engine.score(rubric, [row for row in rows if row["period"] != "2026q4"] + [
        {"id": "E", "period": "２０２６Ｑ２", "a": 10, "b": 10, "flag": 1, "x": 1}])  # full-width is the same label
    assert ok.unit("E").score is not None


def test_declared_periods_order_the_year_not_the_text(engine):
    head = 'periods = ["Q4", "Q10"]\n'  # text order would put Q10 first
    body = RATIO_BODY.replace('[[dimension]]\nid = "d"', '[[dimension]]\nid = "d"\nphase = "outcome"')
    rubric = engine.rubric_from_text(rubric_text(body, head=head).replace(
        "[[dimension]]", '[phases]\noutcome = { weight = 1, periods = "last" }\n\n[[dimension]]', 1))
    result = engine.score(rubric, [{"id": "E", "period": "Q10", "a": 10, "b": 10, "flag": 1, "x": 1},
                                   {"id": "E", "period": "Q4", "a": 10, "b": 0, "flag": 1, "x": 1}])
    assert result.unit("E").score == 100.0  # Q10 is the last period: its 10 of 10 count


def test_undeclared_labels_differing_only_in_case_are_refused(engine):
    rubric = engine.rubric_from_text(rubric_text(RATIO_BODY))
    rows = [{"id": "E", "period": "2026Q4", "a": 1, "b": 1, "flag": 1, "x": 1},
            {"id": "F", "period": "2026q4", "a": 1, "b": 1, "flag": 1, "x": 1}]
    with pytest.raises(EvidenceError, match="differ only in case"):
        engine.evidence_from_rows(rubric, rows)


def test_unread_fields_are_optional(engine):
    fields = FIELDS + 'unused = { type = "count", title = "备用" }\n'
    rubric = engine.rubric_from_text(rubric_text(RATIO_BODY + VETO, fields=fields))
    assert "unused" in rubric.optional_fields and "a" not in rubric.optional_fields
    result = engine.score(rubric, [{"id": "u", "a": 1, "b": 1}, {"id": "v", "a": 1, "b": 1, "unused": ""}])
    assert result.layout.n_units == 2


def test_nothing_scored_is_exit_1_whatever_on_error(tmp_path):
    (tmp_path / "r.toml").write_text(rubric_text(RATIO_BODY), encoding="utf-8")
    (tmp_path / "header.csv").write_text("id,a,b,flag\n")
    (tmp_path / "allbad.csv").write_text("id,a,b,flag\nu1,x,1,是\nu2,1,5,是\n")
    for name in ("header.csv", "allbad.csv"):
        for policy in ("fail", "skip"):
            proc = scoring_cli("run", "r.toml", name, "--on-error", policy, "-o", "out.json", cwd=tmp_path)
            assert proc.returncode == 1, (name, policy, proc.stderr)
            assert "no unit to score" in proc.stderr or "invalid" in proc.stderr
            assert not (tmp_path / "out.json").exists()


def test_warnings_are_structured_and_strict_refuses_them(tmp_path):
    fields = '[fields]\na = { type = "count" }\nb = { type = "count", max = "a" }\nx = { type = "number", missing = "not_applicable" }\n'
    body = RATIO_BODY.replace('[[dimension]]\nid = "d"\npoints = 10', '[[dimension]]\nid = "d"\npoints = 20') + \
        '  [[dimension.indicator]]\n  id = "xi"\n  points = 10\n  method = "target"\n  field = "x"\n  target = 1\n'
    body = body.replace('[[dimension]]\nid = "d"', '[[dimension]]\nid = "d"\nphase = "process"')
    text = rubric_text(body, fields=fields, head='periods = ["Q1", "Q2"]\n').replace(
        "[[dimension]]", '[phases]\nprocess = { weight = 1, periods = "mean" }\n\n[[dimension]]', 1)
    (tmp_path / "r.toml").write_text(text, encoding="utf-8")
    (tmp_path / "e.csv").write_text("id,period,a,b,x\nu1,Q1,1,1,\nu1,Q2,1,1,5\nu2,Q1,1,1,1\nu2,Q2,1,1,1\n")
    proc = scoring_cli("run", "r.toml", "e.csv", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    [w] = json.loads(proc.stdout)["warnings"]
    assert w["code"] == "blank_in_some_periods" and w["unit"] == "u1" and w["field"] == "x" and "Q1" in w["message"]
    strict = scoring_cli("run", "r.toml", "e.csv", "--strict", "-o", "out.json", cwd=tmp_path)
    assert strict.returncode == 1 and "--strict" in strict.stderr and not (tmp_path / "out.json").exists()


def test_a_group_without_member_rows_and_two_lead_schools_are_warned(engine):
    rubric = engine.load_rubric("group-school-supervision")
    import csv

    with open(rubric.sample, encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    info = rubric.model.rubric
    role = next(ind.params.role for ind in rubric.indicators if ind.method.name == "gap_to_lead")
    lead = next(ind.params.lead for ind in rubric.indicators if ind.method.name == "gap_to_lead")
    groups = sorted({r[info.id_column] for r in rows if not r[info.parent_column]})
    lonely, doubled = groups[0], groups[1]
    kept = [r for r in rows if r[info.parent_column] != lonely]
    for r in kept:  # every school of the second group claims to lead it
        if r[info.parent_column] == doubled:
            r[role] = lead
    result = engine.score(rubric, kept, on_error="skip")
    codes = {(w.code, w.unit) for w in result.warnings}
    assert ("no_members", lonely) in codes and ("two_leads", doubled) in codes
    with pytest.raises(EvidenceError, match="--strict"):
        engine.score(rubric, kept, on_error="skip", strict=True)


@given(st.lists(st.text(max_size=12), max_size=12), st.sampled_from(["count", "number", "rate"]))
def test_any_text_is_a_number_or_a_named_refusal_never_a_crash(texts, kind):
    values, (bad, why) = numbers(column([t.strip() for t in texts]), kind)
    refused = dict(zip(bad.tolist(), why))
    for i, text in enumerate(t.strip() for t in texts):
        if text == "":
            assert math.isnan(values[i]) and i not in refused
            continue
        try:
            expected = parse_number(text, kind)
        except Refused as exc:
            assert refused[i] == str(exc)
        else:
            assert i not in refused and values[i] == expected and math.isfinite(values[i])


SIGNS = st.text(alphabet="+-−", max_size=3)
NUMBER_LIKE = st.one_of(
    st.text(alphabet="0123456789+-−.eE%,¥元 ", max_size=10),
    st.tuples(SIGNS, st.sampled_from(["", "¥"]), SIGNS, st.from_regex(r"\d{1,4}(\.\d{1,2})?([eE][+-]?\d)?", fullmatch=True),
              st.sampled_from(["", "%", "元"])).map("".join),
)


@given(NUMBER_LIKE, st.sampled_from(["count", "number", "rate"]))
def test_a_cell_of_number_characters_is_a_number_or_a_named_refusal(text, kind):
    """Signs, points, exponents and units in any order and number (`--5` was an internal error)."""
    values, (bad, why) = numbers(column([text.strip()]), kind)
    try:
        expected = parse_number(text.strip(), kind) if text.strip() else math.nan
    except Refused as exc:
        assert bad.tolist() == [0] and why == [str(exc)]
    else:
        assert bad.tolist() == [] and (values[0] == expected or math.isnan(expected) and math.isnan(values[0]))


HEADER_FORMS = {"a": ["a", "隐患数", "排查隐患数", "ａ"], "b": ["b", "已整改数", " b "], "id": ["id", "编号", "ＩＤ"]}


@given(st.permutations(["id", "a", "b"]), st.data())
def test_any_accepted_header_in_any_order_reads_the_same(order, data):
    engine = scoring.Engine()
    rubric = engine.rubric_from_text(rubric_text(RATIO_BODY + VETO, fields=FIELDS, head='id_title = "编号"\n'))
    rows = {"id": ["u1", "u2"], "a": ["10", "1,000"], "b": ["9", "１０"]}
    header = [data.draw(st.sampled_from(HEADER_FORMS[c])) for c in order]
    table = scoring.tables.RawTable.from_columns(header, [rows[c] for c in order], ["row 2", "row 3"])
    from scoring.evidence import type_table

    ev = type_table(table, rubric.model, source="t", data=b"", optional=rubric.optional_fields)
    assert ev.unit_ids.tolist() == ["u1", "u2"]
    assert ev.columns["a"].tolist() == [10.0, 1000.0] and ev.columns["b"].tolist() == [9.0, 10.0]


def test_a_file_over_the_byte_limit_is_refused_before_reading(engine, tmp_path, monkeypatch):
    import scoring.engine as engine_module

    rubric = engine.rubric_from_text(rubric_text(RATIO_BODY))
    path = tmp_path / "e.csv"
    path.write_text("id,a,b,flag\nu1,1,1,是\n")
    monkeypatch.setattr(engine_module, "MAX_EVIDENCE_BYTES", 10)
    with pytest.raises(EvidenceError, match="MAX_EVIDENCE_BYTES = 10"):
        engine.load_evidence(rubric, path)


CELL = st.one_of(st.text(max_size=8), st.sampled_from(["1,234", "¥5", "95%", "是", "√", "nan", "1_0", "2026Q1", ""]))


@given(st.lists(st.sampled_from(["id", "编号", "a", "隐患数", "b", "period", "parent", "x", "", "ＩＤ"]), min_size=1,
                max_size=6),
       st.lists(st.lists(CELL, max_size=7), max_size=6), st.sampled_from(["fail", "skip"]))
def test_any_csv_is_evidence_or_a_named_error(header, rows, policy):
    import csv
    import io
    import tempfile

    engine = scoring.Engine()
    rubric = engine.rubric_from_text(rubric_text(RATIO_BODY + VETO, fields=FIELDS, head='id_title = "编号"\n'))
    buf = io.StringIO()
    csv.writer(buf).writerows([header, *rows])
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "e.csv"
        path.write_text(buf.getvalue(), encoding="utf-8")
        try:
            ev = engine.load_evidence(rubric, path, on_error=policy)
        except scoring.ScoringError:
            return
        # Nothing lost: every row read is kept or named in a rejection.
        assert ev.rows + len({r.row for r in ev.rejected}) == ev.rows_read
        if ev.rows:
            engine.score(rubric, ev)


@given(st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=5),
                    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(["id", "a", "b", "x"]),
                                                                                 inner, max_size=4),
                    max_leaves=12))
def test_any_json_is_evidence_or_a_named_error(doc):
    import tempfile

    engine = scoring.Engine()
    rubric = engine.rubric_from_text(rubric_text(RATIO_BODY + VETO, fields=FIELDS))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "e.json"
        path.write_text(json.dumps(doc), encoding="utf-8")
        try:
            ev = engine.load_evidence(rubric, path, on_error="skip")
        except scoring.ScoringError:
            return
        assert ev.rows + len({r.row for r in ev.rejected}) == ev.rows_read


def test_a_blank_every_unit_shares_is_the_rubrics_design_not_a_warning(engine):
    """No exam in the summer quarter: every group leaves it blank, nobody is warned; one group alone is."""
    rubric = engine.load_rubric("group-school-supervision")
    import csv

    with open(rubric.sample, encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    assert not [w for w in engine.score(rubric, rows).warnings if w.code == "blank_in_some_periods"]
    own = [r for r in rows if r["period"] == "2026Q2" and not r["parent"] and r["unified_exams"]]
    own[0]["unified_exams"] = ""
    [w] = [w for w in engine.score(rubric, rows).warnings if w.code == "blank_in_some_periods"]
    assert w.unit == own[0]["id"] and w.field == "unified_exams" and "2026Q2" in w.message
