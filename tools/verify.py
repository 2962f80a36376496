"""``make verify``: the repository's own check, step by step, with timings.

1. lint (ruff) and types (mypy on solutions/)
2. for every kata present: the reference passes (the learner's profile; ``--thorough``,
   or ``make thorough``, runs many more examples, as CI does after verify)
3. every test of the kata fails against its stub
4. every bug-gallery entry is killed honestly: its first failure is the one it declares
   (test, exception type, message shape), never an import error or a name it expected
5. every first attempt (tests/first_attempts/) fails first as it declares

Suite runs are forked from this process (pytest, hypothesis and the Redis clients are
imported once) and run two at a time. The last line is ``verify: N passed, N failed``.
"""

from __future__ import annotations

import argparse
import contextlib
import difflib
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import fakeredis  # noqa: E402, F401  - imported once, before forking
import hypothesis  # noqa: E402, F401
import pytest  # noqa: E402
import redis  # noqa: E402

from tests.support import gallery, manifest  # noqa: E402
from tests.support.targets import KATAS  # noqa: E402

# Runs judged by their summary, not read by a person: no traceback to format (a tenth of a
# second of source reading per failure) and no collection of unraisable exceptions.
TERSE = ["--tb=line", "-p", "no:unraisableexception"]
# No single run may take longer than this (seconds); a run stuck in C code is killed.
JOB_LIMIT = float(os.environ.get("VERIFY_JOB_LIMIT", "300"))
# Many tests wait on threads, sleeps or a Redis server, so one more job than cores.
JOBS = int(os.environ.get("VERIFY_JOBS", str((os.cpu_count() or 2) + 1)))


