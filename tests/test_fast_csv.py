"""The plain-CSV fast path reads exactly what the careful path reads, or declines.

`scoring.fast_csv.plain_csv_evidence` answers only for plain, valid files; for
anything else it returns None and the careful path (the CSV loader's cells
typed by `scoring.evidence.type_table`) reads the file as always.
"""

from __future__ import annotations

import csv
import io
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

import scoring
from scoring.evidence import Evidence, type_table
from scoring.fast_csv import _chunked_floats, _dictionary, has_number_run, plain_csv_evidence
from scoring.testing import from_rubric, rubrics
from scoring_std.loaders import read_csv
from tests.enterprise_plain import plain_text

ENGINE = scoring.Engine()
RUBRIC = ENGINE.load_rubric("enterprise-safety-target")
# The sample without its inspection panel and self-assessment (columns the fast path leaves to the
# careful one): one plain row per enterprise and quarter, as tests/enterprise_plain.py makes it.
SAMPLE = plain_text().encode("utf-8")


def careful(rubric: scoring.Rubric, path: Path, data: bytes) -> Evidence:
    # As the engine types a file: the rubric's member and optional fields, and its evidence checks.
    return type_table(read_csv(path, data), rubric.model, source=str(path), data=data,
                      member_fields=rubric.member_fields, optional=rubric.optional_fields,
                      checks=ENGINE._row_checks(rubric))


def assert_same(a: Evidence, b: Evidence) -> None:
    assert (a.source, a.sha256, a.rows_read) == (b.source, b.sha256, b.rows_read)
    for name in ("unit_ids", "periods", "parents", "kept_rows"):
        x, y = getattr(a, name), getattr(b, name)
        assert (x is None and y is None) or (x.dtype.kind == y.dtype.kind and np.array_equal(x, y)), name
    assert a.columns.keys() == b.columns.keys()
    for name in a.columns:
        x, y = a.columns[name], b.columns[name]
        assert x.dtype == y.dtype, name
        assert np.array_equal(x, y, equal_nan=x.dtype.kind == "f"), name
        assert np.array_equal(a.missing[name], b.missing[name]), name
    assert a.warnings == b.warnings and a.rejected == b.rejected


def agrees_or_declines(rubric: scoring.Rubric, path: Path, data: bytes, fast: Evidence | None,
                       read_carefully: Any = None) -> None:
    """The fast path's answer is the careful path's (evidence and notes), or it declined: it never answers
    for a file the careful path refuses. `read_carefully(rubric, path, data)`: the careful path (a CSV's)."""
    try:
        slow = (read_carefully or careful)(rubric, path, data)
    except scoring.EvidenceError:
        assert fast is None
        return
    if fast is not None:
        assert_same(fast, slow)
        assert fast.notes == slow.notes


def csv_bytes(rubric: scoring.Rubric, rows: list[dict[str, Any]], words: tuple[str, str],
              quoting: int = csv.QUOTE_MINIMAL, end: str = "\n") -> bytes:
    """The rows as Python's csv.writer writes them: QUOTE_MINIMAL quotes a cell only when it holds a
    comma, a quote or a line break, as Excel and WPS do; QUOTE_ALL quotes every cell, header too."""
    info = rubric.model.rubric
    names: list[str] = [info.id_column]
    for row in rows:
        names += [k for k in row if k not in names]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator=end, quoting=quoting)
    writer.writerow(names)
    for row in rows:
        cells = []
        for name in names:
            value = row.get(name)
            if value is None:
                cells.append("")
            elif isinstance(value, bool):
                cells.append(words[0] if value else words[1])
            elif isinstance(value, float):
                cells.append(repr(value))
            else:
                cells.append(str(value))
        writer.writerow(cells)
    return out.getvalue().encode("utf-8")


