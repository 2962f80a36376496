"""The learner's loop: ``make progress``, ``hint``, ``watch``, ``interview``, ``compare``
and ``reset``.

Everything a learner's runs leave behind lives in ``.progress/`` (results per kata, keyed
by the content of the learner's module and of the suite, so an unchanged kata is not run
again; solves; interviews), ``.hints/`` (hints shown) and ``.backups/`` (files ``reset``
replaced).
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.support import manifest  # noqa: E402

PROGRESS = ROOT / ".progress"
RESULTS = PROGRESS / "results.json"
HISTORY = PROGRESS / "history.json"
INTERVIEW = PROGRESS / "interview.json"
HINT_STATE = ROOT / ".hints"
BACKUPS = ROOT / ".backups"

# A solved kata comes back after these many days; each clean solve (no hint, and in an
# interview within its time, if timed) moves one step further, any other solve starts over.
REVIEW_DAYS = (1, 3, 7, 21)
INTERVIEW_MINUTES = 45
CLEAR = "\033[2J\033[H"


def require_kata(kata: str | None) -> manifest.Kata:
    if not kata:
        raise SystemExit(f"name a kata: KATA=<one of {', '.join(manifest.NAMES)}>")
    try:
        return manifest.get(kata)
    except ValueError as exc:
        raise SystemExit(f"KATA={kata}: {exc}") from None


def require_part(kata: manifest.Kata, part: int | None) -> int | None:
    if part is not None and part not in kata.part_numbers:
        raise SystemExit(f"PART={part}: {kata.name} has parts "
                         f"{', '.join(map(str, kata.part_numbers))}")
    return part


def read_json(path: Path, default: Any) -> Any:
    try:
        return json.loads(path.read_text())
    except (OSError, json.JSONDecodeError):
        return default


def write_json(path: Path, data: Any) -> None:
    path.parent.mkdir(exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, indent=1, sort_keys=True))
    tmp.replace(path)


# --- running a kata's suite -----------------------------------------------------------


def pytest_command(kata: manifest.Kata, *, target: str = "katas", part: int | None = None,
                   extra: tuple[str, ...] = ()) -> list[str]:
    cmd = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider",
           f"--target={target}", f"--kata={kata.name}", str(kata.suite.relative_to(ROOT))]
    return cmd + ([f"--part={part}"] if part else []) + list(extra)


def run_quietly(kata: manifest.Kata, target: str = "katas",
                part: int | None = None) -> dict[str, Any]:
    """Run the suite without output (dev profile) and return the summary it wrote."""
    return run_suites([kata], target, part)


def run_suites(katas: list[manifest.Kata], target: str = "katas", part: int | None = None,
               announce: bool = False) -> dict[str, Any]:
    """Run these katas' suites in one quiet pytest session (dev profile); the summary."""
    with tempfile.TemporaryDirectory() as tmp:
        summary = Path(tmp) / "summary.json"
        cmd = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q",
               f"--target={target}", f"--summary-json={summary}",
               *(str(k.suite.relative_to(ROOT)) for k in katas)]
        cmd += ([f"--kata={katas[0].name}"] if len(katas) == 1 else [])
        cmd += ([f"--part={part}"] if part else []) + (["--announce"] if announce else [])
        env = {**os.environ, "HYPOTHESIS_PROFILE": "dev"}
        proc = subprocess.run(cmd, cwd=ROOT, stdout=subprocess.PIPE,
                              stderr=None if announce else subprocess.PIPE, text=True, env=env)
        if not summary.exists():
            sys.stderr.write(proc.stdout[-3000:] + (proc.stderr or "")[-3000:])
            names = " ".join(k.name for k in katas)
            raise SystemExit(f"the run of {names} did not finish; `make test KATA=...` "
                             "shows why")
        data: dict[str, Any] = json.loads(summary.read_text())
        data["exit_code"] = proc.returncode
        return data


def content_key(kata: manifest.Kata) -> str:
    """What a kata's result depends on: the learner's module, the suite and the harness."""
    digest = hashlib.sha256()
    support = sorted((ROOT / "tests" / "support").glob("*.py"))
    for path in [kata.stub, kata.suite, ROOT / "conftest.py", manifest.MANIFEST, *support]:
        digest.update(path.name.encode())
        digest.update(path.read_bytes() if path.exists() else b"<none>")
    return digest.hexdigest()


def solved(rows: list[dict[str, Any]]) -> bool:
    return bool(rows) and all(r["failed"] == 0 and r["passed"] > 0 for r in rows)


