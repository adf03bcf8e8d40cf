"""The analysis subcommands: `scoring stats`, `scoring sensitivity`, `scoring impact`.

Beside cli.py rather than in scoring/analysis: every `scoring` command builds
their parsers, and importing the analysis package would import every analysis
module with them (start-up time on every job).

Each scores like `scoring run` (same rubric, evidence, --on-error and
--previous), then prints a table (text), or writes JSON or CSV with -o.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

import numpy as np

from .errors import UsageError
from .cli_limits import evidence_limit_arg
from .outputs import Output, check_outputs, write_outputs

Columns = dict[str, np.ndarray]


def columns_csv(columns: Columns) -> str:
    """A table of equal-length columns as CSV; NaN and None are empty cells."""
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    names = list(columns)
    w.writerow(names)
    n = len(next(iter(columns.values()))) if columns else 0
    cells = []
    for name in names:  # formatted column by column
        col = np.asarray(columns[name])
        if col.dtype.kind == "f":
            text = np.where(np.isnan(col), "", np.char.mod("%.10g", np.nan_to_num(col)))
        elif col.dtype.kind == "b":
            text = np.where(col, "true", "false")
        else:
            text = np.array(["" if v is None else str(v) for v in col.tolist()], dtype=object)
        cells.append(text)
    w.writerows(zip(*[c.tolist() for c in cells]) if n else [])
    return out.getvalue()


def _format(args: argparse.Namespace) -> str:
    fmt = args.format or (Path(args.output).suffix.lstrip(".").lower() if args.output else "") or "text"
    fmt = "text" if fmt == "txt" else fmt
    if fmt not in ("text", "json", "csv"):
        raise UsageError(f"no format {fmt!r} here; use --format text, json or csv")
    return str(fmt)


def _check(args: argparse.Namespace, rubrics: list[Any], evidence: str) -> None:
    """Before any work: the format is known and -o names none of the files read (nothing clobbered)."""
    _format(args)
    inputs = [("evidence", Path(evidence))] + [("rubric", r.path) for r in rubrics if r.path is not None]
    if args.previous:
        inputs.append(("--previous", Path(args.previous)))
    check_outputs([("-o", Path(args.output))] if args.output else [], inputs)


def _emit(args: argparse.Namespace, text: Callable[[], str], data: Callable[[], Any], table: Callable[[], Columns]) -> None:
    fmt = _format(args)
    body = text() if fmt == "text" else (
        json.dumps(data(), ensure_ascii=False, indent=2, allow_nan=False) + "\n" if fmt == "json" else columns_csv(table()))
    if args.output:
        write_outputs([Output("-o", Path(args.output), body)])  # atomically, as `scoring run` writes
    else:
        sys.stdout.write(body)


def _score(engine: Any, args: argparse.Namespace, rubric_source: str, err: TextIO) -> Any:
    """The result `scoring run` would give for the same flags: amendments, decisions and earlier years
    included (a flag the parser accepts is never silently ignored)."""
    from .cli import _evidence_path, _sample_history

    rubric = engine.load_rubric(rubric_source)
    evidence = _evidence_path(rubric, args.evidence, args.sample)
    _check(args, [rubric], evidence)
    _sample_history(rubric, args, err)
    return engine.score(rubric, _load(engine, rubric, evidence, args), previous=args.previous,
                        committee=args.decisions, history=args.history)


def _load(engine: Any, rubric: Any, evidence: str, args: argparse.Namespace) -> Any:
    """The evidence, read as `scoring run` reads it (--on-error, --sheet, --encoding, --max-evidence-mb)."""
    from .cli_limits import evidence_limit

    return engine.load_evidence(rubric, evidence, on_error=args.on_error, sheet=args.sheet, encoding=args.encoding,
                                amendments=getattr(args, "amend", None), max_bytes=evidence_limit(args))


def cmd_stats(engine: Any, args: argparse.Namespace, err: TextIO) -> int:
    result = _score(engine, args, args.rubric, err)
    stats = result.statistics(args.by)
    _emit(args, stats.to_text, stats.to_dict, lambda: stats.indicators)
    return 0


def cmd_sensitivity(engine: Any, args: argparse.Namespace, err: TextIO) -> int:
    from .analysis.sensitivity import parse_spread, sensitivity  # here: every command builds this parser

    spread = parse_spread(args.spread)
    result = _score(engine, args, args.rubric, err)  # scored with --previous/--history: the draws read them from it
    start = time.perf_counter()
    found = sensitivity(result, draws=args.draws, spread=spread, seed=args.seed, level=args.level)
    seconds = time.perf_counter() - start
    _emit(args, found.to_text, found.to_dict, found.columns)
    print(f"{args.draws} draws over {result.layout.n_units} units in {seconds:.2f} s", file=err)
    return 0


def cmd_impact(engine: Any, args: argparse.Namespace, err: TextIO) -> int:
    from .cli import _evidence_path
    from .analysis.impact import compare_results

    old = engine.load_rubric(args.old)
    new = engine.load_rubric(args.new)
    evidence = _evidence_path(old if args.evidence is None and new.sample is None else new, args.evidence, False)
    _check(args, [old, new], evidence)
    from .cli import _sample_history

    _sample_history(new if args.evidence is None and new.sample is not None else old, args, err)
    looking_back = {"previous": args.previous, "history": args.history}
    found = compare_results(engine.score(old, _load(engine, old, evidence, args), **looking_back),
                            engine.score(new, _load(engine, new, evidence, args), **looking_back))
    for warning in found.warnings:
        print(f"warning: {warning}", file=err)
    _emit(args, found.to_text, found.to_dict, lambda: found.columns(only_changed=not args.all))
    return 0


def add_commands(sub: Any, evidence_args: Callable[[argparse.ArgumentParser], None]) -> None:
    """Register the analysis subcommands on the `scoring` parser."""

    def output_args(p: argparse.ArgumentParser) -> None:
        p.add_argument("-o", "--output", metavar="OUT", help="output file (default: standard output)")
        p.add_argument("--format", help="text (default), json or csv; default from OUT's suffix")

    stats = sub.add_parser("stats", help="indicator statistics: mean points, points lost, full/zero/n.a. shares")
    evidence_args(stats)
    stats.add_argument("evidence", metavar="EVIDENCE", nargs="?")
    stats.add_argument("--by", metavar="FIELD", help="one table per value of FIELD (e.g. industry)")
    output_args(stats)
    stats.set_defaults(func=cmd_stats)

    sens = sub.add_parser("sensitivity", help="grade, rank and quota stability under perturbed weights")
    evidence_args(sens)
    sens.add_argument("evidence", metavar="EVIDENCE", nargs="?")
    sens.add_argument("--draws", type=int, default=1000, help="random weightings (1000)")
    sens.add_argument("--spread", default="10%", help="each weight × U[1 − spread, 1 + spread], rescaled (10%%)")
    sens.add_argument("--seed", type=int, default=0, help="random seed, for reproducible runs (0)")
    sens.add_argument("--level", choices=["dimension", "indicator"], default="dimension",
                      help="perturb dimension points (default) or indicator points")
    output_args(sens)
    sens.set_defaults(func=cmd_sensitivity)

    impact = sub.add_parser("impact", help="who changes score, grade, rank, veto or money under a new rubric")
    impact.add_argument("old", metavar="OLD", help="the rubric in force (file or bundled id)")
    impact.add_argument("new", metavar="NEW", help="the proposed rubric")
    impact.add_argument("evidence", metavar="EVIDENCE", nargs="?",
                        help="evidence (default: the new rubric's sample, else the old one's)")
    impact.add_argument("--on-error", choices=["fail", "skip"], default="fail")
    impact.add_argument("--previous", metavar="LAST.json", help="last period's JSON result, for both rubrics")
    impact.add_argument("--history", metavar="RESULT.json|DIR", action="append",
                        help="earlier JSON results (oldest first, or a directory), for both rubrics' history.*")
    impact.add_argument("--sheet", metavar="NAME", help="the workbook sheet to read (default: the first)")
    impact.add_argument("--encoding", metavar="NAME", help="the CSV/JSON file's encoding (default: UTF-8, else GBK)")
    evidence_limit_arg(impact)
    impact.add_argument("--all", action="store_true", help="CSV: every unit, not only the changed ones")
    output_args(impact)
    impact.set_defaults(func=cmd_impact)
