"""Evidence checks as plugins: refusals follow the error policy like a bad cell,
warnings reach the result, and the school-group checks live in scoring_schools."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import scoring
from scoring.plugin import CheckReport, EvidenceCheck, EvidenceRows, Refusal, hookimpl
from tests.conftest import rubric_text, single_indicator
from tests.test_plugin_schools import GAP_PARAMS, exams, score

BODY = single_indicator(10, "target", 'field = "a"\ntarget = 10')
ROWS: list[dict[str, Any]] = [
    {"id": "u1", "a": 10, "b": 1, "flag": True},
    {"id": "u2", "a": 7, "b": 7, "flag": True},
    {"id": "u3", "a": 5, "b": 0, "flag": False},
]


class NoFullMarks:
    """A bureau's rule across columns: b may not equal a (a copied column), and a warning for every flag off."""

    @hookimpl
    def scoring_register_checks(self) -> list[EvidenceCheck]:
        def run(rows: EvidenceRows) -> CheckReport:
            a, b = rows.columns["a"], rows.columns["b"]
            copied = np.flatnonzero((a == b) & ~rows.refused)
            off = [str(u) for u in rows.ids[~rows.columns["flag"]]]
            return CheckReport(refuse=[Refusal(copied, "b equals a: was the column copied?", "b")],
                               warnings=[f"unit {u}: flag is off" for u in off])
        return [EvidenceCheck("copied_columns", run, "b must not copy a")]


def test_a_refusal_fails_the_job_by_default_naming_the_row() -> None:
    engine = scoring.Engine(plugins=[NoFullMarks()])
    rubric = engine.rubric_from_text(rubric_text(BODY))
    with pytest.raises(scoring.EvidenceError, match="1 of 3 rows are invalid") as info:
        engine.score(rubric, ROWS)
    [rejected] = info.value.rejected
    assert (rejected.row, rejected.unit, rejected.field, rejected.value) == ("row 2", "u2", "b", "7")
    assert rejected.reason == "b equals a: was the column copied?"


def test_a_refusal_with_skip_rejects_the_unit_and_warnings_reach_the_result() -> None:
    engine = scoring.Engine(plugins=[NoFullMarks()])
    rubric = engine.rubric_from_text(rubric_text(BODY))
    result = engine.score(rubric, ROWS, on_error="skip")
    assert [str(u) for u in result.unit_ids] == ["u1", "u3"]
    assert [r.unit for r in result.evidence.rejected] == ["u2"]
    assert "unit u3: flag is off" in result.warnings


def test_a_check_that_raises_is_the_plugins_error() -> None:
    class Broken:
        @hookimpl
        def scoring_register_checks(self) -> list[EvidenceCheck]:
            return [EvidenceCheck("oops", lambda rows: rows.columns["nope"])]  # type: ignore[arg-type, return-value]

    engine = scoring.Engine(plugins=[Broken()])
    rubric = engine.rubric_from_text(rubric_text(BODY))
    with pytest.raises(scoring.PluginError, match="evidence check 'oops' of plugin 'Broken' raised KeyError"):
        engine.score(rubric, ROWS)


def test_a_check_that_answers_wrongly_is_the_plugins_error() -> None:
    class Sloppy:
        @hookimpl
        def scoring_register_checks(self) -> list[EvidenceCheck]:
            return [EvidenceCheck("far", lambda rows: CheckReport(refuse=[Refusal([99], "far away")]))]

    engine = scoring.Engine(plugins=[Sloppy()])
    rubric = engine.rubric_from_text(rubric_text(BODY))
    with pytest.raises(scoring.PluginError, match="refused row index 99, outside the 3 rows"):
        engine.score(rubric, ROWS)


# --- the school-group checks (scoring_schools) ------------------------------------------


def test_groups_without_exactly_one_lead_school_are_warned_of() -> None:
    rows = (
        exams("N0", [("A", "成员校", 70.0), ("B", "成员校", 60.0)])
        + exams("N2", [("C", "龙头校", 70.0), ("D", "龙头校", 60.0)])
        + exams("OK", [("E", "龙头校", 70.0), ("F", "成员校", 60.0)])
    )
    result = score(GAP_PARAMS, rows, "gap_to_lead", points=20)
    warned = [w for w in result.warnings if "needs exactly one lead school" in w]
    assert len(warned) == 2
    assert warned[0].startswith("group N0: no member row has role = '龙头校'")
    assert warned[1].startswith("group N2: 2 member rows have role = '龙头校'")
    assert result.unit("N2").indicators["i"].status == "not_applicable"


def test_the_school_checks_leave_other_rubrics_alone() -> None:
    engine = scoring.Engine()
    rubric = engine.load_rubric("enterprise-risk-grading")  # member rows too, and no school method
    result = engine.score(rubric, rubric.sample)
    assert not any("school" in w for w in result.warnings)


def test_the_cli_warns_of_a_group_with_two_lead_schools(tmp_path: Path) -> None:
    engine = scoring.Engine()
    rubric = engine.load_rubric("group-school-supervision")
    assert rubric.sample is not None
    lines = rubric.sample.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    parent, role = header.index("parent"), header.index("role")
    # Make the first member school of some group a second lead school.
    k = next(k for k, line in enumerate(lines) if k and line.split(",")[parent] and line.split(",")[role] == "成员校")
    cells = lines[k].split(",")
    cells[role] = "龙头校"
    lines[k] = ",".join(cells)
    evidence = tmp_path / "evidence.csv"
    evidence.write_text("\n".join(lines) + "\n", encoding="utf-8")
    exe = Path(sys.executable).with_name("scoring")
    done = subprocess.run([str(exe), "run", "group-school-supervision", str(evidence), "-o", str(tmp_path / "r.json")],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    period = f", period {cells[header.index('period')]}" if "period" in header else ""
    assert (f"warning: group {cells[parent]}{period}: 2 member rows have role = '龙头校'; indicator 'exam_gap' "
            "needs exactly one lead school") in done.stderr
