"""Evidence is read as its figures: 15 significant digits, as a spreadsheet keeps and shows them.

A formula's float noise (0.9499999999999998, shown as 0.95; 3.0000000000000004, shown
as 3) must not move a unit across a band, or make a whole count "not whole", or a
rate of 100% "above 1". The reports already showed the figure (0.95) while the
band was decided on the noise: the explanation and the points disagreed.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

import scoring
from tests.conftest import rubric_text, single_indicator
from tests.enterprise_plain import plain_rows
from tests.test_reports import scoring_cli

RUBRIC = "enterprise-safety-target"
BANDS = rubric_text(single_indicator(10, "bands", 'field = "r"\nbands = [ { min = 0.95, share = 1.0 }, { min = 0.9, share = 0.5 } ]'),
                    fields='[fields]\nr = { type = "rate", title = "持证率" }\n')


def certification(doc: Path, unit: str) -> dict:
    units = json.loads(doc.read_text(encoding="utf-8"))["units"]
    return next(u for u in units if u["id"] == unit)["indicators"]["certification"]


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_a_share_of_0_95_with_float_noise_earns_the_0_95_band(tmp_path: Path, suffix: str) -> None:
    """The bundled rubric pays 80% of certification from a share of 0.95, 50% from 0.90."""
    rows = plain_rows()
    head = rows[0]
    unit = rows[1][0]
    noisy = math.nextafter(0.95, 0)  # 0.9499999999999998: what =SUM(...)/COUNT(...) can leave; Excel shows 0.95
    for r in rows[1:]:
        if r[0] == unit:
            r[head.index("certified_share")] = repr(noisy)
    path = tmp_path / f"e.{suffix}"
    if suffix == "csv":
        path.write_text("\n".join(",".join(r) for r in rows) + "\n", encoding="utf-8")
    else:
        xlsxwriter = pytest.importorskip("xlsxwriter")
        book = xlsxwriter.Workbook(str(path))
        ws = book.add_worksheet()
        for i, r in enumerate(rows):
            for j, cell in enumerate(r):
                if i and j == head.index("certified_share") and cell:
                    ws.write_number(i, j, float(cell))  # the double itself, as Excel stores a formula's result
                else:
                    ws.write_string(i, j, cell)
        book.close()
    out = scoring_cli("run", RUBRIC, str(path), "-o", str(tmp_path / "r.json"), cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert certification(tmp_path / "r.json", unit) == {"points": 8.0, "max": 10.0, "value": 0.95, "status": "scored"}


def test_noise_on_a_whole_count_and_a_full_rate_is_not_refused(engine: scoring.Engine) -> None:
    body = rubric_text(single_indicator(10, "expression", 'value = "min(n, 10) * r"'),
                       fields='[fields]\nn = { type = "count", title = "次数" }\nr = { type = "rate", title = "比例" }\n')
    rubric = engine.rubric_from_text(body)
    res = engine.score(rubric, [{"id": "u", "n": 0.1 * 30, "r": 1.0000000000000002}])  # 3.0000000000000004
    assert not res.rejected and res.unit("u").score == 30.0


def _nudged(edge: float, ulps: int) -> float:
    for _ in range(abs(ulps)):
        edge = math.nextafter(edge, math.inf if ulps > 0 else -math.inf)
    return edge


# Next to a band's edge, a few units in the last place either side: where float noise lands.
NEAR_EDGES = st.builds(_nudged, st.sampled_from([0.9, 0.95, 1.0]), st.integers(-4, 4))


@settings(max_examples=200, deadline=None)
@given(st.one_of(NEAR_EDGES, st.floats(min_value=0.85, max_value=1.0)).filter(lambda x: x <= 1.0))
def test_a_value_scores_as_its_figure_does(x: float) -> None:
    engine = scoring.Engine()
    rubric = engine.rubric_from_text(BANDS)
    figure = float("%.15g" % x)
    got = engine.score(rubric, [{"id": "a", "r": x}, {"id": "b", "r": figure}])
    assert got.unit("a").score == got.unit("b").score
