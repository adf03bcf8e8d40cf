"""The HTML report in a real headless browser (Debian's chromium, driven by Playwright).

The page must load from a file with no console error and no network request,
list one ranking row per unit, draw its charts as SVG with Chinese text, sort
and filter the ranking, and look like something (the screenshot is not blank).
Skipped, saying why, only where no chromium is installed; `.ci/run` installs it.
Playwright is told to use that chromium: it never downloads a browser.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = os.environ.get("SCORING_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]

if not Path(CHROMIUM).exists():
    pytest.skip(f"no chromium at {CHROMIUM}: install Debian's (apt-get install chromium) to check the HTML report "
                "in a browser", allow_module_level=True)
playwright_api = pytest.importorskip("playwright.sync_api", reason="playwright is a dev dependency: pip install -e .[dev]")


def scoring_run(*args: str, cwd: Path) -> None:
    exe = Path(sys.executable).with_name("scoring")
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    proc = subprocess.run([str(exe), *args], capture_output=True, text=True, cwd=cwd, timeout=180, env=env)
    assert proc.returncode == 0, proc.stderr


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    profile = tmp_path_factory.mktemp("chromium-profile")  # an empty user-data-dir
    with playwright_api.sync_playwright() as p:
        context = p.chromium.launch_persistent_context(str(profile), executable_path=CHROMIUM, args=ARGS,
                                                       headless=True, viewport={"width": 1280, "height": 1600})
        yield context
        context.close()


def open_report(browser: Any, path: Path) -> tuple[Any, list[str], list[str]]:
    page = browser.new_page()
    errors: list[str] = []
    requests: list[str] = []
    page.on("console", lambda m: errors.append(f"{m.type}: {m.text}") if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda exc: errors.append(f"pageerror: {exc}"))
    page.on("request", lambda r: requests.append(r.url))
    url = path.resolve().as_uri()
    page.goto(url)
    page.wait_for_function("document.querySelectorAll('.chart svg').length >= 2")
    return page, errors, [r for r in requests if r != url]


@pytest.mark.parametrize("rid", ["enterprise-safety-target", "group-school-supervision", "exchange-teacher"])
def test_the_html_report_in_a_browser(browser: Any, tmp_path: Path, rid: str) -> None:
    scoring_run("run", rid, "-o", "result.json", cwd=tmp_path)
    scoring_run("render", "result.json", "-o", "report.html", cwd=tmp_path)
    doc = json.loads((tmp_path / "result.json").read_text(encoding="utf-8"))
    page, errors, requests = open_report(browser, tmp_path / "report.html")
    assert errors == [] and requests == []
    rows = page.locator("#ranking-table tbody tr")
    assert rows.count() == len(doc["units"])
    first = rows.nth(0).inner_text()
    assert doc["units"][0]["id"] in first and doc["report"]["names"][0] in first
    # Charts: SVG drawn by ECharts, with the rubric's Chinese grade names and indicator titles as text.
    svg_text = page.eval_on_selector_all(".chart svg text", "els => els.map(e => e.textContent).join(' ')")
    for grade in doc["summary"]["grades"]:
        assert grade in svg_text
    assert any("\u4e00" <= ch <= "\u9fff" for ch in svg_text)
    assert page.locator("#chart-lost svg").count() == 1 and page.locator("#chart-lost-group svg").count() == 1
    # Filter by grade, then sort by score ascending.
    worst = doc["units"][-1]["grade"]
    page.select_option("select[name=grade]", worst)
    shown = int(page.inner_text("#shown-count"))
    assert shown == sum(u["grade"] == worst for u in doc["units"])
    page.select_option("select[name=grade]", "")
    page.click("#ranking-table th:nth-child(4)")  # 得分, ascending
    lowest = min(u["score"] for u in doc["units"] if u["score"] is not None)
    assert float(page.locator("#ranking-table tbody tr").nth(0).locator("td").nth(3).inner_text()) == lowest
    # Printing opens every unit's section.
    page.emulate_media(media="print")
    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    assert page.locator("details[open]").count() == min(len(doc["units"]), 500)
    page.emulate_media(media="screen")
    shot = page.screenshot(full_page=False)
    assert errors == [] and requests == []
    image = pytest.importorskip("PIL.Image").open(io.BytesIO(shot)).convert("L")
    lo, hi = image.getextrema()
    assert hi - lo > 100, "the screenshot is blank"
    assert sum(1 for count in image.histogram() if count) > 20  # text, charts and lines, not one flat colour
    page.close()


def test_committee_decisions_and_amendments_in_a_browser(browser: Any, tmp_path: Path) -> None:
    """The ranking marks the rows the committee decided on; a section lists every decision and amendment."""
    (tmp_path / "d.csv").write_text("单位,事项,决定,值,理由,决定人,日期\n"
                                    "E047,advanced_unit,不予,,年内发生较大舆情,局长办公会,2026-01-15\n"
                                    "E052,advanced_unit,授予,,补报材料经核实,局长办公会,2026-01-15\n"
                                    "E023,grade,改为,合格,复核认定,局长办公会,2026-01-15\n", encoding="utf-8")
    (tmp_path / "a.csv").write_text("单位,字段,期间,检查人员,评价阶段,原值,新值,理由,批准人\nE023,meetings,2026Q1,赵磊,复评,0,2,会议记录补录,安监科 张三\n",
                                    encoding="utf-8")
    scoring_run("run", "enterprise-safety-target", "--amend", "a.csv", "--decisions", "d.csv", "-o", "report.html",
                cwd=tmp_path)
    page, errors, requests = open_report(browser, tmp_path / "report.html")
    assert errors == [] and requests == []
    marked = page.locator("#ranking-table tbody tr.overridden")
    assert sorted(marked.nth(k).locator("td").nth(1).inner_text() for k in range(marked.count())) == [
        "E023 ※", "E047 ※", "E052 ※"]
    e047 = page.locator("#ranking-table tbody tr.overridden", has_text="E047")
    assert "安全生产先进单位：规则给予，金额 5,000.00→现不给予（年内发生较大舆情；局长办公会，2026-01-15）" in e047.inner_text()
    # The marked row stands out: a ※ by the id whose tooltip is the decision, a coloured bar on its first cell.
    assert "年内发生较大舆情" in str(e047.locator("td .mark").get_attribute("title"))
    bar = e047.locator("td").first.evaluate("td => getComputedStyle(td).boxShadow")
    assert "inset" in bar and bar != "none"
    decisions = page.locator("#workflow table").nth(0).locator("tbody tr")
    assert decisions.count() == 3 and "复核认定" in decisions.nth(2).inner_text()
    amended = page.locator("#workflow table").nth(1).locator("tbody tr")
    assert amended.count() == 1 and "会议记录补录" in amended.nth(0).inner_text()
    # Filtering by text still finds a decided unit.
    page.fill("#filter-text", "E047")
    assert page.inner_text("#shown-count") == "1"
    page.fill("#filter-text", "")
    section = page.locator("#workflow")
    section.scroll_into_view_if_needed()
    shot = section.screenshot(path=str(tmp_path / "workflow.png"))
    e047.screenshot(path=str(tmp_path / "ranking-row.png"))
    image = pytest.importorskip("PIL.Image").open(io.BytesIO(shot)).convert("L")
    lo, hi = image.getextrema()
    assert hi - lo > 100, "the screenshot is blank"
    assert errors == [] and requests == []
    page.close()