def first_open_part(rows: list[dict[str, Any]]) -> int | None:
    return next((r["part"] for r in rows if r["failed"] or not r["passed"]), None)


# --- history: solves, hints, interviews ------------------------------------------------


def hints_shown(kata: str) -> int:
    return sum(read_json(HINT_STATE / f"{kata}.json", {}).values())


def record_solve(kata: str, key: str, minutes: float | None = None,
                 in_time: bool | None = None) -> None:
    """Note a kata solved with this content (once per content), for the review schedule."""
    history = read_json(HISTORY, {})
    mine = history.setdefault(kata, {"solves": [], "interviews": []})
    if any(s["key"] == key for s in mine["solves"]):
        return
    clean = hints_shown(kata) == 0 and in_time is not False
    mine["solves"].append({"key": key, "date": dt.date.today().isoformat(),
                           "hints": hints_shown(kata), "minutes": minutes, "clean": clean})
    write_json(HISTORY, history)


def next_review(kata: str) -> dt.date | None:
    solves = read_json(HISTORY, {}).get(kata, {}).get("solves", [])
    if not solves:
        return None
    streak = 0
    for solve in solves:
        streak = streak + 1 if solve["clean"] else 0
    days = REVIEW_DAYS[min(max(streak - 1, 0), len(REVIEW_DAYS) - 1)]
    return dt.date.fromisoformat(solves[-1]["date"]) + dt.timedelta(days=days)


def best_interview(kata: str) -> float | None:
    times = [i["minutes"] for i in read_json(HISTORY, {}).get(kata, {}).get("interviews", [])
             if i.get("solved")]
    return min(times) if times else None


# --- progress -------------------------------------------------------------------------


def progress(_: argparse.Namespace) -> int:
    started = time.monotonic()
    cache = read_json(RESULTS, {})
    katas = list(manifest.katas().values())
    stale = [k for k in katas if cache.get(k.name, {}).get("key") != content_key(k)]
    if stale:
        print(f"running the {len(stale)} kata(s) whose files changed since the last run:",
              flush=True)
        # Two sessions side by side (the machine has two cores), each announcing its katas.
        halves = [stale[0::2], stale[1::2]]
        with ThreadPoolExecutor(max_workers=2) as pool:
            results = list(pool.map(lambda half: run_suites(half, announce=True),
                                    [h for h in halves if h]))
        every_row = [row for data in results for row in data["rows"]]
        for kata in stale:
            rows = [r for r in every_row if r["kata"] == kata.name]
            cache[kata.name] = {"key": content_key(kata), "rows": rows}
            if solved(rows):
                record_solve(kata.name, cache[kata.name]["key"])
        write_json(RESULTS, cache)
    print_progress(cache)
    print(f"({time.monotonic() - started:.1f}s; "
          f"{'every kata from the saved results' if not stale else f'{len(stale)} run'})")
    return 0


def print_progress(cache: dict[str, Any]) -> None:
    today = dt.date.today()
    print(f"{'kata':<17}{'part':<6}{'passing':>9}  status")
    print("-" * 75)
    suggestion = None
    reviews = []
    for kata in manifest.katas().values():
        rows = cache.get(kata.name, {}).get("rows", [])
        for row in rows:
            counted = row["total"] - row["skipped"]
            status = row["status"]
            if status == "not started":
                status = "not started (stub)"
            elif status == "in progress":
                status = f"in progress ({row['passed']} of {counted})"
            print(f"{kata.name:<17}{row['part']:<6}{row['passed']:>5}/{counted:<3}  {status}")
        if solved(rows):
            due = next_review(kata.name)
            best = best_interview(kata.name)
            solves = read_json(HISTORY, {}).get(kata.name, {}).get("solves", [])
            last = solves[-1]["date"] if solves else "?"
            best_text = f", best interview {best:.0f} min" if best is not None else ""
            print(f"{'':<17}solved, last on {last}{best_text}"
                  + (f"; review on {due.isoformat()}" if due else ""))
            if due is not None and due <= today:
                reviews.append(kata.name)
        elif suggestion is None and rows:
            suggestion = (kata.name, first_open_part(rows))
    print("-" * 75)
    if reviews:
        print(f"Due for review: {', '.join(reviews)}   ->   make reset KATA={reviews[0]}, then "
              f"make interview KATA={reviews[0]}")
    if suggestion is None:
        print("Every kata is solved. Read the write-ups in solutions/*.md for the follow-ups.")
    else:
        kata_name, part = suggestion
        print(f"Next: {kata_name} part {part}   ->   make watch KATA={kata_name}"
              f"   (stuck? make hint KATA={kata_name} PART={part})")


