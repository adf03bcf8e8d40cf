"""The distribution ships every package of the source tree.

`[tool.setuptools] packages` is an explicit list (the built-in plugins live
under plugins/ with names of their own), so a new sub-package that is not
listed installs nowhere: `pip install .` then fails at `import scoring`, while
the tests, run from the source tree, pass. This test closes that gap.
"""

from __future__ import annotations

import sys
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent


def test_every_package_in_the_tree_is_listed_in_pyproject() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    listed = set(config["packages"])
    dirs = config["package-dir"]
    found = set()
    for top, folder in dirs.items():
        base = ROOT / folder
        for init in base.rglob("__init__.py"):
            rel = init.parent.relative_to(base)
            found.add(".".join((top, *rel.parts)))
    missing = sorted(found - listed)
    assert not missing, f"packages not in pyproject's [tool.setuptools] packages: {missing}"
    assert listed <= found, sorted(listed - found)
