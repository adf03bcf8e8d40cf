"""The engine: one plugin manager, and the straight path from files to a result.

    engine = scoring.Engine()
    rubric = engine.load_rubric("enterprise-safety-target")   # a path or a bundled id
    result = engine.score(rubric, "evidence.csv")
    result.unit("E001").score, result.explain("E001")

An engine holds no state beyond its plugins; it never prints and never exits.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np

from .aggregate import aggregate
from .consequences import decide_consequences
from .decide import decide
from .errors import EvidenceError, RubricError, ScoringError, UsageError
from .evidence import Evidence, OnError, sha256_of, type_arrays, type_table
from .fast_csv import FileDigest, plain_csv_evidence
from .fast_workbook import plain_workbook_evidence
from .indicators import score_indicators
from .layout import build_layout
from .history import check_history, history_columns, load_history, no_history_warning
from .overrides import CommitteeDecision, load_decisions, overridden
from . import panels, stages
from .plan import Rubric, compile_rubric
from .previous import Previous, check_previous, load_previous, previous_columns
from .progress import Progress, report
from .registry import PluginInfo, Registry, build_registry, call_hook, make_manager
from .report import Report
from .result import Provenance, Result
from .row_checks import RowChecks, bind
from .rubric import build_model, parse_toml, read_rubric_source, sha256_hex
from .cells import cell_text
from .evidence_checks import check_layout
from .evidence_limits import MAX_EVIDENCE_BYTES, too_large
from .frames import frame_to_table, is_frame
from .notices import as_notice
from .tables import RawTable, read_with
from .version import ENGINE_VERSION as ENGINE_VERSION  # importable from here, as before
from .writers import Writer, WriteOptions

if TYPE_CHECKING:  # imported where used: a scoring job without them never needs them (start-up time)
    from .amend import Amendment
    from .analysis.impact import Impact


@dataclass(frozen=True)
class BundledRubric:
    id: str
    title: str
    version: str
    path: Path


def read_evidence_bytes(path: Path, max_bytes: int | None = None) -> bytes:
    """The file's bytes, refused before reading when larger than `max_bytes` (default MAX_EVIDENCE_BYTES)."""
    limit = MAX_EVIDENCE_BYTES if max_bytes is None else max_bytes
    try:
        size = path.stat().st_size
        if size > limit:
            raise EvidenceError(too_large(size, limit, default=MAX_EVIDENCE_BYTES), path=str(path))
        return path.read_bytes()
    except OSError as exc:
        raise EvidenceError(f"cannot read the file: {exc.strerror or exc}", path=str(path)) from None


class _Found(NamedTuple):
    """A rubric file as read while looking for it: its text, bytes and parsed TOML, not read again."""

    path: Path
    text: str
    data: bytes
    parsed: dict[str, Any]


def _bundled_file_named(files: Sequence[Path], rubric_id: str) -> _Found | None:
    """The bundled file `<rubric_id>.toml` when it declares that id and no other bundled file can, else None.

    Found without parsing every bundled rubric (a TOML parse each, on every `scoring run ID`): a file
    whose text does not hold the id cannot declare it, so it needs no parse. With None the caller
    reads them all, as `bundled_rubrics` always did, and picks exactly as before.
    """
    named = [p for p in files if p.stem == rubric_id]
    if len(named) != 1 or any(rubric_id in read_rubric_source(p)[0] for p in files if p != named[0]):
        return None
    text, data = read_rubric_source(named[0])
    parsed = parse_toml(text, str(named[0]))
    info = parsed.get("rubric", {})
    return _Found(named[0], text, data, parsed) if str(info.get("id", named[0].stem)) == rubric_id else None


