"""The `scoring` command line.

Exit codes: 0 success; 1 an invalid rubric or evidence (a one-paragraph
message on stderr, no traceback unless --debug); 2 a usage error; 3 an
internal error (a bug: please report it with the --debug output).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import traceback
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TextIO

from .cli_analysis import add_commands as add_analysis_commands
from .engine import ENGINE_VERSION, Engine
from .errors import EvidenceError, RubricError, ScoringError, UsageError
from .notices import Notice
from .cli_progress import terminal_progress
from .cli_limits import evidence_limit, evidence_limit_arg
from .previous import read_result_json
from .outputs import Content, Output, check_outputs, write_outputs
from .outputs import write_atomic as write_atomic  # kept importable from here for existing callers
from . import panel_rows
from .plan import CompiledIndicator, Rubric
from .result import Result
from .rejects_file import rejects_csv
from .writers import Writer, WriteOptions

EXIT_OK, EXIT_INVALID, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3
SHOWN_REJECTIONS = 10
SHOWN_WARNINGS = 10  # of one kind; a sample with 30 raters' disagreements must not bury the summary line



def print_warnings(warnings: Sequence[str], err: TextIO) -> None:
    """Each warning on stderr, at most SHOWN_WARNINGS of one kind; the result keeps them all."""
    shown: Counter[str] = Counter()
    for warning in warnings:
        code = warning.code if isinstance(warning, Notice) else "warning"
        shown[code] += 1
        if shown[code] <= SHOWN_WARNINGS:
            print(f"warning: {warning}", file=err)
    for code, n in shown.items():
        if n > SHOWN_WARNINGS:
            print(f"warning: ... and {n - SHOWN_WARNINGS} more '{code}' warning(s) like these; "
                  "the JSON result lists every warning (\"warnings\")", file=err)

def _evidence_path(rubric: Rubric, given: str | None, sample: bool) -> str:
    if given and not sample:
        return given
    if given and sample:
        raise UsageError("give either an evidence file or --sample, not both")
    if rubric.sample is None:
        raise RubricError("no evidence file given, and the rubric names no sample ([rubric] sample); "
                          "give the evidence file", path=str(rubric.path or rubric.id))
    return str(rubric.sample)


def _sample_history(rubric: Rubric, args: argparse.Namespace, err: TextIO) -> None:
    """Running the rubric's sample without --history: read the earlier results bundled with it, and say so."""
    if args.evidence or args.history or rubric.sample_history is None:
        return
    args.history = [str(rubric.sample_history)]
    print(f"note: the sample's earlier results are read as --history {rubric.sample_history}", file=err)


def _outputs(args: argparse.Namespace) -> list[tuple[str, Path]]:
    return [(label, Path(value)) for label, value in (("-o", args.output), ("--rejects", args.rejects)) if value]


def _inputs(rubric: Rubric, evidence_path: str, args: argparse.Namespace) -> list[tuple[str, Path]]:
    """Every file the run reads, with the name an error message gives it."""
    found = [("evidence", Path(evidence_path))]
    if rubric.path is not None:
        found.append(("rubric", rubric.path))
    if args.previous:
        found.append(("--previous", Path(args.previous)))
    return found


