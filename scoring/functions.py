"""What an expression function is, as plugins declare it.

Rubric expressions may call functions (`min(deaths, 3)`, `clip(rate, 0, 1)`).
None is built into the core: every function, the standard ones included,
arrives through the `scoring_register_functions` hook with a declared
signature, so a call with the wrong number of arguments is refused when the
rubric is compiled, and one with the wrong kind of argument (text where a
number is needed) when the rubric loads and its expressions are tried on a
sample row (`scoring.plan`), both with the rubric key.

A function works on whole columns (numpy arrays of one value per row, or a
0-d array for a literal) and must be pure: it gets read-only arrays, and the
same arguments must always give the same answer, because the engine may
evaluate an expression more than once (checks, explanations).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

# The kinds an argument may be declared as. "value" is any kind, the same
# for every "value" argument of one call (the two branches of `if_else`).
ArgKind = Literal["number", "bool", "text", "value"]
# What a function gives back; "value": the kind of its "value" arguments.
ResultKind = Literal["number", "bool", "text", "value"]

ARG_KINDS: tuple[str, ...] = ("number", "bool", "text", "value")


@dataclass(frozen=True)
class Function:
    """A pure, vectorised function rubric expressions may call.

    `args` declares each argument's kind in order. The last `optional` of
    them may be left out (the function then gets fewer arguments and supplies
    its own default); with `variadic`, the last declared argument may repeat
    any number of times (`min(a, b, c, ...)`). `apply` gets one numpy array
    per argument (numbers as float64 with NaN for a missing value, yes/no as
    bool, text as numpy unicode) and returns an array of the declared kind
    that broadcasts to the rows.
    """

    name: str
    args: tuple[ArgKind, ...]
    returns: ResultKind
    apply: Callable[..., Any]
    summary: str = ""
    optional: int = 0
    variadic: bool = False
    plugin: str = field(default="", compare=False)

    @property
    def min_args(self) -> int:
        return len(self.args) - self.optional

    @property
    def max_args(self) -> int | None:
        return None if self.variadic else len(self.args)

    def kind_of(self, position: int) -> ArgKind:
        """The declared kind of argument number `position` (0-based)."""
        return self.args[min(position, len(self.args) - 1)]

    def signature(self) -> str:
        """`clip(number, number, number) -> number`, as `scoring plugins` shows it."""
        parts = [f"[{k}]" if i >= self.min_args else k for i, k in enumerate(self.args)]
        if self.variadic:
            parts.append("...")
        return f"{self.name}({', '.join(parts)}) -> {self.returns}"

    def problems(self) -> list[str]:
        """What is wrong with this declaration (empty when it is sound)."""
        out: list[str] = []
        if not self.name.isidentifier() or self.name.startswith("_"):
            out.append(f"function name {self.name!r} is not a plain name (letters, digits, _; not starting with _)")
        elif not unicodedata.is_normalized("NFKC", self.name):
            # Python reads identifiers in NFKC form: a rubric could never call this name as written.
            out.append(f"function name {self.name!r} is not in NFKC form; write {unicodedata.normalize('NFKC', self.name)!r}")
        if not self.args and self.variadic:
            out.append(f"function {self.name!r} is variadic but declares no argument to repeat")
        bad = [k for k in self.args if k not in ARG_KINDS]
        if bad or self.returns not in ARG_KINDS:
            out.append(f"function {self.name!r} declares kind {(bad or [self.returns])[0]!r}; "
                       f"kinds are {', '.join(ARG_KINDS)}")
        if not 0 <= self.optional <= len(self.args):
            out.append(f"function {self.name!r} has optional = {self.optional}, outside 0..{len(self.args)}")
        if self.returns == "value" and "value" not in self.args:
            out.append(f"function {self.name!r} returns 'value' but takes no 'value' argument to take its kind from")
        if not callable(self.apply):
            out.append(f"function {self.name!r} has an apply that cannot be called")
        return out