class Engine:
    """A scoring engine with its own plugin manager.

    `plugins` are extra plugin objects (modules or instances with hook
    implementations) registered after those found through the `scoring`
    entry-point group; `entry_points=False` skips the group entirely, so a
    caller can build an engine from exactly the plugins it names; `block`
    names entry-point plugins not to load.
    """

    def __init__(
        self, *, plugins: Sequence[object] = (), entry_points: bool = True, block: Sequence[str] = ()
    ) -> None:
        self._pm, dists = make_manager(plugins, entry_points, block)
        self.registry: Registry = build_registry(self._pm, dists)
        self._bundled: list[BundledRubric] | None = None

    # --- plugins -------------------------------------------------------------
    def plugins(self) -> list[PluginInfo]:
        return list(self.registry.plugins)

    # --- rubrics -------------------------------------------------------------
    def bundled_rubrics(self) -> list[BundledRubric]:
        """Rubrics shipped by plugins, by id."""
        if self._bundled is None:
            found = []
            for path in self.registry.rubric_files:
                text, _ = read_rubric_source(path)
                info = parse_toml(text, str(path)).get("rubric", {})
                found.append(BundledRubric(str(info.get("id", path.stem)), str(info.get("title", "")),
                                           str(info.get("version", "")), path))
            self._bundled = sorted(found, key=lambda b: b.id)
        return list(self._bundled)

    def resolve_rubric(self, source: str | Path) -> Path:
        found = self._resolve(source)
        return found.path if isinstance(found, _Found) else found

    def _resolve(self, source: str | Path) -> Path | _Found:
        path = Path(source)
        if path.exists() or path.suffix == ".toml" or "/" in str(source):
            return path
        named = None if self._bundled is not None else _bundled_file_named(self.registry.rubric_files, str(source))
        if named is not None:
            return named
        for bundled in self.bundled_rubrics():
            if bundled.id == str(source):
                return bundled.path
        ids = ", ".join(b.id for b in self.bundled_rubrics()) or "none"
        raise RubricError(
            f"no rubric file {str(source)!r} and no bundled rubric with that id (bundled: {ids})", path=str(source)
        )

    def load_rubric(self, source: str | Path) -> Rubric:
        """Load, check and compile a rubric from a path or a bundled rubric's id."""
        found = self._resolve(source)
        if isinstance(found, _Found):  # read and parsed already, to find it by its id
            return self._compile(found.text, found.data, found.path, parsed=found.parsed)
        text, data = read_rubric_source(found)
        return self._compile(text, data, found)

    def rubric_from_text(self, text: str, *, name: str = "<rubric>") -> Rubric:
        return self._compile(text, text.encode("utf-8"), None, name)

    def _compile(self, text: str, data: bytes, path: Path | None, name: str | None = None, *,
                 parsed: dict[str, Any] | None = None) -> Rubric:
        where = str(path) if path else (name or "<rubric>")
        model = build_model(parse_toml(text, where) if parsed is None else parsed, where)
        rubric = compile_rubric(model, self.registry.methods, path=path, sha256=sha256_hex(data), name=where,
                                functions=self.registry.functions, payout_kinds=self.registry.payout_kinds)
        call_hook(self._pm, "scoring_rubric_loaded", rubric=rubric)
        return rubric

    # --- evidence ------------------------------------------------------------
    def _row_checks(self, rubric: Rubric) -> RowChecks | None:
        """The plugins' checks across evidence rows, for this rubric."""
        return bind(list(self.registry.checks.values()), rubric)

    def load_evidence(
        self, rubric: Rubric, source: str | Path, *, on_error: OnError = "fail",
        sheet: str | None = None, encoding: str | None = None,
        amendments: Sequence[Amendment] | str | Path | None = None, progress: Progress | None = None,
        max_bytes: int | None = None,
    ) -> Evidence:
        """Read and type an evidence file. `sheet` picks a workbook's sheet (default: the first);
        `encoding` forces a text file's encoding (default: UTF-8, else GB18030 with a note);
        `amendments` (a file or a list) correct cells before they are typed, see amend.py;
        `progress` hears "reading" and "typing" (see `scoring.progress`); `max_bytes` raises (or
        lowers) the MAX_EVIDENCE_BYTES limit on the file's size for this call."""
        path = Path(source)
        loader = next((ld for ld in self.registry.loaders.values() if path.suffix.lower() in ld.suffixes), None)
        if loader is None:
            known = ", ".join(s for ld in self.registry.loaders.values() for s in ld.suffixes)
            raise EvidenceError(f"no loader reads {path.suffix or 'files without a suffix'!r} files; known: {known}", path=str(path))
        options = {"sheet": sheet, "encoding": encoding}
        for option, value in options.items():
            if value is not None and option not in loader.options:
                raise UsageError(f"--{option} does not apply to {path.suffix} files (loader {loader.name!r})")
        data = read_evidence_bytes(path, max_bytes)
        report(progress, "reading", 0, None, "rows")
        checks = self._row_checks(rubric)
        # The fast path knows no panels or stages; it declines any column it does not know, a
        # rater or stage column included, so a rubric declaring them keeps it for files without them.
        digest: FileDigest | None = None
        if loader.name == "csv" and encoding is None and amendments is None:
            digest = FileDigest(data)
            fast = plain_csv_evidence(rubric, path, data, checks=checks, digest=digest)
            if fast is not None:  # a plain, valid file: read and typed by whole columns
                report(progress, "reading", fast.rows_read, fast.rows_read, "rows")
                report(progress, "typing", fast.rows_read, fast.rows_read, "rows")
                return fast
        if loader.name == "xlsx" and amendments is None:
            digest = FileDigest(data)
            fast = plain_workbook_evidence(rubric, path, data, sheet=sheet, checks=checks, digest=digest)
            if fast is not None:  # a plain, valid sheet: read and typed by whole columns
                report(progress, "reading", fast.rows_read, fast.rows_read, "rows")
                report(progress, "typing", fast.rows_read, fast.rows_read, "rows")
                return fast
        # Once for the careful path: the fast path's hash when it began one, and the same for each typing
        # of an amended table (as it is, as the amendments' old values say, and amended).
        hashed = (None if digest is None else digest.if_started()) or sha256_of(data)
        try:
            table = read_with(loader, path, data, options)
        except (ScoringError, OSError, MemoryError):
            raise
        except Exception as exc:  # noqa: BLE001 - a loader's bug is its plugin's, named
            raise self.registry.plugin_error("loaders", loader.name, exc) from exc
        rows = table.n_rows
        report(progress, "reading", rows, rows, "rows")
        report(progress, "typing", 0, rows, "rows")

        def typed(t: RawTable, policy: OnError) -> Evidence:
            return type_table(t, rubric.model, source=str(path), data=data, on_error=policy,
                              member_fields=rubric.member_fields, optional=rubric.optional_fields,
                              checks=checks, sha256=hashed)

        evidence = self._amended(rubric, table, amendments, typed, on_error)
        report(progress, "typing", rows, rows, "rows")
        return evidence

    @staticmethod
    def _amended(rubric: Rubric, table: RawTable, amendments: Sequence[Amendment] | str | Path | None,
                 typed: Callable[[RawTable, OnError], Evidence], on_error: OnError) -> Evidence:
        if amendments is None:
            return typed(table, on_error)
        from .amend import amend_table, load_amendments

        listed = load_amendments(amendments) if isinstance(amendments, (str, Path)) else list(amendments)
        evidence = typed(amend_table(table, rubric.model, listed, typed), on_error)
        evidence.amendments = tuple(listed)
        return evidence

    def evidence_from_rows(
        self, rubric: Rubric, rows: Sequence[Mapping[str, Any]], *, on_error: OnError = "fail", name: str = "<rows>",
        amendments: Sequence[Amendment] | str | Path | None = None,
    ) -> Evidence:
        """Evidence from in-memory rows (dicts of column -> value), as a JSON file would give."""
        columns: dict[str, None] = {}
        for k, row in enumerate(rows):
            if not isinstance(row, Mapping) or not all(isinstance(key, str) for key in row):
                raise EvidenceError(f"row {k + 1} is not a mapping of column names (text) to values", path=name)
            columns.update(dict.fromkeys(row))
        names = list(columns)
        table = RawTable.from_columns(names, [[row.get(c) for row in rows] for c in names],
                                      [f"row {i + 1}" for i in range(len(rows))])
        data = repr([sorted(r.items()) for r in rows]).encode("utf-8")

        def typed(t: RawTable, policy: OnError) -> Evidence:
            return type_table(t, rubric.model, source=name, data=data, on_error=policy,
                              member_fields=rubric.member_fields, optional=rubric.optional_fields,
                              checks=self._row_checks(rubric))

        return self._amended(rubric, table, amendments, typed, on_error)

    def evidence_from_frame(
        self, rubric: Rubric, frame: object, *, on_error: OnError = "fail", name: str = "<dataframe>"
    ) -> Evidence:
        """Evidence from a pandas or polars DataFrame or a pyarrow Table (none of them needed by scoring).

        Column headers follow the same rules as a file's (id, title or alias); NaN, None and null are blank.
        """
        table = frame_to_table(frame, name=name)
        hasher = hashlib.sha256()
        for header, column in zip(table.columns, table.data or ()):
            hasher.update(repr((header, [cell_text(v) for v in column])).encode("utf-8", "surrogatepass"))
        return type_table(table, rubric.model, source=name, data=hasher.hexdigest().encode(), on_error=on_error,
                          member_fields=rubric.member_fields, optional=rubric.optional_fields,
                          checks=self._row_checks(rubric))

    def evidence_from_arrays(
        self,
        rubric: Rubric,
        ids: Sequence[str] | np.ndarray,
        columns: Mapping[str, np.ndarray | Sequence[object]],
        *,
        periods: Sequence[str] | np.ndarray | None = None,
        parents: Sequence[str] | np.ndarray | None = None,
        on_error: OnError = "fail",
        name: str = "<arrays>",
    ) -> Evidence:
        """Evidence from whole columns in memory (one array per field), checked like a file."""
        return type_arrays(rubric.model, ids, columns, periods=periods, parents=parents, source=name,
                           on_error=on_error, member_fields=rubric.member_fields, optional=rubric.optional_fields,
                           checks=self._row_checks(rubric))

    # --- scoring -------------------------------------------------------------
    def score(
        self,
        rubric: Rubric | str | Path,
        evidence: Evidence | str | Path | Sequence[Mapping[str, Any]] | Any,
        *,
        on_error: OnError = "fail",
        previous: Previous | str | Path | None = None,
        committee: Sequence[CommitteeDecision] | str | Path | None = None,
        amendments: Sequence[Amendment] | str | Path | None = None,
        history: Sequence[Previous | str | Path] | str | Path | None = None,
        strict: bool = False,
        progress: Progress | None = None,
    ) -> Result:
        """Score `evidence` against `rubric`; paths and bundled ids are loaded first.

        `evidence` is an `Evidence`, a file path, a list of row dicts, or a
        DataFrame (pandas, polars) or Arrow table. `previous` is last period's
        result (a `Previous`, or the path of a JSON result this engine wrote)
        for consequences that read `previous.*`. `strict` raises
        `EvidenceError` listing the warnings instead of returning a result that has any.
        `committee` is the committee's decisions (a decisions file, see
        overrides.py), applied over what the rules decided; both are kept.
        `amendments` (a file or a list, see amend.py) correct evidence cells
        before they are typed; every one is recorded in the result.
        `history` is earlier results, oldest first (paths, directories or
        `Previous`), for conditions that read `history.*` (history.py); the
        most recent stands for `previous` when that is not given.
        `progress` hears each stage as it goes (see `scoring.progress`).
        """
        if not isinstance(rubric, Rubric):
            rubric = self.load_rubric(rubric)
        if isinstance(evidence, (str, Path)):
            evidence = self.load_evidence(rubric, evidence, on_error=on_error, amendments=amendments,
                                          progress=progress)
        elif is_frame(evidence):
            if amendments is not None:
                raise UsageError("amendments correct cells of a table: give them with a file or rows, "
                                 "or correct the DataFrame itself")
            evidence = self.evidence_from_frame(rubric, evidence, on_error=on_error)
        elif not isinstance(evidence, Evidence):
            evidence = self.evidence_from_rows(rubric, evidence, on_error=on_error, amendments=amendments)
        elif amendments is not None:
            raise UsageError("amendments correct cells of a table: give them to load_evidence, "
                             "or pass the evidence as a path or rows")
        if evidence.rows == 0:
            # Whatever on_error says: a job that scores nobody must not look like one that succeeded.
            word = rubric.model.rubric.unit
            why = ("the evidence has a header but no rows" if evidence.rows_read == 0 else
                   f"all {evidence.rows_read} rows were rejected. First: {evidence.rejected[0]}")
            raise EvidenceError(f"no {word} to score: {why}", path=evidence.source, rejected=evidence.rejected)
        loaded = evidence
        # Self-assessment rows are scored on their own (stages.py); a panel's rows combine (panels.py).
        evidence, self_rows = stages.split(evidence)
        evidence, panel = panels.prepare(rubric, evidence)
        layout = build_layout(evidence, rubric.model)
        items = score_indicators(rubric, layout, progress, panel)
        totals = aggregate(rubric, items, layout.n_units)
        report(progress, "deciding", 0, layout.n_units, "units")
        decisions = decide(rubric, layout, totals)
        warnings = [as_notice(w, "evidence") for w in evidence.warnings] + check_layout(rubric, layout)
        if panel is not None:
            warnings += panels.spread_warnings(rubric, layout, panels.figures_of(rubric, items))
        self_part = stages.score_self(rubric, self_rows, layout, decisions.score, items)
        if self_part is not None:
            warnings += list(self_part.warnings)
        if isinstance(previous, (str, Path)):
            previous = load_previous(previous)
        if previous is not None:
            warnings += [as_notice(w, "previous") for w in check_previous(previous, rubric, layout.unit_ids)]
        earlier: list[Previous] = []
        if history is not None:
            for h in [history] if isinstance(history, (str, Path)) else history:  # oldest first
                earlier += [h] if isinstance(h, Previous) else load_history([h])
            warnings += [as_notice(w, "history") for w in check_history(earlier, rubric, layout.unit_ids)]
            if previous is None and earlier:
                previous = earlier[-1]
        if strict and warnings:
            shown = "; ".join(w.message for w in warnings[:5]) + (" ..." if len(warnings) > 5 else "")
            raise EvidenceError(f"--strict: {len(warnings)} warning(s), nothing was scored: {shown}",
                                path=evidence.source)
        looking_back = previous_columns(previous, layout.unit_ids)
        read = set().union(*(e.names for e in rubric.consequence_when),
                           *(p.names for p in rubric.payouts if p is not None))
        more = history_columns(earlier, layout.unit_ids, rubric.model, read)  # only the history.* names read
        warnings += [as_notice(w, "history") for w in no_history_warning(rubric, read, earlier)]
        looking_back = ({**looking_back[0], **more[0]}, {**looking_back[1], **more[1]})
        if self_part is not None:
            mine = self_part.columns()
            looking_back = ({**looking_back[0], **mine[0]}, {**looking_back[1], **mine[1]})
        consequences = decide_consequences(rubric, layout, totals, decisions, looking_back)
        report(progress, "deciding", layout.n_units, layout.n_units, "units")
        provenance = Provenance(
            rubric_id=rubric.id, rubric_version=rubric.version, rubric_sha256=rubric.sha256,
            evidence_source=evidence.source, evidence_sha256=evidence.sha256, rows_read=loaded.rows_read,
            rows_scored=loaded.rows, rows_rejected=loaded.rows_read - loaded.rows,
            engine_version=ENGINE_VERSION,
            plugins=tuple({"name": p.name, "distribution": p.distribution, "version": p.version}
                          for p in self.registry.plugins),
        )
        result = Result(rubric, evidence, layout, items, totals, decisions, consequences, provenance,
                        tuple(warnings), looking_back=looking_back if previous is not None or earlier else None,
                        stages=self_part if self_rows is not None else None)
        if committee is not None:
            result = overridden(result, load_decisions(committee) if isinstance(committee, (str, Path))
                                else list(committee), looking_back)
        call_hook(self._pm, "scoring_result_ready", result=result)
        return result

    # --- analysis ------------------------------------------------------------
    def impact(
        self, old: Rubric | str | Path, new: Rubric | str | Path, evidence: str | Path | Sequence[Mapping[str, Any]],
        *, on_error: OnError = "fail", previous: Previous | str | Path | None = None,
    ) -> Impact:
        """Score `evidence` under `old` and `new` and say who changes (scoring.analysis.impact)."""
        from .analysis.impact import compare_results

        return compare_results(self.score(old, evidence, on_error=on_error, previous=previous),
                               self.score(new, evidence, on_error=on_error, previous=previous))

    # --- writing -------------------------------------------------------------
    def writer_for(self, *, format: str | None = None, output: str | Path | None = None) -> Writer:
        """The writer named `format`, else the one whose suffix ends `output`, else JSON."""
        writers = self.registry.writers
        known = ", ".join(f"{w.name} ({w.suffix})" for w in writers.values())
        if format:
            if format not in writers:
                raise UsageError(f"no writer {format!r}; writers are: {known}")
            return writers[format]
        if output:
            suffix = Path(output).suffix.lower()
            for writer in writers.values():
                if writer.suffix.lower() == suffix:
                    return writer
            raise UsageError(f"no writer for {suffix or 'a name without a suffix'!r} ({output}); "
                             f"give --format or an output named with one of: {known}")
        return writers["json"]

    def render(self, result: Result, format: str, options: WriteOptions | None = None, *,
               progress: Progress | None = None) -> str | bytes:
        writer = self.writer_for(format=format)
        n = result.layout.n_units
        report(progress, "writing", 0, n, "units")
        try:
            if writer.report is not None:
                out = writer.report(Report.from_result(result), options or WriteOptions())
            else:
                out = writer.write(result)
        except (ScoringError, OSError, MemoryError):
            raise
        except Exception as exc:  # noqa: BLE001 - a writer's bug is its plugin's, named
            raise self.registry.plugin_error("writers", writer.name, exc) from exc
        report(progress, "writing", n, n, "units")
        return out

    def render_saved(self, doc: Mapping[str, Any], format: str, options: WriteOptions | None = None,
                     *, source: str = "<result>") -> str | bytes:
        """A report from a saved JSON result (`scoring render`), the same bytes `render` gave."""
        writer = self.writer_for(format=format)
        if writer.report is None:
            raise UsageError(f"the {writer.name} writer needs a scored result, not a saved one; "
                             "render makes reports (" + ", ".join(
                                 w.name for w in self.registry.writers.values() if w.report) + ")")
        saved = Report.from_dict(doc, source)
        try:
            return writer.report(saved, options or WriteOptions())
        except (ScoringError, OSError, MemoryError):
            raise
        except (KeyError, TypeError, ValueError, IndexError, AttributeError) as exc:
            # The per-unit parts are read when a writer needs them: a damaged archive fails here.
            raise EvidenceError(f"the saved result is incomplete or damaged ({type(exc).__name__}: {exc}); "
                                "rerun `scoring run ... -o result.json`", path=source) from None