@pytest.mark.parametrize("rubric_id", [b.id for b in ENGINE.bundled_rubrics()])
def test_bundled_samples_take_the_fast_path_and_read_the_same(rubric_id: str) -> None:
    rubric = ENGINE.load_rubric(rubric_id)
    assert rubric.sample is not None
    path = Path(rubric.sample)
    data = path.read_bytes()
    fast = plain_csv_evidence(rubric, path, data)
    if rubric.model.raters is not None or rubric.model.stages is not None:
        # The fast path knows no rater or stage column: it declines the sample, the engine reads it carefully.
        engine_path = ENGINE.load_evidence(rubric, path)
        assert_same(engine_path, careful(rubric, path, data))
        return
    assert fast is not None
    assert_same(fast, careful(rubric, path, data))


# What a text cell may be given after its drawn value: a comma, quotes, a blank or a line break make
# the writer quote it (QUOTE_MINIMAL), as Excel does a company name 南关加油站（北京,分公司）.
_DRESS = st.sampled_from([",分公司", '"号"', '""', ", ", " ", "\n", "\r\n"])


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), rubric=rubrics(ENGINE), words=st.sampled_from([("是", "否"), ("true", "false"), ("1", "0")]),
       quoting=st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL]), end=st.sampled_from(["\n", "\r\n"]))
