"""Warnings of a scoring job, structured so a program can act on them.

A warning is something that did not stop the job but may have changed a
unit's result: a group with no member rows, a blank cell where the unit's other
periods have a figure. Each carries a stable `code`, the unit and field it is
about (when it is about one) and a message for people. `Notice` is a `str`
(its message), so code that printed or searched plain-string warnings keeps
working; `to_dict()` is what the JSON result holds. `--strict` turns every
warning into an error.
"""

from __future__ import annotations

from typing import Any


class Notice(str):
    """One warning: its message, plus `code`, `unit` and `field`."""

    code: str
    unit: str | None
    field: str | None

    def __new__(cls, message: str, code: str, *, unit: str | None = None, field: str | None = None) -> Notice:
        self = super().__new__(cls, message)
        self.code, self.unit, self.field = code, unit, field
        return self

    @property
    def message(self) -> str:
        return str.__str__(self)

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "unit": self.unit, "field": self.field, "message": self.message}

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (self.message, self.code, self.unit, self.field))


def _rebuild(message: str, code: str, unit: str | None, field: str | None) -> Notice:
    return Notice(message, code, unit=unit, field=field)


def as_notice(warning: str, code: str = "warning") -> Notice:
    """A plain-string warning (from a plugin or an older module) as a Notice."""
    return warning if isinstance(warning, Notice) else Notice(warning, code)
