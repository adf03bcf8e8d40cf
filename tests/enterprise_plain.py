"""The bundled enterprise sample as a plain file: one row per enterprise and quarter.

Since rubric 2026.6 the sample has three inspectors' rows and a self-assessment for each
enterprise and quarter, which the fast CSV reader does not take and which scores every rated
item eagerly. Tests of those plain-file paths read this instead: the first inspector's review
rows and the review's hazard register, as the generator's `plain` makes them.
"""

from __future__ import annotations

import functools
import importlib.util
import sys
from pathlib import Path
from typing import Any

SAMPLE = Path(__file__).resolve().parents[1] / "rubrics" / "samples" / "enterprise-safety-target.csv"
GENERATOR = SAMPLE.parent / "generate_enterprise_safety_target.py"


@functools.lru_cache(maxsize=1)
def _generator() -> Any:
    spec = importlib.util.spec_from_file_location("generate_enterprise_safety_target_plain", GENERATOR)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while it runs
    spec.loader.exec_module(module)
    return module


@functools.lru_cache(maxsize=1)
def plain_text() -> str:
    text: str = _generator().plain(SAMPLE.read_text(encoding="utf-8"))
    return text


def plain_rows() -> list[list[str]]:
    """The plain sample as rows of cells, header first (a fresh list to change as a test likes)."""
    return [line.split(",") for line in plain_text().splitlines()]


def plain_sample(folder: Path) -> Path:
    """Write the plain sample into `folder`; return its path."""
    path = Path(folder) / "enterprise-safety-target-plain.csv"
    path.write_bytes(plain_text().encode("utf-8"))
    return path