def test_fast_path_agrees_or_declines_on_any_evidence(
    data: st.DataObject, rubric: scoring.Rubric, words: tuple[str, str], quoting: int, end: str,
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    rows = data.draw(from_rubric(rubric, units=(1, 8)))
    info = rubric.model.rubric
    keys = {info.id_column, info.period_column, info.parent_column}
    dress = ["", *data.draw(st.lists(_DRESS, max_size=2))]  # this file's ways of writing a text cell
    for row in rows:
        for name, value in row.items():
            if isinstance(value, str) and name not in keys:
                row[name] = value + data.draw(st.sampled_from(dress))
    raw = csv_bytes(rubric, rows, words, quoting, end)
    path = tmp_path_factory.mktemp("fast") / "evidence.csv"
    fast = plain_csv_evidence(rubric, path, raw)
    event(f"fast={fast is not None} quoted={bytes([34]) in raw}")  # see --hypothesis-show-statistics
    agrees_or_declines(rubric, path, raw, fast)


@pytest.mark.parametrize(("old", "new", "why"), [
    # Quoting the careful path's csv module (strict) and Arrow's reader may read apart (tests/test_csv_quotes.py).
    ("城关民营加油站", '"城关"民营加油站', "text after a closing quote (the careful path refuses the file)"),
    ("城关民营加油站", '"城关民营加油站" ', "a blank after a closing quote (the careful path refuses the file)"),
    (",城关民营加油站", ', "城关民营加油站"', "a blank before an opening quote (the quotes are text)"),
    ("城关民营加油站", '城关"民营"加油站', "quotes inside an unquoted cell"),
    ("城关民营加油站", '"城关\n民营加油站"', "a line break in a quoted cell (Excel's Alt+Enter)"),
    ("城关民营加油站", '"城关\r\n民营加油站"', "a CRLF line break in a quoted cell"),
    ("城关民营加油站", '"城关,民营加油站', "a quote opened and never closed"),
    ("id,period", '"id,period', "a quote opened in the header and never closed"),
    ("城关民营加油站", '" 城关民营加油站"', "a quoted cell with a blank inside its quotes (the careful path strips it)"),
    (",10000\n", ',""\n', "a quoted empty figure the rubric needs (the careful path refuses the row)"),
    (",10000\n", ",\"10,000\"\n", "a number with a thousands separator (quoted, as Excel writes it)"),
    (",0.85,", ",85%,", "a rate written as a percentage"),
    (",是,", ",√,", "a yes/no cell the fast path does not read"),
    (",民营加油站,", ",民营加油站 ,", "a choice with a trailing blank"),
    (",3,", ",-3,", "a negative count (a row the checks refuse)"),
    (",3,", ",nan,", "text that reads as NaN"),
    (",3,", ",3.000000000000000000000000000000000000000000000000000000000000000000,",
     "a number longer than MAX_NUMBER_CHARS"),
    ("E001,", "Ｅ001,", "a full-width id (read as E001 by the careful path)"),
    # Blanks Python's str.strip removes (and the careful path with it), not only ASCII ones.
    ("城关民营加油站", "\u3000城关民营加油站", "a name after an ideographic space"),
    (",10000\n", "," + " " * 140_000 + "10000\n", "a figure padded past the csv module's field limit (it refuses the file)"),
    (",10000\n", ",\t" + " " * 70 + "10000\n", "a figure padded with more blanks than a number has characters"),
    ("id,period", '"id\r",period', "a CR inside a quoted header cell"),
    ("城关民营加油站", "城关民营加油站\xa0", "a name before a no-break space"),
    (",民营加油站,", ",民营加油站\x1f,", "an industry before a unit separator"),
    ("E001,", "E001\x0b,", "an id before a vertical tab"),
    (",无,", ",四级,", "a choice that is not one of the declared values"),
    (",无,", ",Ｎ,", "a choice the careful path refuses after NFKC"),
    (",是,", ",Yes ,", "a yes/no word with a blank after it"),
    ("城关民营加油站", "城" * 32_768, "a cell longer than MAX_CELL_CHARS"),
    ("E001,", "E" + "0" * 100 + ",", "an id longer than MAX_KEY_CHARS"),
    (",2026Q1,", ",２０２６Q1,", "a full-width period (NFKC)"),
    (",10000\n", ",1" + "0" * 64 + "\n", "a 65-digit number"),
    (",3,", ",inf,", "a number Arrow reads as infinity"),
])
def test_fast_path_declines_what_needs_care(old: str, new: str, why: str, tmp_path: Path) -> None:
    text = SAMPLE.decode("utf-8")
    assert old in text, why
    changed = text.replace(old, new, 1).encode("utf-8")
    path = tmp_path / "evidence.csv"
    path.write_bytes(changed)
    assert plain_csv_evidence(RUBRIC, path, changed) is None, why
    # The engine still reads it the careful way: scored, or refused with the row named.
    try:
        evidence = ENGINE.load_evidence(RUBRIC, path)
    except scoring.EvidenceError as exc:
        # A row refused, by its row; or quoting the csv module cannot read, by its line (or the header).
        assert (exc.rejected and exc.rejected[0].row.startswith("row ")) or re.search(r": (line \d+|cannot read the header row): ", str(exc))
    else:
        assert_same(evidence, careful(RUBRIC, path, changed))


@pytest.mark.parametrize("quoted", [False, True])
def test_lines_ended_by_cr_alone_go_to_the_careful_path(quoted: bool, tmp_path: Path) -> None:
    """Excel for Mac's "CSV (Macintosh)" ends lines with CR alone; with a quoted cell in it the header
    reader met the whole file as one line, and the command ended with an internal error (exit 3)."""
    text = SAMPLE.decode("utf-8")
    if quoted:
        text = text.replace("城关民营加油站", '"城关,民营加油站"', 1)
    data = text.replace("\r\n", "\n").replace("\n", "\r").encode("utf-8")
    path = tmp_path / "mac.csv"
    path.write_bytes(data)
    assert plain_csv_evidence(RUBRIC, path, data) is None
    proc = subprocess.run([sys.executable, "-m", "scoring", "run", "enterprise-safety-target", str(path),
                           "-o", str(tmp_path / "r.csv"), "--quiet"], capture_output=True, text=True, timeout=300)
    assert proc.returncode in (0, 1), proc.stderr
    assert "Traceback" not in proc.stderr and "internal error" not in proc.stderr


def test_fast_path_reads_gbk_as_the_careful_path_does_and_declines_extra_columns(tmp_path: Path) -> None:
    path = tmp_path / "evidence.csv"
    gbk = SAMPLE.decode("utf-8").encode("gb18030")
    fast = plain_csv_evidence(RUBRIC, path, gbk)
    assert fast is not None  # GBK, as Excel on Chinese Windows saves CSV: read as GB18030, with the note
    slow = careful(RUBRIC, path, gbk)
    assert_same(fast, slow)
    assert fast.notes == slow.notes and len(fast.notes) == 1 and "read as GB18030" in fast.notes[0]
    mixed = SAMPLE.replace("城关".encode("utf-8"), "城关".encode("gb18030"), 1)  # one GBK name among UTF-8 ones
    agrees_or_declines(RUBRIC, path, mixed, plain_csv_evidence(RUBRIC, path, mixed))  # GB18030 whole, or left
    assert plain_csv_evidence(RUBRIC, path, b"\x81\x30,\xff\n") is None  # neither encoding
    lines = SAMPLE.decode("utf-8").splitlines()
    extra = "\n".join([lines[0] + ",note"] + [line + ",x" for line in lines[1:]]) + "\n"
    assert plain_csv_evidence(RUBRIC, path, extra.encode("utf-8")) is None
    with_bom = b"\xef\xbb\xbf" + SAMPLE
    fast = plain_csv_evidence(RUBRIC, path, with_bom)
    assert fast is not None
    assert_same(fast, careful(RUBRIC, path, with_bom))


@pytest.mark.parametrize("how", ["title", "mixed"])
def test_fast_path_reads_headers_as_offices_write_them(how: str, tmp_path: Path) -> None:
    """Columns headed by the fields' titles (企业编号, 考核期, 死亡人数 ...), or a mix of ids, titles,
    full-width and upper-case forms, are read on the fast path exactly as the careful path reads them."""
    model, info = RUBRIC.model, RUBRIC.model.rubric
    titles = {info.id_column: info.id_title, info.period_column: info.period_title,
              **{n: f.title for n, f in model.fields.items() if f.title}}
    lines = SAMPLE.decode("utf-8").splitlines()
    header = lines[0].split(",")
    if how == "title":
        renamed = [titles.get(h, h) for h in header]
    else:  # every third by title, every third in full-width upper case, the rest by id
        renamed = [titles.get(h, h) if k % 3 == 0 else
                   h.upper().translate({c: c + 0xFEE0 for c in range(0x21, 0x7F)}) if k % 3 == 1 else h
                   for k, h in enumerate(header)]
    assert renamed != header
    data = "\n".join([",".join(renamed)] + lines[1:]).encode("utf-8") + b"\n"
    path = tmp_path / "evidence.csv"
    for encoded in (data, data.decode("utf-8").encode("gb18030")):  # CSV UTF-8, and Excel's GBK CSV
        fast = plain_csv_evidence(RUBRIC, path, encoded)
        assert fast is not None
        slow = careful(RUBRIC, path, encoded)
        assert_same(fast, slow)
        assert fast.notes == slow.notes
    unknown = "\n".join([",".join(renamed[:-1] + ["备注"])] + lines[1:]).encode("utf-8")
    assert plain_csv_evidence(RUBRIC, path, unknown) is None  # the careful path warns about it
    twice = "\n".join([",".join([renamed[0]] + renamed[:-1])] + lines[1:]).encode("utf-8")
    assert plain_csv_evidence(RUBRIC, path, twice) is None  # the careful path refuses it


def fast_path_answers(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Whether the fast path answered, once per file the engine loads from now on (it declines with None)."""
    import scoring.engine as engine_module

    answers: list[bool] = []

    def spy(*args: object, **kwargs: object) -> Evidence | None:
        found = plain_csv_evidence(*args, **kwargs)  # type: ignore[arg-type]
        answers.append(found is not None)
        return found

    monkeypatch.setattr(engine_module, "plain_csv_evidence", spy)
    return answers


def test_a_rubric_with_a_panel_keeps_the_fast_path_for_a_file_without_raters(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The enterprise rubric declares [raters] and [stages]; a file with neither column (one row per
    enterprise and quarter, as a big county export is) is still read by whole columns, and the
    bundled sample, which has both columns, is not."""
    answers = fast_path_answers(monkeypatch)
    path = tmp_path / "plain.csv"
    path.write_bytes(SAMPLE)
    evidence = ENGINE.load_evidence(RUBRIC, path)
    assert answers == [True] and evidence.raters is None and evidence.stages is None
    assert_same(evidence, careful(RUBRIC, path, SAMPLE))
    assert RUBRIC.sample is not None
    panel = ENGINE.load_evidence(RUBRIC, Path(RUBRIC.sample))
    assert answers == [True, False] and panel.raters is not None and panel.stages is not None


@settings(max_examples=200, deadline=None)
@given(parts=st.lists(st.tuples(st.booleans(), st.integers(1, 140)), max_size=12),
       limit=st.sampled_from([3, 20, 47, 48, 63, 64, 65, 80, 100]))
def test_number_runs_are_found_as_the_plain_search_finds_them(parts: list[tuple[bool, int]], limit: int) -> None:
    # Runs of number bytes (digits and .eE+-) and of other bytes, of any length at any offset.
    data = b"".join((b"0123456789.eE+-"[k % 15:k % 15 + 1] if number else b",x\n\xe4"[k % 4:k % 4 + 1])
                    for number, size in parts for k in range(size))
    plain = b"0" * (limit + 1) in data.translate(bytes(48 if b in b"0123456789.eE+-" else 44 for b in range(256)))
    assert has_number_run(data, limit) == plain


# Cells as people type them: blanks of every kind around words, full-width letters and
# digits, declared choices and others, yes/no words in several cases; commas, quotes and line
# breaks, which Excel writes by quoting the cell.
_CELL = st.one_of(st.text(st.sampled_from(list('E0１Ｅ是否Yy无三级二一 \u3000\xa0\t\x0b\x1fé\u0301ﬁ,"\n')), max_size=6),
                  st.sampled_from(["南关加油站（北京,分公司）", '说"好"', '"', ",", "", "三级", "是", "否", "E001"]))
# Number cells: figures, blanks, figures with a thousands separator or a blank.
_NUMBER_CELL = st.sampled_from(["", "0", "12", " 3 ", "1,234", "0.5", "-1", "1e1", "x", '"'])


def _quoted(cell: str) -> str:
    return '"' + cell.replace('"', '""') + '"'


# How a drawn cell is written into the file: as the csv module writes it (quoted only if it must
# be, as Excel does, or always), or by hand: as it is, quoted without doubling its quotes, or with
# a blank, a letter or a line break before or after its quotes.
_WRITE = st.one_of(st.sampled_from([lambda c: _csv_line([c])[0], _quoted]), st.sampled_from([
    lambda c: c, lambda c: f'"{c}"', lambda c: " " + _quoted(c), lambda c: _quoted(c) + " ", lambda c: _quoted(c) + "x",
    lambda c: "x" + _quoted(c), lambda c: _quoted(c + "\n"), lambda c: _quoted(c + "\r\n"), lambda c: _quoted(c)[:-1],
]))


def _csv_line(cells: list[str], quoting: int = csv.QUOTE_MINIMAL) -> list[str]:
    """Each cell as csv.writer writes it in a line."""
    out = []
    for cell in cells:
        buffer = io.StringIO()
        csv.writer(buffer, quoting=quoting, lineterminator="").writerow([cell])
        out.append(buffer.getvalue() if cell or quoting == csv.QUOTE_ALL else "")
    return out


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), every=st.booleans(), end=st.sampled_from(["\n", "\r\n"]))
def test_fast_path_agrees_or_declines_on_any_text_cell(data: st.DataObject, every: bool, end: str,
                                                      tmp_path_factory: pytest.TempPathFactory) -> None:
    """Each distinct text is checked once now, not each cell: whatever is written into a key,
    text, choice, yes/no or number cell, quoted or not, well or badly, in a file whose other cells
    are quoted only where they must be or all (header too), the fast path reads the file as the
    careful path does, or leaves it to it."""
    rows = [line.split(",") for line in SAMPLE.decode("utf-8").splitlines()]
    written = [_csv_line(row, csv.QUOTE_ALL if every else csv.QUOTE_MINIMAL) for row in rows]
    header = rows[0]
    targets = ["id", "period", "name", "industry", "key_enterprise", "standardization", "hazard_found_on",
               "meetings", "fire_loss", "certified_share"]
    for _ in range(data.draw(st.integers(1, 3))):
        row = data.draw(st.integers(1, len(rows) - 1))
        name = data.draw(st.sampled_from(targets))
        cell = data.draw(_NUMBER_CELL if name in ("meetings", "fire_loss", "certified_share") else _CELL)
        written[row][header.index(name)] = data.draw(_WRITE)(cell)
    raw = "".join(",".join(line) + end for line in written).encode("utf-8")
    path = tmp_path_factory.mktemp("cells") / "evidence.csv"
    fast = plain_csv_evidence(RUBRIC, path, raw, checks=ENGINE._row_checks(RUBRIC))  # as the engine calls it
    event(f"fast={fast is not None}")
    agrees_or_declines(RUBRIC, path, raw, fast)