@dataclass
class Job:
    label: str
    args: list[str]
    profile: str = "dev"
    expect: str = "pass"  # "pass", "all-fail" (stub), "killed" (gallery, first attempt),
    # "golden" (what a learner reads, compared with the text kept in tests/golden/)
    entry: Path | None = None  # the gallery entry or first attempt, for "killed"
    diagnosed: bool | None = None  # a first attempt: did the diagnosis name its mistake?
    real_redis: bool = True  # also run the Redis tests on REDIS_URL, when it is set
    summary: Path = field(default_factory=lambda: Path(tempfile.mkstemp(suffix=".json")[1]))
    log: Path = field(default_factory=lambda: Path(tempfile.mkstemp(suffix=".log")[1]))
    pid: int = 0
    killed: bool = False
    slow: bool = False  # started first, so that the workers finish together
    fresh: bool = False  # run in a new interpreter, not forked from the warmed-up one
    started: float = 0.0
    seconds: float = 0.0
    code: int | None = None

    def start(self) -> None:
        self.started = time.monotonic()
        pid = os.fork()
        if pid == 0:  # child: run pytest with output to the log file
            try:
                fd = os.open(self.log, os.O_WRONLY | os.O_TRUNC)
                os.dup2(fd, 1)
                os.dup2(fd, 2)
                os.environ["HYPOTHESIS_PROFILE"] = self.profile
                os.environ["COLUMNS"] = "100"  # the same lines on any terminal
                if not self.real_redis:
                    os.environ.pop("REDIS_URL", None)
                if self.fresh:  # a new interpreter: nothing built under another profile
                    os.environ["PYTHONHASHSEED"] = "0"  # set and dict reprs in one order
                    for name in ("CI", "BUILD_NUMBER"):  # pytest prints full diffs in CI
                        os.environ.pop(name, None)
                    os.execv(sys.executable, [sys.executable, "-m", "pytest", "-q", "-p",
                                              "no:cacheprovider", *self.args])
                code = pytest.main(
                    ["-q", "-p", "no:cacheprovider", "-W",
                     "ignore::pytest.PytestAssertRewriteWarning",
                     f"--summary-json={self.summary}", *self.args]
                )
            except BaseException:  # whatever happens, the child must exit
                code = 99
            finally:
                sys.stdout.flush()
                sys.stderr.flush()
            os._exit(int(code))
        self.pid = pid

    def verdict(self) -> tuple[bool, str]:
        """Did the run turn out as expected, and a one-line reason."""
        try:
            data = json.loads(self.summary.read_text() or "{}")
        except json.JSONDecodeError:
            data = {}
        outcomes: dict[str, str] = data.get("outcomes", {})
        passed = sum(1 for o in outcomes.values() if o == "passed")
        failed = sum(1 for o in outcomes.values() if o == "failed")
        skipped = sum(1 for o in outcomes.values() if o == "skipped")
        counts = f"{passed} passed, {failed} failed, {skipped} skipped"
        if self.killed:
            return False, f"still running after {JOB_LIMIT:g} s: killed ({counts})"
        if self.code not in (0, 1):
            return False, f"pytest exited {self.code} ({counts})"
        if self.expect == "pass":
            return self.code == 0 and failed == 0 and passed > 0, counts
        if self.expect == "golden":
            return self.same_as_golden()
        if self.expect == "all-fail":
            survivors = sorted(n for n, o in outcomes.items() if o != "failed")
            if survivors:
                shown = ", ".join(survivors[:5]) + (" ..." if len(survivors) > 5 else "")
                return False, f"{len(survivors)} test(s) did not fail against the stub: {shown}"
            return failed > 0, f"all {failed} tests fail"
        return self.honest_kill(data.get("failures", []), counts)

    def same_as_golden(self) -> tuple[bool, str]:
        assert self.entry is not None
        golden = golden_path(self.entry)
        seen = normalised(self.log.read_text())
        if BLESS:
            golden.parent.mkdir(parents=True, exist_ok=True)
            golden.write_text(seen)
            return True, f"wrote {golden.relative_to(ROOT)}"
        if not golden.exists():
            return False, f"no {golden.relative_to(ROOT)} (tools/verify.py --bless writes it)"
        want = golden.read_text()
        if seen == want:
            return True, "the same text"
        diff = difflib.unified_diff(want.splitlines(), seen.splitlines(), "kept", "now",
                                    lineterm="", n=1)
        return False, "the learner's text changed:\n" + "\n".join(list(diff)[:40])

    def honest_kill(self, failures: list[dict[str, str]], counts: str) -> tuple[bool, str]:
        assert self.entry is not None
        try:
            declared = gallery.read(self.entry)
        except (gallery.DeclarationError, SyntaxError) as exc:
            return False, str(exc)
        if self.code != 1 or not failures:
            return False, f"SURVIVED ({counts}); declared: {declared.describe()}"
        first = gallery.Failure(**failures[0])
        if not declared.expects(first):
            message = first.message.strip().splitlines()[0] if first.message.strip() else ""
            return False, (f"first failure is {first.test} ({first.when}: {first.exc_type}: "
                           f"{message[:160]}); declared: {declared.describe()}")
        named = [e.name for e in gallery.diagnose(declared.kata, first)]
        shown = ", ".join(named) or "nothing"
        if self.entry.is_relative_to(gallery.GALLERY):
            private = gallery.private_names_used(self.entry)
            if private:
                return False, ("uses the reference's private names (use its documented "
                               f"extension points): {'; '.join(private[:3])}")
            if declared.name not in named:
                return False, (f"killed by {first.test}, but the diagnosis names {shown}, not "
                               "this entry (a KILLED_MATCHING tells it apart)")
            return True, f"killed by {first.test} ({first.exc_type}); diagnosed"
        self.diagnosed = bool(set(declared.looks_like) & set(named))
        verdict = "right" if self.diagnosed else f"names {shown}, not {declared.looks_like}"
        return True, f"fails first in {first.test} ({first.exc_type}); diagnosis {verdict}"


def run_jobs(jobs: list[Job], on_done: Callable[[Job], None]) -> None:
    """Run the jobs JOBS at a time, reporting progress while they run."""
    pending = list(jobs)
    running: dict[int, Job] = {}
    progress = Progress(len(jobs))
    while pending or running:
        while pending and len(running) < JOBS:
            job = pending.pop(0)
            job.start()
            running[job.pid] = job
        pid, status = os.waitpid(-1, os.WNOHANG)
        if pid == 0:
            progress.show(list(running.values()))
            for job in running.values():
                if time.monotonic() - job.started > JOB_LIMIT and not job.killed:
                    job.killed = True  # stuck where no watchdog reaches: fail, not hang CI
                    os.kill(job.pid, signal.SIGKILL)
            time.sleep(0.05)
            continue
        finished = running.pop(pid, None)
        if finished is not None:
            finished.code = os.waitstatus_to_exitcode(status)
            finished.seconds = time.monotonic() - finished.started
            progress.done += 1
            progress.clear()
            on_done(finished)
    progress.clear()


