"""``make bench``: measure every reference (or one kata) and print one table."""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.common import Row, format_table  # noqa: E402
from tests.support.targets import KATAS  # noqa: E402


def load_module(path: Path, name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def bench_rows(kata: str, module: ModuleType, quick: bool) -> list[Row]:
    try:
        bench = importlib.import_module(f"bench.bench_{kata}")
    except ModuleNotFoundError:
        return []
    rows: list[Row] = bench.rows(module, quick=quick)
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--kata", choices=KATAS)
    parser.add_argument("--target", default="solutions")
    parser.add_argument("--quick", action="store_true", help="fewer operations, rougher numbers")
    args = parser.parse_args(argv)
    rows: list[Row] = []
    for kata in [args.kata] if args.kata else KATAS:
        path = ROOT / args.target / f"{kata}.py"
        if not path.exists():
            continue
        rows += bench_rows(kata, load_module(path, f"_bench_{kata}"), args.quick)
    print(format_table(rows))
    missed = [r for r in rows if r.meets_target is False]
    if missed:
        names = ", ".join(f"{r.kata} {r.name}" for r in missed)
        print(f"\n{len(missed)} target(s) missed: {names}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
