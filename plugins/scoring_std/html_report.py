"""The HTML writer: one self-contained page a director can read, filter and print.

Everything is inside the file: styles, data, and the chart library, so it
opens offline on an intranet and makes no network request. Sections: a
summary (units, grades, consequence totals and pool rules), charts (the grade
distribution; the indicators that lose the most points, overall and by the
rubric's first grouping field), the ranking with names (sortable by any
column, filterable by grade, by each grouping field and by text; a row the
committee decided on is marked, with its decision in a column), the committee
decisions and amendments (when the run had any), any extra
sections (`Report.extra`), and each unit's explanation. An A4 print stylesheet
drops the controls, opens every unit's section and keeps rows whole.

Charts: Apache ECharts (the `common` build, vendored from the npm registry as
package data, Apache-2.0) with its SVG renderer. It is the most used chart
library in Chinese government and enterprise software, so staff know its look;
its SVG output keeps text as text, drawn by the browser with the reader's own
fonts, so Chinese shows correctly without shipping a font, and it prints as
sharp vectors. The file is about 0.8 MB because the library is inlined: the
price of opening offline.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import PurePath
from typing import Any

import numpy as np

from scoring.plugin import Report
from scoring.plugin import html_text as e  # noqa: N813
from scoring.plugin import script_json
from scoring.plugin import member_result_text, member_word
from scoring.plugin import PANEL_WORDS, raters_text
from scoring.plugin import (
    NA,
    Column,
    about_rows,
    amendment_rows,
    amendment_text,
    decision_marks,
    decision_text,
    extra_text_columns,
    override_rows,
    consequence_totals,
    fmt_cell,
    ranking_columns,
    rejected_rows,
    show_value,
)
from scoring.plugin import WriteOptions

UNIT_SECTIONS = 500   # units explained in full; the rest are in the JSON result
TOP_INDICATORS = 12   # bars in the "where points are lost" chart
TOP_GROUPS = 8        # group values in the by-group chart

FONTS = ('"Microsoft YaHei","PingFang SC","Hiragino Sans GB","Noto Sans CJK SC","Source Han Sans SC",'
         '"WenQuanYi Micro Hei","SimHei",sans-serif')

CSS = """
:root{--ink:#1d2733;--muted:#5b6675;--line:#d5dbe3;--head:#eef2f7;--accent:#2f5d8a}
*{box-sizing:border-box}
body{font-family:%(fonts)s;color:var(--ink);margin:0 auto;max-width:1400px;padding:16px 24px;font-size:14px;line-height:1.5}
h1{font-size:22px;margin:8px 0 4px}h2{font-size:18px;border-bottom:2px solid var(--accent);padding-bottom:4px;margin-top:28px}
.meta{color:var(--muted);font-size:12px;margin:0}
.cards{display:flex;flex-wrap:wrap;gap:12px;margin:12px 0}
.card{border:1px solid var(--line);border-radius:6px;padding:8px 14px;min-width:120px}
.card b{display:block;font-size:22px}
table{border-collapse:collapse;width:100%%;margin:8px 0}
th,td{border:1px solid var(--line);padding:3px 6px;vertical-align:top}
th{background:var(--head);font-weight:600;text-align:left}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
td.na{text-align:center;color:var(--muted)}
#ranking-table td{white-space:nowrap}
td.wrap{white-space:normal!important;min-width:9em}
.scroll{overflow-x:auto}
#ranking-table th{font-size:12px}
#ranking-table th.n{min-width:4.5em}
table.compact{width:auto;min-width:50%%}
tr.vetoed td{background:#fff1f0}
tr.overridden td:first-child{box-shadow:inset 4px 0 0 #d48806}
.mark{color:#ad6800;font-weight:600;white-space:nowrap}
td.decided{background:#fffbe6;min-width:18em}
#ranking-table th{cursor:pointer;user-select:none;position:sticky;top:0}
#ranking-table th[aria-sort=ascending]::after{content:" ▲"}#ranking-table th[aria-sort=descending]::after{content:" ▼"}
.filters{display:flex;flex-wrap:wrap;gap:12px;align-items:center;margin:8px 0}
.filters label{font-size:13px}
.charts{display:flex;flex-wrap:wrap;gap:16px}
figure{margin:0;border:1px solid var(--line);border-radius:6px;padding:8px}
figcaption{font-weight:600;margin-bottom:4px}
.chart{width:540px;height:300px}.chart.wide{width:1100px;max-width:100%%;height:340px}
details{border:1px solid var(--line);border-radius:6px;margin:6px 0;padding:4px 10px}
summary{cursor:pointer;font-weight:600}
.reason{color:#a8071a}
.note{color:var(--muted);font-size:12px}
@page{size:A4 landscape;margin:10mm}
@media print{
 body{max-width:none;padding:0;font-size:9.5pt}
 .filters,.no-print{display:none!important}
 .scroll{overflow:visible}
 #ranking-table{font-size:7.5pt;width:100%%}
 #ranking-table th{white-space:normal;padding:2px 3px}
 #ranking-table td{white-space:nowrap;padding:2px 3px}
 #ranking-table td.wrap{white-space:normal}
 td.wrap,td.decided{min-width:0}
 h2{break-after:avoid}
 tr,figure,.card{break-inside:avoid}
 thead{display:table-header-group}
 #ranking-table th{position:static}
 .chart{width:440px;height:260px}.chart.wide{width:920px;height:280px}
 figure{margin-bottom:8px}
 details{break-inside:avoid-page;border:none;padding:0}
 section#units{break-before:page}
 a{color:inherit;text-decoration:none}
}
""" % {"fonts": FONTS}

APP_JS = r"""
(function(){
"use strict";
var data=JSON.parse(document.getElementById("report-data").textContent);
var FONT=data.font;
function bar(el,opt){
  var chart=echarts.init(el,null,{renderer:"svg"});
  opt.animation=false;opt.textStyle={fontFamily:FONT};
  chart.setOption(opt);return chart;
}
var charts=[];
var g=document.getElementById("chart-grades");
if(g){charts.push(bar(g,{grid:{left:48,right:16,top:24,bottom:32},tooltip:{},
  xAxis:{type:"category",data:data.grades.names},yAxis:{type:"value",minInterval:1,name:data.labels.count},
  series:[{type:"bar",data:data.grades.counts.map(function(v,i){return {value:v,itemStyle:{color:data.grades.colors[i]}};}),
    label:{show:true,position:"top"}}]}));}
var l=document.getElementById("chart-lost");
if(l){charts.push(bar(l,{grid:{left:8,right:40,top:8,bottom:24,containLabel:true},tooltip:{},
  xAxis:{type:"value"},
  yAxis:{type:"category",inverse:true,data:data.lost.names,axisLabel:{width:200,overflow:"truncate"}},
  series:[{type:"bar",data:data.lost.values,label:{show:true,position:"right"},itemStyle:{color:"#c0504d"}}]}));}
var b=document.getElementById("chart-lost-group");
if(b){charts.push(bar(b,{grid:{left:8,right:16,top:40,bottom:24,containLabel:true},tooltip:{trigger:"axis"},
  legend:{type:"scroll",top:0},
  xAxis:{type:"category",data:data.by_group.names,axisLabel:{interval:0,width:110,overflow:"break"}},
  yAxis:{type:"value"},
  series:data.by_group.series.map(function(s){return {type:"bar",name:s.name,data:s.values};})}));}
window.addEventListener("beforeprint",function(){
  document.querySelectorAll("details").forEach(function(d){d.open=true;});
  charts.forEach(function(c){c.resize();});
});
window.addEventListener("afterprint",function(){charts.forEach(function(c){c.resize();});});
// Ranking: sort by any column, filter by grade, grouping fields and text.
var table=document.getElementById("ranking-table");
if(!table){return;}
var body=table.tBodies[0];var rows=Array.prototype.slice.call(body.rows);
var heads=table.tHead.rows[0].cells;
Array.prototype.forEach.call(heads,function(th,col){
  th.addEventListener("click",function(){
    var asc=th.getAttribute("aria-sort")!=="ascending";
    Array.prototype.forEach.call(heads,function(h){h.removeAttribute("aria-sort");});
    th.setAttribute("aria-sort",asc?"ascending":"descending");
    var num=th.classList.contains("n");
    rows.sort(function(a,b){
      var x=a.cells[col].getAttribute("data-v"),y=b.cells[col].getAttribute("data-v");
      if(num){x=x===""?Infinity:parseFloat(x);y=y===""?Infinity:parseFloat(y);
        if(x===y){return 0;} if(x===Infinity){return 1;} if(y===Infinity){return -1;} return asc?x-y:y-x;}
      return asc?x.localeCompare(y,"zh-CN"):y.localeCompare(x,"zh-CN");});
    rows.forEach(function(r){body.appendChild(r);});
  });
});
var selects=document.querySelectorAll(".filters select");var search=document.getElementById("filter-text");
var shown=document.getElementById("shown-count");
function apply(){
  var n=0;var q=search.value.trim().toLowerCase();
  rows.forEach(function(r){
    var ok=true;
    selects.forEach(function(s){if(s.value!==""&&r.getAttribute("data-"+s.name)!==s.value){ok=false;}});
    if(ok&&q!==""&&r.getAttribute("data-text").toLowerCase().indexOf(q)<0){ok=false;}
    r.hidden=!ok;if(ok){n++;}
  });
  shown.textContent=String(n);
}
selects.forEach(function(s){s.addEventListener("change",apply);});
search.addEventListener("input",apply);
})();
"""


def _echarts() -> str:
    return (files("scoring_std") / "assets" / "echarts.common.min.js").read_text(encoding="utf-8")


def _lost(report: Report) -> tuple[list[str], np.ndarray]:
    """Points each unit lost on each indicator (0 where it does not apply): titles and an (n, m) matrix."""
    det = report.details
    bonus = {d["id"] for d in report.meta["dimensions"] if d["kind"] == "bonus"}
    inds = [i for i in report.meta["indicators"] if i["dimension"] not in bonus]  # an unearned bonus is no loss
    lost = np.zeros((report.n, len(inds)))
    for j, ind in enumerate(inds):
        lost[:, j] = np.where(det.ind_na[ind["id"]], 0.0, float(ind["points"]) - det.ind_points[ind["id"]])
    return [str(i["title"]) for i in inds], np.clip(lost, 0.0, None)


GRADE_COLORS = ["#2e7d32", "#2f5d8a", "#7b8fa6", "#e0a030", "#c0392b"]  # best (green) to worst (red)


def grade_colors(n: int) -> list[str]:
    """One colour per grade, best first: green for the best, red for the worst, blues between."""
    if n <= 1:
        return GRADE_COLORS[:1]
    picks = [round(k * (len(GRADE_COLORS) - 1) / (n - 1)) for k in range(n)]
    return [GRADE_COLORS[p] for p in picks]


def chart_data(report: Report) -> dict[str, Any]:
    lab, meta = report.labels, report.meta
    grades = [g["name"] for g in meta["grades"]]
    counts = [int(report.summary["grades"][g]) for g in grades]
    titles, lost = _lost(report)
    n = max(report.n, 1)
    mean = lost.sum(axis=0) / n
    top = [j for j in np.argsort(-mean, kind="stable").tolist() if mean[j] > 0][:TOP_INDICATORS]
    data: dict[str, Any] = {
        "font": FONTS.replace('"', ""),
        "labels": {k: lab[k] for k in ("count", "lost_axis")},
        "grades": {"names": grades, "counts": counts, "colors": grade_colors(len(grades))},
        "lost": {"names": [titles[j] for j in top], "values": [round(float(mean[j]), 2) for j in top]},
        "by_group": None,
    }
    if meta["groups"] and top:
        gid = meta["groups"][0]["id"]
        values = np.array(meta["group_values"][gid], dtype=object)
        names, sizes = np.unique(values.astype(str), return_counts=True)
        keep = [names[k] for k in np.lexsort((names, -sizes)).tolist() if names[k] != ""][:TOP_GROUPS]
        few = top[:8]
        series = []
        for name in keep:
            mask = values == name
            per = lost[mask][:, few].sum(axis=0) / max(int(mask.sum()), 1)
            series.append({"name": str(name), "values": [round(float(x), 2) for x in per]})
        data["by_group"] = {"group": meta["groups"][0]["title"], "names": [titles[j] for j in few], "series": series}
    return data


WRAPPED = ("consequences", "reason", "rule", "vetoes", "decisions", "amendments")  # long text columns; the others stay on one line


def _cell(value: Any, col: Column) -> str:
    sort = "" if value is None or value is NA else str(value)
    text = fmt_cell(value, col, thousands=col.kind == "amount")
    cls = ' class="na"' if value is NA else (' class="n"' if col.kind != "text" else
                                             (' class="wrap"' if col.id in WRAPPED else ""))
    if col.id == "decisions" and text:
        cls = ' class="wrap decided"'  # a committee decision stands out on the row it changed
    return f'<td{cls} data-v="{e(sort)}">{e(text)}</td>'


def _plain_table(columns: list[Column], table_id: str = "", compact: bool = False) -> str:
    head = "".join(f'<th{" class=n" if c.kind != "text" else ""}>{e(c.title)}</th>' for c in columns)
    rows = "".join("<tr>" + "".join(_cell(v, c) for v, c in zip(row, columns)) + "</tr>"
                   for row in zip(*(c.values for c in columns)))
    ident = (f' id="{table_id}"' if table_id else "") + (' class="compact"' if compact else "")
    return f"<table{ident}><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"


def _summary(report: Report) -> str:
    lab, summ = report.labels, report.summary
    ev = report.header["evidence"]
    cards = [(lab["units_scored"], summ["units"]), (lab["rows_rejected"], ev["rejected"]), (lab["vetoes"], summ["vetoed"])]
    cards += [(name, count) for name, count in summ["grades"].items()]
    if summ["not_assessable"]:
        cards.append((lab["not_assessable"], summ["not_assessable"]))
    if summ.get("review_ended"):
        cards.append((lab["review_ended"], summ["review_ended"]))
    out = ['<div class="cards">'] + [f'<div class="card">{e(k)}<b>{e(v)}</b></div>' for k, v in cards] + ["</div>"]
    if report.meta["consequences"]:
        out.append(f"<h3>{e(lab['consequence_totals'])}</h3>" + _plain_table(consequence_totals(report), compact=True))
    return "".join(out)


def _charts(report: Report, data: dict[str, Any]) -> str:
    lab = report.labels
    axis = ("，" if report.meta["language"] == "zh" else ", ") + lab["lost_axis"]
    figs = [f'<figure><figcaption>{e(lab["grade_distribution"])}</figcaption><div class="chart" id="chart-grades"></div></figure>']
    if data["lost"]["names"]:
        figs.append(f'<figure><figcaption>{e(lab["lost_overall"])}{e(axis)}</figcaption><div class="chart" id="chart-lost"></div></figure>')
    if data["by_group"]:
        caption = lab["lost_by_group"].format(group=data["by_group"]["group"]) + axis
        figs.append(f'<figure><figcaption>{e(caption)}</figcaption><div class="chart wide" id="chart-lost-group"></div></figure>')
    return '<div class="charts">' + "".join(figs) + "</div>"


def _ranking(report: Report) -> str:
    lab, meta = report.labels, report.meta
    columns = ranking_columns(report, merged=True, vetoes=False)
    filters = []
    grade_names = [g["name"] for g in meta["grades"]]
    filters.append((lab["grade"], "grade", grade_names))
    for g in meta["groups"]:
        filters.append((g["title"], "g-" + g["id"], sorted({v for v in meta["group_values"][g["id"]] if v})))
    controls = ['<div class="filters">']
    for title, name, options in filters:
        opts = f'<option value="">{e(lab["filter_all"])}</option>' + "".join(
            f'<option value="{e(o)}">{e(o)}</option>' for o in options)
        controls.append(f'<label>{e(title)} <select name="{e(name)}">{opts}</select></label>')
    controls.append(f'<label><input id="filter-text" type="search" placeholder="{e(lab["search"])}"></label>')
    controls.append(f'<span>{e(lab["shown"])} <b id="shown-count">{report.n}</b> / {report.n}</span>')
    controls.append(f'<span class="note">{e(lab["print_note"])}</span></div>')
    head = "".join(f'<th{" class=n" if c.kind != "text" else ""} scope="col">{e(c.title)}</th>' for c in columns)
    names = report.names
    group_cols = [(g["id"], meta["group_values"][g["id"]]) for g in meta["groups"]]
    vetoed: list[bool] = np.asarray(report.vetoes.any(axis=1), dtype=bool).tolist() if report.vetoes.size else [False] * report.n
    decided = decision_marks(report) if report.overrides else [""] * report.n
    body = []
    cell_rows = [list(r) for r in zip(*([_cell(v, c) for v in c.values] for c in columns))]
    at_id = [c.id for c in columns].index("id")
    for k in range(report.n):
        if decided[k]:
            # The decision column is far right on a wide ranking: a mark by the id says so at once,
            # and its tooltip carries the decision.
            cell_rows[k][at_id] = (cell_rows[k][at_id][:-len("</td>")]
                                   + f' <span class="mark" title="{e(decided[k])}">※</span></td>')
        attrs = f' data-grade="{e(report.grade[k] or "")}"' + "".join(
            f' data-g-{e(gid)}="{e(vals[k])}"' for gid, vals in group_cols)
        attrs += f' data-text="{e(report.ids[k] + " " + names[k])}"'
        classes = (["vetoed"] if vetoed[k] else []) + (["overridden"] if decided[k] else [])
        if classes:
            attrs += f' class="{" ".join(classes)}"'
        if decided[k]:
            attrs += f' title="{e(lab["overridden_mark"])}"'
        body.append(f"<tr{attrs}>" + "".join(cell_rows[k]) + "</tr>")
    return ("".join(controls) + f'<div class="scroll"><table id="ranking-table"><thead><tr>{head}</tr></thead><tbody>'
            + "".join(body) + "</tbody></table></div>")


def _unit_sections(report: Report) -> str:
    lab, meta = report.labels, report.meta
    det = report.details
    dp, p = report.detail_precision, report.precision
    names = report.names
    reasons = report.reasons
    out = []
    shown = min(report.n, UNIT_SECTIONS)
    if shown < report.n:
        out.append(f'<p class="note">{e(lab["more_units"].format(shown=shown, total=report.n))}</p>')
    inds = meta["indicators"]
    lang = str(meta["language"])
    dim_na = {d["id"]: report.dim_na(d["id"]) for d in meta["dimensions"]}
    for k in range(shown):
        score = report.score[k]
        title = " · ".join(x for x in [
            f"{lab['rank']} {int(report.rank[k])}" if report.rank[k] == report.rank[k] else "",
            report.ids[k], names[k],
            f"{lab['score']} {score:.{p}f}" if score == score else lab["not_assessable"],
            report.grade[k] or ""] if x)
        rows = []
        for dim in meta["dimensions"]:
            na_dim = bool(dim_na[dim["id"]][k])
            pts = "—" if na_dim else f"{report.dims[dim['id']][k]:.{dp}f}"
            rows.append(f'<tr><th colspan="3">{e(dim["title"])}</th><td class="n">{e(pts)}</td>'
                        f'<td class="n">{report.dim_max[dim["id"]][k]:.{dp}f}</td><td></td></tr>')
            for ind in inds:
                if ind["dimension"] != dim["id"]:
                    continue
                na = bool(det.ind_na[ind["id"]][k])
                value = lab["not_applicable"] if na else show_value(det.ind_values[ind["id"]][k], report)
                pts = "—" if na else f"{det.ind_points[ind['id']][k]:.{dp}f}"
                rows.append(f'<tr><td></td><td>{e(ind["title"])}</td><td>{e(value)}</td><td class="n">{e(pts)}</td>'
                            f'<td class="n">{float(ind["points"]):.{dp}f}</td><td>{e(ind["rule"])}</td></tr>')
        head = (f'<tr><th></th><th>{e(lab["indicator"])}</th><th>{e(lab["value"])}</th><th class="n">'
                f'{e(lab["points"])}</th><th class="n">{e(lab["max"])}</th><th>{e(lab["explanation"])}</th></tr>')
        parts = [f'<details id="unit-{e(report.ids[k])}"><summary>{e(title)}</summary>']
        if reasons[k]:
            parts.append(f'<p class="reason">{e(reasons[k])}</p>')
        parts.append(f"<table><thead>{head}</thead><tbody>{''.join(rows)}</tbody></table>")
        panel = det.panel(k)
        if panel:
            parts.append(_unit_panel(report, panel))
        granted = [j for j in range(len(meta["consequences"])) if report.granted[k, j]]
        if granted:
            items = []
            for j in granted:
                amount = report.amounts[k, j]
                money = f" {amount:,.2f}" if amount == amount else ""
                person = det.cons_persons.get((k, j), "")
                items.append(f"<li><b>{e(meta['consequences'][j]['title'])}</b>{e(money)}"
                             f"{' (' + e(person) + ')' if person else ''} — {e(report.consequence_reason(k, j))}</li>")
            parts.append(f"<p>{e(lab['consequences'])}</p><ul>{''.join(items)}</ul>")
        if report.overrides or report.amendments:
            parts.append(_unit_workflow(report, k))
        members = det.members[k]
        result_title = str((meta.get("member_result") or {}).get("title") or "")
        if members:
            mrows = []
            for m in members:
                figures = "; ".join(
                    ", ".join(f"{member_word(name, lang)} {show_value(v, report)}" for name, v in vals.items()
                              if v is not None)
                    for vals in m["values"].values() if any(v is not None for v in vals.values()))
                member = str(m["id"]) + (f" {m['name']}" if m.get("name") else "")
                member += f" ({m['period']})" if m.get("period") else ""
                own = f"<td>{e(member_result_text(m, report))}</td>" if result_title else ""
                mrows.append(f"<tr><td>{e(member)}</td>{own}<td>{e(figures)}</td></tr>")
            own_head = f"<th>{e(result_title)}</th>" if result_title else ""
            parts.append(f"<table><thead><tr><th>{e(lab['member'])}</th>{own_head}<th>{e(lab['figures'])}</th></tr>"
                         f"</thead><tbody>{''.join(mrows)}</tbody></table>")
        parts.append("</details>")
        out.append("".join(parts))
    return "".join(out)


def _unit_panel(report: Report, panel: dict[str, Any]) -> str:
    """Each rater's points for each rated item and period, beside the combined figure (评分组)."""
    lab, lang = report.labels, str(report.meta["language"])
    _, headers, dropped = PANEL_WORDS.get(lang, PANEL_WORDS["en"])
    titles = {ind["id"]: ind["title"] for ind in report.meta["indicators"]}
    sep = "，" if lang == "zh" else ", "
    rows = []
    for ind_id, entries in panel.get("indicators", {}).items():
        for entry in entries:
            given = raters_text(((name, pts, name in entry["dropped"]) for name, pts in entry["raters"].items()),
                                sep, dropped)
            combined = "—" if entry["combined"] is None else f"{entry['combined']:g}"
            rows.append(f"<tr><td>{e(titles.get(ind_id, ind_id))}</td><td>{e(str(entry.get('period') or ''))}</td>"
                        f'<td>{e(given)}</td><td class="n">{e(combined)}</td></tr>')
    head = "".join(f"<th>{e(h)}</th>" for h in headers[1:5])
    return (f'<p>{e(lab["ex_sec_panel"])}</p><table class="panel"><thead><tr>{head}</tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table>")


def _unit_workflow(report: Report, k: int) -> str:
    """Unit `k`'s committee decisions and amendments, as lists under its explanation."""
    lab, uid = report.labels, report.ids[k]
    out = []
    for key, entries, text in (("decisions", report.overrides, decision_text),
                               ("amendments", report.amendments, amendment_text)):
        mine = [text(report, x) for x in entries if str(x["unit"]) == uid]
        if mine:
            out.append(f'<p class="mark">{e(lab[key])}</p><ul>' + "".join(f"<li>{e(t)}</li>" for t in mine) + "</ul>")
    return "".join(out)


def _workflow(report: Report) -> str:
    """The section listing every committee decision and every amendment, one table each."""
    out = []
    if report.overrides:
        out.append(f'<h3>{e(report.labels["decisions"])}</h3>' + _plain_table(override_rows(report)))
    if report.amendments:
        out.append(f'<h3>{e(report.labels["amendments"])}</h3>' + _plain_table(amendment_rows(report)))
    return "".join(out)


def _extra(report: Report) -> str:
    out = []
    for table in report.extra:
        cols = extra_text_columns(table)  # shares as percentages
        out.append(f"<h3>{e(table.title)}</h3>" + _plain_table(cols))
    return "".join(out)


def write_html(report: Report, options: WriteOptions) -> str:
    lab, meta, h = report.labels, report.meta, report.header
    data = chart_data(report)
    lang = "zh-CN" if meta["language"] == "zh" else "en"
    about = about_rows(report)
    about_html = "<table><tbody>" + "".join(f"<tr><th>{e(k)}</th><td>{e(v)}</td></tr>" for k, v in about) + "</tbody></table>"
    rejected = ""
    if report.rejected:
        rejected = f"<h3>{e(lab['rejected_rows'])}</h3>" + _plain_table(rejected_rows(report))
    extra = _extra(report)
    sections = [
        f'<header><h1>{e(meta["title"])}</h1><p class="meta">{e(h["rubric"]["id"])} {e(h["rubric"]["version"])} · '
        f'{e(lab["about_evidence"])} {e(PurePath(str(h["evidence"]["source"])).name)} · {e(lab["about_created"])} {e(meta["created"])}</p></header>',
        f'<section id="summary"><h2>{e(lab["summary"])}</h2>{_summary(report)}{_charts(report, data)}</section>',
        f'<section id="ranking"><h2>{e(lab["ranking"])}</h2>{_ranking(report)}</section>',
        (f'<section id="workflow"><h2>{e(lab["workflow"])}</h2>{_workflow(report)}</section>'
         if report.overrides or report.amendments else ""),
        f'<section id="analysis"><h2>{e(lab["analysis"])}</h2>{extra}</section>' if extra else "",
        f'<section id="units"><h2>{e(lab["unit_details"])}</h2>{_unit_sections(report)}</section>',
        f'<section id="about"><h2>{e(lab["sheet_about"])}</h2>{about_html}{rejected}</section>',
    ]
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        # No request may leave the page: the policy refuses every source but the file itself.
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; script-src 'unsafe-inline'; "
        "style-src 'unsafe-inline'; img-src data:\">"
        f"<title>{e(meta['title'])}</title><style>{CSS}</style></head><body>"
        + "".join(sections)
        + f'<script type="application/json" id="report-data">{script_json(data)}</script>'
        + f"<script>{_echarts()}</script><script>{APP_JS}</script></body></html>\n"
    )
