"""Limits on what one rubric or `--previous` file may hold, and the checks that enforce them.

A rubric or last period's result may come from someone careless or hostile.
Without limits, a 500-deep TOML array or a 100,000-deep JSON file exhausts
Python's stack (RecursionError: an internal error, exit 3), a 4,300-digit
integer makes `int()` refuse, and a huge rubric costs minutes. Each limit here
is far above any real rubric, is named in the error that enforces it, and is
listed with what happens past it in docs/limits.md (a test keeps the two in
step).

The checks run before the parsers, on the text, so the parsers' recursion is
never reached; they are single passes over the text, iterative, linear.
"""

from __future__ import annotations

import json
import re
from typing import Any, Final

from .errors import RubricError

MAX_RUBRIC_BYTES: Final = 8 * 1024 * 1024
MAX_NESTING: Final = 32          # arrays and inline tables inside each other (TOML), or arrays and objects (JSON)
MAX_NUMBER_DIGITS: Final = 100   # digits in one number written in a rubric or a --previous file
MAX_INDICATORS: Final = 10_000
MAX_EXPRESSIONS: Final = 20_000  # when / value / require / amount ... over the whole rubric
MAX_ECHO: Final = 200            # characters of a bad value shown in an error message

MAX_PREVIOUS_BYTES: Final = 512 * 1024 * 1024


def shorten(value: object, limit: int = MAX_ECHO) -> str:
    """`repr(value)`, cut to `limit` characters with a note of how much was cut.

    Errors quote the bad value so the user can find it; a 40 MB cell quoted
    whole would bury the message (and the terminal).
    """
    try:
        text = repr(value)
    except ValueError:  # an int beyond Python's 4,300-digit str limit refuses its own repr
        return f"<an integer of {value.bit_length() if isinstance(value, int) else '?'} bits>"
    if len(text) <= limit:
        return text
    return f"{text[:limit]}... ({len(text) - limit} more characters)"


def clip(text: str, limit: int = MAX_ECHO) -> str:
    """`text` itself (not its repr), cut like `shorten`."""
    return text if len(text) <= limit else f"{text[:limit]}... ({len(text) - limit} more characters)"


def _line_column(text: str, index: int) -> tuple[int, int]:
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


# The tokens that matter for nesting and number size; everything else is
# skipped by the regex engine, not a Python loop over characters.
_TOML_TOKENS: Final = re.compile(
    r"#[^\n]*"                                   # a comment
    r'|"""(?:[^"\\]|\\.|"(?!""))*"""'         # a multi-line basic string
    r"|'''.*?'''"                             # a multi-line literal string
    r'|"(?:[^"\\\n]|\\.)*"?'                     # a basic string (an unclosed one is the parser's to report)
    r"|'[^'\n]*'?"                               # a literal string
    r"|[\[\]{}]|0[xob][0-9A-Fa-f_]+|[0-9][0-9_]*",   # hex, octal, binary integers first: their digits count too
    re.S,
)
_JSON_TOKENS: Final = re.compile(r'"(?:[^"\\]|\\.)*"?|[\[\]{}]|[0-9]+')


def check_toml_text(text: str, path: str) -> None:
    """Refuse TOML nested deeper than MAX_NESTING or with a number longer than MAX_NUMBER_DIGITS.

    Comments and the four kinds of strings are skipped; `[`/`{` depth and
    runs of digits are counted. Table headers (`[[dimension]]`) count as
    brackets too, which costs them two levels of the limit at most.
    """
    problem = _scan(_TOML_TOKENS, text, "arrays and tables")
    if problem:
        message, at = problem
        line, column = _line_column(text, at)
        raise RubricError(message, path=path, line=line, column=column)


def _scan(tokens: re.Pattern[str], text: str, what: str) -> tuple[str, int] | None:
    depth = 0
    for match in tokens.finditer(text):
        token = match.group()
        first = token[0]
        if first in "[{":
            depth += 1
            if depth > MAX_NESTING:
                return (f"{what} are nested more than {MAX_NESTING} deep (the limit on nesting)", match.start())
        elif first in "]}":
            depth = max(depth - 1, 0)
        elif first.isdigit():
            digits = len(token) - token.count("_") - (2 if token[1:2] in ("x", "o", "b") else 0)
            if digits > MAX_NUMBER_DIGITS:
                return (f"a number has {digits} digits, more than the limit of {MAX_NUMBER_DIGITS}", match.start())
    return None


def check_data_depth(data: Any, path: str) -> None:
    """Refuse parsed data nested deeper than MAX_NESTING (dotted keys and headers build depth too)."""
    stack: list[tuple[Any, int]] = [(data, 0)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_NESTING:
            raise RubricError(f"tables and arrays are nested more than {MAX_NESTING} deep (the limit on nesting)",
                              path=path)
        if isinstance(node, dict):
            stack.extend((v, depth + 1) for v in node.values())
        elif isinstance(node, list):
            stack.extend((v, depth + 1) for v in node)


def json_nesting_problem(text: str) -> str | None:
    """Why `text` is nested too deeply or holds too long a number for `json.loads`, or None.

    json.loads recurses once per level and refuses integers over 4,300 digits
    with a ValueError; both are checked here first, strings skipped.
    """
    problem = _scan(_JSON_TOKENS, text, "arrays and objects")
    return problem[0] if problem else None


def loads_json_bounded(text: str) -> Any:
    """json.loads after the nesting and number checks; ValueError with the limit named otherwise."""
    problem = json_nesting_problem(text)
    if problem:
        raise ValueError(problem)
    return json.loads(text)
