"""Result writers, as plugins declare them.

A writer either reads the scored `Result` (`write`, e.g. the JSON archive) or
reads a `Report` (`report`): the columnar, people-facing view that can also be
rebuilt from a saved JSON result, so `scoring render RESULT.json -o x.html`
gives the same bytes as `scoring run ... -o x.html`. A writer returns text
(written as UTF-8) or bytes (a binary format such as xlsx). `-o NAME.SUFFIX`
picks the writer whose `suffix` matches.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, BinaryIO, Literal

if TYPE_CHECKING:
    from .report import Report
    from .result import Result


@dataclass(frozen=True)
class WriteOptions:
    """Choices the command line passes to report writers.

    `bom`: start CSV text with a byte-order mark so Excel on Chinese Windows
    reads it as UTF-8; `headers`: column headers as the rubric's titles in its
    language, or as ids (for programs).
    """

    bom: bool = True
    headers: Literal["titles", "ids"] = "titles"


def _no_result_writer(result: Result) -> str | bytes:
    raise TypeError("this writer reads a Report; call Engine.render, which builds one")


@dataclass(frozen=True)
class Writer:
    """Turns a result into the text (str) or, for binary formats such as Parquet and xlsx, the bytes of one output.

    Report writers (CSV, Markdown, xlsx, HTML) read a `Report` through `report`;
    the others read the `Result` through `write`.
    """

    name: str
    suffix: str
    write: Callable[[Result], str | bytes] = _no_result_writer
    summary: str = ""
    report: Callable[[Report, WriteOptions], str | bytes] | None = None
    # Optional: write the output to an open binary file a part at a time, so
    # a large result never sits in memory whole (the JSON of a million units
    # is gigabytes of text). `write` must give the same bytes (as UTF-8).
    stream: Callable[[Result, BinaryIO], None] | None = None
