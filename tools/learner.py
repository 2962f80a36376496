"""The learner's loop: ``make progress``, ``hint``, ``watch``, ``compare`` and ``reset``."""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.support.targets import KATAS  # noqa: E402

HINT_STATE = ROOT / ".hints"
BACKUPS = ROOT / ".backups"


def require_kata(kata: str | None) -> str:
    if not kata:
        raise SystemExit(f"name a kata: KATA=<one of {', '.join(KATAS)}>")
    if kata not in KATAS:
        raise SystemExit(f"KATA={kata!r} is not a kata; the katas are: {', '.join(KATAS)}")
    return kata


def suite_files(kata: str | None) -> list[str]:
    """The kata's test file, so that pytest collects only that suite."""
    if kata is None:
        return []
    path = ROOT / "tests" / f"test_{kata}.py"
    return [str(path.relative_to(ROOT))] if path.exists() else []


def run_suite(target: str, kata: str | None = None, part: int | None = None) -> dict[str, Any]:
    """Run the suites quietly (dev profile) and return the summary the harness wrote."""
    with tempfile.TemporaryDirectory() as tmp:
        summary = Path(tmp) / "summary.json"
        cmd = [sys.executable, "-m", "pytest", "-q", "--no-header", "-p", "no:cacheprovider",
               f"--target={target}", f"--summary-json={summary}", "--timeout=30"]
        cmd += [f"--kata={kata}", *suite_files(kata)] if kata else []
        cmd += [f"--part={part}"] if part else []
        env = {**os.environ, "HYPOTHESIS_PROFILE": "dev"}
        proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, env=env)
        if not summary.exists():
            sys.stderr.write(proc.stdout[-3000:] + proc.stderr[-3000:])
            raise SystemExit("the test run did not finish; run `make test` to see why")
        data: dict[str, Any] = json.loads(summary.read_text())
        data["exit_code"] = proc.returncode
        return data


def kata_status(rows: list[dict[str, Any]]) -> str:
    passed = sum(r["passed"] for r in rows)
    total = sum(r["total"] for r in rows)
    if any(r["status"].startswith("missing") for r in rows):
        return "missing"
    if total and passed == total - sum(r["skipped"] for r in rows) and passed:
        return "solved"
    return "not started" if passed == 0 else "in progress"


# --- progress -------------------------------------------------------------------------

def progress(_: argparse.Namespace) -> int:
    started = time.monotonic()
    data = run_suite("katas")
    by_kata: dict[str, list[dict[str, Any]]] = {}
    for row in data["rows"]:
        by_kata.setdefault(row["kata"], []).append(row)
    print(f"{'kata':<14}{'part':<6}{'passing':>9}  status")
    print("-" * 44)
    suggestion = None
    for kata in KATAS:
        rows = by_kata.get(kata, [])
        for row in rows:
            score = f"{row['passed']}/{row['total'] - row['skipped']}"
            status = {"solved": "solved", "not started": "not started (stub)"}.get(
                row["status"], row["status"])
            if row["status"] == "in progress":
                status = f"in progress ({row['passed']} of {row['total'] - row['skipped']})"
            print(f"{kata:<14}{row['part']:<6}{score:>9}  {status}")
        if rows and suggestion is None and kata_status(rows) != "solved":
            first_open = next(r for r in rows if r["status"] != "solved" and
                              not r["status"].startswith("skipped"))
            suggestion = (kata, first_open["part"])
    print("-" * 44)
    if suggestion is None:
        print("Every kata is solved. Read the write-ups in solutions/*.md for the follow-ups.")
    else:
        kata, part = suggestion
        print(f"Next: {kata} part {part}   ->   make test KATA={kata} PART={part}"
              f"   (stuck? make hint KATA={kata})")
    print(f"({time.monotonic() - started:.1f}s)")
    return 0


# --- hint -----------------------------------------------------------------------------

def hint_sections(kata: str) -> list[str]:
    path = ROOT / "hints" / f"{kata}.md"
    if not path.exists():
        raise SystemExit(f"no hints for {kata} yet")
    sections = re.split(r"^## ", path.read_text(), flags=re.MULTILINE)[1:]
    return [s.strip() for s in sections]


def hint(args: argparse.Namespace) -> int:
    kata = require_kata(args.kata)
    state = HINT_STATE / kata
    if args.reset:
        state.unlink(missing_ok=True)
        print(f"Hints for {kata} start over: the next `make hint KATA={kata}` shows hint 1.")
        return 0
    sections = hint_sections(kata)
    shown = int(state.read_text()) if state.exists() else 0
    shown = min(shown + 1, len(sections))
    for section in sections[:shown]:
        title, _, body = section.partition("\n")
        print(f"== {title.strip()} ==\n{body.strip()}\n")
    if shown == len(sections):
        print(f"That is every hint for {kata}. The reference is solutions/{kata}.py, and "
              f"solutions/{kata}.md explains it. (RESET=1 starts the hints over.)")
    else:
        print(f"({shown} of {len(sections)}; ask again for the next one.)")
    HINT_STATE.mkdir(exist_ok=True)
    state.write_text(str(shown))
    return 0