_CHUNKS = st.lists(st.lists(st.none() | st.sampled_from(["是", "否", "E001", "三级", "a b", "Ｅ"]), max_size=6), max_size=5)


@settings(max_examples=100, deadline=None)
@given(chunks=_CHUNKS, cut=st.integers(0, 3))
def test_dictionary_columns_decode_to_their_cells_across_chunks(chunks: list[list[str | None]], cut: int) -> None:
    # Arrow's reader gives each block of the file its own dictionary; some arrays are slices.
    import pyarrow as pa

    arrays = [pa.array(c, type=pa.string()).dictionary_encode() for c in chunks]
    arrays = [a.slice(min(cut, len(a))) if k % 2 else a for k, a in enumerate(arrays)]
    cells = [v for a in arrays for v in a.to_pylist()]
    codes, listed = _dictionary(pa.chunked_array(arrays, type=pa.dictionary(pa.int32(), pa.string())))
    assert [listed[c] for c in codes.tolist()] == [v or "" for v in cells]
    assert len(set(listed)) == len(listed)  # one code per distinct text


@settings(max_examples=100, deadline=None)
@given(chunks=st.lists(st.lists(st.none() | st.floats(allow_nan=True), max_size=6), max_size=5), cut=st.integers(0, 3))
def test_number_columns_decode_to_their_cells_across_chunks(chunks: list[list[float | None]], cut: int) -> None:
    import pyarrow as pa

    arrays = [pa.array(c, type=pa.float64()) for c in chunks]
    arrays = [a.slice(min(cut, len(a))) if k % 2 else a for k, a in enumerate(arrays)]
    cells = [v for a in arrays for v in a.to_pylist()]
    values = _chunked_floats(pa.chunked_array(arrays, type=pa.float64()))
    if any(v is not None and v != v for v in cells):
        assert values is None  # a NaN that is not a blank cell: the careful path's business
        return
    assert values is not None
    assert np.array_equal(values, np.array([np.nan if v is None else v for v in cells], dtype=float), equal_nan=True)