# --- hint -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Hint:
    part: int
    tier: int
    title: str
    body: str


def read_hints(kata: manifest.Kata) -> list[Hint]:
    """``## Part N`` sections, each with ``### Hint k: title`` tiers (a file without part
    sections counts as one section for every part)."""
    if not kata.hints.exists():
        raise SystemExit(f"no hints for {kata.name} yet")
    text = kata.hints.read_text()
    parts = re.split(r"^## Part (\d+)\b.*$", text, flags=re.MULTILINE)
    if len(parts) == 1:  # no part sections: ## Hint k
        sections = [(0, text)]
        level = "##"
    else:
        sections = [(int(parts[i]), parts[i + 1]) for i in range(1, len(parts), 2)]
        level = "###"
    hints = []
    for part, body in sections:
        tiers = re.split(rf"^{level} (.+)$", body, flags=re.MULTILINE)
        for tier, i in enumerate(range(1, len(tiers), 2), start=1):
            hints.append(Hint(part, tier, tiers[i].strip(), tiers[i + 1].strip()))
    return hints


def hint(args: argparse.Namespace) -> int:
    kata = require_kata(args.kata)
    part = require_part(kata, args.part)
    if INTERVIEW.exists():
        running = read_json(INTERVIEW, {})
        if running.get("kata") == kata.name and time.time() < running.get("ends", 0):
            raise SystemExit("no hints during an interview: that is the point. "
                             "(Ctrl-C in the interview window ends it.)")
    state_path = HINT_STATE / f"{kata.name}.json"
    state: dict[str, int] = read_json(state_path, {})
    if args.reset:
        state_path.unlink(missing_ok=True)
        print(f"Hints for {kata.name} start over.")
        return 0
    if part is None:
        part = first_open_part(read_json(RESULTS, {}).get(kata.name, {}).get("rows", [])) or 1
    hints = read_hints(kata)
    mine = [h for h in hints if h.part in (part, 0)]
    shown = state.get(str(part), 0)
    if shown >= len(mine):
        print(f"That was every hint for {kata.name} part {part}. The reference is "
              f"solutions/{kata.name}.py, and solutions/{kata.name}.md explains it. "
              f"(RESET=1 starts the hints over.)")
        return 0
    new = mine[shown]
    print(f"== {kata.name} part {part}, {new.title} ==\n{new.body}\n")
    state[str(part)] = shown + 1
    write_json(state_path, state)
    left = len(mine) - shown - 1
    print(f"({shown + 1} of {len(mine)} for part {part}"
          + (f"; `make hint KATA={kata.name} PART={part}` again for the next)" if left
             else "; that was the last)"))
    return 0


# --- watch and interview --------------------------------------------------------------


def changes(timeout_ms: int = 1000) -> Iterator[bool]:
    """Yield True after each save of a Python file in katas/, False every ``timeout_ms``."""
    import watchfiles

    for batch in watchfiles.watch(ROOT / "katas", watch_filter=watchfiles.PythonFilter(),
                                  rust_timeout=timeout_ms, yield_on_timeout=True,
                                  debounce=50, step=20):
        yield bool(batch)


def run_shown(kata: manifest.Kata, part: int | None, header: str) -> dict[str, Any]:
    """Clear the screen, run ``part`` (or every part) with the brief report, return the
    summary. The output is the first failure, the likely mistakes and the table."""
    with tempfile.TemporaryDirectory() as tmp:
        summary = Path(tmp) / "summary.json"
        cmd = pytest_command(kata, part=part, extra=(
            "-q", "--brief", "--tb=short", f"--summary-json={summary}"))
        sys.stdout.write(CLEAR + header + "\n")
        sys.stdout.flush()
        env = {**os.environ, "HYPOTHESIS_PROFILE": os.environ.get("HYPOTHESIS_PROFILE", "dev")}
        subprocess.run(cmd, cwd=ROOT, env=env)
        shown: dict[str, Any] = read_json(summary, {"rows": []})
        return shown


class Loop:
    """Runs the first part that does not pass yet; once it passes, the next, and once
    every part passes, all of them together."""

    def __init__(self, kata: manifest.Kata, part: int | None) -> None:
        self.kata = kata
        self.fixed_part = part
        rows = read_json(RESULTS, {}).get(kata.name, {}).get("rows", [])
        self.part: int | None = part or first_open_part(rows) or kata.part_numbers[0]
        self.green: dict[int, float] = {}

    def run(self, header: str, began: float) -> bool:
        """One round; True when the whole kata passes."""
        while True:
            data = run_shown(self.kata, self.part, header)
            rows = data.get("rows", [])
            if not solved(rows):
                return False
            if self.part is None:
                cache = read_json(RESULTS, {})
                cache[self.kata.name] = {"key": content_key(self.kata), "rows": rows}
                write_json(RESULTS, cache)
                return True
            self.green.setdefault(self.part, time.monotonic() - began)
            if self.fixed_part is not None:
                return False
            later = [p for p in self.kata.part_numbers if p > self.part]
            self.part = later[0] if later else None
            header += f"\npart {self.part or 'all'} next..."


