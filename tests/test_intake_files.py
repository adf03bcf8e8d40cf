"""Evidence as offices keep it: workbooks, GB18030 CSV, Chinese headers, templates (issue 9)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

import scoring
from scoring import EvidenceError
from tests.conftest import RATIO_BODY, rubric_text
from tests.intake_helpers import chinese_table, key_name, sample_rows, scores, write_xlsx
from tests.test_cli import scoring_cli

BUNDLED = [b.id for b in scoring.Engine().bundled_rubrics()]


@pytest.mark.parametrize("rubric_id", BUNDLED)
def test_xlsx_with_chinese_headers_scores_as_the_csv_sample(engine, tmp_path, rubric_id):
    rubric = engine.load_rubric(rubric_id)
    book = write_xlsx(tmp_path / "e.xlsx", rubric, title_row=True)
    from_xlsx = engine.score(rubric, book)
    from_csv = engine.score(rubric, rubric.sample)
    assert scores(from_xlsx) == scores(from_csv)
    assert from_xlsx.provenance.rows_read == from_csv.provenance.rows_read
    assert any("the header is row 2" in n for n in from_xlsx.evidence.notes)


@pytest.mark.parametrize("rubric_id", BUNDLED)
def test_gb18030_csv_with_chinese_headers_scores_as_the_sample(engine, tmp_path, rubric_id):
    rubric = engine.load_rubric(rubric_id)
    head, rows = chinese_table(rubric)
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows([head, *rows])
    path = tmp_path / "e.csv"
    path.write_bytes(out.getvalue().encode("gbk"))
    result = engine.score(rubric, path)
    assert scores(result) == scores(engine.score(rubric, rubric.sample))
    assert any("GB18030" in n for n in result.evidence.notes)


def test_gbk_csv_on_the_command_line_says_so_and_encoding_forces(tmp_path):
    (tmp_path / "r.toml").write_text(rubric_text(RATIO_BODY, fields='[fields]\na = { type = "count", title = "隐患数" }\n'
                                                 'b = { type = "count", title = "已整改数", max = "a" }\n'),
                                     encoding="utf-8")
    (tmp_path / "e.csv").write_bytes("编号,隐患数,已整改数\n甲,10,9\n".replace("编号", "id").encode("gbk"))
    proc = scoring_cli("run", "r.toml", "e.csv", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "note:" in proc.stderr and "GB18030" in proc.stderr
    assert json.loads(proc.stdout)["units"][0]["id"] == "甲"
    forced = scoring_cli("run", "r.toml", "e.csv", "--encoding", "utf-8", cwd=tmp_path)
    assert forced.returncode == 1 and "not valid utf-8" in forced.stderr and "Traceback" not in forced.stderr
    unknown = scoring_cli("run", "r.toml", "e.csv", "--encoding", "klingon", cwd=tmp_path)
    assert unknown.returncode == 2 and "no such encoding" in unknown.stderr
    (tmp_path / "x.csv").write_bytes(b"id,a,b\n\xff\xfe\xff,1,1\n")
    neither = scoring_cli("run", "r.toml", "x.csv", cwd=tmp_path)
    assert neither.returncode == 1 and "not UTF-8" in neither.stderr and "GB18030" in neither.stderr


def test_xlsx_errors_name_the_sheets_own_rows_and_sheet_option(engine, tmp_path):
    rubric = engine.rubric_from_text(rubric_text(RATIO_BODY))
    body = [["u1", "10", "9", "是"], ["u2", "4", "5", "否"]]
    book = write_xlsx(tmp_path / "e.xlsx", rubric, title_row=True, header=["id", "a", "b", "flag"], body=body,
                      sheet="数据", extra_sheet_first=True)
    with pytest.raises(EvidenceError):
        engine.load_evidence(rubric, book)  # the first sheet is the cover: no id column
    with pytest.raises(EvidenceError) as err:
        engine.load_evidence(rubric, book, sheet="数据")
    [r] = err.value.rejected
    assert r.row == "row 4" and r.unit == "u2" and r.field == "b"  # title row 1, header row 2, u1 row 3
    with pytest.raises(scoring.UsageError, match="no sheet"):
        engine.load_evidence(rubric, book, sheet="nope")
    with pytest.raises(scoring.UsageError, match="--sheet does not apply"):
        engine.load_evidence(rubric, tmp_path.joinpath("e.csv") if tmp_path.joinpath("e.csv").write_text("id\n") else "",
                             sheet="x")


def test_merged_two_row_header_and_trailing_blank_rows(engine, tmp_path):
    import xlsxwriter

    rubric = engine.rubric_from_text(rubric_text(RATIO_BODY, fields='[fields]\na = { type = "count", title = "隐患数" }\n'
                                                 'b = { type = "count", title = "已整改数", max = "a" }\n'))
    path = tmp_path / "m.xlsx"
    book = xlsxwriter.Workbook(str(path))
    ws = book.add_worksheet()
    ws.merge_range(0, 0, 1, 0, "id")          # spans both header rows
    ws.merge_range(0, 1, 0, 2, "隐患排查治理")   # a group heading over two columns
    ws.write(1, 1, "隐患数")
    ws.write(1, 2, "已整改数")
    ws.write(2, 0, "E1"), ws.write(2, 1, 10), ws.write_string(2, 2, "9")  # a number stored as text
    ws.write(3, 0, "E2"), ws.write(3, 1, 1), ws.write(3, 2, 1)
    ws.write_blank(20, 5, None, book.add_format({"bold": True}))  # formatting far below: not a row
    book.close()
    result = engine.score(rubric, path)
    assert [u.id for u in result.units()] and result.provenance.rows_read == 2


def test_json_duplicate_keys_are_rejected_naming_row_and_key(engine, tmp_path):
    rubric = engine.rubric_from_text(rubric_text(RATIO_BODY))
    path = tmp_path / "e.json"
    path.write_text('[{"id": "u1", "a": 10, "b": 9, "flag": true},'
                    ' {"id": "u2", "a": 4, "b": 1, "b": 4, "flag": true}]', encoding="utf-8")
    with pytest.raises(EvidenceError) as err:
        engine.load_evidence(rubric, path)
    [r] = err.value.rejected
    assert r.row == "item 2" and "'b' appears twice" in r.reason
    lines = tmp_path / "e.jsonl"
    lines.write_text('{"id": "u1", "a": 10, "b": 9, "flag": true}\n{"id": "u1", "id": "u9", "a": 1, "b": 1, "flag": 1}\n')
    ev = engine.load_evidence(rubric, lines, on_error="skip")
    assert [r.row for r in ev.rejected] == ["line 2"] and "'id' appears twice" in ev.rejected[0].reason


def test_deep_json_is_a_clear_error_not_a_crash(tmp_path):
    (tmp_path / "r.toml").write_text(rubric_text(RATIO_BODY), encoding="utf-8")
    (tmp_path / "deep.json").write_text("[" * 100_000 + "]" * 100_000)
    (tmp_path / "deep.jsonl").write_text('{"id": "u1", "a": ' + "[" * 100_000 + "]" * 100_000 + "}\n")
    for name in ("deep.json", "deep.jsonl"):
        proc = scoring_cli("run", "r.toml", name, cwd=tmp_path)
        assert proc.returncode == 1, proc.stderr
        assert "the limit on nesting" in proc.stderr and "Traceback" not in proc.stderr


def test_template_for_enterprise_filled_by_hand_with_real_industries(tmp_path):
    units = tmp_path / "units.csv"
    units.write_text("企业编号,企业名称\nE001,城关化工\nE002,河口建材厂\n", encoding="utf-8")
    proc = scoring_cli("template", "enterprise-safety-target", "-o", "form.xlsx", "--units", str(units), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_path(str(tmp_path / "form.xlsx"))
    assert book.sheet_names[:2] == ["填报表", "填报说明"]
    grid = book.get_sheet_by_index(0).to_python()
    head = [str(h) for h in grid[0]]
    # the stage (自评/复评) and inspector columns of the rubric's [stages] and [raters] come before the fields
    assert head[:7] == ["企业编号", "考核期", "所属企业编号", "评价阶段", "检查人员", "企业名称", "行业类别"]
    assert [r[:2] for r in grid[1:5]] == [["E001", p] for p in ("2026Q1", "2026Q2", "2026Q3", "2026Q4")]
    guide = book.get_sheet_by_name("填报说明").to_python()
    assert any(row[1] == "deaths" and "deaths" in row[6] for row in guide)
    # Fill it in as staff would: every figure, the industry as they write it.
    values = {"行业类别": None, "重点监管企业": "否", "签订安全生产目标责任书": "是", "应急预案备案": "√",
              "安全生产标准化等级": "无", "特种作业人员持证率": "95%", "风险抵押金(元)": "¥50,000"}
    industries = {"E001": "危险化学品", "E002": "建材"}
    body = []
    for row in grid[1:]:
        filled = []
        for h, v in zip(head, row):
            if h in ("企业编号", "考核期", "企业名称"):
                filled.append(str(v))
            elif h == "评价阶段":
                filled.append("复评")  # the team's review (a stage column must be filled in every row)
            elif h == "检查人员":
                filled.append("")  # one unnamed row per enterprise and quarter: no panel
            elif h in ("所属企业编号", "隐患发现日期", "整改期限", "整改完成日期"):
                filled.append("")  # no hazard register rows in this form: the enterprises' own rows only
            elif h == "行业类别":
                filled.append(industries[str(row[0])])
            elif h in values:
                filled.append(values[h])
            elif h.endswith("控制指标"):
                filled.append("10000" if "损失" in h else "1")
            else:
                filled.append("0" if "事故" in h or "伤" in h or "死亡" in h or "损失" in h else "2")
        body.append(filled)
    rubric = scoring.Engine().load_rubric("enterprise-safety-target")
    write_xlsx(tmp_path / "filled.xlsx", rubric, header=head, body=body, numbers=False)
    run = scoring_cli("run", "enterprise-safety-target", "filled.xlsx", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    units_out = json.loads(run.stdout)["units"]
    assert sorted(u["id"] for u in units_out) == ["E001", "E002"] and all(u["score"] > 0 for u in units_out)


@pytest.mark.parametrize("rubric_id", BUNDLED)
def test_template_round_trip(engine, tmp_path, rubric_id):
    """template -> fill in the sample's figures under the template's own headers -> run = the CSV sample's result."""
    rubric = engine.load_rubric(rubric_id)
    rows = sample_rows(rubric)
    info = rubric.model.rubric
    if rubric.model.stages is not None:  # the form is filled in with the review; the self-assessment is another
        stage = rubric.model.stages.column
        rows = [r for r in rows if r[stage] not in ("self", *rubric.model.stages.self_labels)]
    units = tmp_path / "units.csv"
    with open(units, "w", encoding="utf-8", newline="") as handle:
        w = csv.writer(handle)
        keys = [info.id_column] + ([info.parent_column] if info.parent_column in rows[0] else [])
        w.writerow(keys + ["name"])
        seen = set()
        for row in rows:
            if row[info.id_column] not in seen:
                seen.add(row[info.id_column])
                w.writerow([row[k] for k in keys] + [row.get("name", "")])
    for suffix in ("xlsx", "csv"):
        form = tmp_path / f"form.{suffix}"
        proc = scoring_cli("template", rubric_id, "-o", str(form), "--units", str(units), cwd=tmp_path)
        assert proc.returncode == 0, proc.stderr
        table = engine.registry.loaders["xlsx" if suffix == "xlsx" else "csv"].read(form, form.read_bytes())
        from scoring import headers as hd

        names = hd.header_names(rubric.model)
        targets = [names[hd.normalise(str(c))] for c in table.columns]
        # A unit's period may have several rows: one per inspector of a panel ([raters]), and the staff
        # copy the form's row for each of them.
        by_key: dict[tuple[str, str], list[dict[str, str]]] = {}
        for row in rows:
            by_key.setdefault((row[info.id_column], row.get(info.period_column, "")), []).append(row)
        filled = []
        for i in range(table.n_rows):
            cells = {t: str(table.column(j)[i]) for j, t in enumerate(targets)}
            key = (cells[hd.ID], cells.get(hd.PERIOD, ""))
            if info.periods and key not in by_key:
                continue  # the sample lacks this unit's period: the staff leave the row out
            filled += [[source.get(key_name(rubric, t), "") for t in targets] for source in by_key[key]]
        assert len(filled) == len(rows)
        out = tmp_path / f"filled.{suffix}"
        if suffix == "xlsx":
            write_xlsx(out, rubric, header=[str(c) for c in table.columns], body=filled)
        else:
            buf = io.StringIO()
            csv.writer(buf).writerows([[str(c) for c in table.columns], *filled])
            out.write_text(buf.getvalue(), encoding="utf-8-sig")
        assert scores(engine.score(rubric, out)) == scores(engine.score(rubric, rubric.sample)), suffix


