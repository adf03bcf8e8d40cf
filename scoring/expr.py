"""Safe, vectorised expressions for rubrics.

Rubrics are TOML files written by people we do not trust, and their `when`,
`value` and `require` keys hold small expressions such as
``deaths > death_limit`` or ``grade in ['优秀', '良好'] and not vetoed``.
Handing such text to Python's own evaluator would let a rubric read files or
run programs, so the text is parsed with `ast`, checked against an allow-list
of node types, and compiled once into a tree of closures that work on whole
numpy columns.  Size, depth and exponent limits keep a hostile rubric from
costing more than a bounded amount of time or memory, at compile time or when
it is evaluated over many rows.
"""

from __future__ import annotations

import ast
import difflib
import operator
import re
import threading
import unicodedata
from collections.abc import Callable, Collection, Mapping
from types import MappingProxyType
from typing import Any, Final, NoReturn

import numpy as np
import numpy.typing as npt

from scoring.errors import ExpressionError, PluginError
from scoring.functions import Function

# CPython 3.11's AST constructor keeps its recursion counter in state that all
# threads share (python/cpython#106905), so two threads parsing at once can
# fail with "SystemError: AST constructor recursion depth mismatch". Parsing
# one expression at a time costs microseconds and keeps library use in threads
# safe; the lock holds no data.
_PARSE_LOCK = threading.Lock()

__all__ = [
    "MAX_DEPTH", "MAX_EXPONENT", "MAX_LENGTH", "MAX_NODES",
    "Expression", "Function", "FunctionTable", "compile_expression",
]

MAX_LENGTH: Final = 1000
MAX_NODES: Final = 256
# Namespaces whose dotted names are plain names (last period's and earlier results, the self-assessment).
QUALIFIED_NAMESPACES: Final = frozenset({"previous", "history", "self"})  # self: the self-assessment (stages.py)
MAX_DEPTH: Final = 64  # a left-nested sum of 60 terms must fit
MAX_EXPONENT: Final = 64

Array = npt.NDArray[Any]
Env = Mapping[str, object]
_Node = Callable[[Env, int], Array]


# Functions come from plugins (`scoring.functions.Function`, registered through
# the `scoring_register_functions` hook): the engine hands its table to each
# compile, so the core itself knows no function by name.
FunctionTable = Mapping[str, Function]
NO_FUNCTIONS: Final[FunctionTable] = MappingProxyType({})


_ARITHMETIC: Final[dict[type[ast.operator], tuple[np.ufunc, str]]] = {
    ast.Add: (np.add, "+"), ast.Sub: (np.subtract, "-"), ast.Mult: (np.multiply, "*"),
    ast.Div: (np.true_divide, "/"), ast.FloorDiv: (np.floor_divide, "//"),
    ast.Mod: (np.mod, "%"), ast.Pow: (np.power, "**"),
}
_COMPARISON: Final[dict[type[ast.cmpop], tuple[np.ufunc, str]]] = {
    ast.Eq: (np.equal, "=="), ast.NotEq: (np.not_equal, "!="), ast.Lt: (np.less, "<"),
    ast.LtE: (np.less_equal, "<="), ast.Gt: (np.greater, ">"), ast.GtE: (np.greater_equal, ">="),
}
# Operators people reach for by habit get a hint towards the allowed spelling.
_REFUSED_OPERATORS: Final[dict[type[ast.AST], str]] = {
    ast.BitAnd: "operator '&' is not allowed; use 'and'",
    ast.BitOr: "operator '|' is not allowed; use 'or'",
    ast.Invert: "operator '~' is not allowed; use 'not'",
    ast.BitXor: "operator '^' is not allowed; use '**' for powers",
    ast.LShift: "operator '<<' is not allowed", ast.RShift: "operator '>>' is not allowed",
    ast.MatMult: "operator '@' is not allowed",
    ast.Is: "'is' is not allowed; use '=='", ast.IsNot: "'is not' is not allowed; use '!='",
}
_REFUSED_NODES: Final[dict[type[ast.AST], str]] = {
    ast.Attribute: "attribute access is not allowed",
    ast.Subscript: "subscripts (x[...]) are not allowed", ast.Slice: "slices are not allowed",
    ast.Lambda: "lambda is not allowed",
    ast.ListComp: "comprehensions are not allowed", ast.SetComp: "comprehensions are not allowed",
    ast.DictComp: "comprehensions are not allowed",
    ast.GeneratorExp: "comprehensions are not allowed",
    ast.JoinedStr: "f-strings are not allowed", ast.FormattedValue: "f-strings are not allowed",
    ast.NamedExpr: "assignment expressions (:=) are not allowed",
    ast.Starred: "starred arguments (*x) are not allowed",
    ast.List: "lists are only allowed on the right of 'in' / 'not in'",
    ast.Tuple: "tuples are only allowed on the right of 'in' / 'not in'",
    ast.Set: "sets are only allowed on the right of 'in' / 'not in'",
    ast.Dict: "dictionaries are not allowed", ast.Await: "await is not allowed",
    ast.Yield: "yield is not allowed", ast.YieldFrom: "yield is not allowed",
}
# Operator and context nodes carry no structure of their own; counting them
# would make the limits depend on how many operators, not how much nesting.
_LEAF_KINDS: Final = (ast.expr_context, ast.operator, ast.unaryop, ast.boolop, ast.cmpop)


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


