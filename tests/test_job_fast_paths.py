"""The whole-job fast paths give exactly what the careful, one-at-a-time code gives.

Each shortcut taken for a million-row job (benchmarks/bench_job.py) is checked
here against the plain code it stands for, on drawn input: key codes against
`np.unique`, the layout built from the evidence's codes against one built
without them, a report column formatted by distinct values against `fmt_cell`
cell by cell, CSV escaping of a column against `csv_text` per cell, and the
JSON margins templates against the indenting encoder on the unit views.
"""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import scoring
from scoring.keys import codes_of, key_codes
from scoring.layout import build_layout
from scoring.report.escape import FORMULA_START, csv_text, csv_texts
from scoring.report.tables import _FROM_ARRAY, Column, fmt_cell, number_column
from scoring.testing import from_rubric, rubrics
from scoring.unit_table import _nested, margin_texts

ENGINE = scoring.Engine()
ENTERPRISE = ENGINE.load_rubric("enterprise-safety-target")

TEXT = st.text(alphabet=st.sampled_from(list("aAbZ09-_ Eé中文Ｅ２\t")), max_size=6)


@given(st.lists(TEXT, max_size=40))
def test_key_codes_are_np_unique(values: list[str]) -> None:
    column = np.array(values, dtype=str) if values else np.zeros(0, dtype=str)
    found = key_codes(column)
    distinct, inverse = np.unique(column, return_inverse=True)
    assert found.distinct.dtype == distinct.dtype
    assert np.array_equal(found.distinct, distinct) and np.array_equal(found.codes, inverse.reshape(-1))
    # Given in first-seen order (as Arrow's dictionary encoding gives them): the same answer.
    listed = list(dict.fromkeys(column.tolist()))
    first = np.array([listed.index(v) for v in column.tolist()], dtype=np.int64)
    again = key_codes(column, (first, listed))
    assert np.array_equal(again.distinct, distinct) and np.array_equal(again.codes, inverse.reshape(-1))
    # Reused only for the very array it describes.
    assert codes_of(column, found) is found and codes_of(column.copy(), found) is not found


def _without_keys(evidence: scoring.Evidence) -> scoring.Evidence:
    return dataclasses.replace(evidence, unit_keys=None, period_keys=None)


def _same_layout(a: object, b: object) -> None:
    for name in ("unit_ids", "frame_unit", "frame_period", "starts", "last"):
        x, y = getattr(a, name), getattr(b, name)
        assert x.dtype == y.dtype and np.array_equal(x, y), name
    for name in a.columns:  # type: ignore[attr-defined]
        x, y = a.columns[name], b.columns[name]  # type: ignore[attr-defined]
        assert np.array_equal(x, y, equal_nan=x.dtype.kind == "f"), name
        assert np.array_equal(a.missing[name], b.missing[name]), name  # type: ignore[attr-defined]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), rubric=rubrics(ENGINE), shuffle=st.randoms(use_true_random=False))
def test_layout_from_the_evidence_codes_is_the_layout_without_them(data, rubric, shuffle) -> None:
    rows = data.draw(from_rubric(rubric, units=(1, 8)))
    shuffle.shuffle(rows)  # rows in any order: the sorted shortcut must not be taken for granted
    try:
        evidence = ENGINE.evidence_from_rows(rubric, rows, on_error="skip")
    except scoring.EvidenceError:
        return
    with_keys = build_layout(evidence, rubric.model)
    plain = build_layout(_without_keys(evidence), rubric.model)
    _same_layout(with_keys, plain)
    if with_keys.frame_period_keys is not None:
        distinct, inverse = np.unique(with_keys.frame_period, return_inverse=True)
        assert np.array_equal(with_keys.frame_period_keys.codes, inverse.reshape(-1))
    assert ENGINE.score(rubric, evidence).to_dict()["units"] == ENGINE.score(rubric, _without_keys(evidence)).to_dict()["units"]


FIGURES = st.lists(st.one_of(st.sampled_from([0.0, -0.0, 0.5, 2.25, 7.5, 1e6, -3.05, float("nan")]),
                             st.floats(-1e9, 1e9, allow_nan=False)), max_size=30)


@given(FIGURES, st.sampled_from(["number", "amount"]), st.integers(0, 4), st.booleans(), st.data())
def test_number_column_texts_are_fmt_cell(values, kind, places, thousands, data) -> None:
    arr = np.array(values, dtype=float)
    na = np.array(data.draw(st.lists(st.booleans(), min_size=arr.size, max_size=arr.size)), dtype=bool)
    col = number_column("x", "X", kind, arr, places, na if na.any() else None)
    assert col.texts(thousands=thousands, na="NA!") == [fmt_cell(v, col, na="NA!", thousands=thousands)
                                                        for v in col.values]


