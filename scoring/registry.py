"""The plugin manager of one engine, and what its plugins registered.

Each `Engine` builds its own pluggy manager, so two engines in one process
(a test and the code under test, two tenants of a service) never share
plugins. Built-in plugins are found through the same entry-point group as
third-party ones, and register through the same hooks.

The contract is strict: every mistake a plugin can make here (a hook name
misspelt, a hook function not marked, an object of the wrong type returned,
a name another plugin registered already, an exception in a registration
hook) is a `PluginError` naming the plugin and the hook, raised when the
engine is created, not a crash or a silent omission later.
"""

from __future__ import annotations

import difflib
import inspect
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, fields, replace
from importlib import metadata
from pathlib import Path
from typing import Any, Literal

import pluggy
from pydantic import BaseModel

from . import hookspecs
from .errors import PluginError, ScoringError
from .row_checks import EvidenceCheck
from .functions import Function
from .methods import Method
from .payouts import PayoutKind
from .tables import Loader
from .writers import Writer
from .version import distribution_version as distribution_version  # importable from here, as before

ENTRY_POINT_GROUP = "scoring"
HOOK_PREFIX = "scoring_"


@dataclass(frozen=True)
class PluginInfo:
    name: str
    distribution: str
    version: str
    methods: tuple[str, ...] = ()
    loaders: tuple[str, ...] = ()
    writers: tuple[str, ...] = ()
    rubrics: tuple[str, ...] = ()
    functions: tuple[str, ...] = ()
    checks: tuple[str, ...] = ()
    payout_kinds: tuple[str, ...] = ()


@dataclass
class Registry:
    methods: dict[str, Method] = field(default_factory=dict)
    loaders: dict[str, Loader] = field(default_factory=dict)
    writers: dict[str, Writer] = field(default_factory=dict)
    rubric_files: list[Path] = field(default_factory=list)
    plugins: list[PluginInfo] = field(default_factory=list)
    functions: dict[str, Function] = field(default_factory=dict)
    checks: dict[str, EvidenceCheck] = field(default_factory=dict)
    payout_kinds: dict[str, PayoutKind] = field(default_factory=dict)

    def plugin_error(self, kind: Literal["loaders", "writers"], name: str, exc: Exception) -> PluginError:
        """A loader's or writer's unexpected exception, as the error of the plugin that registered it."""
        plugin = next((p.name for p in self.plugins if name in getattr(p, kind)), "(unnamed)")
        return PluginError(f"{kind[:-1]} {name!r} of plugin {plugin!r} raised {type(exc).__name__}: {exc}; "
                           "this is a bug in the plugin", plugin=plugin, hook=f"scoring_register_{kind}")


# --- the manager ------------------------------------------------------------


class _Manager(pluggy.PluginManager):
    """pluggy's manager, noting functions that look like hooks but are not marked.

    pluggy ignores an unmarked `scoring_register_methods` in a plugin, so a
    forgotten `@hookimpl` would silently register nothing; we refuse it.
    """

    def __init__(self) -> None:
        super().__init__(hookspecs.PROJECT)
        self.unmarked: list[tuple[object, str]] = []

    def parse_hookimpl_opts(self, plugin: Any, name: str) -> Any:
        opts = super().parse_hookimpl_opts(plugin, name)
        if opts is None and name.startswith(HOOK_PREFIX) and inspect.isroutine(getattr(plugin, name, None)):
            self.unmarked.append((plugin, name))
        return opts


def _hook_names() -> list[str]:
    return sorted(n for n, f in inspect.getmembers(hookspecs, inspect.isfunction) if n.startswith(HOOK_PREFIX))


def _did_you_mean(name: str) -> str:
    close = difflib.get_close_matches(name, _hook_names(), n=1)
    return f"did you mean {close[0]!r}? " if close else ""


def _label(plugin: object) -> str:
    """A readable name for a plugin handed to `Engine(plugins=...)`."""
    if inspect.ismodule(plugin) or inspect.isclass(plugin):
        return str(getattr(plugin, "__name__", repr(plugin)))
    return type(plugin).__name__


def _register(pm: _Manager, plugin: object, name: str) -> None:
    try:
        pm.register(plugin, name=name)
    except (pluggy.PluginValidationError, ValueError) as exc:
        # pluggy's message spans lines; the command line prints one paragraph.
        text = " ".join(str(exc).split())
        hook = re.search(r"for hook '(\w+)'", text)
        raise PluginError(f"plugin {name!r} cannot be registered: {text}", plugin=name,
                          hook=hook.group(1) if hook else None) from None


