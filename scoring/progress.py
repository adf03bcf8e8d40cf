"""Progress of a long job, reported through a callback: the library never prints.

    def show(stage: str, done: int, total: int | None, unit: str) -> None: ...
    engine.score(rubric, "big.csv", progress=show)

A callback is called with the stage ("reading", "typing", "scoring",
"deciding", "writing"; `scoring check` adds "property NAME"), how far it is,
out of how many (None when unknown) and what is counted ("rows", "fields",
"indicators", "units", "examples"). It is called at the start and the end of
each stage and between the parts of a stage; it should be quick. The command
line draws it on a terminal (`scoring.cli_progress`); a web service might put
it on a queue instead.
"""

from __future__ import annotations

from collections.abc import Callable

Progress = Callable[[str, int, "int | None", str], None]


def report(progress: Progress | None, stage: str, done: int, total: int | None, unit: str) -> None:
    """Call `progress` if there is one; a stage's figures in one place."""
    if progress is not None:
        progress(stage, done, total, unit)