@given(st.lists(st.one_of(st.integers(1, 10**6).map(float), st.just(float("nan"))), max_size=30))
def test_rank_column_texts(values) -> None:
    arr = np.array(values, dtype=float)
    col = Column("rank", "名次", "int", [None if x != x else int(x) for x in values], array=arr)
    assert col.texts() == [fmt_cell(v, col) for v in col.values]


@given(st.lists(st.one_of(st.none(), st.text(max_size=5), st.floats(allow_nan=False, allow_infinity=False)),
                max_size=20))
def test_text_column_texts_are_fmt_cell(values) -> None:
    col = Column("t", "T", "text", values)
    assert col.texts() == [fmt_cell(v, col) for v in values]


@given(st.lists(st.text(alphabet=st.sampled_from(list(FORMULA_START) + list("ab\n 1中")), max_size=5), max_size=20))
def test_csv_texts_is_csv_text_per_cell(values) -> None:
    assert csv_texts(values) == [csv_text(v) for v in values]


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), indent=st.sampled_from([None, 2]))
def test_margin_templates_are_the_encoder_on_the_unit_views(data, indent) -> None:
    rows = data.draw(from_rubric(ENTERPRISE, units=(1, 40)))
    try:
        result = ENGINE.score(ENTERPRISE, rows, on_error="skip")
    except scoring.EvidenceError:
        return
    margins = result.margins()
    order = result.order()
    sep = ", " if indent is None else ",\n" + " " * 6
    want = [b"" if e is None else f'{sep}"margins": '.encode() + _nested(e, indent, 6)
            for e in margins.entries(order)]
    templates: dict[tuple[bool, ...], list[bytes]] = {}
    assert margin_texts(margins, order, indent, 6, templates) == want
    # Templates kept from an earlier chunk serve a later one.
    assert margin_texts(margins, order[::-1], indent, 6, templates) == want[::-1]


@pytest.mark.parametrize("rubric_id", [b.id for b in ENGINE.bundled_rubrics()])
def test_margin_templates_on_the_bundled_samples(rubric_id: str) -> None:
    rubric = ENGINE.load_rubric(rubric_id)
    assert rubric.sample is not None
    result = ENGINE.score(rubric, rubric.sample)
    margins = result.margins()
    order = result.order()
    want = [b"" if e is None else b',\n      "margins": ' + _nested(e, 2, 6) for e in margins.entries(order)]
    assert margin_texts(margins, order, 2, 6, {}) == want
    assert json.loads(ENGINE.render(result, "json"))["units"][0].keys() >= {"id", "score"}


@pytest.mark.parametrize("word", ["NA", "null", "N/A", "nan", "#N/A", "NULL"])
def test_fast_csv_reads_null_words_as_text_like_the_careful_path(word: str, tmp_path) -> None:
    """Arrow reads "NA", "null", ... as null by default; here only a blank cell is blank."""
    from scoring.fast_csv import plain_csv_evidence
    from tests.enterprise_plain import plain_text
    from tests.test_fast_csv import careful

    # the sample as a plain file (no inspector or stage column, which the fast path leaves to the careful one)
    lines = plain_text().splitlines()
    header = lines[0].split(",")
    cells = lines[1].split(",")
    cells[header.index("name")] = word  # a text field
    data = ("\n".join([lines[0], ",".join(cells)] + lines[2:]) + "\n").encode("utf-8")
    path = tmp_path / "e.csv"
    fast = plain_csv_evidence(ENTERPRISE, path, data)
    slow = careful(ENTERPRISE, path, data)
    assert slow.columns["name"][0] == word
    assert fast is not None and fast.columns["name"][0] == word
    # A figure written so is not a blank cell: the fast path leaves it to the careful one, which refuses it.
    cells = lines[1].split(",")
    cells[header.index("fire_loss")] = word
    data = ("\n".join([lines[0], ",".join(cells)] + lines[2:]) + "\n").encode("utf-8")
    assert plain_csv_evidence(ENTERPRISE, path, data) is None


@given(st.lists(TEXT, max_size=40), st.data())
def test_kept_key_codes_are_np_unique_of_the_kept_rows(values: list[str], data) -> None:
    column = np.array(values, dtype=str) if values else np.zeros(0, dtype=str)
    keep = np.array(data.draw(st.lists(st.booleans(), min_size=len(values), max_size=len(values))), dtype=bool)
    kept = column[keep]
    found = key_codes(column).kept(keep, kept)
    distinct, inverse = np.unique(kept, return_inverse=True)
    assert found.source is kept and found.distinct.dtype == distinct.dtype
    assert np.array_equal(found.distinct, distinct) and np.array_equal(found.codes, inverse.reshape(-1))