def cmd_run(engine: Engine, args: argparse.Namespace, err: TextIO) -> int:
    rubric = engine.load_rubric(args.rubric)
    evidence_path = _evidence_path(rubric, args.evidence, args.sample)
    _sample_history(rubric, args, err)
    fmt = engine.writer_for(format=args.format, output=args.output).name
    check_outputs(_outputs(args), _inputs(rubric, evidence_path, args))
    writer = engine.registry.writers[fmt]
    progress = terminal_progress(err, args.quiet)
    try:
        try:
            evidence = engine.load_evidence(rubric, evidence_path, on_error=args.on_error, sheet=args.sheet,
                                            encoding=args.encoding, amendments=args.amend, progress=progress,
                                            max_bytes=evidence_limit(args))
        except EvidenceError as exc:
            # --on-error fail writes nothing, the rejects file included: the
            # rows are listed here, and the message says how to skip them.
            for r in exc.rejected[:SHOWN_REJECTIONS]:
                print(f"  rejected {r}", file=err)
            if len(exc.rejected) > SHOWN_REJECTIONS:
                print(f"  ... and {len(exc.rejected) - SHOWN_REJECTIONS} more", file=err)
            raise
        for note in evidence.notes:
            print(f"note: {note}", file=err)
        result = engine.score(rubric, evidence, previous=args.previous, strict=args.strict, committee=args.decisions,
                              history=args.history, progress=progress)
        if args.by:
            result.statistics(args.by)  # an unknown field is a usage error before anything is written
            result = dataclasses.replace(result, group_by=args.by)
        print_warnings(result.warnings, err)
        report_workflow(result, err)
        content: Content
        if args.output and writer.stream is not None:
            # Streamed into the temporary file a part at a time (a large result
            # never sits in memory whole), renamed into place only when whole.
            stream = writer.stream
            content = lambda handle: stream(result, handle)  # noqa: E731
        else:
            content = engine.render(result, fmt, write_options(args))  # everything rendered before anything is written
        if isinstance(content, bytes) and not args.output and sys.stdout.isatty():
            raise UsageError(f"{fmt} is a binary format; give an output file with -o")
        files = [Output("-o", Path(args.output), content)] if args.output else []
        if args.rejects:
            files.append(Output("--rejects", Path(args.rejects), rejects_csv(result.rejected, rubric.model)))
        n = result.layout.n_units
        if progress is not None:
            progress("writing", 0, n, "units")
        write_outputs(files, stdout=None if args.output else content)  # all files replaced, or none
        if progress is not None:
            progress("writing", n, n, "units")
    finally:
        if progress is not None:
            progress.close()
    for r in result.rejected[:SHOWN_REJECTIONS]:
        print(f"  rejected {r}", file=err)
    if len(result.rejected) > SHOWN_REJECTIONS:
        print(f"  ... and {len(result.rejected) - SHOWN_REJECTIONS} more (see --rejects or the output)", file=err)
    not_assessable = int((~result.totals.assessable).sum())  # as summary() counts it, without its statistics
    if not_assessable:
        print(f"warning: {not_assessable} unit(s) not assessable: no item of the rubric applies to them", file=err)
    ended = int(result.decisions.ended.sum())
    if ended:
        print(f"note: {ended} unit(s) not scored: a veto ended their review (no score, grade or rank)", file=err)
    pv = result.provenance
    print(f"rows: {pv.rows_read} read, {pv.rows_scored} scored, {pv.rows_rejected} rejected; "
          f"units: {result.layout.n_units} scored", file=err)
    return EXIT_OK


def report_workflow(result: Result, err: TextIO) -> None:
    """Say on stderr what a reader of the result must not miss: overrides and empty quota places."""
    from .overrides import quota_vacancies

    if result.evidence.amendments:
        print(f"amendments: {len(result.evidence.amendments)} applied to the evidence (recorded in the result)",
              file=err)
    if result.overrides:
        print(f"committee decisions: {len(result.overrides)} applied (kept with the rules' decisions in the result)",
              file=err)
    for v in quota_vacancies(result):
        group = "".join(f" in {k} {g}" for k, g in v.get("group", {}).items())
        print(f"warning: {v['consequence']}{group}: {v['empty']} of {v['places']} quota place(s) empty: {v['why']}",
              file=err)


def write_options(args: argparse.Namespace) -> WriteOptions:
    return WriteOptions(bom=not args.no_bom, headers=args.headers)


def cmd_render(engine: Engine, args: argparse.Namespace, err: TextIO) -> int:
    """A report from a saved JSON result, the same bytes `scoring run` would have written."""
    where = args.result
    doc = read_result_json(where)
    if not isinstance(doc, dict):
        raise EvidenceError("not a JSON result written by `scoring run`", path=where)
    fmt = engine.writer_for(format=args.format, output=args.output).name
    outputs = [("-o", Path(args.output))] if args.output else []
    check_outputs(outputs, [("RESULT.json", Path(where))])  # never write the report over the archive
    text = engine.render_saved(doc, fmt, write_options(args), source=where)
    write_outputs([Output("-o", Path(args.output), text)] if args.output else [],
                  stdout=None if args.output else text)
    return EXIT_OK


