"""Progress bars on the terminal for the command line, drawn with tqdm.

tqdm because it is small (no dependencies of its own), draws the bars people
know from pip and most Python tools, and handles narrow terminals and
redrawing; `rich` draws finer bars but brings a rendering stack the engine
does not otherwise need. Bars appear only when stderr is a terminal (never
when piped or in a log), only once the job has run about a second, and never
with --quiet: the command line decides, the library only reports.
"""

from __future__ import annotations

import io
import os
import time
from typing import Any, TextIO

DELAY = 1.0  # seconds of a job before any bar is drawn: quick jobs stay quiet


class TerminalProgress:
    """A `scoring.progress.Progress` callback drawing one bar per stage on `stream`."""

    def __init__(self, stream: TextIO, *, delay: float = DELAY) -> None:
        self._stream = stream
        self._start = time.monotonic()
        self._delay = delay
        self._stage: str | None = None
        self._bar: Any = None

    def __call__(self, stage: str, done: int, total: int | None, unit: str) -> None:
        from tqdm import tqdm

        if stage != self._stage:
            self.close()
            self._stage = stage
            wait = max(0.0, self._delay - (time.monotonic() - self._start))
            columns, rows = self._size()
            self._bar = tqdm(total=total, desc=stage, unit=f" {unit}", file=self._stream, delay=wait,
                             leave=False, ncols=columns, nrows=rows, unit_scale=(total or 0) >= 10_000)
        bar = self._bar
        if total is not None and bar.total != total:
            bar.total = total
        bar.update(max(done - bar.n, 0))
        if total is not None and done >= total and not bar.disable:
            bar.refresh()  # a finished stage shows its count, however soon it finished

    def _size(self) -> tuple[int, int]:
        # A terminal that reports no size (0 x 0: some pseudo-terminals) would
        # get no bar at all from tqdm; 80 x 24 is the classic default.
        try:
            size = os.get_terminal_size(self._stream.fileno())
            columns, rows = size.columns, size.lines
        except (OSError, ValueError, AttributeError, io.UnsupportedOperation):
            columns, rows = 0, 0
        return (columns if columns > 0 else 80), (rows if rows > 0 else 24)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None
            self._stage = None


def terminal_progress(stream: TextIO, quiet: bool) -> TerminalProgress | None:
    """Bars on `stream` if it is a terminal and the user did not ask for quiet; else None."""
    if quiet or not stream.isatty():
        return None
    return TerminalProgress(stream)
