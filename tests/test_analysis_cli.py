"""End to end: `scoring stats`, `sensitivity`, `impact`, `run --by` and explain's margins, as subprocesses."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest

from tests.test_cli import scoring_cli

REPO = Path(__file__).resolve().parent.parent
BUNDLED = "enterprise-safety-target"
RUBRIC = REPO / "rubrics" / f"{BUNDLED}.toml"


def test_run_by_adds_statistics_by_group(tmp_path):
    proc = scoring_cli("run", BUNDLED, "--by", "industry", "-o", str(tmp_path / "r.json"))
    assert proc.returncode == 0, proc.stderr
    summary = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))["summary"]
    assert summary["statistics"]["indicators"]["certification"]["points"] == 10.0
    groups = summary["statistics_by"]["groups"]
    assert summary["statistics_by"]["by"] == "industry" and "液氯使用" in groups
    assert sum(g["units"] for g in groups.values()) == summary["units"] == 70
    units = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))["units"]
    assert all("margins" in u for u in units)


def test_run_by_an_unknown_field_is_a_usage_error(tmp_path):
    proc = scoring_cli("run", BUNDLED, "--by", "colour", "-o", str(tmp_path / "r.json"))
    assert proc.returncode == 2 and "'colour' is not a field" in proc.stderr and "industry" in proc.stderr
    assert not (tmp_path / "r.json").exists()


def test_stats_text_json_csv(tmp_path):
    proc = scoring_cli("stats", BUNDLED)
    assert proc.returncode == 0, proc.stderr
    assert "70 assessed unit(s)" in proc.stdout and "certification" in proc.stdout
    proc = scoring_cli("stats", BUNDLED, "--by", "industry", "-o", str(tmp_path / "s.csv"))
    assert proc.returncode == 0, proc.stderr
    rows = list(csv.DictReader((tmp_path / "s.csv").read_text(encoding="utf-8").splitlines()))
    assert {r["group"] for r in rows} == {"危化品生产", "国有加油站", "民营加油站", "液氯使用", "燃气充装"}
    proc = scoring_cli("stats", BUNDLED, "--format", "json")
    assert json.loads(proc.stdout)["grades"] == {"优秀": 23, "良好": 29, "合格": 15, "不合格": 3}


def test_sensitivity_end_to_end(tmp_path):
    args = ("sensitivity", BUNDLED, "--draws", "200", "--spread", "10%", "--seed", "4")
    one = scoring_cli(*args, "-o", str(tmp_path / "a.json"))
    two = scoring_cli(*args, "--format", "json")
    assert one.returncode == 0 and two.returncode == 0, one.stderr
    doc = json.loads((tmp_path / "a.json").read_text(encoding="utf-8"))
    assert doc == json.loads(two.stdout)  # seeded: the same figures
    assert doc["draws"] == 200 and doc["spread"] == 0.1 and len(doc["units"]) == 70
    assert 0.9 < doc["tau"]["mean"] <= 1 and doc["influence"][0]["item"] in {"hazards", "management", "training",
                                                                             "emergency", "targets"}
    assert "200 draws over 70 units in" in one.stderr
    zero = json.loads(scoring_cli("sensitivity", BUNDLED, "--draws", "20", "--spread", "0", "--format",
                                  "json").stdout)
    assert zero["tau"]["min"] == 1 and all(u["keep_grade"] == 1 for u in zero["units"])
    bad = scoring_cli("sensitivity", BUNDLED, "--spread", "lots")
    assert bad.returncode == 2 and "--spread 'lots'" in bad.stderr


def test_impact_end_to_end(tmp_path):
    text = RUBRIC.read_text(encoding="utf-8")
    new = text.replace('name = "良好"\nmin = 80', 'name = "良好"\nmin = 85').replace(
        'id = "letter"', 'id = "responsibility_letter"\n  replaces = "letter"')
    assert new != text
    sample = REPO / "rubrics" / "samples" / f"{BUNDLED}.csv"
    # the evidence is given, so the draft needs no sample of its own (a sample must sit beside its rubric)
    (tmp_path / "new.toml").write_text(re.sub(r'(?m)^sample = .*$', "", new), encoding="utf-8")
    proc = scoring_cli("impact", str(RUBRIC), str(tmp_path / "new.toml"), str(sample))
    assert proc.returncode == 0, proc.stderr
    assert "16 changed" in proc.stdout and "renamed: letter → responsibility_letter" in proc.stdout
    assert "良好 29 → 13" in proc.stdout
    proc = scoring_cli("impact", str(RUBRIC), str(tmp_path / "new.toml"), str(sample), "-o", str(tmp_path / "i.csv"))
    rows = list(csv.DictReader((tmp_path / "i.csv").read_text(encoding="utf-8").splitlines()))
    assert len(rows) == 16 and {(r["grade_old"], r["grade_new"]) for r in rows} == {("良好", "合格")}
    broken = scoring_cli("impact", str(RUBRIC), str(tmp_path / "missing.toml"), str(sample))
    assert broken.returncode == 1 and "missing.toml" in broken.stderr


@pytest.mark.parametrize("unit", ["E045"])
def test_explain_shows_margins(unit):
    proc = scoring_cli("explain", BUNDLED, "--sample", unit)
    assert proc.returncode == 0, proc.stderr
    margins = proc.stdout.split("\n差距\n")[1]  # the bundled rubric is Chinese, and so is its explanation
    assert "优秀：高出该等级下限（90）3.5 分（最高等级）" in margins
    # with the sample's earlier years (read as --history), 18 of the 优秀 are 先进 up to rank 22
    assert "advanced_unit（安全生产先进单位）：排名 16，名额线为第 22 名，在名额内，领先名额外最高者 3.2 分" in margins


def test_outputs_never_clobber_an_input(tmp_path):
    evidence = tmp_path / "e.csv"
    evidence.write_bytes((REPO / "rubrics" / "samples" / f"{BUNDLED}.csv").read_bytes())
    before = evidence.read_bytes()
    for args in (("stats", BUNDLED, str(evidence)), ("sensitivity", BUNDLED, str(evidence), "--draws", "3"),
                 ("impact", BUNDLED, BUNDLED, str(evidence))):
        proc = scoring_cli(*args, "-o", str(evidence), "--format", "json")
        assert proc.returncode in (1, 2) and "e.csv" in proc.stderr, (args, proc.stderr)
        assert evidence.read_bytes() == before
    proc = scoring_cli("stats", BUNDLED, "--format", "xml")
    assert proc.returncode == 2 and "use --format text, json or csv" in proc.stderr


def test_sensitivity_reads_the_earlier_years_the_run_reads(tmp_path: Path) -> None:
    """先进单位 needs three good years (history.*): the draws must read the same history as
    `scoring run`, or no unit would ever be inside the quota."""
    run = scoring_cli("run", "enterprise-safety-target", "-o", "r.json", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    doc = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    granted = {u["id"] for u in doc["units"] if any(c["id"] == "advanced_unit" for c in u["consequences"])}
    assert len(granted) == 18
    proc = scoring_cli("sensitivity", "enterprise-safety-target", "--draws", "20", "--format", "json", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    inside = {u["id"] for u in json.loads(proc.stdout)["units"] if u["quotas"]["advanced_unit"]["inside"]}
    assert inside == granted


def test_impact_reads_earlier_years_for_both_rubrics(tmp_path: Path) -> None:
    proc = scoring_cli("impact", "enterprise-safety-target", "enterprise-safety-target", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "--history" in proc.stderr  # the sample's own history, said on stderr
    assert "advanced_unit 安全生产先进单位: 18 → 18 unit(s)" in proc.stdout
    history = Path(__file__).resolve().parent.parent / "rubrics" / "samples" / "enterprise-safety-target-history"
    sample = history.parent / "enterprise-safety-target.csv"
    given = scoring_cli("impact", "enterprise-safety-target", "enterprise-safety-target", str(sample),
                        "--history", str(history), cwd=tmp_path)
    assert given.returncode == 0 and "18 → 18 unit(s)" in given.stdout, given.stderr
