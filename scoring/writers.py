"""Result writers, as plugins declare them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, BinaryIO

if TYPE_CHECKING:
    from .result import Result


@dataclass(frozen=True)
class Writer:
    """Turns a result into the text (str) or, for binary formats such as Parquet, the bytes of one output."""

    name: str
    suffix: str
    write: Callable[[Result], str | bytes]
    summary: str = ""
    # Optional: write the output to an open binary file a part at a time, so
    # a large result never sits in memory whole (the JSON of a million units
    # is gigabytes of text). `write` must give the same bytes (as UTF-8).
    stream: Callable[[Result, BinaryIO], None] | None = None