def watch(args: argparse.Namespace) -> int:
    kata = require_kata(args.kata)
    loop = Loop(kata, require_part(kata, args.part))
    began = time.monotonic()

    def header() -> str:
        what = f"part {loop.part}" if loop.part else "every part"
        return (f"watch {kata.name}: {what} · {time.strftime('%H:%M:%S')} · "
                "save katas/ to run again · Ctrl-C stops")

    try:
        if loop.run(header(), began):
            print(f"\n{kata.name} is solved. `make compare KATA={kata.name}` next.")
        for saved in changes():
            if saved and loop.run(header(), began):
                print(f"\n{kata.name} is solved. `make compare KATA={kata.name}` next.")
    except KeyboardInterrupt:
        print()
    return 0


def follow_ups(kata: manifest.Kata) -> list[tuple[str, str]]:
    """The write-up's follow-up questions and their short answers:
    ``- **Question?** Answer...`` (or ``*Question?*``) items under a ``## Follow-up
    questions`` heading."""
    text = kata.write_up.read_text() if kata.write_up.exists() else ""
    section = re.split(r"^## Follow-up questions.*$", text, flags=re.MULTILINE)
    if len(section) < 2:
        return []
    body = re.split(r"^## ", section[1], flags=re.MULTILINE)[0]
    items = re.split(r"^- ", body, flags=re.MULTILINE)[1:]
    found = []
    for item in items:
        match = re.match(r"(\*\*?)(.+?)\1\s*(.*)", " ".join(item.split()), flags=re.DOTALL)
        if match:
            found.append((match.group(2), match.group(3)))
    return found


def interview(args: argparse.Namespace) -> int:
    kata = require_kata(args.kata)
    minutes = float(args.minutes or INTERVIEW_MINUTES)
    if minutes <= 0:
        raise SystemExit(f"MINUTES={args.minutes}: a positive number of minutes")
    began = time.monotonic()
    ends = time.time() + minutes * 60
    write_json(INTERVIEW, {"kata": kata.name, "ends": ends})
    loop = Loop(kata, None)
    loop.part = kata.part_numbers[0]
    solved_all = False

    def header() -> str:
        left = max(ends - time.time(), 0)
        return (f"interview {kata.name}: part {loop.part or 'all'} · "
                f"{int(left // 60):02d}:{int(left % 60):02d} left · hints off · "
                "save katas/ to run again · Ctrl-C ends")

    def tick() -> None:  # rewrite the timer on the top line, leaving the rest alone
        sys.stdout.write("\0337\033[1;1H\033[2K" + header() + "\0338")
        sys.stdout.flush()

    try:
        print(f"Interview: {kata.title}. Open katas/{kata.name}.py; {minutes:g} minutes.")
        solved_all = loop.run(header(), began)
        if not solved_all:
            for saved in changes():
                if time.time() >= ends:
                    break
                if saved:
                    solved_all = loop.run(header(), began)
                    if solved_all:
                        break
                else:
                    tick()
    except KeyboardInterrupt:
        print()
    finally:
        INTERVIEW.unlink(missing_ok=True)
    spent = (time.monotonic() - began) / 60
    history = read_json(HISTORY, {})
    mine = history.setdefault(kata.name, {"solves": [], "interviews": []})
    mine["interviews"].append({
        "date": dt.date.today().isoformat(), "minutes": round(spent, 1), "limit": minutes,
        "solved": solved_all, "parts": {str(p): round(s / 60, 1) for p, s in loop.green.items()}})
    write_json(HISTORY, history)
    if solved_all:
        record_solve(kata.name, content_key(kata), minutes=spent, in_time=spent <= minutes)
    outcome = "Solved" if solved_all else "Stopped"
    print(f"\n{outcome} after {spent:.1f} of {minutes:g} minutes. Time to green per part: "
          + (", ".join(f"part {p} {s / 60:.1f} min" for p, s in loop.green.items())
             or "none yet"))
    ask_follow_ups(kata)
    return 0


