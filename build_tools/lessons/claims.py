"""A lesson's claims as it runs: both sides of every asserted comparison, for the sweep.

Lessons state their claims as plain ``assert`` statements (``assert accuracy > 0.9``). To
learn how close each claim came to failing, the sweep runs a lesson as a script through
``python -m build_tools.lessons.claims LESSON --out FILE``: the source is compiled with each
comparison in an assert's test (also inside ``and``) replaced by a call that evaluates the
same comparison, records both sides and returns the comparison's own result. Everything else
runs unchanged, as the ``__main__`` module, exactly as ``python lesson.py`` would run it.

The record of one run says, per assert site (line, and position in a chained comparison),
how often it ran, the smallest margin seen (how far inside its threshold the value was: for
``a > b`` it is ``a - b``) and whether it ever failed, plus where the run stopped if it did.
Comparisons whose sides are not single numbers (``==``, ``in``, arrays) are recorded as
passed or failed without a margin. This module imports only the standard library, so the
lesson's process loads nothing of the project besides it.
"""

from __future__ import annotations

import argparse
import ast
import json
import math
import operator
import os
import sys
import time
import traceback
import types
from pathlib import Path

RECORDER = "__tdl_claim__"
_OPS = {
    ast.Lt: ("<", operator.lt),
    ast.LtE: ("<=", operator.le),
    ast.Gt: (">", operator.gt),
    ast.GtE: (">=", operator.ge),
    ast.Eq: ("==", operator.eq),
    ast.NotEq: ("!=", operator.ne),
    ast.In: ("in", lambda a, b: a in b),
    ast.NotIn: ("not in", lambda a, b: a not in b),
    ast.Is: ("is", operator.is_),
    ast.IsNot: ("is not", operator.is_not),
}
_BY_SYMBOL = {symbol: function for symbol, function in _OPS.values()}


class _ClaimRewriter(ast.NodeTransformer):
    """Replaces the comparisons in each assert's test by calls to the recorder."""

    def visit_Assert(self, node: ast.Assert) -> ast.Assert:
        self.generic_visit(node)
        node.test = self._rewrite(node.test, node.lineno)
        return node

    def _rewrite(self, expr: ast.expr, line: int) -> ast.expr:
        if isinstance(expr, ast.BoolOp) and isinstance(expr.op, ast.And):
            expr.values = [self._rewrite(value, line) for value in expr.values]
            return expr
        if not isinstance(expr, ast.Compare) or not all(type(op) in _OPS for op in expr.ops):
            return expr
        symbols = ast.Tuple([ast.Constant(_OPS[type(op)][0]) for op in expr.ops], ast.Load())
        call = ast.Call(
            func=ast.Name(RECORDER, ast.Load()),
            args=[ast.Constant(line), ast.Constant(expr.col_offset), symbols, expr.left]
            + list(expr.comparators),
            keywords=[],
        )
        return ast.copy_location(call, expr)


def instrument(source: str, filename: str) -> types.CodeType:
    """The lesson compiled with its assert comparisons recorded; raises SyntaxError as is."""
    tree = _ClaimRewriter().visit(ast.parse(source, filename))
    return compile(ast.fix_missing_locations(tree), filename, "exec")


def as_number(value) -> float | None:
    """A single real number from a Python, NumPy or PyTorch scalar; None for anything else."""
    if isinstance(value, bool) or isinstance(value, (str, bytes)):
        return None
    try:
        number = float(value)
    except Exception:  # arrays of several values, objects without __float__, …
        return None
    return number if math.isfinite(number) else None


def margin(symbol: str, left: float | None, right: float | None) -> float | None:
    """How far inside its threshold a comparison is; negative when it does not hold."""
    if left is None or right is None:
        return None
    if symbol in ("<", "<="):
        return right - left
    if symbol in (">", ">="):
        return left - right
    return None