# --- watch ----------------------------------------------------------------------------

def watch(args: argparse.Namespace) -> int:
    import watchfiles

    kata = require_kata(args.kata)
    command = [sys.executable, "-m", "pytest", f"--kata={kata}", "--target=katas",
               *suite_files(kata)]
    command += [f"--part={args.part}"] if args.part else []
    print(f"Watching katas/ : every save re-runs {kata}'s tests. Ctrl-C stops.")
    watchfiles.run_process(
        ROOT / "katas",
        target=" ".join(command),
        target_type="command",
        watch_filter=watchfiles.PythonFilter(),
        callback=lambda changes: print(f"\n--- {len(changes)} change(s), running again ---"),
    )
    return 0


# --- compare --------------------------------------------------------------------------

def compare(args: argparse.Namespace) -> int:
    from bench.run import bench_rows, load_module

    kata = require_kata(args.kata)
    mine, reference = run_suite("katas", kata), run_suite("solutions", kata)
    failed = sum(row["failed"] for row in mine["rows"])
    if failed:
        print(f"Your {kata} fails {failed} test(s) (`make test KATA={kata}` shows them); "
              "below is what can be measured as it is.\n")
    print(f"== {kata}: tests passed per part ==")
    print(f"{'part':<6}{'yours':>10}{'reference':>12}")
    ref_rows = {r["part"]: r for r in reference["rows"]}
    for row in mine["rows"]:
        ref = ref_rows.get(row["part"], {"passed": 0, "total": 0})
        yours, theirs = f"{row['passed']}/{row['total']}", f"{ref['passed']}/{ref['total']}"
        print(f"{row['part']:<6}{yours:>10}{theirs:>12}")

    print(f"\n== {kata}: benchmarks (quick run), yours beside the reference ==")
    measured = {}
    for label, folder in [("yours", "katas"), ("reference", "solutions")]:
        path = ROOT / folder / f"{kata}.py"
        try:
            module = load_module(path, f"_compare_{label}_{kata}")
            measured[label] = {(r.name, r.baseline): r for r in bench_rows(kata, module, True)}
        except Exception as exc:  # a learner's module may fail in any way
            measured[label] = {}
            print(f"{label}: cannot be measured yet ({type(exc).__name__}: {exc})".replace(
                ": )", ")"))
    keys = list(measured["reference"]) or list(measured["yours"])
    if not keys:
        print("(no benchmark for this kata)")
    else:
        print(f"{'measure':<38} {'vs':<30} {'yours':>16} {'reference':>16}")
        for key in keys:
            cells = []
            for label in ("yours", "reference"):
                row = measured[label].get(key)
                if row is None:
                    cells.append("-")
                elif row.unit == "ops/s":
                    ratio = f" ({row.ratio:.2f}x)" if row.ratio is not None else ""
                    cells.append(f"{row.value / 1e6:.2f}M/s{ratio}")
                else:
                    cells.append(f"{row.value:g} {row.unit}")
            print(f"{key[0]:<38} {key[1] or '':<30} {cells[0]:>16} {cells[1]:>16}")
        print("(ops/s in millions; in brackets, the ratio to the baseline named in 'vs')")
    print(f"\nThe reference: solutions/{kata}.py   The write-up: solutions/{kata}.md")
    return 0


# --- reset ----------------------------------------------------------------------------

def pristine_stub(kata: str) -> tuple[str, str]:
    for rev in ("origin/HEAD", "origin/main", "HEAD"):
        proc = subprocess.run(["git", "show", f"{rev}:katas/{kata}.py"], cwd=ROOT,
                              capture_output=True, text=True)
        if proc.returncode == 0:
            return proc.stdout, rev
    raise SystemExit(f"cannot find the stub for {kata} in git")


def reset(args: argparse.Namespace) -> int:
    kata = require_kata(args.kata)
    path = ROOT / "katas" / f"{kata}.py"
    stub, rev = pristine_stub(kata)
    if path.exists() and path.read_text() == stub:
        print(f"katas/{kata}.py is already the stub; nothing to do.")
        return 0
    if path.exists():
        BACKUPS.mkdir(exist_ok=True)
        backup = BACKUPS / f"{kata}-{time.strftime('%Y%m%d-%H%M%S')}.py"
        shutil.copy2(path, backup)
        print(f"Your file is kept at {backup.relative_to(ROOT)}")
    path.write_text(stub)
    print(f"katas/{kata}.py is the stub again (from {rev}).")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("progress").set_defaults(run=progress)
    p = sub.add_parser("hint")
    p.add_argument("kata", nargs="?")
    p.add_argument("--reset", action="store_true")
    p.set_defaults(run=hint)
    p = sub.add_parser("watch")
    p.add_argument("kata", nargs="?")
    p.add_argument("--part", type=int)
    p.set_defaults(run=watch)
    for name, run in [("compare", compare), ("reset", reset)]:
        p = sub.add_parser(name)
        p.add_argument("kata", nargs="?")
        p.set_defaults(run=run)
    args = parser.parse_args(argv)
    result: int = args.run(args)
    return result


if __name__ == "__main__":
    raise SystemExit(main())
