"""Exit 3 is for bugs only: the real CLI driven with hostile TOML, CSV and JSON.

hypothesis writes rubrics, evidence and `--previous` files the way a careless
author or a hostile reporting unit might (deep nesting, huge numbers, odd
unicode, binary junk, values of the wrong type in every place) and runs
`scoring.cli.main` on them in-process (fast enough for hundreds of cases); a
few cases run the installed command as a subprocess. Whatever the input, the
exit code is 0, 1 or 2 and no traceback is printed.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scoring.cli import EXIT_INTERNAL, main
from tests.conftest import rubric_text

RUBRIC = rubric_text("""
[[dimension]]
id = "d"
points = 10
  [[dimension.indicator]]
  id = "rect"
  points = 6
  method = "ratio"
  numerator = "b"
  denominator = "a"
  [[dimension.indicator]]
  id = "calc"
  points = 4
  method = "expression"
  value = "min(a, 4) if flag else 0"

[[veto]]
id = "v"
title = "veto"
when = "a > 1000"

[[consequence]]
id = "again"
title = "two years"
when = "grade == 'C' and previous.grade == 'C'"
""")

# --- pieces of hostile input -----------------------------------------------------------

HUGE_NUMBERS = st.sampled_from([
    "9" * 400, "9" * 4400, "-" + "9" * 5000, "1e400", "-1e400", "1e-400", "nan", "inf", "-inf", "NaN",
    "0x" + "f" * 300, "0x" + "f" * 4000, "1_000_000", "00", "-0", "1e308", "179769313486231570814527423731704356798070e300",
])
ODD_TEXT = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["ｘ", "ｓｃｏｒｅ", "\u200b", "\ufeff", "\x00", "\ud800".encode("utf-8", "surrogatepass").decode(
        "utf-8", "replace"), "=cmd|' /C calc'!A0", "a\nb", '"', "'", "\\", "优秀 ", " 优秀", "é", "e\u0301",
        "\U0001F600", "%s%n", "{}", "[[", "]]"]),
)
BINARY = st.binary(max_size=200)


def nested(depth: int, open_: str = "[", close: str = "]", leaf: str = "1") -> str:
    return open_ * depth + leaf + close * depth


DEEP = st.integers(min_value=1, max_value=3000).map(nested)


def toml_value() -> st.SearchStrategy[str]:
    return st.one_of(
        HUGE_NUMBERS,
        ODD_TEXT.map(json.dumps),  # a TOML basic string (JSON escapes are TOML escapes)
        DEEP,
        st.integers(min_value=1, max_value=2000).map(lambda d: nested(d, "{a=", "}")),
        st.sampled_from(["true", "[]", "{}", "[1, 'a']", '"""x"""', "'''y'''", "1979-05-27T07:32:00Z", "[[1]]"]),
        st.floats(allow_nan=True, allow_infinity=True).map(repr),
    )


@st.composite
def rubrics(draw: st.DrawFn) -> bytes:
    """A valid rubric with one line's value replaced, lines added or dropped, or junk."""
    kind = draw(st.sampled_from(["replace", "append", "drop", "junk", "truncate"]))
    lines = RUBRIC.splitlines()
    if kind == "junk":
        return draw(BINARY)
    if kind == "truncate":
        return RUBRIC.encode("utf-8")[: draw(st.integers(0, len(RUBRIC)))]
    if kind == "drop":
        del lines[draw(st.integers(0, len(lines) - 1))]
    elif kind == "append":
        key = draw(st.sampled_from(["x", "id", "points", "blocks", "min", "sample", "when", "ｘ", '"ｘ"', "a.b.c"]))
        lines.insert(draw(st.integers(0, len(lines))), f"{key} = {draw(toml_value())}")
    else:
        candidates = [i for i, line in enumerate(lines) if " = " in line]
        i = draw(st.sampled_from(candidates))
        key = lines[i].split(" = ", 1)[0]
        lines[i] = f"{key} = {draw(toml_value())}"
    return ("\n".join(lines) + "\n").encode("utf-8", "surrogatepass")


CELL = st.one_of(
    st.sampled_from(["", "1", "0", "是", "否", "85%", "-1", "1e999", "nan", "inf", "9" * 400, "1,000", " 3 "]),
    HUGE_NUMBERS, ODD_TEXT,
)