class _Compiler:
    def __init__(self, source: str, lead: int, text: str, allowed: frozenset[str] | None,
                 functions: FunctionTable = NO_FUNCTIONS) -> None:
        self.source, self.lead, self.allowed = source, lead, allowed
        self.functions = functions
        self.lines = re.split(r"(?<=\r\n)|(?<=\r)(?!\n)|(?<=\n)", text)
        self.starts = [0]
        for line in self.lines:
            self.starts.append(self.starts[-1] + len(line))
        self.names: dict[str, int | None] = {}

    def position(self, node: ast.AST) -> int | None:
        line, col = getattr(node, "lineno", None), getattr(node, "col_offset", None)
        if not isinstance(line, int) or not isinstance(col, int) or not 1 <= line <= len(self.lines):
            return None
        # ast counts columns in UTF-8 bytes; rubric authors count characters.
        raw = self.lines[line - 1].encode("utf-8", "surrogatepass")[:col]
        return self.lead + self.starts[line - 1] + len(raw.decode("utf-8", "ignore"))

    def written(self, node: ast.AST) -> str | None:
        """The characters `node` was written with, before Python normalised its names."""
        line, col = getattr(node, "lineno", None), getattr(node, "col_offset", None)
        end_line, end_col = getattr(node, "end_lineno", None), getattr(node, "end_col_offset", None)
        if not (isinstance(line, int) and line == end_line and isinstance(col, int) and isinstance(end_col, int)
                and 1 <= line <= len(self.lines)):
            return None
        return self.lines[line - 1].encode("utf-8", "surrogatepass")[col:end_col].decode("utf-8", "replace")

    def check_spelling(self, node: ast.AST, name: str) -> None:
        # Python reads identifiers in NFKC form, so a full-width `ｘ` would
        # silently read the field `x`. Rubric names are declared in NFKC form
        # (scoring.names); a name written any other way is refused, not guessed.
        raw = self.written(node)
        if raw is not None and not unicodedata.is_normalized("NFKC", raw):
            self.fail(f"name {raw!r} is written with full-width or other look-alike characters that "
                      f"Python reads as {name!r}; write {name!r}", node)

    def error(self, message: str, position: int | None) -> ExpressionError:
        return ExpressionError(message, self.source, position)

    def fail(self, message: str, node: ast.AST) -> NoReturn:
        raise self.error(message, self.position(node))

    def check_size(self, root: ast.AST) -> None:
        # Iterative on purpose: a recursive walk over a hostile tree could
        # overflow the stack before the depth limit is ever compared.
        stack: list[tuple[ast.AST, int]] = [(root, 1)]
        count = 0
        while stack:
            node, depth = stack.pop()
            count += 1
            if count > MAX_NODES:
                self.fail(f"expression is too large: more than {MAX_NODES} parts", node)
            if depth > MAX_DEPTH:
                self.fail(f"expression is nested too deeply: more than {MAX_DEPTH} levels", node)
            stack.extend((child, depth + 1) for child in ast.iter_child_nodes(node)
                         if not isinstance(child, _LEAF_KINDS))

    # -- values at evaluation time ------------------------------------------------
    def number(self, value: Array, position: int | None, where: str) -> Array:
        if value.dtype.kind in "UO":
            raise self.error(f"text cannot be used with {where}; a number is needed", position)
        return value.astype(np.float64, copy=False)

    def truth(self, value: Array, position: int | None) -> Array:
        kind = value.dtype.kind
        if kind == "b":
            return value
        if kind == "f":
            return np.asarray(np.logical_and(value != 0, ~np.isnan(value)))
        if kind in "iu":
            return np.asarray(value != 0)
        raise self.error("text cannot be used as a condition; compare it with == first", position)

    def load(self, env: Env, name: str, n: int, position: int | None) -> Array:
        if name not in env:
            raise self.error(f"no value is given for name {name!r}", position)
        raw = env[name]
        value = raw if isinstance(raw, np.ndarray) else np.asarray(raw)
        if value.dtype.kind == "T":  # numpy 2 StringDType: same meaning as '<U'
            value = value.astype(np.str_)
        # Evidence text is kept as Python strings (kind "O"), never widened to the longest cell.
        if value.dtype.kind not in "biufUO" or (value.dtype.kind == "O"
                                                 and not all(type(v) is str for v in value.reshape(-1).tolist())):
            raise self.error(f"value {name!r} has unsupported type {value.dtype}", position)
        if value.ndim != 0 and value.shape != (n,):
            raise self.error(f"value {name!r} has shape {value.shape}, expected ({n},)", position)
        return value

    # -- compiling ---------------------------------------------------------------------
    def compile(self, node: ast.AST) -> _Node:
        if isinstance(node, ast.Constant):
            value = self.constant(node)
            return lambda env, n: value
        if isinstance(node, ast.Name):
            return self.name(node)
        if isinstance(node, ast.BinOp):
            return self.binop(node)
        if isinstance(node, ast.UnaryOp):
            return self.unaryop(node)
        if isinstance(node, ast.BoolOp):
            return self.boolop(node)
        if isinstance(node, ast.Compare):
            return self.compare(node)
        if isinstance(node, ast.IfExp):
            return self.ifexp(node)
        if isinstance(node, ast.Call):
            return self.call(node)
        if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
                and node.value.id in QUALIFIED_NAMESPACES and not node.attr.startswith("_")):
            # `previous.grade` is one name, not attribute access: it is looked up
            # in the same table of columns as any other name.
            self.check_spelling(node, f"{node.value.id}.{node.attr}")
            return self.name(ast.Name(id=f"{node.value.id}.{node.attr}", ctx=ast.Load(),
                                      lineno=node.lineno, col_offset=node.col_offset))
        self.fail(_REFUSED_NODES.get(type(node), f"{type(node).__name__} is not allowed"), node)

    def constant(self, node: ast.Constant) -> Array:
        v = node.value
        if isinstance(v, bool) or isinstance(v, str):
            out = np.asarray(v)
        elif isinstance(v, (int, float)):
            try:  # all arithmetic is float64, so int overflow can never wrap around
                out = np.asarray(float(v), dtype=np.float64)
            except OverflowError:
                self.fail("number is too large", node)
        else:
            what = {type(None): "None is", bytes: "bytes are", complex: "complex numbers are"}
            self.fail(f"{what.get(type(v), f'the constant {v!r} is')} not allowed", node)
        out.flags.writeable = False
        return out

    def name(self, node: ast.Name) -> _Node:
        name, position = node.id, self.position(node)
        self.check_spelling(node, name)
        if name.startswith("_"):
            self.fail(f"names starting with '_' are not allowed: {name!r}", node)
        if self.allowed is not None and name not in self.allowed:
            known = sorted(self.allowed)
            listing = ", ".join(known[:20]) + (", ..." if len(known) > 20 else "")
            message = f"unknown name {name!r}; " + (
                f"known names are: {listing}" if known else "no names are available")
            close = difflib.get_close_matches(name, known, n=1)
            self.fail(message + (f"; did you mean {close[0]!r}?" if close else ""), node)
        self.names.setdefault(name, position)
        return lambda env, n: self.load(env, name, n, position)

    def binop(self, node: ast.BinOp) -> _Node:
        if type(node.op) not in _ARITHMETIC:
            self.fail(_REFUSED_OPERATORS.get(type(node.op), "this operator is not allowed"), node)
        ufunc, symbol = _ARITHMETIC[type(node.op)]
        if symbol == "**":
            self.check_exponent(node.right)
        left, right = self.compile(node.left), self.compile(node.right)
        lpos, rpos = self.position(node.left), self.position(node.right)
        where = f"'{symbol}'"

        def run(env: Env, n: int) -> Array:
            a, b = self.number(left(env, n), lpos, where), self.number(right(env, n), rpos, where)
            with np.errstate(all="ignore"):
                return np.asarray(ufunc(a, b))
        return run

    def check_exponent(self, node: ast.expr) -> None:
        # A literal, bounded exponent keeps x ** y from building huge values
        # or costing unbounded time; 2 ** 10 ** 10 is refused here.
        inner = node.operand if isinstance(node, ast.UnaryOp) and isinstance(
            node.op, (ast.USub, ast.UAdd)) else node
        value = inner.value if isinstance(inner, ast.Constant) else None
        if (isinstance(value, bool) or not isinstance(value, (int, float))
                or not abs(value) <= MAX_EXPONENT):
            self.fail(f"the exponent of '**' must be a number from -{MAX_EXPONENT} to "
                      f"{MAX_EXPONENT} written literally, not an expression", node)

    def unaryop(self, node: ast.UnaryOp) -> _Node:
        operand, position = self.compile(node.operand), self.position(node.operand)
        if isinstance(node.op, ast.Not):
            return lambda env, n: np.logical_not(self.truth(operand(env, n), position))
        if not isinstance(node.op, (ast.USub, ast.UAdd)):
            self.fail(_REFUSED_OPERATORS.get(type(node.op), "this operator is not allowed"), node)
        sign = -1.0 if isinstance(node.op, ast.USub) else 1.0
        return lambda env, n: np.asarray(sign * self.number(operand(env, n), position, "'-'"))

    def boolop(self, node: ast.BoolOp) -> _Node:
        parts = [(self.compile(v), self.position(v)) for v in node.values]
        combine = np.logical_and if isinstance(node.op, ast.And) else np.logical_or

        def run(env: Env, n: int) -> Array:
            # Every operand is evaluated over all rows: vectorised code cannot
            # short-circuit per row, and the operands have no side effects.
            out = self.truth(parts[0][0](env, n), parts[0][1])
            for part, position in parts[1:]:
                out = np.asarray(combine(out, self.truth(part(env, n), position)))
            return out
        return run

    def compare(self, node: ast.Compare) -> _Node:
        if any(isinstance(op, (ast.In, ast.NotIn)) for op in node.ops):
            return self.membership(node)
        for op in node.ops:
            if type(op) not in _COMPARISON:
                self.fail(_REFUSED_OPERATORS.get(type(op), "this comparison is not allowed"), node)
        operands = [node.left, *node.comparators]
        parts = [(self.compile(v), self.position(v)) for v in operands]
        ops = [_COMPARISON[type(op)] for op in node.ops]

        def run(env: Env, n: int) -> Array:
            left = parts[0][0](env, n)
            out: Array | None = None
            for (ufunc, symbol), (part, position) in zip(ops, parts[1:]):
                right = part(env, n)
                if (left.dtype.kind in "UO") != (right.dtype.kind in "UO"):
                    raise self.error(f"cannot compare text with a number using '{symbol}'", position)
                with np.errstate(all="ignore"):
                    result = np.asarray(ufunc(left, right))
                out = result if out is None else np.asarray(np.logical_and(out, result))
                left = right
            assert out is not None
            return out
        return run

    def membership(self, node: ast.Compare) -> _Node:
        if len(node.ops) != 1:
            self.fail("'in' cannot be chained with other comparisons; join them with 'and'", node)
        listing = node.comparators[0]
        if not isinstance(listing, (ast.List, ast.Tuple, ast.Set)):
            self.fail("the right side of 'in' / 'not in' must be a literal list of constants, "
                      "such as ['a', 'b']", listing)
        values = [self.literal(item) for item in listing.elts]
        texts = sum(isinstance(v, str) for v in values)
        if 0 < texts < len(values):
            self.fail("the list after 'in' must hold only text or only numbers", listing)
        table = np.array(values, dtype=np.str_ if texts else np.float64)
        left, position = self.compile(node.left), self.position(node.left)
        negate = isinstance(node.ops[0], ast.NotIn)

        def run(env: Env, n: int) -> Array:
            value = left(env, n)
            if table.size and (value.dtype.kind in "UO") != bool(texts):
                raise self.error("cannot look for a number in a list of text, or text in a "
                                 "list of numbers", position)
            found = np.isin(value, table) if table.size else np.zeros(value.shape, dtype=bool)
            return np.asarray(np.logical_not(found) if negate else found)
        return run

    def literal(self, item: ast.expr) -> str | float:
        inner, sign = item, 1.0
        if isinstance(item, ast.UnaryOp) and isinstance(item.op, (ast.USub, ast.UAdd)):
            inner, sign = item.operand, (-1.0 if isinstance(item.op, ast.USub) else 1.0)
        value = inner.value if isinstance(inner, ast.Constant) else None
        if isinstance(value, str) and inner is item:
            return value
        if isinstance(value, (int, float)):
            try:
                return sign * float(value)
            except OverflowError:
                self.fail("number is too large", item)
        self.fail("the list after 'in' may hold only numbers or text written literally", item)

    def ifexp(self, node: ast.IfExp) -> _Node:
        test, body, orelse = self.compile(node.test), self.compile(node.body), self.compile(node.orelse)
        tpos, bpos = self.position(node.test), self.position(node.body)

        def run(env: Env, n: int) -> Array:
            cond, a, b = self.truth(test(env, n), tpos), body(env, n), orelse(env, n)
            if (a.dtype.kind in "UO") != (b.dtype.kind in "UO"):
                # np.where would silently turn the numbers into text.
                raise self.error("both results of 'if ... else' must be text, or both numbers",
                                 bpos)
            return np.asarray(np.where(cond, a, b))
        return run

    def call(self, node: ast.Call) -> _Node:
        if not isinstance(node.func, ast.Name):
            self.fail(_REFUSED_NODES.get(type(node.func), "only named functions can be called"),
                      node.func)
        self.check_spelling(node.func, node.func.id)
        name, spec = node.func.id, self.functions.get(node.func.id)
        if spec is None:
            known = ", ".join(sorted(self.functions)) or "none are registered"
            close = difflib.get_close_matches(name, list(self.functions), n=1)
            self.fail(f"calling {name!r} is not allowed; functions are: {known}"
                      + (f"; did you mean {close[0]!r}?" if close else ""), node.func)
        if node.keywords:
            self.fail(f"keyword arguments are not allowed (in the call to {name})", node.keywords[0])
        for arg in node.args:
            if isinstance(arg, ast.Starred):
                self.fail(_REFUSED_NODES[ast.Starred], arg)
        count = len(node.args)
        if count < spec.min_args or (spec.max_args is not None and count > spec.max_args):
            wanted = (f"at least {spec.min_args}" if spec.max_args is None
                      else str(spec.min_args) if spec.min_args == spec.max_args
                      else f"{spec.min_args} to {spec.max_args}")
            self.fail(f"{name}() takes {wanted} argument{'s' * (wanted != '1')}, got {count}", node)
        parts = [(self.compile(arg), self.position(arg), spec.kind_of(k)) for k, arg in enumerate(node.args)]
        position = self.position(node)

        def run(env: Env, n: int) -> Array:
            args = [self.argument(part(env, n), where, kind, name, k)
                    for k, (part, where, kind) in enumerate(parts)]
            values = [a for a, (_, _, kind) in zip(args, parts) if kind == "value"]
            if values and len({a.dtype.kind in "UO" for a in values}) > 1:
                raise self.error(f"the arguments of {name}() that give its result must be all text "
                                 "or all numbers", position)
            try:
                with np.errstate(all="ignore"):
                    out = np.asarray(spec.apply(*args))
            except Exception as exc:  # noqa: BLE001 - a plugin's bug, named, never "internal error"
                raise PluginError(f"function {name!r} from plugin {spec.plugin or '(unnamed)'!r} raised "
                                  f"{type(exc).__name__}: {exc}", plugin=spec.plugin or None,
                                  hook="scoring_register_functions") from exc
            return self.result(spec, out, values, n)
        return run

    def argument(self, value: Array, position: int | None, kind: str, name: str, k: int) -> Array:
        """One argument as its declared kind, read-only so a function cannot
        write into the evidence columns it is handed."""
        if kind == "number":
            value = self.number(value, position, f"argument {k + 1} of {name}()")
        elif kind == "bool":
            value = self.truth(value, position)
        elif kind == "text" and value.dtype.kind not in "UO":  # "O": text kept as Python strings
            raise self.error(f"argument {k + 1} of {name}() must be text", position)
        view: Array = value.view()
        view.flags.writeable = False
        return view

    def result(self, spec: Function, out: Array, values: list[Array], n: int) -> Array:
        """Hold a plugin's function to its declaration: a bad answer is the
        plugin's bug, named as such, not a wrong figure in someone's result."""
        want = spec.returns
        if want == "value":
            want = "text" if values and values[0].dtype.kind in "UO" else "number"
        kinds = {"number": "biuf", "bool": "b", "text": "UO"}[want]
        if out.dtype.kind not in kinds or (out.ndim != 0 and out.shape != (n,)):
            raise PluginError(
                f"function {spec.name!r} from plugin {spec.plugin or '(unnamed)'!r} returned "
                f"{out.dtype} values of shape {out.shape} for {n} rows; it declares {spec.returns} "
                f"(one per row); this is a bug in the plugin, not in the rubric",
                plugin=spec.plugin or None, hook="scoring_register_functions")
        if want == "number":
            return out.astype(np.float64, copy=False)
        return out


