"""Result writers, as plugins declare them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .result import Result


@dataclass(frozen=True)
class Writer:
    """Turns a result into the text (str) or, for binary formats such as Parquet, the bytes of one output."""

    name: str
    suffix: str
    write: Callable[[Result], str | bytes]
    summary: str = ""