def cmd_template(engine: Engine, args: argparse.Namespace, err: TextIO) -> int:
    from .template import write_template

    rubric = engine.load_rubric(args.rubric)
    written = write_template(engine, rubric, Path(args.output), units=args.units)
    print(f"wrote {args.output}: {written}", file=err)
    return EXIT_OK


def _load_or_report(engine: Engine, source: str, err: TextIO, label: str) -> Rubric | None:
    """The rubric, or None after saying on stderr why it does not load."""
    try:
        return engine.load_rubric(source)
    except ScoringError as exc:
        print(f"{label}: {exc}", file=err)
        return None


def cmd_validate(engine: Engine, args: argparse.Namespace, err: TextIO) -> int:
    from .examples import run_examples

    status = EXIT_OK
    for source in args.rubrics:
        rubric = _load_or_report(engine, source, err, "invalid")
        if rubric is None:
            status = EXIT_INVALID
            continue
        outcomes = run_examples(engine, rubric)
        failed = [o for o in outcomes if not o.passed]
        for o in failed:
            print(f"invalid: {rubric.path or source}: example[{o.index}] {o.title!r}: " + "; ".join(o.problems), file=err)
        if failed:
            status = EXIT_INVALID
        else:
            print(f"ok: {rubric.path or source}: {rubric.id} {rubric.version}, {len(rubric.indicators)} indicators, "
                  f"{len(outcomes)} example(s) pass")
    return status


def cmd_check(engine: Engine, args: argparse.Namespace, err: TextIO) -> int:
    try:
        import hypothesis  # noqa: F401 - a dependency; missing only from an install made without it
    except ModuleNotFoundError:
        raise UsageError("scoring check draws evidence with hypothesis, which is not installed here; "
                         "install it with: pip install hypothesis (or reinstall scoring with its dependencies)") from None
    from .check import check_rubric, has_errors

    status = EXIT_OK
    for source in args.rubrics:
        rubric = _load_or_report(engine, source, err, "error: validation")
        if rubric is None:
            status = EXIT_INVALID
            continue
        progress = terminal_progress(err, args.quiet)
        try:
            findings = check_rubric(engine, rubric, max_examples=args.max_examples, seed=args.seed,
                                    progress=progress)
        finally:
            if progress is not None:
                progress.close()
        for finding in findings:
            print(f"{rubric.path or source}: {finding.render()}", file=sys.stdout)
        errors = sum(f.severity == "error" for f in findings)
        warnings = len(findings) - errors
        verdict = "FAILED" if has_errors(findings) else "ok"
        print(f"{verdict}: {rubric.path or source}: {rubric.id} {rubric.version}: {errors} error(s), "
              f"{warnings} warning(s); {len(rubric.model.example)} example(s); properties checked on "
              f"{args.max_examples} drawn evidence tables each (seed {args.seed})")
        if has_errors(findings):
            status = EXIT_INVALID
    return status


def cmd_schema(engine: Engine, args: argparse.Namespace, err: TextIO) -> int:
    from .schema import schema_text

    sys.stdout.write(schema_text(engine.registry.methods, engine.registry.payout_kinds))
    return EXIT_OK


def cmd_explain(engine: Engine, args: argparse.Namespace, err: TextIO) -> int:
    rubric = engine.load_rubric(args.rubric)
    evidence_path = _evidence_path(rubric, args.evidence, args.sample)
    _sample_history(rubric, args, err)
    evidence = engine.load_evidence(rubric, evidence_path, on_error=args.on_error, sheet=args.sheet,
                                    encoding=args.encoding, amendments=args.amend, max_bytes=evidence_limit(args))
    result = engine.score(rubric, evidence, previous=args.previous, committee=args.decisions, history=args.history)
    explanation = result.explain(args.unit)
    if args.format == "json":
        sys.stdout.write(json.dumps(explanation.to_dict(), ensure_ascii=False, indent=2) + "\n")
    else:
        sys.stdout.write(explanation.to_text())
    return EXIT_OK