@st.composite
def csv_evidence(draw: st.DrawFn) -> bytes:
    if draw(st.integers(0, 9)) == 0:
        return draw(BINARY)
    header = draw(st.lists(st.sampled_from(["id", "a", "b", "flag", "x", "period", "parent", "ｉｄ", "", "a"]),
                           min_size=1, max_size=7))
    rows = draw(st.lists(st.lists(CELL, min_size=0, max_size=len(header) + 1), max_size=6))

    def quote(cell: str) -> str:
        return '"' + cell.replace('"', '""') + '"' if any(c in cell for c in ',"\n\r') else cell
    text = "\n".join(",".join(quote(c) for c in row) for row in [header, *rows]) + "\n"
    return text.encode("utf-8", "surrogatepass")


JSON_SCALAR = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), ODD_TEXT)
JSON_ANY = st.recursive(JSON_SCALAR, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.dictionaries(st.sampled_from(["id", "a", "b", "flag", "x"]), inner, max_size=3)),
    max_leaves=8)


@st.composite
def json_evidence(draw: st.DrawFn) -> bytes:
    choice = draw(st.integers(0, 5))
    if choice == 0:
        return draw(BINARY)
    if choice == 1:  # deep nesting, or a huge number, as raw text json.dumps would not write
        depth = draw(st.integers(1, 100_000))
        return ("[" * depth + "]" * depth).encode() if draw(st.booleans()) else f'[{{"id": "u", "a": {"9" * depth}}}]'.encode()
    row = st.dictionaries(st.sampled_from(["id", "a", "b", "flag", "x", "period"]), JSON_ANY, max_size=5)
    doc = draw(st.one_of(st.lists(row, max_size=4), JSON_ANY))
    return json.dumps(doc, ensure_ascii=draw(st.booleans())).encode("utf-8", "surrogatepass")


@st.composite
def previous_files(draw: st.DrawFn) -> bytes:
    choice = draw(st.integers(0, 4))
    if choice == 0:
        return draw(BINARY)
    if choice == 1:
        depth = draw(st.integers(1, 100_000))
        return ("[" * depth + "]" * depth).encode()
    unit = {"id": draw(st.one_of(st.just("u1"), JSON_SCALAR)), "score": draw(JSON_SCALAR), "rank": draw(JSON_SCALAR),
            "grade": draw(st.one_of(st.sampled_from(["A", "C", "C ", "Ｃ"]), JSON_SCALAR)),
            "vetoes": draw(st.one_of(st.just([]), JSON_ANY))}
    doc = {"rubric": {"id": draw(st.sampled_from(["t", "other"])), "sha256": draw(st.one_of(st.just("0" * 64),
                                                                                            JSON_SCALAR))},
           "units": draw(st.one_of(st.just([unit]), JSON_ANY))}
    text = json.dumps(doc, ensure_ascii=False)
    if choice == 2:  # a number json.dumps would not write: 400 digits in the rank
        text = text.replace('"rank": ', f'"rank": {"9" * 400}, "_rank": ', 1)
    return text.encode("utf-8", "surrogatepass")


GOOD_CSV = b"id,a,b,flag\nu1,10,9,1\nu2,4,4,0\n"


def run_cli(argv: list[str]) -> tuple[int, str]:
    """Run the CLI in-process; return its exit code and everything it printed."""
    out = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", errors="replace")
    err = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(argv)
        except SystemExit as exc:  # argparse's usage errors
            code = exc.code if isinstance(exc.code, int) else 2
    return code, err.getvalue()


def assert_not_a_bug(code: int, stderr: str, argv: list[str]) -> None:
    assert code != EXIT_INTERNAL, f"exit 3 for {argv}:\n{stderr[-3000:]}"
    assert "Traceback" not in stderr and "internal error" not in stderr, stderr[-3000:]
    assert code in (0, 1, 2), (code, stderr[-3000:])


