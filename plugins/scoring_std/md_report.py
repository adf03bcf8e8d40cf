"""The Markdown writer: a report to read or paste, in the rubric's language.

Names beside ids, — for items that do not apply, the reason a grade was capped
or set, consequence amounts, member figures (blank where a member has none),
grade counts, consequence totals, committee decisions and amendments (a
column of the ranking and a table each, when the run had any), raters who
disagree past the rubric's spread, rejected rows and the run's warnings (in
Chinese for a Chinese rubric, as the rejected rows' reasons are). Not every rater's
points: one row per unit, item and period made the enterprise sample's
report five times longer; the HTML, the workbook, the JSON and `scoring
explain` list them. Every cell from evidence or the rubric is escaped so it
cannot end a row or carry raw HTML.
"""

from __future__ import annotations



from scoring.plugin import Report, member_result_text
from scoring.plugin import md_text
from scoring.plugin import member_word
from scoring.plugin import (
    Column,
    amendment_rows,
    consequence_totals,
    extra_text_columns,
    override_rows,
    ranking_columns,
    rejected_rows,
    show_value,
    warning_texts,
)
from scoring.plugin import WriteOptions


def md_table(columns: list[Column], ids: bool = False) -> list[str]:
    head = "| " + " | ".join(md_text(c.header(ids)) for c in columns) + " |"
    rule = "|" + "|".join("---:" if c.kind != "text" else "---" for c in columns) + "|"
    cells = [[md_text(t) for t in c.texts(thousands=c.kind == "amount")] for c in columns]
    return [head, rule] + ["| " + " | ".join(row) + " |" for row in zip(*cells)]


def _members(report: Report) -> list[str]:
    lab = report.labels
    inds = {i["id"]: i["title"] for i in report.meta["indicators"]}
    members = report.details.members
    lang = str(report.meta["language"])
    lines: list[str] = []
    names = report.names
    result_title = (report.meta.get("member_result") or {}).get("title")
    for k, unit_members in enumerate(members):
        for m in unit_members:
            figures = "; ".join(
                f"{inds.get(ind, ind)} " + ", ".join(f"{member_word(name, lang)} {show_value(v, report) if v is not None else ''}".rstrip()
                                                   for name, v in vals.items())
                for ind, vals in m["values"].items() if any(v is not None for v in vals.values()))
            unit = report.ids[k] + (f" {names[k]}" if names[k] else "")
            member = str(m["id"]) + (f" {m['name']}" if m.get("name") else "")
            member += f" ({m['period']})" if m.get("period") else ""
            own = f" {md_text(member_result_text(m, report))} |" if result_title else ""
            lines.append(f"| {md_text(unit)} | {md_text(member)} |{own} {md_text(figures)} |")
    if not lines:
        return []
    own_head = f" {md_text(str(result_title))} |" if result_title else ""
    return ["", f"## {lab['members']}", "", f"| {lab['unit']} | {lab['member']} |{own_head} {lab['figures']} |",
            "|---|---|" + ("---|" if result_title else "") + "---|", *lines]


def write_markdown(report: Report, options: WriteOptions) -> str:
    lab, meta, h = report.labels, report.meta, report.header
    ev = h["evidence"]
    lines = [
        f"# {md_text(str(meta['title']))}",
        "",
        f"{lab['about_rubric_id']} `{h['rubric']['id']}` {h['rubric']['version']} "
        f"(sha256 `{h['rubric']['sha256'][:12]}`); {lab['about_evidence']} `{md_text(str(ev['source']))}` "
        f"(sha256 `{ev['sha256'][:12]}`): {lab['about_rows']} {ev['rows']}, {lab['about_scored']} {ev['scored']}, "
        f"{lab['about_rejected']} {ev['rejected']}; {lab['about_engine']} {h['engine']['version']}; "
        f"{lab['about_created']} {meta['created']}.",
        "",
        *md_table(ranking_columns(report, merged=True), options.headers == "ids"),
    ]
    lines += _members(report)
    lines += ["", f"## {lab['grade_distribution']}", ""]
    lines += [f"- {md_text(name)}: {count}" for name, count in report.summary["grades"].items()]
    if report.summary["not_assessable"]:
        lines.append(f"- {lab['not_assessable']}: {report.summary['not_assessable']}")
    if report.summary.get("review_ended"):
        lines.append(f"- {lab['review_ended']}: {report.summary['review_ended']}")
    if meta["consequences"]:
        lines += ["", f"## {lab['consequence_totals']}", "", *md_table(consequence_totals(report))]
    if report.overrides:
        lines += ["", f"## {lab['decisions']}", "", *md_table(override_rows(report))]
    if report.amendments:
        lines += ["", f"## {lab['amendments']}", "", *md_table(amendment_rows(report))]
    if report.rejected:
        lines += ["", f"## {lab['rejected_rows']}", "", *md_table(rejected_rows(report))]
    warnings = warning_texts(report)  # what may have changed a result: the report says so, as the workbook does
    if warnings:
        lines += ["", f"## {lab['about_warnings']}", "", *(f"- {md_text(w)}" for w in warnings)]
    for table in report.extra:
        cols = extra_text_columns(table)  # shares as percentages
        lines += ["", f"## {md_text(table.title)}", "", *md_table(cols)]
    return "\n".join(lines) + "\n"