@pytest.mark.parametrize(("cell", "takes_fast_path"), [
    (" 3", True), ("3 ", True), ("1e0", True), ("+1", True), ("1.", True), (".5e1", True),
    ("\u30003", False), ("1" * 65, False), ("0." + "0" * 62 + "1", False),
    # More blanks around a figure than a number has characters: the careful path's (which refuses a
    # figure padded past the csv module's field limit; the fast path does not count blanks apart).
    ("3" + " " * 70, False), ("3" + " " * 10, True),
    ("1 0", False), ("1 000", False), ("3.0000000000000004", True), ("2.9999999999999996", True),
])
def test_fast_csv_numbers_read_as_the_careful_path_reads_them(cell: str, takes_fast_path: bool, tmp_path) -> None:
    """Number cells are parsed by Arrow's CSV reader: the same figures as the careful path, or it declines."""
    from scoring.fast_csv import plain_csv_evidence
    from tests.enterprise_plain import plain_text
    from tests.test_fast_csv import agrees_or_declines

    # the sample as a plain file (no inspector or stage column, which the fast path leaves to the careful one)
    lines = plain_text().splitlines()
    header = lines[0].split(",")
    cells = lines[1].split(",")
    cells[header.index("meetings")] = cell  # a count field
    data = ("\n".join([lines[0], ",".join(cells)] + lines[2:]) + "\n").encode("utf-8")
    path = tmp_path / "e.csv"
    fast = plain_csv_evidence(ENTERPRISE, path, data)
    assert (fast is not None) == takes_fast_path
    agrees_or_declines(ENTERPRISE, path, data, fast)


_LEAF = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), st.text(max_size=6))
_KEY = st.one_of(st.text(max_size=4), st.integers(), st.booleans(), st.none(), st.floats(allow_nan=False))
_JSONISH = st.recursive(_LEAF, lambda inner: st.one_of(st.lists(inner, max_size=5), st.lists(inner, max_size=5).map(tuple),
                                                       st.dictionaries(_KEY, inner, max_size=5)), max_leaves=25)


@settings(max_examples=500)
@given(_JSONISH, st.sampled_from([1, 2, 4]))
def test_dumps_indented_is_the_standard_library_text(value, indent) -> None:
    from scoring.json_text import dumps_indented

    try:
        want = json.dumps(value, ensure_ascii=False, indent=indent, allow_nan=False)
    except ValueError:  # NaN or infinity: refused by both
        with pytest.raises(ValueError):
            dumps_indented(value, indent)
        return
    assert dumps_indented(value, indent) == want


_CSV_CELL = st.text(alphabet=st.sampled_from(list('ab,"\r\n 中=-')), max_size=4)


@given(st.integers(1, 4).flatmap(lambda k: st.lists(st.lists(_CSV_CELL, min_size=k, max_size=k), max_size=6)))
def test_csv_rows_are_the_csv_module_rows(rows) -> None:
    import csv
    import io

    from scoring_std.csv_report import csv_rows

    width = len(rows[0]) if rows else 1
    columns = [[row[j] for row in rows] for j in range(width)]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerows(rows)
    assert csv_rows(columns, writer) == buffer.getvalue()


def _csv_module_table(columns: list[Column]) -> str:
    """A ranking as the csv module writes it: the careful path the Arrow-assembled CSV stands for."""
    import csv
    import io

    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow([csv_text(c.header(False)) for c in columns])
    w.writerows(zip(*[csv_texts(c.texts()) if c.kind == "text" else c.texts() for c in columns]))
    return out.getvalue()


CELL_TEXT = st.text(alphabet=st.sampled_from(list(FORMULA_START) + list('ab 1,"\n中—')), max_size=4)


@st.composite
def report_columns(draw: st.DrawFn) -> list[Column]:
    n = draw(st.integers(0, 12))
    cols = []
    for j in range(draw(st.integers(1, 5))):
        kind = draw(st.sampled_from(["text", "plain", "number", "rank"]))
        if kind == "text":
            # Mostly plain text (the Arrow path), sometimes a cell to quote or a figure (the csv module's).
            cell = draw(st.sampled_from([st.text(alphabet="ab1中=-", max_size=3), CELL_TEXT,
                                         st.one_of(st.none(), st.floats(-5, 5), st.text(alphabet="ab", max_size=2))]))
            cols.append(Column(f"t{j}", f"T{j}", "text", draw(st.lists(cell, min_size=n, max_size=n))))
        elif kind == "plain":  # a list column that is not text: fmt_cell, never escaped
            values = draw(st.lists(st.one_of(st.none(), st.floats(-1e3, 1e3)), min_size=n, max_size=n))
            cols.append(Column(f"p{j}", f"P{j}", "amount", values, 2))
        elif kind == "number":
            arr = np.array(draw(st.lists(st.one_of(st.sampled_from([0.0, -0.0, -1.5, 2.25, float("nan")]),
                                                   st.floats(-1e6, 1e6)), min_size=n, max_size=n)), dtype=float)
            na = np.array(draw(st.lists(st.booleans(), min_size=n, max_size=n)), dtype=bool)
            cols.append(number_column(f"n{j}", f"N{j}", "number", arr, draw(st.integers(0, 3)), na if na.any() else None))
        else:
            ranks = draw(st.lists(st.one_of(st.integers(1, 10**6).map(float), st.just(float("nan"))),
                                  min_size=n, max_size=n))
            cols.append(Column(f"r{j}", "名次", "int", _FROM_ARRAY, array=np.array(ranks, dtype=float)))
    return cols