FUZZ = settings(max_examples=60, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@FUZZ
@given(rubric=rubrics(), command=st.sampled_from(["run", "validate", "explain", "show"]))
def test_any_rubric_is_a_clear_error_or_a_result(rubric: bytes, command: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "r.toml").write_bytes(rubric)
        (folder / "e.csv").write_bytes(GOOD_CSV)
        argv = {"run": ["run", str(folder / "r.toml"), str(folder / "e.csv"), "-o", str(folder / "out.json")],
                "validate": ["validate", str(folder / "r.toml")],
                "explain": ["explain", str(folder / "r.toml"), str(folder / "e.csv"), "u1"],
                "show": ["rubrics", "show", str(folder / "r.toml")]}[command]
        assert_not_a_bug(*run_cli(argv), argv)


@FUZZ
@given(evidence=st.one_of(csv_evidence().map(lambda b: ("e.csv", b)), json_evidence().map(lambda b: ("e.json", b)),
                          json_evidence().map(lambda b: ("e.jsonl", b))),
       on_error=st.sampled_from(["fail", "skip"]), fmt=st.sampled_from(["json", "csv", "md"]))
def test_any_evidence_is_a_clear_error_or_a_result(evidence: tuple[str, bytes], on_error: str, fmt: str) -> None:
    name, data = evidence
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "r.toml").write_text(RUBRIC, encoding="utf-8")
        (folder / name).write_bytes(data)
        argv = ["run", str(folder / "r.toml"), str(folder / name), "--on-error", on_error, "--format", fmt,
                "-o", str(folder / f"out.{fmt}"), "--rejects", str(folder / "rejects.csv")]
        assert_not_a_bug(*run_cli(argv), argv)


@FUZZ
@given(previous=previous_files())
def test_any_previous_file_is_a_clear_error_or_a_result(previous: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "r.toml").write_text(RUBRIC, encoding="utf-8")
        (folder / "e.csv").write_bytes(GOOD_CSV)
        (folder / "last.json").write_bytes(previous)
        argv = ["run", str(folder / "r.toml"), str(folder / "e.csv"), "--previous", str(folder / "last.json"),
                "-o", str(folder / "out.json")]
        assert_not_a_bug(*run_cli(argv), argv)


# --- the installed command, as a subprocess, on the classic cases ------------------------

def scoring_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    exe = Path(sys.executable).with_name("scoring")
    command = [str(exe)] if exe.exists() else [sys.executable, "-m", "scoring.cli"]
    return subprocess.run(command + list(args), capture_output=True, text=True, cwd=cwd, timeout=120,
                          env={**os.environ, "PYTHONIOENCODING": "utf-8"})


@pytest.mark.parametrize("name, text, message", [
    ("deep-array", RUBRIC.replace('version = "1"', 'version = "1"\ndescription = ' + nested(500)), "nested more than"),
    ("deep-table", RUBRIC.replace('version = "1"', 'version = "1"\ndescription = ' + nested(400, "{a=", "}")),
     "nested more than"),
    ("huge-integer", RUBRIC.replace("points = 10", "points = " + "9" * 4300, 1), "digits, more than the limit"),
])
def test_hostile_rubrics_as_a_subprocess(tmp_path: Path, name: str, text: str, message: str) -> None:
    (tmp_path / "r.toml").write_text(text, encoding="utf-8")
    (tmp_path / "e.csv").write_bytes(GOOD_CSV)
    proc = scoring_cli("run", "r.toml", "e.csv", cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr
    assert message in proc.stderr and "Traceback" not in proc.stderr
    assert len(proc.stderr) < 2000  # the error does not echo the hostile value


def test_hostile_previous_files_as_a_subprocess(tmp_path: Path) -> None:
    (tmp_path / "r.toml").write_text(RUBRIC, encoding="utf-8")
    (tmp_path / "e.csv").write_bytes(GOOD_CSV)
    (tmp_path / "deep.json").write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    (tmp_path / "rank.json").write_text(
        '{"rubric": {"id": "t"}, "units": [{"id": "u1", "rank": ' + "9" * 400 + "}]}", encoding="utf-8")
    for name, message in (("deep.json", "nested more than 32 deep"), ("rank.json", "400 digits")):
        proc = scoring_cli("run", "r.toml", "e.csv", "--previous", name, cwd=tmp_path)
        assert proc.returncode == 1 and message in proc.stderr, proc.stderr
        assert "Traceback" not in proc.stderr