def cmd_diff(engine: Engine, args: argparse.Namespace, err: TextIO) -> int:
    from .diff import diff_results, load_result

    fmt = args.format or (Path(args.output).suffix.lstrip(".").lower() if args.output else "") or "text"
    fmt = {"txt": "text"}.get(fmt, fmt)
    if fmt not in ("text", "json", "md"):
        raise UsageError(f"no diff format {fmt!r}; use --format text, json or md")
    diff = diff_results(load_result(args.before), load_result(args.after),
                        before_name=args.before, after_name=args.after)
    if fmt == "json":
        text = json.dumps(diff.to_dict(), ensure_ascii=False, indent=2) + "\n"
    else:
        text = diff.to_text() if fmt == "text" else diff.to_markdown()
    if args.output:
        write_atomic(Path(args.output), text)
        print(f"{diff.headline()}; written to {args.output}", file=err)
    else:
        sys.stdout.write(text)
    return EXIT_OK


def rubric_tree(rubric: Rubric) -> str:
    """The indicator tree with points, methods and phases, for `scoring rubrics show`."""
    m = rubric.model
    info = m.rubric
    lines = [f"{info.id} {info.version} — {info.title}", f"scale {info.scale:g}, precision {info.precision}, "
             f"not applicable: {info.not_applicable}"]
    if m.phases:
        lines.append("phases: " + ", ".join(
            f"{name} (weight {p.weight:g}, periods {p.periods or ('mean' if name == 'process' else 'last')})"
            for name, p in m.phases.items()))
    lines += panel_rows.describe(m)  # rater panels and stages, when declared
    by_dimension: dict[int, list[CompiledIndicator]] = {}
    for ind in rubric.indicators:  # grouped once: a scan per dimension would be quadratic
        by_dimension.setdefault(id(ind.dimension), []).append(ind)
    for dim in m.dimension:
        kind = " bonus, capped" if dim.kind == "bonus" else ""
        phase = f" [{dim.phase}]" if dim.phase else ""
        lines.append(f"  {dim.id} {dim.title}: {dim.points:g} points{kind}{phase}")
        for ind in by_dimension.get(id(dim), []):
            how = ind.method.describe(ind.params, ind.points) if ind.method.describe else ind.method.summary
            lines.append(f"    {ind.id} {ind.spec.title}: {ind.points:g}, {ind.method.name} — {how}")
    for v in m.veto:
        lines.append(f"  veto {v.id} {v.title}: when {v.when} → {v.effect}")
    lines.append("  grades: " + ", ".join(f"{g.name} ≥ {g.min:g}" + (f" if {g.require}" if g.require else "")
                                          for g in m.grade))
    for c, payout in zip(m.consequence, rubric.payouts):
        paid = f"; paid by {payout.kind.name} ({payout.kind.summary})" if payout is not None else ""
        lines.append(f"  consequence {c.id} {c.title}: when {c.when}{paid}")
    return "\n".join(lines) + "\n"


def cmd_rubrics(engine: Engine, args: argparse.Namespace, err: TextIO) -> int:
    if args.action == "show":
        if not args.rubric:
            raise UsageError("scoring rubrics show RUBRIC: name a rubric (an id or a file)")
        sys.stdout.write(rubric_tree(engine.load_rubric(args.rubric)))
        return EXIT_OK
    if args.action is not None:
        raise UsageError(f"unknown action {args.action!r}; use `scoring rubrics` or `scoring rubrics show ID`")
    bundled = engine.bundled_rubrics()
    if not bundled:
        print("no bundled rubrics are installed", file=err)
    for b in bundled:
        print(f"{b.id}\t{b.version}\t{b.title}")
    return EXIT_OK


def cmd_plugins(engine: Engine, args: argparse.Namespace, err: TextIO) -> int:
    for p in engine.plugins():
        dist = f"{p.distribution} {p.version}".strip() or "(registered in code)"
        print(f"{p.name}\t{dist}")
        for label, names in (("methods", p.methods), ("payout kinds", p.payout_kinds), ("loaders", p.loaders),
                             ("writers", p.writers), ("evidence checks", p.checks)):
            if names:
                print(f"  {label}: {', '.join(names)}")
        # What each member-row method reports per member, as [member_result] reads it (<indicator>_<figure>).
        figures = [f"{m} ({', '.join(engine.registry.methods[m].member_values)})" for m in p.methods
                   if engine.registry.methods[m].member_values]
        if figures:
            print(f"  member figures: {'; '.join(figures)}")
        if p.functions:
            print("  functions:")  # one a line, with the signature a rubric author needs to call it
            for name in p.functions:
                function = engine.registry.functions[name]
                print(f"    {function.signature()}" + (f"  {function.summary}" if function.summary else ""))
    return EXIT_OK


