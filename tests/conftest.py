"""Shared fixtures: an engine, and a small rubric builder for hand-computed cases."""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import pytest

import scoring

BASE_FIELDS = """
[fields]
a = { type = "count" }
b = { type = "count", max = "a" }
flag = { type = "bool" }
x = { type = "number", missing = "not_applicable" }
"""

GRADES = """
[[grade]]
name = "A"
min = 90

[[grade]]
name = "B"
min = 60

[[grade]]
name = "C"
min = 0
"""


def single_indicator(points: float, method: str, params: str, *, indicator: str = "i") -> str:
    """One dimension `d` holding one indicator; `params` are the method's TOML lines."""
    lines = "\n".join(f"  {line.strip()}" for line in params.strip().splitlines())
    return (f'\n[[dimension]]\nid = "d"\npoints = {points}\n  [[dimension.indicator]]\n'
            f'  id = "{indicator}"\n  points = {points}\n  method = "{method}"\n{lines}\n')


# One ratio indicator (b of a): the smallest rubric whose rows can be valid or not.
RATIO_BODY = single_indicator(10, "ratio", 'numerator = "b"\ndenominator = "a"', indicator="rect")


def rubric_text(body: str, *, fields: str = BASE_FIELDS, grades: str = GRADES, head: str = "") -> str:
    """A complete rubric: a header, `fields`, the given dimensions etc., and grade bands."""
    return (
        'format = 1\n[rubric]\nid = "t"\ntitle = "test"\nversion = "1"\nprecision = 1\n'
        + textwrap.dedent(head)
        + textwrap.dedent(fields)
        + textwrap.dedent(body)
        + textwrap.dedent(grades)
    )


@pytest.fixture(scope="session")
def engine() -> scoring.Engine:
    return scoring.Engine()


@pytest.fixture
def score(engine: scoring.Engine) -> Callable[..., scoring.Result]:
    """score(body, rows, **rubric_text kwargs) -> Result."""

    def run(body: str, rows: Sequence[Mapping[str, Any]], **kwargs: Any) -> scoring.Result:
        rubric = engine.rubric_from_text(rubric_text(body, **kwargs))
        return engine.score(rubric, rows)

    return run