class Expression:
    """A compiled rubric expression; evaluate it over columns of `n` rows."""

    __slots__ = ("source", "names", "_root", "_compiler")

    def __init__(self, source: str, root: _Node, compiler: _Compiler) -> None:
        self.source = source
        self.names: frozenset[str] = frozenset(compiler.names)
        self._root, self._compiler = root, compiler

    def __repr__(self) -> str:
        return f"Expression({self.source!r})"

    def __reduce__(self) -> tuple[Any, tuple[str, frozenset[str] | None, FunctionTable]]:
        # The compiled tree is closures, which pickle cannot carry; the source,
        # the names it may use and the functions it may call are enough to
        # compile the same tree again (checked again too, so a tampered pickle
        # is no way around the checks).
        return _recompile, (self.source, self._compiler.allowed, dict(self._compiler.functions))

    def evaluate(self, env: Env, n: int) -> Array:
        try:
            rows = operator.index(n)
        except TypeError:
            rows = -1
        if rows < 0 or isinstance(n, bool):
            raise ExpressionError(f"row count must be a non-negative integer, got {n!r}", self.source)
        missing = sorted(name for name in self.names if name not in env)
        if missing:
            shown = ", ".join(repr(name) for name in missing)
            noun = "name" if len(missing) == 1 else "names"
            raise self._compiler.error(f"no value is given for {noun} {shown}",
                                       self._compiler.names[missing[0]])
        # Copy so callers may write into the result without touching env's columns.
        return np.array(np.broadcast_to(self._root(env, rows), (rows,)))

    def evaluate_bool(self, env: Env, n: int) -> Array:
        return np.asarray(self._compiler.truth(self.evaluate(env, n), None), dtype=bool)

    def evaluate_number(self, env: Env, n: int) -> Array:
        value = self.evaluate(env, n)
        if value.dtype.kind in "UO":
            raise ExpressionError("expression gives text where a number is needed", self.source)
        return value.astype(np.float64, copy=False)


