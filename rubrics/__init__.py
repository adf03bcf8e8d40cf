"""The bundled rubrics, registered as a plugin like any other.

Each `*.toml` beside this file is a rubric; its sample evidence, if any, is
named by the rubric's own `[rubric] sample` key, relative to the file.
"""

from __future__ import annotations

from pathlib import Path

from scoring.hookspecs import hookimpl

HERE = Path(__file__).resolve().parent


@hookimpl
def scoring_register_rubrics() -> list[Path]:
    return sorted(HERE.glob("*.toml"))