class Recorder:
    """Collects, per assert site, how often it ran, its smallest margin and any failure."""

    def __init__(self) -> None:
        self.sites: dict[tuple[int, int, int], dict] = {}

    def __call__(self, line: int, column: int, symbols: tuple[str, ...], *operands):
        result = True
        for index, symbol in enumerate(symbols):
            left, right = operands[index], operands[index + 1]
            result = _BY_SYMBOL[symbol](left, right)
            self._note((line, column, index), symbol, left, right, result)
            if not result:
                return result
        return result

    def _note(self, where: tuple[int, int, int], symbol: str, left, right, result) -> None:
        try:
            held = bool(result)
        except Exception:  # an array's truth value: the assert itself will raise
            held = False
        a, b = as_number(left), as_number(right)
        room = margin(symbol, a, b)
        line, column, index = where
        site = self.sites.setdefault(
            where,
            {
                "line": line,
                "column": column,
                "index": index,
                "op": symbol,
                "count": 0,
                "failed": False,
            },
        )
        site["count"] += 1
        site["failed"] = site["failed"] or not held
        if room is not None and ("margin" not in site or room < site["margin"]):
            site.update(margin=room, left=a, right=b)

    def claims(self) -> list[dict]:
        return [self.sites[key] for key in sorted(self.sites)]


def _failure(exc: BaseException, filename: str) -> dict:
    """The exception and the lesson line it came from (the innermost frame in the lesson)."""
    line = None
    for frame in traceback.extract_tb(exc.__traceback__):
        if frame.filename == filename:
            line = frame.lineno
    message = str(exc).strip().splitlines()
    return {
        "line": line,
        "exception": type(exc).__name__,
        "message": message[0][:300] if message else "",
    }


def _torch_facts() -> dict:
    """Which CPU kernel path and device torch used, when the lesson imported torch."""
    torch = sys.modules.get("torch")
    if torch is None:
        return {"capability": None, "cuda": False}
    try:
        capability = torch.backends.cpu.get_cpu_capability()
    except Exception:
        capability = None
    return {"capability": capability, "cuda": bool(torch.cuda.is_initialized())}


def _set_tf32(setting: str | None) -> None:
    if setting not in ("on", "off"):
        return
    import torch

    torch.backends.cuda.matmul.allow_tf32 = setting == "on"
    torch.backends.cudnn.allow_tf32 = setting == "on"


def run_lesson(path: Path, tf32: str | None = None) -> dict:
    """Run one lesson as ``__main__`` with its claims recorded; returns the run's record."""
    filename = str(path.resolve())
    recorder = Recorder()
    record: dict = {"status": "passed", "failure": None}
    started = time.perf_counter()
    try:
        code = instrument(path.read_text(encoding="utf-8"), filename)
        _set_tf32(tf32)
        module = types.ModuleType("__main__")
        module.__dict__.update(__file__=filename, __builtins__=__builtins__)
        module.__dict__[RECORDER] = recorder
        saved_main, saved_argv = sys.modules.get("__main__"), sys.argv
        sys.modules["__main__"], sys.argv = module, [filename]
        try:
            exec(code, module.__dict__)
        finally:
            sys.modules["__main__"], sys.argv = saved_main, saved_argv
    except SystemExit as exc:
        if exc.code not in (None, 0):
            record.update(status="error", failure=_failure(exc, filename))
    except BaseException as exc:  # the lesson's own failure is the result, not a crash
        failed = isinstance(exc, AssertionError)
        record.update(status="failed" if failed else "error", failure=_failure(exc, filename))
        traceback.print_exc()
    record["seconds"] = round(time.perf_counter() - started, 2)
    record["claims"] = recorder.claims()
    record.update(_torch_facts())
    return record


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="run a lesson with its claims recorded")
    parser.add_argument("lesson", type=Path)
    parser.add_argument("--out", type=Path, required=True, help="where the JSON record goes")
    parser.add_argument("--tf32", choices=("on", "off"), default=None)
    args = parser.parse_args(argv)
    record = run_lesson(args.lesson, args.tf32)
    partial = args.out.with_name(args.out.name + f".{os.getpid()}.part")
    partial.write_text(json.dumps(record), encoding="utf-8")
    os.replace(partial, args.out)
    return 0 if record["status"] == "passed" else 1


if __name__ == "__main__":
    sys.exit(main())
