"""Result writers: JSON (everything), CSV (one row per unit), Markdown (a report)."""

from __future__ import annotations

import csv
import io
from typing import BinaryIO

from scoring.plugin import (
    Result, Writer, document_json, document_parts, jsonl_lines, parquet_bytes, write_parts,
)


def write_json(result: Result) -> str:
    return document_json(result)


def stream_json(result: Result, handle: BinaryIO) -> None:
    write_parts(document_parts(result), handle)


def write_jsonl(result: Result) -> str:
    return b"".join(jsonl_lines(result)).decode("utf-8")


def stream_jsonl(result: Result, handle: BinaryIO) -> None:
    write_parts(jsonl_lines(result), handle)


def write_parquet(result: Result) -> bytes:
    return parquet_bytes(result)


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:g}" if value.is_integer() else repr(value)
    return str(value)


def write_csv(result: Result) -> str:
    dims = [d.id for d in result.rubric.model.dimension]
    phases = list(result.rubric.model.phases)
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["id", "score", "grade", "rank", *phases, *dims, "vetoes", "consequences"])
    for u in result.units():
        w.writerow([
            u.id, _cell(u.score), _cell(u.grade), _cell(u.rank),
            *(_cell(u.phases[p]) for p in phases),
            *(_cell(u.dimensions[d]["points"]) for d in dims),
            ";".join(v.id for v in u.vetoes),
            ";".join(c.id for c in u.consequences),
        ])
    return out.getvalue()


def _md(text: object) -> str:
    return _cell(text).replace("|", "\\|")


def write_markdown(result: Result) -> str:
    model = result.rubric.model
    pv = result.provenance
    lines = [
        f"# {model.rubric.title}",
        "",
        f"Rubric `{pv.rubric_id}` version {pv.rubric_version} (sha256 `{pv.rubric_sha256[:12]}`); "
        f"evidence `{pv.evidence_source}` (sha256 `{pv.evidence_sha256[:12]}`), {pv.rows_read} rows read, "
        f"{pv.rows_scored} scored, {pv.rows_rejected} rejected; engine {pv.engine_version}.",
        "",
        "| rank | id | score | grade | " + " | ".join(d.title or d.id for d in model.dimension) + " | vetoes | consequences |",
        "|---:|---|---:|---|" + "---:|" * len(model.dimension) + "---|---|",
    ]
    for u in result.units():
        dims = " | ".join(_md(u.dimensions[d.id]["points"]) for d in model.dimension)
        vetoes = ", ".join(v.title for v in u.vetoes)
        cons = ", ".join(c.title + (f" ({c.amount:g})" if c.amount else "") for c in u.consequences)
        lines.append(f"| {_md(u.rank)} | {_md(u.id)} | {_md(u.score)} | {_md(u.grade)} | {dims} | {_md(vetoes)} | {_md(cons)} |")
    member_lines = []
    for u in result.units():
        for m in u.members:
            figures = "; ".join(f"{ind} " + ", ".join(f"{k} {_md(v)}" for k, v in vals.items())
                                for ind, vals in m["values"].items())
            member_lines.append(f"| {_md(u.id)} | {_md(m['id'])} | {figures} |")
    if member_lines:
        lines += ["", "## Members", "", "What each member (a school of its group, a hazard source of its "
                  "enterprise) contributed, final period:", "", "| unit | member | figures |", "|---|---|---|"]
        lines += member_lines
    summary = result.summary()
    lines += ["", "## Grades", ""] + [f"- {name}: {count}" for name, count in summary["grades"].items()]
    if summary["not_assessable"]:
        lines.append(f"- not assessable (no item applies): {summary['not_assessable']}")
    if result.rejected:
        lines += ["", "## Rejected rows", "", "| row | unit | field | value | reason |", "|---|---|---|---|---|"]
        for r in result.rejected:
            lines.append(f"| {_md(r.row)} | {_md(r.unit)} | {_md(r.field)} | {_md(r.value)} | {_md(r.reason)} |")
    return "\n".join(lines) + "\n"


WRITERS: tuple[Writer, ...] = (
    Writer("json", ".json", write_json, "the whole result, with provenance and rejected rows", stream_json),
    Writer("jsonl", ".jsonl", write_jsonl, "one unit per line (JSON Lines), as in the JSON result; streamable",
           stream_jsonl),
    Writer("parquet", ".parquet", write_parquet,
           "one row per unit: score, grade, rank, points, vetoes, consequences; rejected rows in its metadata"),
    Writer("csv", ".csv", write_csv, "one row per unit: id, score, grade, rank, phases, dimensions"),
    Writer("md", ".md", write_markdown, "a Markdown report table"),
)