def _writer_help(writers: Mapping[str, Writer] | None) -> str:
    if not writers:
        return "the output format; default from OUT's suffix, else json"
    listed = "; ".join(f"{w.name} ({w.suffix}): {w.summary}" if w.summary else f"{w.name} ({w.suffix})"
                       for w in writers.values())
    return f"the output format, default from OUT's suffix, else json. Writers: {listed}"


def output_args(p: argparse.ArgumentParser, writers: Mapping[str, Writer] | None) -> None:
    p.add_argument("-o", "--output", metavar="OUT", help="output file (default: standard output); "
                   "its suffix picks the writer (.json .csv .md .xlsx .html ...)")
    p.add_argument("--format", help=_writer_help(writers).replace("%", "%%"))
    p.add_argument("--no-bom", action="store_true", help="CSV without the byte-order mark (for programs; "
                   "Excel needs the mark to read UTF-8)")
    p.add_argument("--headers", choices=["titles", "ids"], default="titles",
                   help="report column headers: the rubric's titles in its language (default) or ids")


def build_parser(writers: Mapping[str, Writer] | None = None) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="scoring", description="Score evidence against an assessment rubric.")
    parser.add_argument("--version", action="version", version=f"scoring {ENGINE_VERSION}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks on errors")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def evidence_args(p: argparse.ArgumentParser) -> None:
        p.add_argument("rubric", metavar="RUBRIC", help="a rubric file, or the id of a bundled rubric")
        p.add_argument("--sample", action="store_true", help="use the rubric's bundled sample evidence")
        p.add_argument("--on-error", choices=["fail", "skip"], default="fail",
                       help="on invalid rows: fail (default, nothing written) or skip them and list them")
        p.add_argument("--previous", metavar="LAST.json",
                       help="last period's JSON result, for consequences that read previous.grade etc.")
        p.add_argument("--history", metavar="RESULT.json|DIR", action="append",
                       help="an earlier JSON result, oldest first (repeat the flag), or a directory of them read "
                            "in name order; for conditions that read history.* (e.g. history.streak_优秀)")
        p.add_argument("--decisions", metavar="FILE",
                       help="committee decisions (CSV or JSON: unit, target, action, value, reason, decided_by, "
                            "date) overriding grades and consequences; both are kept in the result")
        p.add_argument("--amend", metavar="FILE",
                       help="corrections to the evidence (CSV or JSON: unit, field, period, old, new, reason, "
                            "approved_by); an old value that does not match the evidence is refused")
        # explain reads the same files as run, so it needs the same ways of reading them.
        p.add_argument("--sheet", metavar="NAME", help="the workbook sheet to read (default: the first)")
        p.add_argument("--encoding", metavar="NAME",
                       help="the CSV/JSON file's encoding (default: UTF-8, else GB18030/GBK with a note)")
        evidence_limit_arg(p)

    run = sub.add_parser("run", help="score evidence and write the result")
    evidence_args(run)
    run.add_argument("evidence", metavar="EVIDENCE", nargs="?", help="evidence file (.xlsx, .xls, .ods, .csv, .json, .jsonl)")
    output_args(run, writers)
    run.add_argument("--rejects", metavar="FILE", help="write rejected rows to FILE as CSV")
    run.add_argument("--by", metavar="FIELD", help="add indicator statistics by FIELD (e.g. industry) to the summary")
    run.add_argument("--strict", action="store_true",
                     help="treat warnings (a group with no member rows, blank periods ...) as errors: exit 1")
    run.add_argument("-q", "--quiet", action="store_true",
                     help="no progress bars (they are drawn only when stderr is a terminal anyway)")
    run.set_defaults(func=cmd_run)

    render = sub.add_parser("render", help="remake a report from a saved JSON result (no rescoring)")
    render.add_argument("result", metavar="RESULT.json", help="a JSON result written by `scoring run`")
    output_args(render, writers)
    render.set_defaults(func=cmd_render)

    template = sub.add_parser("template", help="write the form (xlsx or csv) that evidence is filled in on")
    template.add_argument("rubric", metavar="RUBRIC", help="a rubric file, or the id of a bundled rubric")
    template.add_argument("-o", "--output", metavar="FORM", required=True, help="form.xlsx or form.csv")
    template.add_argument("--units", metavar="FILE",
                          help="a CSV or workbook of the units (id, and name if the rubric has one): one row each")
    template.set_defaults(func=cmd_template)

    validate = sub.add_parser("validate", help="check rubrics and their worked examples")
    validate.add_argument("rubrics", metavar="RUBRIC", nargs="+")
    validate.set_defaults(func=cmd_validate)

    check = sub.add_parser("check", help="validate, lint, run examples and property-check rubrics")
    check.add_argument("rubrics", metavar="RUBRIC", nargs="+")
    check.add_argument("--max-examples", type=int, default=100, help="evidence tables drawn per property (100)")
    check.add_argument("--seed", type=int, default=0, help="hypothesis seed, for reproducible runs (0)")
    check.add_argument("-q", "--quiet", action="store_true",
                       help="no progress (drawn only when stderr is a terminal anyway)")
    check.set_defaults(func=cmd_check)

    schema = sub.add_parser("schema", help="print the rubric format's JSON Schema (with every method's parameters)")
    schema.set_defaults(func=cmd_schema)

    explain = sub.add_parser("explain", help="explain one unit's result line by line")
    evidence_args(explain)
    explain.add_argument("evidence", metavar="EVIDENCE", nargs="?", help="evidence file, as for run")
    explain.add_argument("unit", metavar="UNIT_ID")
    explain.add_argument("--format", choices=["text", "json"], default="text")
    explain.set_defaults(func=cmd_explain)

    diff = sub.add_parser("diff", help="list every unit whose outcome changed between two JSON results")
    diff.add_argument("before", metavar="BEFORE.json")
    diff.add_argument("after", metavar="AFTER.json")
    diff.add_argument("-o", "--output", metavar="OUT", help="output file (default: standard output)")
    diff.add_argument("--format", help="text (default), json or md; default from OUT's suffix")
    diff.set_defaults(func=cmd_diff)

    rubrics = sub.add_parser("rubrics", help="list the bundled rubrics; `rubrics show ID` prints one's tree")
    rubrics.add_argument("action", nargs="?", metavar="show")
    rubrics.add_argument("rubric", nargs="?", metavar="RUBRIC")
    rubrics.set_defaults(func=cmd_rubrics)
    add_analysis_commands(sub, evidence_args)  # stats, sensitivity, impact
    plugins = sub.add_parser("plugins", help="list the loaded plugins and what they provide")
    plugins.set_defaults(func=cmd_plugins)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    try:  # made first for --format's help (the registered writers); a broken plugin is reported below
        ready: Engine | None = Engine()
    except Exception:
        ready = None
    parser = build_parser(ready.registry.writers if ready else None)
    args = parser.parse_args(argv)
    err = sys.stderr
    try:
        engine = ready or Engine()
        code: int = args.func(engine, args, err)
        return code
    except UsageError as exc:
        print(f"scoring: error: {exc}", file=err)
        return EXIT_USAGE
    except ScoringError as exc:
        if args.debug:
            traceback.print_exc()
        print(f"error: {exc}", file=err)
        return EXIT_INVALID
    except OSError as exc:  # an unwritable output, a full disk: the user's to fix
        if args.debug:
            traceback.print_exc()
        print(f"error: {exc.filename or ''}: {exc.strerror or exc}", file=err)
        return EXIT_INVALID
    except KeyboardInterrupt:
        return 130
    except Exception:  # a bug, not bad input
        if args.debug:
            traceback.print_exc()
        else:
            kind, value, _ = sys.exc_info()
            print(f"internal error: {kind.__name__ if kind else 'error'}: {value}; "
                  "this is a bug in scoring or a plugin: rerun with --debug and report the output", file=err)
        return EXIT_INTERNAL


def console() -> None:
    """The `scoring` command (now started from scoring.launch; kept for scripts installed naming this one)."""
    from .launch import console as launch

    launch()


if __name__ == "__main__":
    console()