def make_manager(
    plugins: Sequence[object], entry_points: bool, block: Sequence[str] = ()
) -> tuple[pluggy.PluginManager, dict[str, tuple[str, str]]]:
    """A manager with the entry-point plugins (unless blocked) and `plugins`, checked.

    Returns the manager and, per plugin name, its distribution and version.
    """
    pm = _Manager()
    pm.add_hookspecs(hookspecs)
    for name in block:
        pm.set_blocked(name)
    dists: dict[str, tuple[str, str]] = {}
    if entry_points:
        for ep in metadata.entry_points(group=ENTRY_POINT_GROUP):
            if pm.is_blocked(ep.name) or pm.has_plugin(ep.name):
                continue  # blocked, or the same distribution seen twice on sys.path
            if ep.dist is not None:
                about = ep.dist.metadata  # parsed once: `.version` would parse the METADATA file again
                dist = (about["Name"], about["Version"])
            else:
                dist = ("", "")
            try:
                loaded = ep.load()
            except Exception as exc:  # noqa: BLE001 - a broken plugin is named, not a crash
                raise PluginError(
                    f"plugin {ep.name!r} (entry point {ep.value!r} of {dist[0] or 'an unknown distribution'}) "
                    f"cannot be imported: {type(exc).__name__}: {exc}; fix or uninstall it, "
                    f"or block it with Engine(block=[{ep.name!r}])", plugin=ep.name) from exc
            _register(pm, loaded, ep.name)
            dists[ep.name] = dist
    for plugin in plugins:
        base = _label(plugin)
        name, k = base, 1
        while pm.has_plugin(name):
            k += 1
            name = f"{base}#{k}"
        _register(pm, plugin, name)
        dists[name] = ("", str(getattr(plugin, "__version__", "")))
    _check_hooks(pm)
    return pm, dists


def _check_hooks(pm: _Manager) -> None:
    """Refuse hook implementations that no hook would ever call."""
    for plugin, attr in pm.unmarked:
        name = pm.get_name(plugin) or _label(plugin)
        if attr in _hook_names():
            raise PluginError(f"plugin {name!r} defines {attr} but does not mark it with @hookimpl "
                              "(from scoring.plugin import hookimpl), so it would never be called",
                              plugin=name, hook=attr)
        raise PluginError(f"plugin {name!r} defines {attr}, which is not a scoring hook; {_did_you_mean(attr)}"
                          f"the hooks are: {', '.join(_hook_names())}", plugin=name, hook=attr)
    for name, plugin in pm.list_name_plugin():
        for caller in pm.get_hookcallers(plugin) or []:
            if not caller.has_spec():
                raise PluginError(f"plugin {name!r} implements {caller.name}, which is not a scoring hook; "
                                  f"{_did_you_mean(caller.name)}the hooks are: {', '.join(_hook_names())}",
                                  plugin=name, hook=caller.name)
    try:
        pm.check_pending()  # pluggy's own check, in case the loops above miss a case it knows
    except pluggy.PluginValidationError as exc:
        raise PluginError(str(exc), plugin=pm.get_name(exc.plugin)) from None


# --- calling the registration hooks -------------------------------------------


def _check_method(m: Method) -> str | None:
    if not (isinstance(m.params, type) and issubclass(m.params, BaseModel)):
        return f"method {m.name!r} has params {m.params!r}, not a Params model (class ...(Params))"
    if not callable(m.score):
        return f"method {m.name!r} has a score that cannot be called"
    for hook in ("describe", "validate", "field_choices", "lint", "example_params"):
        if getattr(m, hook) is not None and not callable(getattr(m, hook)):
            return f"method {m.name!r} has a {hook} that is neither a function nor None"
    return None


def _check_loader(ld: Loader) -> str | None:
    if not callable(ld.read):
        return f"loader {ld.name!r} has a read that cannot be called"
    if isinstance(ld.suffixes, str) or not all(isinstance(s, str) and s.startswith(".") for s in ld.suffixes):
        return f"loader {ld.name!r} has suffixes {ld.suffixes!r}; give a tuple such as ('.csv',)"
    return None


def _check_writer(w: Writer) -> str | None:
    return None if callable(w.write) else f"writer {w.name!r} has a write that cannot be called"


def _check_function(f: Function) -> str | None:
    problems = f.problems()
    return "; ".join(problems) if problems else None


