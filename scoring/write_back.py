"""Start writing a big output to disk while the rest of it is still being made.

An output file is made durable before it is renamed into place (scoring/outputs.py
fsyncs the temporary): a reader never sees half a result, even after a power cut.
Left alone, the kernel keeps a fresh file's pages in memory until that fsync, then
writes them all while the job waits: 0.35-0.46 s for the 909 MB JSON result of
250,040 units on the benchmark machine, after everything else was done.

`WritingBack` is the raw file under the temporary's buffered writer. Every `STEP`
bytes that reach the kernel, it advises `POSIX_FADV_DONTNEED` on the bytes since the
step before last. On Linux that starts the writeback of the pages still dirty (the
call may block while the writes are queued) and drops the pages that are clean by
then; a dirty page is never dropped, so nothing unwritten is lost, and an error of
the writeback still surfaces at the fsync. The disk then works while the next parts
are made, the fsync finds little left (0.016 s instead of 0.35-0.46 s in the same
job), and the kernel reuses the dropped pages for the next parts instead of finding
new memory (on the benchmark machine, first use of memory is what its system time
is made of). The 1M-row JSON job, six runs of each in turns, load 1.7: 5.81 s median
without, 4.01 s with (benchmarks/README.md). A big result is then read from disk,
not memory, by whatever opens it next; this job does not read it.

Only the temporaries `outputs` makes go through it: a fresh regular file written
from offset 0, so the ranges are exact. Where the call does not exist (Windows,
macOS) nothing is advised; a file system that refuses the advice (it is only
advice) is not asked again. Before Linux 5.18 the kernel skips the writeback while
the disk is congested; the fsync then writes those pages as before.
"""

from __future__ import annotations

import io
import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from _typeshed import ReadableBuffer

# Big enough that a small output (a ranking, a report) is never advised, small enough that the
# disk starts early on a large one.
STEP = 64 << 20


class WritingBack(io.FileIO):
    """A file opened for writing (`io.FileIO`) that advises the kernel every `step` bytes written."""

    def __init__(self, fd: int, step: int = STEP) -> None:
        super().__init__(fd, "wb")
        self._step = step
        self._advise = hasattr(os, "posix_fadvise")
        self._written = 0
        self._started = 0  # where the bytes since the last step begin
        self._before = 0  # where the step before that began: most likely on disk by now

    def write(self, data: ReadableBuffer, /) -> int:
        n = super().write(data)
        if n and self._advise:
            self._written += n
            if self._written - self._started >= self._step:
                self._write_back()
        return n

    def _write_back(self) -> None:
        try:
            os.posix_fadvise(self.fileno(), self._before, self._written - self._before, os.POSIX_FADV_DONTNEED)
        except OSError:  # only advice: a file system that refuses it is written at the fsync as before
            self._advise = False
            return
        self._before, self._started = self._started, self._written