def test_the_readme_shows_the_evaluators_path_first_with_the_forms_own_headers(engine):
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    start = readme.index("## For the evaluator")
    assert start < readme.index("## Two commands")
    section = readme[start:readme.index("\n## ", start + 1)]
    header = next(line for line in section.splitlines() if line.startswith("| 企业编号"))
    from scoring.template import form_columns

    form = [c.header for c in form_columns(engine.load_rubric("enterprise-safety-target"))]
    shown = [h.strip() for h in header.strip("|").split("|") if h.strip() != "…"]
    assert shown and all(h in form for h in shown)
    assert "scoring template enterprise-safety-target" in section and "scoring run enterprise-safety-target" in section


def test_a_csv_title_row_above_the_header_is_skipped(engine, tmp_path):
    rubric = engine.rubric_from_text(rubric_text(RATIO_BODY))
    path = tmp_path / "e.csv"
    path.write_text("2026年度考核汇总表\nid,a,b,flag\nu1,10,9,是\nu2,4,5,否\n", encoding="utf-8")
    with pytest.raises(EvidenceError) as err:
        engine.load_evidence(rubric, path)
    [r] = err.value.rejected
    assert r.row == "row 4" and r.field == "b"  # the file's own line numbers


def test_workbook_dates_and_booleans_read_as_the_sheet_shows_them(engine, tmp_path):
    import datetime as dt

    import xlsxwriter

    fields = ('[fields]\na = { type = "count" }\nb = { type = "count", max = "a" }\nflag = { type = "bool" }\n'
              'signed = { type = "text", missing = "zero" }\n')
    rubric = engine.rubric_from_text(rubric_text(RATIO_BODY + '\n[[veto]]\nid = "v"\ntitle = "v"\n'
                                                 'when = "flag and signed == \'2026-03-31\'"\n', fields=fields))
    path = tmp_path / "d.xlsx"
    book = xlsxwriter.Workbook(str(path))
    ws = book.add_worksheet()
    ws.write_row(0, 0, ["id", "a", "b", "flag", "signed"])
    ws.write_row(1, 0, ["u1", 10, 9])
    ws.write_boolean(1, 3, True)
    ws.write_datetime(1, 4, dt.datetime(2026, 3, 31), book.add_format({"num_format": "yyyy-mm-dd"}))
    book.close()
    ev = engine.load_evidence(rubric, path)
    assert ev.columns["signed"].tolist() == ["2026-03-31"] and ev.columns["flag"].tolist() == [True]
    assert engine.score(rubric, ev).unit("u1").vetoes  # the veto read the date as written