def _recompile(source: str, allowed: frozenset[str] | None, functions: FunctionTable) -> Expression:
    return compile_expression(source, allowed_names=allowed, functions=functions)


_DIGITS = r"[0-9](?:_?[0-9])*"
_EXPONENT = rf"[eE][-+]?{_DIGITS}"
_FLOAT = rf"(?:{_DIGITS}\.(?:{_DIGITS})?|\.{_DIGITS})(?:{_EXPONENT})?|{_DIGITS}{_EXPONENT}"
# Python's numeric literals (as in the tokenize module), longest forms first.
_NUMBER: Final = re.compile(
    rf"(?:(?:{_FLOAT}|{_DIGITS})[jJ]|{_FLOAT}|0[xX](?:_?[0-9a-fA-F])+|0[bB](?:_?[01])+|0[oO](?:_?[0-7])+"
    rf"|0(?:_?0)*|[1-9](?:_?[0-9])*)")
_QUOTES: Final = ('"""', "'''", '"', "'")


def _is_name_char(char: str) -> bool:
    return ("a" + char).isidentifier()


def _check_lexical(text: str, source: str, lead: int) -> None:
    """Refuse what Python would parse only with a warning: backslashes, and a
    number run together with a word (`1if x else 2`)."""
    slash = text.find("\\")
    if slash >= 0:
        raise ExpressionError("backslashes are not allowed in expressions (no escapes or line continuations "
                              "are needed: break lines inside parentheses)", source, lead + slash)
    i, size = 0, len(text)
    while i < size:
        char = text[i]
        quote = next((q for q in _QUOTES if text.startswith(q, i)), None)
        if quote is not None:  # skip the string; an unclosed one is the parser's to report
            end = text.find(quote, i + len(quote))
            i = size if end < 0 else end + len(quote)
            continue
        if _is_name_char(char) and not char.isdigit():
            while i < size and _is_name_char(text[i]):  # a whole name, digits in it included
                i += 1
            continue
        number = _NUMBER.match(text, i) if char.isdigit() or (char == "." and text[i + 1:i + 2].isdigit()) else None
        if number is not None:
            end = number.end()
            if end < size and _is_name_char(text[end]):
                raise ExpressionError(f"the number {text[i:end]!r} runs into {text[end]!r}; put a space or an "
                                      "operator between a number and a word", source, lead + end)
            i = end
            continue
        i += 1


