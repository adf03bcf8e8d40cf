"""The plugin manager of one engine, and what its plugins registered.

Each `Engine` builds its own pluggy manager, so two engines in one process
(a test and the code under test, two tenants of a service) never share
plugins. Built-in plugins are found through the same entry-point group as
third-party ones.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import TypeVar, cast

import pluggy

from . import hookspecs
from .errors import PluginError
from .methods import Method
from .payouts import PayoutKind
from .tables import Loader
from .writers import Writer

ENTRY_POINT_GROUP = "scoring"

T = TypeVar("T", Method, Loader, Writer)


@dataclass(frozen=True)
class PluginInfo:
    name: str
    distribution: str
    version: str
    methods: tuple[str, ...] = ()
    loaders: tuple[str, ...] = ()
    writers: tuple[str, ...] = ()
    rubrics: tuple[str, ...] = ()
    payout_kinds: tuple[str, ...] = ()


@dataclass
class Registry:
    methods: dict[str, Method] = field(default_factory=dict)
    loaders: dict[str, Loader] = field(default_factory=dict)
    writers: dict[str, Writer] = field(default_factory=dict)
    rubric_files: list[Path] = field(default_factory=list)
    plugins: list[PluginInfo] = field(default_factory=list)
    payout_kinds: dict[str, PayoutKind] = field(default_factory=dict)


def make_manager(plugins: Sequence[object], entry_points: bool, block: Sequence[str] = ()) -> pluggy.PluginManager:
    pm = pluggy.PluginManager(hookspecs.PROJECT)
    pm.add_hookspecs(hookspecs)
    for name in block:
        pm.set_blocked(name)
    if entry_points:
        pm.load_setuptools_entrypoints(ENTRY_POINT_GROUP)
    for plugin in plugins:
        pm.register(plugin)
    return pm


def _plugin_names(pm: pluggy.PluginManager) -> dict[int, tuple[str, str, str]]:
    """id(plugin) -> (name, distribution, version)."""
    names: dict[int, tuple[str, str, str]] = {}
    for plugin, dist in pm.list_plugin_distinfo():
        names[id(plugin)] = (
            pm.get_name(plugin) or repr(plugin),
            dist.metadata["name"],
            dist.version,
        )
    for name, plugin in pm.list_name_plugin():
        if id(plugin) not in names:
            names[id(plugin)] = (name, "", getattr(plugin, "__version__", ""))
    return names


def _collect(
    pm: pluggy.PluginManager, hook: str, kind: str, names: dict[int, tuple[str, str, str]]
) -> tuple[dict[str, object], dict[int, list[str]]]:
    found: dict[str, object] = {}
    owner: dict[str, str] = {}
    per_plugin: dict[int, list[str]] = {}
    for impl in getattr(pm.hook, hook).get_hookimpls():
        items: Iterable[object] = impl.function() or []
        plugin_name = names.get(id(impl.plugin), (impl.plugin_name, "", ""))[0]
        for item in items:
            item_name: str = getattr(item, "name")
            if item_name in found:
                raise PluginError(
                    f"{kind} {item_name!r} is registered by both plugin {owner[item_name]!r} and plugin "
                    f"{plugin_name!r}; uninstall one, or block one with Engine(block=[...])"
                )
            found[item_name] = item
            owner[item_name] = plugin_name
            per_plugin.setdefault(id(impl.plugin), []).append(item_name)
    return found, per_plugin


def build_registry(pm: pluggy.PluginManager) -> Registry:
    names = _plugin_names(pm)
    methods, m_by = _collect(pm, "scoring_register_methods", "method", names)
    loaders, l_by = _collect(pm, "scoring_register_loaders", "loader", names)
    writers, w_by = _collect(pm, "scoring_register_writers", "writer", names)
    payout_kinds, p_by = _collect(pm, "scoring_register_payout_kinds", "payout kind", names)
    rubric_files: list[Path] = []
    r_by: dict[int, list[str]] = {}
    for impl in pm.hook.scoring_register_rubrics.get_hookimpls():
        paths: Iterable[Path] = cast("Iterable[Path]", impl.function() or [])
        for path in paths:
            rubric_files.append(Path(path))
            r_by.setdefault(id(impl.plugin), []).append(Path(path).stem)
    infos = []
    for plugin_id, (name, dist, version) in sorted(names.items(), key=lambda kv: kv[1][0]):
        infos.append(
            PluginInfo(
                name=name,
                distribution=dist,
                version=version,
                methods=tuple(m_by.get(plugin_id, ())),
                loaders=tuple(l_by.get(plugin_id, ())),
                writers=tuple(w_by.get(plugin_id, ())),
                rubrics=tuple(r_by.get(plugin_id, ())),
                payout_kinds=tuple(p_by.get(plugin_id, ())),
            )
        )
    return Registry(
        methods=methods,  # type: ignore[arg-type]
        loaders=loaders,  # type: ignore[arg-type]
        writers=writers,  # type: ignore[arg-type]
        rubric_files=rubric_files,
        plugins=infos,
        payout_kinds=payout_kinds,  # type: ignore[arg-type]
    )


def distribution_version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "0+unknown"
