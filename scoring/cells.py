"""Reading cells as people type them: numbers, yes/no, choices.

Each function takes a whole column (a numpy object array of stripped text, ""
for blank) and returns typed values plus the refused cells with a reason. The
common case is checked for the whole column at once (plain decimal numbers, a
handful of distinct yes/no words); only cells that fail are looked at one by
one, once per distinct text, to say why.

Accepted on numbers: thousands separators (`1,234`, `1，234`, `1 234`), a leading
currency sign or a trailing `元` on number fields, full-width digits and signs
(NFKC), `%` on rates. Refused with a hint, because each has two readings:
Python literal forms (`1_0`, `0x10`), `inf` and `nan`, two decimal points,
commas not in groups of three (`1,23` is a decimal comma in some places),
spaces between digits not in groups of three (`1 0` is two figures or a slip).
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable
from decimal import Decimal, InvalidOperation

import numpy as np

from .evidence_limits import MAX_NUMBER_CHARS

TRUE_WORDS = frozenset({"是", "true", "1", "yes", "y", "t", "√", "✓", "✔", "有", "对"})
FALSE_WORDS = frozenset({"否", "false", "0", "no", "n", "f", "×", "✗", "✘", "无", "错"})
BOOL_HINT = "not a yes/no value; use 是/否, √/×, Y/N, TRUE/FALSE or 1/0"

_FAST = frozenset("0123456789.-+eE")
_PLAIN = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
_GROUPED = re.compile(r"\d{1,3}(,\d{3})+(\.\d+)?")
_SPACED = re.compile(r"\d{1,3}( \d{3})+(\.\d+)?")
_PADDED = re.compile(r" *([-+¥$€£%元]) *")
_CURRENCY = ("¥", "$", "€", "£")


class Refused(ValueError):
    """A cell that is not a number, with the reason and what to write instead."""


def cell_text(value: object) -> str:
    """The text of one raw cell as the core compares it: None -> "", 12.0 -> "12"."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if math.isnan(value):
            return ""  # a DataFrame's NaN is a blank cell
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    try:
        return str(value).strip()
    except ValueError:  # an int beyond Python's digit limit for str()
        return "<a number too long to show>"


def texts_of(cells: object) -> np.ndarray:
    """A column of raw cells as an object array of stripped text (never fixed-width: one long cell costs only itself)."""
    items = list(cells)  # type: ignore[call-overload]
    out = np.empty(len(items), dtype=object)
    try:
        out[:] = [c.strip() for c in items]  # a text file's cells are all str: the common case, 3x faster
    except (AttributeError, TypeError):
        out[:] = [cell_text(c) for c in items]
    return out


def _nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip()


def parse_number(text: str, kind: str) -> float:
    """One cell as a number of field type `kind` (count, number, rate); raises Refused."""
    figure, percent = plain_figure(text, kind)
    if percent:
        try:
            value = float(Decimal(figure) / 100)  # exact: "55.3%" is the 0.553 a band is written as
        except InvalidOperation:
            raise Refused("not a number") from None
    else:
        value = float(figure)
    if not math.isfinite(value):
        raise Refused("too large to be a figure")
    return value


def plain_figure(text: str, kind: str) -> tuple[str, bool]:
    """A figure as people type it, as plain decimal text (`-¥1,234.5` -> `-1234.5`), and whether it
    ended in a % sign (rates only); raises Refused with the reason. For exact money: Decimal(text)."""
    if len(text) > MAX_NUMBER_CHARS:
        raise Refused(f"not a number: {len(text):,} characters (limit MAX_NUMBER_CHARS = {MAX_NUMBER_CHARS})")
    # NFKC makes a no-break or ideographic space a plain one. A space beside a sign, a currency
    # or a unit only pads it (`¥ 50,000`, `55.3 %`); between digits it must group thousands
    # (`1 000`), checked below: `1 0` is two figures or a slip, never ten.
    s = _PADDED.sub(r"\1", _nfkc(text).replace("−", "-"))
    low = s.casefold().lstrip("+-")
    if low in ("inf", "infinity", "nan", "∞"):
        raise Refused("not a finite number; leave the cell blank if the figure is unknown")
    sign = ""
    if s[:1] in "+-":
        sign, s = s[0], s[1:]
    percent = s.endswith("%")
    if percent:
        if kind != "rate":
            raise Refused(f"a % sign is only for rate fields; this field is a {kind}: write the figure")
        s = s[:-1]
    if s.startswith(_CURRENCY) or s.endswith("元"):
        if kind != "number":
            raise Refused(f"a currency sign or 元 is only for amounts; this field is a {kind}")
        s = s.lstrip("".join(_CURRENCY)).removesuffix("元")
    if s.endswith(("万", "亿", "千")):
        raise Refused("write the whole figure in digits (12000, not 1.2万)")
    if "_" in s:
        raise Refused("'_' is not a digit separator here; write 1000 or 1,000")
    if s[:2].casefold() in ("0x", "0o", "0b"):
        raise Refused("only decimal numbers are read; write the figure in decimal digits")
    if s.count(".") > 1:
        raise Refused("two decimal points; write one, and use commas for thousands (1,234.5)")
    if " " in s:
        if not _SPACED.fullmatch(s):
            raise Refused("a space inside a figure may only separate thousands (1 000 000); write the figure without it")
        s = s.replace(" ", "")
    if "," in s:
        if not _GROUPED.fullmatch(s):
            raise Refused("commas must separate thousands (1,234,567); write a decimal point as '.'")
        s = s.replace(",", "")
    if not _PLAIN.fullmatch(sign + s):  # with its sign: `--5` and `-¥-5` are two signs, not a number
        raise Refused("not a number")
    return sign + s, percent