@settings(max_examples=300, deadline=None)
@given(report_columns(), st.booleans())
def test_the_csv_writer_writes_what_the_csv_module_writes(columns: list[Column], bom: bool) -> None:
    from plugins.scoring_std.csv_report import csv_table
    from scoring.report.csv_rows import csv_body
    from scoring.writers import WriteOptions

    want = _csv_module_table(columns)
    assert csv_table(columns, WriteOptions(bom=bom)) == ("\ufeff" if bom else "") + want
    body = csv_body(columns)
    if body is not None:  # the Arrow path, when it was taken
        assert body == want[want.index("\n") + 1:]


@given(st.lists(st.text(alphabet=st.sampled_from(list("ab,\n\x00 é中—\U0001f600")), max_size=5), max_size=20),
       st.sampled_from(["", ",", "\n"]))
def test_utf8_buffers_are_each_text_encoded(texts: list[str], end: str) -> None:
    from scoring.arrow_text import string_array, utf8_buffers

    offsets, data = utf8_buffers(texts, end)
    encoded = [(t + end).encode("utf-8") for t in texts]
    assert data == b"".join(encoded)
    assert offsets.tolist() == np.cumsum([0] + [len(e) for e in encoded]).tolist()
    assert string_array(texts, end).to_pylist() == [t + end for t in texts]


def _reasons_unit_by_unit(result: scoring.Result, idx: np.ndarray) -> list[str]:
    """The reason phrases as they were made before, one unit at a time (the careful path)."""
    from scoring.report.data import expression_titles, humanize
    from scoring.report.labels import labels_for

    model, info, d = result.rubric.model, result.rubric.model.rubric, result.decisions
    labels, sep = labels_for(info.language), ("、" if info.language == "zh" else ", ")
    out = []
    for i in idx.tolist():
        hits = d.vetoes[i].tolist()
        failed = d.grade_failed_require[i]
        if any(hits):
            hit = [v for v, h in zip(model.veto, hits) if h]
            key = "reason_direct" if all(v.effect == "grade" for v in hit) else "reason_veto"
            out.append(labels[key].format(titles=sep.join(v.title for v in hit)))
        elif failed.any():
            band = model.grade[int(np.argmax(failed))]
            out.append(labels["reason_require"].format(
                grade=band.name, min=f"{band.min:g}",
                require=humanize(band.require or "", expression_titles(result), info.language)))
        else:
            out.append("")
    return out


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), rubric=rubrics(ENGINE))
def test_reasons_and_veto_titles_per_combination_are_those_per_unit(data, rubric) -> None:
    from scoring.report.data import Report, reason_phrases
    from scoring.report.tables import ranking_columns

    rows = data.draw(from_rubric(rubric, units=(1, 12)))
    try:
        result = ENGINE.score(rubric, rows, on_error="skip")
    except scoring.EvidenceError:
        return
    order = result.order()
    assert reason_phrases(result, order) == _reasons_unit_by_unit(result, order)
    report = Report.from_result(result)
    vetoes = {c.id: c for c in ranking_columns(report)}.get("vetoes")
    titles = [v.title for v in rubric.model.veto]
    sep = "、" if rubric.model.rubric.language == "zh" else ", "
    want = [sep.join(t for t, hit in zip(titles, result.decisions.vetoes[i].tolist()) if hit) for i in order.tolist()]
    assert vetoes is None or vetoes.values == want


@pytest.mark.parametrize("rubric_id", [b.id for b in ENGINE.bundled_rubrics()])
def test_reasons_per_combination_on_the_bundled_samples(rubric_id: str) -> None:
    from scoring.report.data import reason_phrases

    rubric = ENGINE.load_rubric(rubric_id)
    assert rubric.sample is not None
    result = ENGINE.score(rubric, rubric.sample)
    order = result.order()
    assert reason_phrases(result, order) == _reasons_unit_by_unit(result, order)