def _check_check(c: EvidenceCheck) -> str | None:
    return None if callable(c.run) else f"evidence check {c.name!r} has a run that cannot be called"


def _check_payout_kind(k: PayoutKind) -> str | None:
    if not (isinstance(k.params, type) and issubclass(k.params, BaseModel)):
        return f"payout kind {k.name!r} has params {k.params!r}, not a Params model (class ...(Params))"
    if not callable(k.pay):
        return f"payout kind {k.name!r} has a pay that cannot be called"
    for hook in ("explain", "validate"):
        if getattr(k, hook) is not None and not callable(getattr(k, hook)):
            return f"payout kind {k.name!r} has a {hook} that is neither a function nor None"
    return None


@dataclass(frozen=True)
class _Kind:
    """One registration hook: what it returns and how each item is checked."""

    hook: str
    label: str
    type: type
    check: Callable[[Any], str | None]


KINDS: tuple[_Kind, ...] = (
    _Kind("scoring_register_methods", "method", Method, _check_method),
    _Kind("scoring_register_loaders", "loader", Loader, _check_loader),
    _Kind("scoring_register_writers", "writer", Writer, _check_writer),
    _Kind("scoring_register_functions", "function", Function, _check_function),
    _Kind("scoring_register_checks", "evidence check", EvidenceCheck, _check_check),
    _Kind("scoring_register_payout_kinds", "payout kind", PayoutKind, _check_payout_kind),
)


def _items(answer: object, plugin: str, hook: str, kind: type | tuple[type, ...], label: str) -> list[object]:
    """One plugin's answer to a registration hook, checked item by item."""
    if isinstance(answer, (str, bytes)) or not isinstance(answer, Iterable):
        raise PluginError(f"plugin {plugin!r}, hook {hook}: returned {type(answer).__name__}, not a list",
                          plugin=plugin, hook=hook)
    items = list(answer)
    for k, item in enumerate(items):
        if not isinstance(item, kind):
            wanted = "a path" if isinstance(kind, tuple) else f"a scoring.plugin.{kind.__name__}"
            raise PluginError(
                f"plugin {plugin!r}, hook {hook}: item {k + 1} is {type(item).__name__} {item!r:.60}, "
                f"not {wanted}", plugin=plugin, hook=hook)
        name = getattr(item, "name", None)
        if not isinstance(kind, tuple) and (not isinstance(name, str) or not name):
            raise PluginError(f"plugin {plugin!r}, hook {hook}: a {label} has no name", plugin=plugin, hook=hook)
    return items


def call_hook(
    pm: pluggy.PluginManager, hook: str, on_answer: Callable[[str, Any], None] | None = None, **kwargs: Any
) -> Any:
    """Call `hook` through pluggy (so tryfirst/trylast and wrappers apply), with
    every implementation's exception named as its plugin's `PluginError`.

    pluggy reports neither who raised nor who answered what, so for the length
    of the call each implementation is wrapped to know its plugin;
    `on_answer(plugin, answer)` sees each answer. A `ScoringError` a plugin
    raises on purpose (a policy refusing a rubric) passes through unchanged.
    """
    caller = getattr(pm.hook, hook)
    swapped = []
    for impl in caller.get_hookimpls():
        if impl.hookwrapper or impl.wrapper:
            continue
        plugin = pm.get_name(impl.plugin) or impl.plugin_name

        def naming(*args: Any, _fn: Callable[..., Any] = impl.function, _plugin: str = plugin) -> Any:
            try:
                answer = _fn(*args)
            except ScoringError:
                raise
            except Exception as exc:  # noqa: BLE001 - a plugin's bug, named
                raise PluginError(f"plugin {_plugin!r}, hook {hook}: raised {type(exc).__name__}: {exc}",
                                  plugin=_plugin, hook=hook) from exc
            if on_answer is not None and answer is not None:
                on_answer(_plugin, answer)
            return answer

        swapped.append((impl, impl.function))
        impl.function = naming
    try:
        return caller(**kwargs)
    except ScoringError:
        raise
    except Exception as exc:  # noqa: BLE001 - raised by a hook wrapper
        wrappers = _wrappers(pm, hook)
        raise PluginError(f"a wrapper of hook {hook} (plugin {wrappers}) raised {type(exc).__name__}: {exc}",
                          plugin=wrappers, hook=hook) from exc
    finally:
        for impl, function in swapped:
            impl.function = function


