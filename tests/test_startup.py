"""What every `scoring run` pays before reading evidence: modules it must not import, files it need not parse.

No timings here (machines are noisy; benchmarks/bench_job.py measures): these tests fail when a change
brings an import or a parse back onto every job's start-up path.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from xlsxwriter.utility import xl_col_to_name  # type: ignore[import-untyped]

import scoring
from scoring.headers import column_letters
from tests.conftest import RATIO_BODY, rubric_text

# Modules a CSV -> CSV job has no use for: other formats' libraries, test and authoring tools, analysis.
NOT_FOR_A_CSV_JOB = (
    "openpyxl", "xlsxwriter", "python_calamine", "hypothesis", "pandas", "polars", "duckdb", "jsonschema",
    "pyarrow.parquet", "pyarrow.compute", "scoring.analysis.impact", "scoring.analysis.margins", "scoring.amend",
    "scoring.examples", "scoring.check", "scoring.testing", "scoring.template", "scoring.diff",
    "scoring.member_results",
)
# A plain file on the fast path also needs no numpy.ma (imported by the first plain np.unique call).
NOT_FOR_A_PLAIN_CSV_JOB = (*NOT_FOR_A_CSV_JOB, "numpy.ma")

JOB = """
import json, sys
from scoring.cli import main
code = main(sys.argv[1:])
print(json.dumps({"code": code, "modules": sorted(sys.modules)}))
"""


def _modules_after(args: list[str], cwd: Path) -> set[str]:
    """The modules loaded in a fresh interpreter after `scoring <args>` ran in it (it must succeed)."""
    proc = subprocess.run([sys.executable, "-c", JOB, *args], capture_output=True, text=True, cwd=cwd,
                          timeout=300)
    assert proc.returncode == 0, proc.stderr
    found = json.loads(proc.stdout.splitlines()[-1])
    assert found["code"] == 0, proc.stderr
    return set(found["modules"])


def test_a_csv_job_imports_nothing_it_does_not_use(tmp_path):
    # The bundled rubric's sample, read on the careful path (it has rater panels), and a plain file.
    loaded = _modules_after(["run", "enterprise-safety-target", "--sample", "-o", "r.csv", "--quiet"], tmp_path)
    assert (tmp_path / "r.csv").exists()
    assert sorted(m for m in NOT_FOR_A_CSV_JOB if m in loaded) == []
    (tmp_path / "r.toml").write_text(rubric_text(RATIO_BODY), encoding="utf-8")
    (tmp_path / "e.csv").write_text("id,a,b,flag\nu1,10,9,是\nu2,4,4,否\nu3,10,5,1\n", encoding="utf-8")
    loaded = _modules_after(["run", "r.toml", "e.csv", "-o", "out.csv", "--quiet"], tmp_path)
    assert sorted(m for m in NOT_FOR_A_PLAIN_CSV_JOB if m in loaded) == []


def test_import_scoring_leaves_the_analysis_for_later():
    proc = subprocess.run([sys.executable, "-c", "import sys, scoring, scoring.cli; print(sorted(m for m in "
                           "sys.modules if m.startswith('scoring.analysis')))"], capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"


def test_the_analysis_names_are_still_there():
    from scoring.analysis import Impact, Margins, Sensitivity, Statistics

    assert (scoring.Impact, scoring.Margins, scoring.Sensitivity, scoring.Statistics) == (
        Impact, Margins, Sensitivity, Statistics)
    from scoring.analysis import compare_results, sensitivity, unit_margins

    assert callable(compare_results) and callable(unit_margins)
    assert callable(sensitivity)  # the function, not its module of the same name


def test_the_subpackages_are_attributes_after_import_scoring():
    """As docs/analysis.md shows: `import scoring` then `scoring.analysis.compare_results(...)`."""
    proc = subprocess.run([sys.executable, "-c", "import scoring; print(callable(scoring.analysis.compare_results), "
                           "scoring.analysis.impact.__name__, scoring.amend.__name__, scoring.examples.__name__)"],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["True", "scoring.analysis.impact", "scoring.amend", "scoring.examples"]


@settings(deadline=None)
@given(st.integers(0, 16383))  # every column an .xlsx sheet can have (A .. XFD)
def test_column_letters_are_xlsxwriters(j):
    assert column_letters(j) == xl_col_to_name(j)


def _engine_with(tmp_path: Path, files: dict[str, str]) -> scoring.Engine:
    paths = []
    for name, rubric_id in files.items():
        (tmp_path / name).write_text(rubric_text(RATIO_BODY).replace('id = "t"', f'id = "{rubric_id}"'),
                                     encoding="utf-8")
        paths.append(tmp_path / name)

    class Rubrics:
        @scoring.hookimpl
        def scoring_register_rubrics(self):
            return paths

    return scoring.Engine(plugins=[Rubrics()])


def test_a_bundled_id_resolves_as_the_full_list_would(tmp_path):
    engine = _engine_with(tmp_path, {"other.toml": "other-id", "by-name.toml": "by-name"})
    assert engine.resolve_rubric("by-name") == tmp_path / "by-name.toml"
    assert engine.resolve_rubric("other-id") == tmp_path / "other.toml"  # not named by its id: the full list


def test_two_bundled_files_with_one_id_pick_as_before(tmp_path):
    # `first.toml` also declares `dup`: the full list (sorted by id, registration order among equals) decides.
    engine = _engine_with(tmp_path, {"first.toml": "dup", "dup.toml": "dup"})
    expected = next(b.path for b in _engine_with(tmp_path, {"first.toml": "dup", "dup.toml": "dup"})
                    .bundled_rubrics() if b.id == "dup")
    assert expected == tmp_path / "first.toml"
    assert engine.resolve_rubric("dup") == expected


def test_a_file_named_like_an_id_it_does_not_declare_is_not_taken(tmp_path):
    engine = _engine_with(tmp_path, {"x.toml": "y"})
    assert engine.resolve_rubric("y") == tmp_path / "x.toml"
    try:
        engine.resolve_rubric("x")
    except scoring.RubricError as exc:
        assert "no bundled rubric" in str(exc)
    else:
        raise AssertionError("a file named x.toml that declares id y was taken for id x")


# --- period labels checked without np.unique (whose first call imports numpy.ma) ---------------------

labels = st.lists(st.sampled_from(["", "2026Q1", "2026q1", "２０２６Ｑ１", "2026Q4", "2026", "2026-01", "2026H1",
                                   "b", "B", "a\u00e9", "ae\u0301", "Z"]) | st.text(max_size=3), max_size=12)


@settings(deadline=None)
@given(labels, st.sampled_from([{}, {"periods": ["2026Q1", "2026Q2", "2026Q3", "2026Q4"]},
                                {"period_pattern": "quarter"}, {"period_pattern": "month"}]),
       st.sampled_from(["<U8", object]))
def test_refused_period_labels_are_as_with_np_unique(values, declared, dtype):
    """The same labels refused, for the same reasons, in the same order as when np.unique listed them."""
    import numpy as np

    from scoring import periods
    from scoring.model import RubricInfo

    info = RubricInfo(id="t", title="t", version="1", **declared)
    array = np.array(values, dtype=dtype)
    listed = [str(x) for x in np.unique(array[array != ""])] if array.size else []  # as refused listed them
    assert sorted({str(x) for x in array.tolist()} - {""}) == listed  # what refused now lists, in that order
    got = periods.refused(info, array)
    assert list(got.items()) == list(periods.refused(info, np.array(listed, dtype=object)).items())
    assert "" not in got


# --- scoring/arrow_compute.py gives what pyarrow.compute gives ----------------------------------------

texts = st.lists(st.one_of(st.none(), st.text(alphabet=" aAbB是否Ｙ\u00e9e\u0301\t1", max_size=4)), max_size=12)


@settings(deadline=None)
@given(texts, texts)
def test_arrow_compute_calls_match_pyarrow_compute(left, right):
    import pyarrow as pa
    import pyarrow.compute as reference

    from scoring import arrow_compute as light

    a, b = pa.array(left, pa.string()), pa.array((right + left)[:len(left)], pa.string())
    calls = [
        lambda pc: pc.take(a, pa.array(list(range(len(left)))[::-1], pa.int64())),
        lambda pc: pc.binary_join_element_wise(a, b, b),
    ]
    for call in calls:
        assert call(light).equals(call(reference))
    assert light.take is not reference.take  # its own, called by name


def test_arrow_compute_hands_other_functions_to_pyarrow_compute():
    import pyarrow as pa
    import pyarrow.compute as reference

    from scoring import arrow_compute as light

    assert light.utf8_upper is reference.utf8_upper  # not one it calls by name: pyarrow.compute's own
    assert light.sum(pa.array([1, 2])).as_py() == 3


def test_a_bundled_rubric_named_by_its_id_is_parsed_once(monkeypatch):
    """Found by its file name, its TOML was parsed to check the id and again to compile it (~6 ms a job)."""
    import scoring.engine

    calls = []
    parse = scoring.engine.parse_toml
    monkeypatch.setattr(scoring.engine, "parse_toml", lambda text, where: calls.append(where) or parse(text, where))
    rubric = scoring.engine.Engine().load_rubric("enterprise-safety-target")
    assert rubric.model.rubric.id == "enterprise-safety-target" and len(calls) == 1


@pytest.mark.parametrize("amended", [False, True])
def test_the_evidence_file_is_hashed_once_whatever_path_reads_it(monkeypatch, tmp_path, amended):
    """A file the fast path declines (a refused row here) was hashed again by the careful path, and an
    amended file once for each of its three typings (as it is, as the old values say: `2.0` for `2`, amended)."""
    import hashlib

    import scoring.engine
    from tests.enterprise_plain import plain_rows

    rows = plain_rows()
    rows[2][rows[0].index("meetings")] = "-1"  # refused: the fast path declines the file
    (tmp_path / "e.csv").write_text("\n".join(",".join(r) for r in rows) + "\n", encoding="utf-8")
    meetings, parent = rows[0].index("meetings"), rows[0].index("parent")
    other = next(r for r in rows[1:] if r[0] != rows[2][0] and not r[parent] and r[meetings])  # a unit still scored
    (tmp_path / "a.csv").write_text("单位,字段,期间,原值,新值,理由,批准人\n"
                                    f"{other[0]},meetings,{other[1]},{other[meetings]}.0,1,补录,张三\n", encoding="utf-8")
    hashed = []
    real = hashlib.sha256
    monkeypatch.setattr(hashlib, "sha256", lambda data=b"": hashed.append(len(data)) or real(data))
    engine = scoring.engine.Engine()
    rubric = engine.load_rubric("enterprise-safety-target")
    evidence = engine.load_evidence(rubric, tmp_path / "e.csv", on_error="skip",
                                    amendments=tmp_path / "a.csv" if amended else None)
    size = (tmp_path / "e.csv").stat().st_size
    assert evidence.rejected and evidence.sha256 == real((tmp_path / "e.csv").read_bytes()).hexdigest()
    assert hashed.count(size) == 1
