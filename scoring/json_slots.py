"""A chunk of units' JSON text, built from coded columns ("slots") and a template.

Each figure that varies from unit to unit fills a slot of the unit's template.
A slot holds, per unit, a code into a short list of JSON literals (the
distinct rounded figures, grade names, statuses...), so a literal is
formatted once however many units share it.

Codes also let neighbouring slots be fused: two slots and the constant text
between them become one slot whose literals are the distinct pairs actually
met, as long as there are few of them. A unit's indicator block (points,
value, status, and the indentation around them) then is one literal shared by
every unit with the same figures, and a unit's text is one `%` formatting
with a score of slots instead of a hundred: the per-slot work of formatting,
unit by unit, was most of the time of writing a million units' JSON.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

from .rounding import round_half_up

# Fuse two slots only while their distinct pairs are at most a fraction of the units: each pair costs a
# literal built in Python, each slot fused away saves a formatting step per unit.
FUSE_SHARE = 8
FUSE_ALWAYS = 64  # however few the units (a small chunk), this many distinct pairs may always be fused


class Slot:
    """Per unit `k` of a chunk, the JSON text `literals[codes[k]]` (`codes` None: `literals` is per unit)."""

    __slots__ = ("codes", "_literals", "_table")

    def __init__(self, codes: np.ndarray | None, literals: list[bytes] | None) -> None:
        self.codes = codes
        self._literals = literals
        self._table: np.ndarray | None = None

    @classmethod
    def of(cls, texts: list[bytes]) -> Slot:
        """A slot of per-unit texts, each its own."""
        return cls(None, texts)

    @classmethod
    def constant(cls, text: bytes, n: int) -> Slot:
        return cls(np.zeros(n, dtype=np.intp), [text])

    @property
    def literals(self) -> list[bytes]:
        assert self._literals is not None
        return self._literals

    @property
    def size(self) -> int:
        """How many distinct texts the codes index."""
        return len(self.literals)

    def run(self) -> tuple[list[Slot], list[bytes], np.ndarray]:
        """The slot as a run of plain slots: those slots, the texts between them, and for each distinct
        text of this slot the codes of its parts (one row each)."""
        return [self], [], np.arange(self.size, dtype=np.intp)[:, None]

    def texts(self, lo: int = 0, hi: int | None = None) -> list[bytes]:
        """The texts of units `lo` to `hi` (all by default)."""
        if self.codes is None:
            return self.literals[lo:hi]
        return self.texts_of(self.codes[lo:hi])

    def texts_of(self, codes: np.ndarray) -> list[bytes]:
        """The distinct texts at `codes`."""
        if self._table is None:
            self._table = object_array(self.literals)
        out: list[bytes] = self._table[codes].tolist()
        return out


class Fused(Slot):
    """Neighbouring slots and the texts between them as one slot: each distinct text is a row of the
    parts' codes, and is made only when asked for, once the run is complete (making the texts of every
    step of a long run copied the early parts over and over)."""

    __slots__ = ("_run",)

    def __init__(self, codes: np.ndarray, slots: list[Slot], between: list[bytes], rows: np.ndarray) -> None:
        super().__init__(codes, None)
        self._run = (slots, between, rows)

    @property
    def size(self) -> int:
        return int(self._run[2].shape[0])

    @property
    def literals(self) -> list[bytes]:
        if self._literals is None:
            slots, between, rows = self._run
            template = b"%s" + b"".join(b.replace(b"%", b"%%") + b"%s" for b in between)
            parts = [slot.texts_of(rows[:, k]) for k, slot in enumerate(slots)]
            self._literals = [template % values for values in zip(*parts)]
        return self._literals

    def run(self) -> tuple[list[Slot], list[bytes], np.ndarray]:
        return self._run


def object_array(items: Sequence[bytes]) -> np.ndarray:
    """A numpy array of Python objects (bytes), indexable by codes."""
    out = np.empty(len(items), dtype=object)
    out[:] = items
    return out


def coded(keys: Iterable[Any], n: int) -> tuple[np.ndarray, list[Any]]:
    """Codes of `keys` (hashable, `n` of them) in order of first appearance, and the distinct keys."""
    keys = keys if isinstance(keys, list) else list(keys)
    index = {key: k for k, key in enumerate(dict.fromkeys(keys))}  # C loops: no Python step per key
    return np.fromiter(map(index.__getitem__, keys), dtype=np.intp, count=n), list(index)


# --- figures as slots ------------------------------------------------------------------


def number_slot(values: np.ndarray, places: int, *, missing: bytes = b"null") -> Slot:
    """Half-up rounded JSON numbers; NaN (and, for values, inf) become `missing`."""
    rounded = round_half_up(values, places)
    return _decimal_slot(rounded, places, missing) or float_slot(rounded, missing=missing)


def _decimal_slot(rounded: np.ndarray, places: int, missing: bytes) -> Slot | None:
    """`float_slot(rounded)` found without sorting, for figures rounded to `places`: each is a whole
    number of 10**-places, so that number indexes a table of literals. None when some figure is not
    (the caller sorts instead): -0.0, huge figures, or a spread too wide for a table."""
    n = int(rounded.shape[0])
    if n == 0:
        return Slot(np.zeros(0, dtype=np.intp), [])
    finite = np.isfinite(rounded)
    every = bool(finite.all())  # the usual case: no mask to apply
    figures = rounded if every else np.where(finite, rounded, 0.0)
    scale = 10.0 ** places
    # Bounds first, from the extremes (rounding to steps keeps the order): a huge figure would overflow.
    lowest, highest = float(figures.min()) * scale, float(figures.max()) * scale
    if not (-(2.0**52) < lowest and highest < 2.0**52):
        return None
    least, most = round(lowest), round(highest)  # as np.rint rounds: halves to even
    if most - least > 4 * n + 1024:
        return None
    steps = np.rint(figures * scale)
    if not (steps / scale == figures).all() \
            or (least <= 0 <= most and (np.signbit(figures) & (figures == 0)).any()):
        return None
    low, gap = least, most - least + 1  # the place after the last figure's: missing
    place = steps.astype(np.int64)
    place -= low
    if not every:
        place[~finite] = gap
    seen = np.zeros(gap + 1, dtype=bool)
    seen[place] = True
    found = np.flatnonzero(seen)
    # The same division numpy did above, so the same float: its repr is the figure's literal.
    literals = [missing if k == gap else float.__repr__(float(k + low) / scale).encode() for k in found.tolist()]
    codes = np.cumsum(seen, dtype=np.intp)
    codes -= 1
    return Slot(codes[place], literals)


def float_slot(rounded: np.ndarray, *, missing: bytes = b"null") -> Slot:
    """JSON numbers of `rounded` as they are; NaN and inf become `missing`."""
    # Points take few distinct values (10.0, 7.5, ...): format each once. Found by their bits, so -0.0
    # is not taken for 0.0 (they compare equal, but are written apart).
    bits, inverse = np.unique(np.ascontiguousarray(rounded, dtype=np.float64).view(np.int64), return_inverse=True)
    literals = [missing if not math.isfinite(x) else float.__repr__(x).encode() for x in bits.view(np.float64).tolist()]
    return Slot(inverse.reshape(-1).astype(np.intp, copy=False), literals)


def flag_slot(flags: np.ndarray, yes: bytes, no: bytes) -> Slot:
    return Slot(flags.astype(np.intp), [no, yes])


# --- fusing and formatting -----------------------------------------------------------------


def fuse(left: Slot, between: bytes, right: Slot, n: int) -> Slot | None:
    """One slot for `left`, the text `between` and `right`, or None when the pairs met are too many."""
    if left.codes is None or right.codes is None:
        return None
    wide = right.size
    size = left.size * wide
    if size > 4 * n + 4096:  # a table of every pair would be too big to sweep
        return None
    key = left.codes * wide + right.codes
    seen = np.zeros(size, dtype=bool)
    seen[key] = True
    found = np.flatnonzero(seen)
    if found.shape[0] > max(n // FUSE_SHARE, FUSE_ALWAYS):
        return None
    lefts, rights = np.divmod(found, wide)
    left_slots, left_between, left_rows = left.run()
    right_slots, right_between, right_rows = right.run()
    rows = np.concatenate([left_rows[lefts], right_rows[rights]], axis=1)
    codes = np.cumsum(seen) - 1
    return Fused(codes[key], left_slots + right_slots, left_between + [between] + right_between, rows)


def fuse_all(constants: list[bytes], slots: list[Slot], n: int) -> tuple[list[bytes], list[Slot]]:
    """`constants[0] slots[0] constants[1] ... slots[-1] constants[-1]` with neighbouring slots fused where few
    pairs are met: the same text in fewer slots."""
    assert len(constants) == len(slots) + 1
    if not slots:
        return constants, slots
    out_constants, out_slots = [constants[0]], []
    current = slots[0]
    for between, slot in zip(constants[1:-1], slots[1:]):
        fused = fuse(current, between, slot, n)
        if fused is None:
            out_slots.append(current)
            out_constants.append(between)
            current = slot
        else:
            current = fused
    out_slots.append(current)
    out_constants.append(constants[-1])
    return out_constants, out_slots


class Units:
    """A chunk of units' texts: `constants` with the slots between them, neighbouring slots fused first."""

    def __init__(self, constants: list[bytes], slots: list[Slot], n: int) -> None:
        constants, self.slots = fuse_all(constants, slots, n)
        self.template = b"%s".join(c.replace(b"%", b"%%") for c in constants)
        self.n = n

    def texts(self, lo: int = 0, hi: int | None = None) -> list[bytes]:
        """Each unit's text, of units `lo` to `hi` (all by default)."""
        template = self.template
        if not self.slots:
            return [template % ()] * len(range(self.n)[lo:hi])
        return [template % values for values in zip(*(slot.texts(lo, hi) for slot in self.slots))]