def _wrappers(pm: pluggy.PluginManager, hook: str) -> str:
    names = [str(pm.get_name(i.plugin)) for i in getattr(pm.hook, hook).get_hookimpls() if i.hookwrapper or i.wrapper]
    return ", ".join(names) or "(unknown)"


def call_registration(
    pm: pluggy.PluginManager, hook: str, kind: type | tuple[type, ...], label: str
) -> list[tuple[str, object]]:
    """Call a registration hook and return each registered object with the name
    of the plugin that gave it, every object checked for its type."""
    given: dict[int, str] = {}

    def note(plugin: str, answer: Any) -> None:
        for item in _items(answer, plugin, hook, kind, label):
            given.setdefault(id(item), plugin)

    answers = call_hook(pm, hook, note)
    by_wrapper = _wrappers(pm, hook)
    out: list[tuple[str, object]] = []
    for answer in answers:
        # A wrapper may have added to or changed the answers: check them again.
        for item in _items(answer, by_wrapper, hook, kind, label):
            out.append((given.get(id(item), by_wrapper), item))
    return out


def _index(found: list[tuple[str, object]], label: str, hook: str) -> tuple[dict[str, object], dict[str, list[str]]]:
    """By name, refusing a name given twice; and the names each plugin gave."""
    by_name: dict[str, object] = {}
    owner: dict[str, str] = {}
    per_plugin: dict[str, list[str]] = {}
    for plugin, item in found:
        name: str = getattr(item, "name")
        if name in by_name:
            raise PluginError(
                f"{label} {name!r} is registered by both plugin {owner[name]!r} and plugin {plugin!r} "
                f"(hook {hook}); uninstall one, or block one with Engine(block=[...])",
                plugin=plugin, hook=hook)
        problem = next(k.check for k in KINDS if k.hook == hook)(item)
        if problem:
            raise PluginError(f"plugin {plugin!r}, hook {hook}: {problem}", plugin=plugin, hook=hook)
        if "plugin" in {f.name for f in fields(item)}:  # type: ignore[arg-type]
            item = replace(item, plugin=plugin)  # type: ignore[type-var]
        by_name[name] = item
        owner[name] = plugin
        per_plugin.setdefault(plugin, []).append(name)
    return by_name, per_plugin


def build_registry(pm: pluggy.PluginManager, dists: dict[str, tuple[str, str]] | None = None) -> Registry:
    dists = dists or {}
    tables: dict[str, dict[str, object]] = {}
    given: dict[str, dict[str, list[str]]] = {}
    for kind in KINDS:
        found = call_registration(pm, kind.hook, kind.type, kind.label)
        tables[kind.hook], given[kind.hook] = _index(found, kind.label, kind.hook)
    rubric_files: list[Path] = []
    rubrics_by: dict[str, list[str]] = {}
    for plugin, item in call_registration(pm, "scoring_register_rubrics", (str, Path), "rubric"):
        path = Path(str(item))
        if not path.is_file():
            raise PluginError(f"plugin {plugin!r}, hook scoring_register_rubrics: {item!r} is not a rubric file",
                              plugin=plugin, hook="scoring_register_rubrics")
        rubric_files.append(path)
        rubrics_by.setdefault(plugin, []).append(path.stem)

    def names(hook: str, plugin: str) -> tuple[str, ...]:
        return tuple(given[hook].get(plugin, ()))

    infos = []
    for name, _ in sorted(pm.list_name_plugin(), key=lambda np_: np_[0]):
        dist, version = dists.get(name, ("", ""))
        infos.append(PluginInfo(
            name=name, distribution=dist, version=version,
            methods=names("scoring_register_methods", name), loaders=names("scoring_register_loaders", name),
            writers=names("scoring_register_writers", name), rubrics=tuple(rubrics_by.get(name, ())),
            functions=names("scoring_register_functions", name), checks=names("scoring_register_checks", name),
            payout_kinds=names("scoring_register_payout_kinds", name),
        ))
    return Registry(
        methods=tables["scoring_register_methods"],  # type: ignore[arg-type]
        loaders=tables["scoring_register_loaders"],  # type: ignore[arg-type]
        writers=tables["scoring_register_writers"],  # type: ignore[arg-type]
        functions=tables["scoring_register_functions"],  # type: ignore[arg-type]
        checks=tables["scoring_register_checks"],  # type: ignore[arg-type]
        rubric_files=rubric_files,
        plugins=infos,
        payout_kinds=tables["scoring_register_payout_kinds"],  # type: ignore[arg-type]
    )