def compile_expression(
    source: str, *, allowed_names: Collection[str] | None = None, functions: FunctionTable = NO_FUNCTIONS,
) -> Expression:
    """Check `source` against the allow-list and compile it, or raise ExpressionError.

    `functions` are the functions it may call, by name: the engine passes the
    ones its plugins registered (`Registry.functions`); none by default.
    """
    if not isinstance(source, str):
        raise ExpressionError(f"expression must be text, got {type(source).__name__}")
    if not source.strip():
        raise ExpressionError("expression is empty", source)
    if len(source) > MAX_LENGTH:
        raise ExpressionError(f"expression is too long: {len(source)} characters, "
                              f"at most {MAX_LENGTH}", source)
    # Leading blanks are common in TOML values but make the parser expect a block.
    text = source.lstrip()
    lead = len(source) - len(text)
    # A frozenset is used as it is: copying the caller's names for every
    # expression made loading a rubric of n fields and n expressions O(n²).
    allowed = (allowed_names if isinstance(allowed_names, frozenset) or allowed_names is None
               else frozenset(allowed_names))
    compiler = _Compiler(source, lead, text, allowed, functions)
    # Python only warns about some malformed input ("1if x": invalid decimal
    # literal; "\\d": invalid escape). Those are refused before parsing, so the
    # parser never warns: changing the warning filters to catch them would
    # change them for every thread of the host process.
    _check_lexical(text, source, lead)
    try:
        with _PARSE_LOCK:
            tree = ast.parse(text, mode="eval")
    except SyntaxError as exc:
        line = exc.lineno if isinstance(exc.lineno, int) else 1
        line = line if 1 <= line <= len(compiler.lines) else 1
        offset = (exc.offset or 1) - 1 if isinstance(exc.offset, int) else 0
        position = min(max(lead + compiler.starts[line - 1] + offset, 0), len(source))
        raise ExpressionError(f"syntax error: {exc.msg}", source, position) from None
    except (RecursionError, MemoryError, ValueError):
        # The parser gives up on some hostile inputs in these ways; refuse alike.
        raise ExpressionError("expression is too complex or not valid text", source) from None
    compiler.check_size(tree.body)
    root = compiler.compile(tree.body)
    return Expression(source, root, compiler)