class Progress:
    """``[ 37/190]  41s  running: lru: reference passes (12s)``, on one line that a
    terminal overwrites; a plain log gets such a line every 15 seconds."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.done = 0
        self.began = time.monotonic()
        self.tty = sys.stdout.isatty()
        self.last = 0.0

    def show(self, running: list[Job]) -> None:
        now = time.monotonic()
        if now - self.last < (0.5 if self.tty else 15.0):
            return
        self.last = now
        slowest = min(running, key=lambda j: j.started, default=None)
        doing = f"  slowest running: {slowest.label} ({now - slowest.started:.0f}s)" if (
            slowest) else ""
        line = f"[{self.done:>4}/{self.total}] {now - self.began:5.0f}s{doing}"
        if self.tty:
            sys.stdout.write("\r" + line[:110].ljust(110))
        else:
            sys.stdout.write(line + "\n")
        sys.stdout.flush()

    def clear(self) -> None:
        if self.tty:
            sys.stdout.write("\r" + " " * 110 + "\r")
            sys.stdout.flush()


def real_redis_keys() -> int | None:
    """The key count of the REDIS_URL server, if one is configured."""
    url = os.environ.get("REDIS_URL")
    if not url:
        return None
    with redis.Redis.from_url(url) as client:
        return int(client.dbsize())


def run_tool(label: str, cmd: list[str]) -> tuple[bool, str, float]:
    start = time.monotonic()
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    output = (proc.stdout + proc.stderr).strip()
    return proc.returncode == 0, output, time.monotonic() - start


def summarise(jobs: list[Job], results: list[tuple[str, bool, str, float]]) -> None:
    """One line per kata and kind of check: how many passed, and the time they took."""
    verdicts = {label: ok for label, ok, _, _ in results}
    groups: dict[tuple[str, str], list[Job]] = {}
    for job in jobs:
        kata, _, what = job.label.partition(": ")
        word = what.split(" ")[0]
        kind = word if word in ("gallery", "first", "learner's") else what
        groups.setdefault((kata, kind), []).append(job)
    for (kata, kind), group in groups.items():
        ok = sum(1 for job in group if verdicts.get(job.label))
        seconds = sum(job.seconds for job in group)
        slowest = max(group, key=lambda j: j.seconds)
        name = {"gallery": "gallery entries killed honestly, diagnosed",
                "first": "first attempts fail first as declared",
                "learner's": "learner's text as kept in tests/golden/"}.get(kind, kind)
        extra = f"  (slowest {slowest.seconds:.1f}s: {slowest.label.split(': ')[1]})" if len(
            group) > 1 else ""
        what = f"{kata}: {name}"
        print(f"{'ok ' if ok == len(group) else 'FAIL'} {what:<58} {ok:>3}/{len(group):<3}"
              f" {seconds:6.1f}s{extra}")


GOLDEN = ROOT / "tests" / "golden"
BLESS = False  # --bless: write what is seen as the new kept text


def golden_path(entry: Path) -> Path:
    return GOLDEN / entry.parent.name / f"{entry.stem}.txt"


def normalised(text: str) -> str:
    """A run's output without what changes from run to run (timings, addresses, the
    random namespace of a test's Redis keys) or with any edit (line numbers)."""
    text = re.sub(r"\bin \d+\.\d+s\b( \(\d+:\d+:\d+\))?", "in N.NNs", text)
    text = re.sub(r"0x[0-9a-fA-F]+", "0x...", text)
    text = re.sub(r"\bkt[0-9a-f]{8}\b", "ktXXXXXXXX", text)  # a test's random key prefix
    text = re.sub(r"\bslot \d+\b", "slot N", text)  # which follows from that prefix
    # Line numbers move with every edit of a suite; the words are what is kept.
    text = re.sub(r"(\.py):\d+\b", r"\1:N", text)
    text = re.sub(r'(\.py", line )\d+', r"\1N", text)
    return text.rstrip() + "\n"


def golden_job(entry: Path) -> Job:
    """The text a learner reads for ``entry``'s first failure: the failure (shrunk, as in
    the learner's profile), what it looks like, the table (declared tests first, stopped
    at the first failure)."""
    kata = entry.parent.name
    first = [f"--first={p}" for p in gallery.read(entry).killed_by]
    return Job(f"{kata}: learner's text for {entry.stem}",
               [*suite_args(kata), "--target", str(entry.relative_to(ROOT)), "-x", *first,
                "--brief", "--tb=short", "-p", "no:unraisableexception"],
               profile="dev", expect="golden", real_redis=False, entry=entry, fresh=True)


