"""Errors the engine raises.

Every error names where the problem is (file, key path, row, column) and what
to do, so the command line can print it as one paragraph without a traceback
and a library user can show it to the person who wrote the rubric or evidence.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .evidence import Rejection


class ScoringError(Exception):
    """Base class of every error the engine raises on bad input."""


# A message quotes the bad value so the user can find it; a 40 MB cell quoted
# whole would bury the message. Sites quote values through limits.shorten;
# this bound is the safety net for any that do not.
MAX_MESSAGE = 4000


def bounded(message: str) -> str:
    if len(message) <= MAX_MESSAGE:
        return message
    return f"{message[:MAX_MESSAGE]}... (message cut: {len(message) - MAX_MESSAGE} more characters)"


class ExpressionError(ScoringError):
    """A rubric expression (`when`, `value`, `require`, ...) is refused.

    `position` is the 0-based character offset in `source` where the problem
    was found, when known.
    """

    def __init__(self, message: str, source: str = "", position: int | None = None) -> None:
        self.message = message
        self.source = source
        self.position = position
        where = f" at character {position + 1}" if position is not None else ""
        shown = source if len(source) <= 80 else source[:77] + "..."
        super().__init__(f"{message}{where} in expression {shown!r}" if source else message)


class RubricError(ScoringError):
    """A rubric file cannot be read, parsed or checked.

    `path` is the file, `key` the key path inside it (such as
    ``dimension[2].indicator[1].points``), `line`/`column` are 1-based and set
    for TOML syntax errors.
    """

    def __init__(
        self,
        message: str,
        *,
        path: str | None = None,
        key: str | None = None,
        line: int | None = None,
        column: int | None = None,
    ) -> None:
        self.message = bounded(message)
        self.path = path
        self.key = key
        self.line = line
        self.column = column
        super().__init__(self._render())

    def _render(self) -> str:
        where = self.path or "rubric"
        if self.line is not None:
            where += f", line {self.line}"
            if self.column is not None:
                where += f", column {self.column}"
        if self.key:
            where += f", at {self.key}"
        return f"{where}: {self.message}"


class EvidenceError(ScoringError):
    """An evidence file cannot be read, or holds rows that were refused.

    `rejected` lists every refused row (see `scoring.evidence.Rejection`), so
    a caller can report all of them at once rather than the first.
    """

    def __init__(self, message: str, *, path: str | None = None, rejected: Sequence[Rejection] | None = None) -> None:
        self.message = bounded(message)
        self.path = path
        self.rejected = list(rejected or [])
        super().__init__(f"{path}: {self.message}" if path else self.message)


class PluginError(ScoringError):
    """Plugins disagree (two register the same method) or one is broken.

    `plugin` names the plugin at fault (both, for a name registered twice:
    the message names both), `hook` the hook it was answering, when known.
    """

    def __init__(self, message: str, *, plugin: str | None = None, hook: str | None = None) -> None:
        self.message = message
        self.plugin = plugin
        self.hook = hook
        super().__init__(message)


class UsageError(ScoringError):
    """A library call was made with arguments that cannot work together."""