@pytest.mark.parametrize(("style", "copies"), [("plain", 30), ("excel", 240), ("all", 200)])
def test_fast_path_reads_a_file_of_many_blocks_as_the_careful_path(style: str, copies: int, tmp_path: Path) -> None:
    """Arrow reads a file by blocks of 1 MiB, each with its own dictionaries: codes unified across
    them, blanks in any block, read the same as the careful path reads them. Quoted files are made
    bigger than 8 MiB, where Arrow reads blocks on several threads, split at line ends: one name in
    five quoted with a comma inside ("excel"), or every cell quoted ("all")."""
    lines = SAMPLE.decode("utf-8").splitlines()
    copied = [re.sub(r"(^|,)E0", rf"\g<1>E{k:03d}-", line) for k in range(copies) for line in lines[1:]]  # ids, parents
    name = lines[0].split(",").index("name")
    rows = [line.split(",") for line in [lines[0], *copied]]
    if style == "excel":
        for cells in rows[1::5]:
            cells[name] = f'"{cells[name]}（北京,分公司）"'
    elif style == "all":
        rows = [[f'"{c}"' for c in cells] for cells in rows]
    raw = "".join(",".join(cells) + "\n" for cells in rows).encode("utf-8")
    assert len(raw) > (1 << 20 if style == "plain" else 8 << 20)
    path = tmp_path / "evidence.csv"
    path.write_bytes(raw)
    fast = plain_csv_evidence(RUBRIC, path, raw, checks=ENGINE._row_checks(RUBRIC))
    assert fast is not None and fast.rows_read == len(copied)
    assert_same(fast, careful(RUBRIC, path, raw))