def killing_job(kata: str, entry: Path, select: list[str], what: str, order: str) -> Job:
    """Run ``entry`` until its first failure. In ``declared`` order its declared tests run
    first (fast: a Part 3 bug need not wait for Parts 1 and 2); in ``suite`` order the
    tests run as a learner's do, so the declared failure must also come first there."""
    first: list[str] = []
    if order == "declared":
        with contextlib.suppress(gallery.DeclarationError, SyntaxError):  # the verdict says
            first = [f"--first={p}" for p in gallery.read(entry).killed_by]
    return Job(f"{kata}: {what} {entry.stem}",
               [*select, "--target", str(entry.relative_to(ROOT)), "-x", *first, *TERSE],
               profile="gallery", expect="killed", real_redis=False, entry=entry)


def suite_args(kata: str) -> list[str]:
    # Naming the suite's files spares each run the collection of every other suite.
    files = sorted((ROOT / "tests").glob(f"test_{kata}*.py"))
    return ["--kata", kata, *(str(path.relative_to(ROOT)) for path in files)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kata", action="append", help="only this kata (repeatable)")
    parser.add_argument("--only", nargs="+", type=Path, metavar="PATH",
                        help="only check these gallery entries or first attempts")
    parser.add_argument("--verbose", "-v", action="store_true", help="a line for every job")
    parser.add_argument("--repeat", type=int, default=1, metavar="N",
                        help="with --only: run each N times (a race must be caught every time)")
    parser.add_argument("--golden", nargs="+", type=Path, metavar="PATH",
                        help="only compare (with --bless: keep) the learner's text of these "
                             "gallery entries")
    parser.add_argument("--bless", action="store_true",
                        help="write the learner's text of the tests/golden/ entries anew")
    parser.add_argument("--thorough", action="store_true",
                        help="the references under the thorough profile (slow)")
    parser.add_argument("--order", choices=("declared", "suite"), default="declared",
                        help="gallery and first attempts: run the declared tests first "
                             "(default), or only check them in the suite's own order")
    args = parser.parse_args(argv)
    global BLESS
    BLESS = args.bless
    os.chdir(ROOT)
    began = time.monotonic()
    results: list[tuple[str, bool, str, float]] = []
    jobs: list[Job] = []
    if args.golden:
        jobs = [golden_job(path.resolve()) for path in args.golden]
        return report(jobs, results, began, katas=[], verbose=True)
    if args.only:
        for path in args.only:
            entry = path.resolve()
            kata = entry.parent.name
            jobs += [killing_job(kata, entry, suite_args(kata), "checked", args.order)
                     for _ in range(args.repeat)]
        return report(jobs, results, began, katas=[], verbose=args.repeat == 1)

    katas = [k for k in (args.kata or KATAS) if (ROOT / "solutions" / f"{k}.py").exists()]
    if args.order == "suite":  # the learner's order: only the gallery and first attempts
        for kata in katas:
            for entry in [*gallery.gallery_paths(kata), *gallery.first_attempt_paths(kata)]:
                what = "gallery" if entry.is_relative_to(gallery.GALLERY) else "first attempt"
                jobs.append(killing_job(kata, entry, suite_args(kata), what, "suite"))
        return report(jobs, results, began, katas, args.verbose)

    venv_bin = Path(sys.executable).parent
    for label, cmd in [
        ("lint (ruff)", [str(venv_bin / "ruff"), "check", "."]),
        ("types (mypy --strict)", [str(venv_bin / "mypy"), "solutions", "tools", "bench",
                                   "tests/support", "conftest.py"]),
    ]:
        ok, output, seconds = run_tool(label, cmd)
        results.append((label, ok, "" if ok else output, seconds))
        print(f"{'ok ' if ok else 'FAIL'} {label:<46} {seconds:6.1f}s", flush=True)
        if not ok:
            print(output)

    for kata in katas:
        select = suite_args(kata)
        profile = "thorough" if args.thorough else "dev"
        jobs.append(Job(f"{kata}: reference passes ({profile})",
                        [*select, "--target", "solutions"], profile=profile, slow=True))
        # The stub and the gallery are judged on fakeredis, as a learner runs them; the
        # reference runs on the real server too.
        jobs.append(Job(f"{kata}: every test fails against the stub",
                        [*select, "--target", "katas", *TERSE], expect="all-fail",
                        real_redis=False))
        # Part n-1 passes with parts n and later taken from the stub. The parts before
        # n-1 need no run of their own here: each passed with even more of the stub.
        for part in manifest.get(kata).part_numbers[1:]:
            if manifest.get(kata).introduced_from(part):
                jobs.append(Job(f"{kata}: part {part - 1} passes with part {part}+ stubbed",
                                [*select, "--target", "solutions", f"--stub-parts-from={part}",
                                 f"--part={part - 1}", "-x", *TERSE], profile="quick",
                                real_redis=False))
        for entry in gallery.gallery_paths(kata):
            jobs.append(killing_job(kata, entry, select, "gallery", args.order))
        for entry in gallery.first_attempt_paths(kata):
            jobs.append(killing_job(kata, entry, select, "first attempt", args.order))
        for kept in sorted((GOLDEN / kata).glob("*.txt")):
            jobs.append(golden_job(ROOT / "gallery" / kata / f"{kept.stem}.py"))
    return report(jobs, results, began, katas, args.verbose, args.thorough)


def warm_up(katas: list[str], thorough: bool) -> None:
    """Collect every suite once in this process, so that each forked run finds the harness
    and the suites imported (assertions rewritten by pytest) instead of importing them
    again: a run then costs its tests, not pytest's start-up.

    State machines take their settings when their test case is built, at import: built
    here under the gallery profile, which differs from the learner's only in not
    shrinking (nothing to shrink in a run that passes). Thorough runs are not warmed.
    """
    if thorough:
        return
    previous = os.environ.get("HYPOTHESIS_PROFILE")
    os.environ["HYPOTHESIS_PROFILE"] = "gallery"
    suites = [arg for kata in katas for arg in suite_args(kata)[2:]]
    with open(os.devnull, "w") as devnull, contextlib.redirect_stdout(devnull):
        pytest.main(["-q", "--collect-only", "-p", "no:cacheprovider", "-W",
                     "ignore::pytest.PytestAssertRewriteWarning", *suites])
    if previous is None:
        del os.environ["HYPOTHESIS_PROFILE"]
    else:
        os.environ["HYPOTHESIS_PROFILE"] = previous


def report(jobs: list[Job], results: list[tuple[str, bool, str, float]], began: float,
           katas: list[str], verbose: bool = False, thorough: bool = False) -> int:
    def judged(job: Job) -> None:
        ok, reason = job.verdict()
        results.append((job.label, ok, reason, job.seconds))
        if verbose or not ok:
            print(f"{'ok ' if ok else 'FAIL'} {job.label:<46} {job.seconds:6.1f}s  {reason}")
        if not ok:
            print("   log:\n" + "\n".join("   | " + line for line in
                                          job.log.read_text().splitlines()[-40:]))
        job.summary.unlink(missing_ok=True)
        job.log.unlink(missing_ok=True)

    warm_up(sorted({job.label.split(":")[0] for job in jobs}), thorough)
    # The longest runs first, so the workers finish together.
    order = sorted(jobs, key=lambda j: not j.slow)
    keys_before = real_redis_keys()
    run_jobs(order, judged)
    keys_after = real_redis_keys()
    summarise(jobs, results)

    if keys_before is not None and keys_after is not None:
        # Keys of others may expire meanwhile; more keys than before means a test leaked.
        ok = keys_after <= keys_before
        label = "real Redis: tests left no keys behind"
        reason = f"{keys_before} keys before, {keys_after} after"
        results.append((label, ok, reason, 0.0))
        print(f"{'ok ' if ok else 'FAIL'} {label:<46} {'':>7}  {reason}")

    attempts = [job for job in jobs if job.diagnosed is not None]
    if attempts:
        right = sum(1 for job in attempts if job.diagnosed)
        ok = right * 3 >= len(attempts) * 2
        label = "first attempts: diagnosis right for 2 in 3"
        results.append((label, ok, f"{right} of {len(attempts)}", 0.0))
        print(f"{'ok ' if ok else 'FAIL'} {label:<46} {'':>7}  {right} of {len(attempts)}")

    passed = sum(1 for r in results if r[1])
    failed = len(results) - passed
    print(f"\nwhole verification: {time.monotonic() - began:.1f}s for {len(katas)} kata(s)")
    print(f"verify: {passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