Bad = tuple[np.ndarray, list[str]]  # refused row indices and the reason of each


def _diagnose(texts: np.ndarray, rows: np.ndarray, parse: Callable[[str], float], values: np.ndarray) -> Bad:
    """Parse `texts[rows]` once per distinct text; fill `values`, return the refused rows and reasons."""
    if rows.size == 0:
        return rows, []
    # Distinct texts found by hashing, in first-seen order (sorting a million Python strings, as
    # np.unique does on an object column, takes seconds; the order is of no consequence here).
    seen: dict[str, int] = {}
    inverse = np.fromiter((seen.setdefault(t, len(seen)) for t in texts[rows].tolist()), dtype=np.int64,
                          count=rows.shape[0])
    parsed = np.full(len(seen), np.nan)
    why: dict[int, str] = {}
    for k, text in enumerate(seen):
        try:
            parsed[k] = parse(text)
        except Refused as exc:
            why[k] = str(exc)
    values[rows] = parsed[inverse]
    failed = np.isin(inverse, np.fromiter(why, dtype=np.int64, count=len(why)))
    return rows[failed], [why[int(k)] for k in inverse[failed].tolist()]


def numbers(texts: np.ndarray, kind: str) -> tuple[np.ndarray, Bad]:
    """A column of numbers (NaN where blank) and the refused cells."""
    values = np.full(texts.shape[0], np.nan)
    present = np.flatnonzero(texts != "")
    if present.size == 0:
        return values, (present, [])
    sub = texts[present]
    listed = sub.tolist()
    if set("".join(listed)) <= _FAST and max(map(len, listed)) <= MAX_NUMBER_CHARS:
        # Plain decimal text throughout: numpy converts the column in one call.
        try:
            converted = sub.astype(np.float64)
            if np.isfinite(converted).all():
                values[present] = converted
                return values, (np.zeros(0, dtype=np.int64), [])
        except (ValueError, OverflowError):
            pass
    return values, _diagnose(texts, present, lambda t: parse_number(t, kind), values)


def _bool_word(text: str) -> float:
    word = _nfkc(text).casefold()
    if word in TRUE_WORDS:
        return 1.0
    if word in FALSE_WORDS:
        return 0.0
    raise Refused(BOOL_HINT)


def bools(texts: np.ndarray) -> tuple[np.ndarray, Bad]:
    """A column of yes/no cells (False where blank) and the refused cells."""
    values = np.zeros(texts.shape[0])
    present = np.flatnonzero(texts != "")
    bad = _diagnose(texts, present, _bool_word, values)
    return values == 1.0, bad


def choices(texts: np.ndarray, allowed: list[str]) -> tuple[np.ndarray, Bad]:
    """A column of enum cells as the declared values (NFKC, trimmed), and the refused cells."""
    canonical = {_nfkc(v): v for v in allowed}
    out = texts.copy()
    present = np.flatnonzero(texts != "")
    if present.size == 0:
        return out, (present, [])
    # Each distinct text looked up once, found by hashing (a sort of a million
    # Python strings, as np.unique does on an object column, is seconds).
    cells = texts[present].tolist()
    seen = {t: canonical.get(_nfkc(t)) for t in dict.fromkeys(cells)}
    mapped = np.empty(len(cells), dtype=object)
    mapped[:] = [seen[t] for t in cells]
    out[present] = mapped
    failed = present[np.array([v is None for v in out[present].tolist()], dtype=bool)]
    out[failed] = ""
    reason = f"not one of the allowed values: {', '.join(allowed)}"
    return out, (failed, [reason] * failed.size)