def ask_follow_ups(kata: manifest.Kata) -> None:
    questions = follow_ups(kata)
    if not questions:
        return
    print(f"\nThe interviewer's follow-up questions ({len(questions)}). Answer aloud, then "
          "press Enter for the short answer; Enter again for the next.")
    for n, (question, answer) in enumerate(questions, start=1):
        try:
            input(f"\n{n}. {question} ")
            input(f"   {answer} ")
        except (EOFError, KeyboardInterrupt):
            print()
            return


# --- compare --------------------------------------------------------------------------


def compare(args: argparse.Namespace) -> int:
    from bench.run import bench_rows, load_module

    kata = require_kata(args.kata)
    mine, reference = run_quietly(kata), run_quietly(kata, "solutions")
    failed = sum(row["failed"] for row in mine["rows"])
    if failed:
        print(f"Your {kata.name} fails {failed} test(s) (`make watch KATA={kata.name}` shows "
              "the first); below is what can be measured as it is.")
        print_diagnosis(kata, mine.get("first_failure"))
        print()
    print(f"== {kata.name}: tests passed per part ==")
    print(f"{'part':<6}{'yours':>10}{'reference':>12}")
    ref_rows = {r["part"]: r for r in reference["rows"]}
    for row in mine["rows"]:
        ref = ref_rows.get(row["part"], {"passed": 0, "total": 0})
        yours, theirs = f"{row['passed']}/{row['total']}", f"{ref['passed']}/{ref['total']}"
        print(f"{row['part']:<6}{yours:>10}{theirs:>12}")

    print(f"\n== {kata.name}: benchmarks (quick run), yours beside the reference ==")
    measured = {}
    for label, path in [("yours", kata.stub), ("reference", kata.reference)]:
        try:
            module = load_module(path, f"_compare_{label}_{kata.name}")
            measured[label] = {(r.name, r.baseline): r
                               for r in bench_rows(kata.name, module, True)}
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
    print(f"\nThe reference: solutions/{kata.name}.py   The write-up: solutions/{kata.name}.md")
    return 0


def print_diagnosis(kata: manifest.Kata, first: dict[str, str] | None) -> None:
    """The classic mistakes whose declared first failure is the learner's first one."""
    from tests.support.gallery import Failure, likely_mistakes

    if first is not None:
        print("\n".join(likely_mistakes(kata.name, Failure(**first))))


# --- reset ----------------------------------------------------------------------------


def pristine_stub(kata: manifest.Kata) -> tuple[str, str]:
    for rev in ("origin/HEAD", "origin/main", "HEAD"):
        proc = subprocess.run(["git", "show", f"{rev}:katas/{kata.name}.py"], cwd=ROOT,
                              capture_output=True, text=True)
        if proc.returncode == 0:
            return proc.stdout, rev
    raise SystemExit(f"cannot find the stub for {kata.name} in git")


def backup_path(kata: manifest.Kata) -> Path:
    """A new file in .backups/ for every reset, never one that exists already."""
    BACKUPS.mkdir(exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    for n in range(1, 10_000):
        path = BACKUPS / f"{kata.name}-{stamp}{'' if n == 1 else f'-{n}'}.py"
        try:
            path.open("x").close()  # claims the name: two resets never share one
            return path
        except FileExistsError:
            continue
    raise SystemExit("too many backups in one second")


def reset(args: argparse.Namespace) -> int:
    kata = require_kata(args.kata)
    stub, rev = pristine_stub(kata)
    if kata.stub.exists() and kata.stub.read_text() == stub:
        print(f"katas/{kata.name}.py is already the stub; nothing to do.")
        return 0
    if kata.stub.exists():
        backup = backup_path(kata)
        shutil.copy2(kata.stub, backup)
        print(f"Your file is kept at {backup.relative_to(ROOT)}")
    kata.stub.write_text(stub)
    (HINT_STATE / f"{kata.name}.json").unlink(missing_ok=True)  # a new attempt's hints
    print(f"katas/{kata.name}.py is the stub again (from {rev}).")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("progress").set_defaults(run=progress)
    for name, run in [("hint", hint), ("watch", watch), ("interview", interview),
                      ("compare", compare), ("reset", reset)]:
        p = sub.add_parser(name)
        p.add_argument("kata", nargs="?")
        p.set_defaults(run=run)
        if name in ("hint", "watch"):
            p.add_argument("--part", type=int)
        if name == "hint":
            p.add_argument("--reset", action="store_true")
        if name == "interview":
            p.add_argument("--minutes")
    args = parser.parse_args(argv)
    result: int = args.run(args)
    return result


if __name__ == "__main__":
    raise SystemExit(main())