def _spreadsheet_file(style: str, encoding: str) -> tuple[bytes, list[list[str]]]:
    """The plain sample as a spreadsheet saves it, with a company name holding a comma and one holding
    quotes: Excel and WPS quote such cells only ("excel"), and end lines with CRLF; some exporters
    quote every cell, header too ("all")."""
    rows = [line.split(",") for line in SAMPLE.decode("utf-8").splitlines()]
    name = rows[0].index("name")
    rows[1][name] = "南关加油站（北京,分公司）"
    rows[2][name] = '城关"民营"加油站'
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n", quoting=csv.QUOTE_ALL if style == "all" else csv.QUOTE_MINIMAL).writerows(rows)
    return out.getvalue().encode(encoding), rows


@pytest.mark.parametrize("style", ["excel", "all"])
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_quoted_cells_as_spreadsheets_write_them_take_the_fast_path(
        style: str, encoding: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A file with quoted cells used to go to the careful path whole (ten times slower at a million
    rows); now, its quoting being well-formed, it is read by whole columns, with the careful path's
    evidence and notes."""
    raw, rows = _spreadsheet_file(style, encoding)
    assert b'"' in raw
    path = tmp_path / "evidence.csv"
    path.write_bytes(raw)
    fast = plain_csv_evidence(RUBRIC, path, raw, checks=ENGINE._row_checks(RUBRIC))
    assert fast is not None
    slow = careful(RUBRIC, path, raw)
    assert_same(fast, slow)
    assert fast.notes == slow.notes
    assert list(fast.columns["name"][:2]) == ["南关加油站（北京,分公司）", '城关"民营"加油站']
    answers = fast_path_answers(monkeypatch)
    assert_same(ENGINE.load_evidence(RUBRIC, path), slow)
    assert answers == [True]  # the engine read it on the fast path


def test_a_quoted_file_scores_as_the_careful_path_scores_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """End to end, the real command: a file quoted as Excel quotes it, and one with every cell quoted,
    give the same output bytes read on the fast path as read with --encoding utf-8 (which takes the
    careful path)."""
    from tests.test_cli import scoring_cli

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764460800")  # the results' "created" time, the same in both runs
    for style in ("excel", "all"):
        path = tmp_path / f"{style}.csv"
        path.write_bytes(_spreadsheet_file(style, "utf-8")[0])
        outputs = []
        for how in ([], ["--encoding", "utf-8"]):
            written = tmp_path / f"{style}-{len(how)}.json"
            done = scoring_cli("run", "enterprise-safety-target", str(path), "-o", str(written), "--quiet", *how)
            assert done.returncode == 0, done.stderr
            outputs.append(written.read_bytes())
        assert outputs[0] == outputs[1]
