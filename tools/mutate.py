"""``make mutate [KATA=lru]``: mutation testing of the references against their suites.

mutmut changes ``solutions/<kata>.py`` one small edit at a time (a ``<`` for a ``<=``, a
``None`` for a value, a dropped argument) and runs the tests that reach the changed
function under the ``mutate`` hypothesis profile (quick, a few more examples). A mutant no
test fails is a *survivor*: a bug the suite would let through, unless the edit changes
nothing a caller can observe. Such *equivalent* mutants are listed beside the suite, in
``tests/test_<kata>.mutants.toml``, each with one line saying why; they are matched by
function and changed lines, not by mutmut's numbering, so they survive edits elsewhere
(an entry's optional ``context``, a line the diff must show, tells apart the same edit
made in two places of one function).

Each kata runs in its own scratch copy under ``.mutate/<kata>/``, so results are kept
between runs: a run with nothing changed only reports; a changed suite or reference starts
that kata afresh; ``--survivors`` re-runs only the last run's survivors (the fast loop
while writing the test that kills one; the next plain run then starts afresh). The score
is killed / (all - equivalent); the README's maintainer table is rewritten from the last
results of every kata.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import time
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.support import manifest  # noqa: E402

SCRATCH = ROOT / ".mutate"
README = ROOT / "README.md"
TABLE_BEGIN = "<!-- mutation scores: written by make mutate -->"
TABLE_END = "<!-- end of mutation scores -->"
GOAL = 95.0

# What the scratch copy needs besides the reference: the harness and the kata's suite.
HARNESS = ["conftest.py", "katas.toml", "tests/__init__.py", "tests/support"]


@dataclass
class Mutant:
    name: str  # mutmut's, e.g. solutions.lru.xǁLRUCacheǁget__mutmut_3
    status: str
    diff: str = ""

    @property
    def function(self) -> str:
        """``LRUCache.get`` or ``lru_cache`` for the name above."""
        local = self.name.removeprefix(self.name.rsplit(".", 1)[0] + ".")
        local = re.sub(r"__mutmut_\d+$", "", local)
        if local.startswith("xǁ"):
            return ".".join(local.removeprefix("xǁ").split("ǁ"))
        return local.removeprefix("x_")

    @property
    def number(self) -> str:
        return self.name.rsplit("_", 1)[1]

    @property
    def changed_lines(self) -> list[str]:
        return changed_lines(self.diff)


def changed_lines(diff: str) -> list[str]:
    """A diff's removed and added lines, whitespace-normalised: the mutant's identity."""
    return [line[0] + " ".join(line[1:].split()) for line in diff.splitlines()
            if line[:1] in "+-" and not line.startswith(("+++", "---"))]


@dataclass
class Equivalents:
    path: Path
    entries: list[dict[str, str]] = field(default_factory=list)

    @classmethod
    def of(cls, kata: str) -> Equivalents:
        path = ROOT / "tests" / f"test_{kata}.mutants.toml"
        if not path.exists():
            return cls(path)
        entries = tomllib.loads(path.read_text()).get("equivalent", [])
        for entry in entries:
            missing = {"function", "diff", "why"} - set(entry)
            if missing:
                raise SystemExit(f"{path.name}: an entry lacks {', '.join(sorted(missing))}")
        return cls(path, entries)

    def why(self, mutant: Mutant) -> str | None:
        for entry in self.entries:
            if (entry["function"] == mutant.function
                    and changed_lines(entry["diff"]) == mutant.changed_lines
                    and entry.get("context", "") in mutant.diff):
                return entry["why"]
        return None


def fingerprint(kata: str) -> str:
    """A hash of everything a kata's results depend on."""
    digest = hashlib.sha256()
    for path in sorted(inputs(kata)):
        digest.update(str(path.relative_to(ROOT)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def inputs(kata: str) -> list[Path]:
    files = [ROOT / "solutions" / f"{kata}.py", manifest.get(kata).suite, ROOT / "pyproject.toml"]
    for name in HARNESS:
        path = ROOT / name
        files += sorted(path.rglob("*.py")) if path.is_dir() else [path]
    return files


def prepare(kata: str, workdir: Path) -> None:
    """Write the scratch copy: the harness, the suite, the reference and mutmut's config."""
    for name in [*HARNESS, "solutions/__init__.py", f"solutions/{kata}.py",
                 f"katas/{kata}.py", f"tests/test_{kata}.py"]:
        source, target = ROOT / name, workdir / name
        if not source.exists():
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            shutil.rmtree(target, ignore_errors=True)
            shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, target)
    project = (ROOT / "pyproject.toml").read_text()
    project = project.split("\n[tool.mutmut]")[0]
    (workdir / "pyproject.toml").write_text(project + f"""
[tool.mutmut]
source_paths = ["solutions"]
only_mutate = ["solutions/{kata}.py"]
also_copy = ["conftest.py", "katas.toml", "katas"]
pytest_add_cli_args = ["-p", "no:cacheprovider", "-p", "no:randomly", "--target=solutions"]
pytest_add_cli_args_test_selection = ["tests/test_{kata}.py"]
use_git_change_detection = false
timeout_multiplier = 5.0
timeout_constant = 5.0
""")


def mutmut(workdir: Path, *args: str, quiet: bool = False) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HYPOTHESIS_PROFILE": "mutate", "PYTHONHASHSEED": "0"}
    env.pop("REDIS_URL", None)  # fakeredis: the mutants are about the code, not the server
    return subprocess.run([sys.executable, "-m", "mutmut", *args], cwd=workdir, env=env,
                          text=True, capture_output=quiet)


# Run inside the scratch copy: every mutant's status, and the diff of each one not killed.
# (mutmut's own commands do this one mutant per process, a second each.)
_READ_RESULTS = """
import json, sys
from mutmut.mutation.data import SourceFileMutationData
from mutmut.mutation.diff_apply import get_diff_for_mutant
from mutmut.stats import status_by_exit_code
from mutmut.utils.file_utils import walk_mutatable_files
found = {}
for path in walk_mutatable_files():
    data = SourceFileMutationData(path=path)
    data.load()
    for name, code in data.exit_code_by_key.items():
        status = status_by_exit_code[code]
        diff = "" if status == "killed" else get_diff_for_mutant(name, path=path)
        found[name] = [status, diff]
json.dump(found, sys.stdout)
"""


def results(workdir: Path) -> list[Mutant]:
    env = {**os.environ, "PYTHONPATH": ""}
    out = subprocess.run([sys.executable, "-c", _READ_RESULTS], cwd=workdir, env=env,
                         text=True, capture_output=True, check=True).stdout
    return [Mutant(name, status, diff) for name, (status, diff) in json.loads(out).items()]


def run_kata(kata: str, *, survivors_only: bool, jobs: int) -> dict[str, object]:
    workdir = SCRATCH / kata
    stamp = workdir / "inputs.sha256"
    summary_file = workdir / "summary.json"
    began = time.monotonic()
    current = fingerprint(kata)
    unchanged = stamp.exists() and stamp.read_text() == current
    if survivors_only and summary_file.exists():
        previous = json.loads(summary_file.read_text())["survivors"]
        prepare(kata, workdir)
        print(f"mutate {kata}: re-running {len(previous)} survivor(s)", flush=True)
        mutmut(workdir, "run", "--max-children", str(jobs), *previous, quiet=True)
    elif not unchanged:
        shutil.rmtree(workdir, ignore_errors=True)
        workdir.mkdir(parents=True)
        prepare(kata, workdir)
        print(f"mutate {kata}: running mutmut ({jobs} at a time)...", flush=True)
        run = mutmut(workdir, "run", "--max-children", str(jobs), quiet=True)
        if run.returncode < 0:  # killed by a signal: seen once (SIGSEGV), never twice
            print(f"mutate {kata}: mutmut died of signal {-run.returncode}; once more...",
                  flush=True)
            run = mutmut(workdir, "run", "--max-children", str(jobs), quiet=True)
        if run.returncode != 0:
            print(run.stdout[-3000:], run.stderr[-3000:], sep="\n")
            raise SystemExit(f"mutate {kata}: mutmut failed (exit {run.returncode})")
    summary = report(kata, workdir, time.monotonic() - began)
    if survivors_only:
        # Only some mutants met the current suite: the next plain run starts afresh.
        stamp.unlink(missing_ok=True)
    else:
        stamp.write_text(current)
    return summary


def report(kata: str, workdir: Path, seconds: float) -> dict[str, object]:
    mutants = results(workdir)
    if not mutants:
        raise SystemExit(f"mutate {kata}: mutmut recorded no results (see {workdir})")
    unfinished = [m for m in mutants if m.status == "not checked"]
    if unfinished:
        raise SystemExit(f"mutate {kata}: {len(unfinished)} mutant(s) were never run: "
                         f"mutmut stopped early (run it in {workdir} to see why)")
    alive = [m for m in mutants if m.status not in ("killed", "timeout")]
    equivalents = Equivalents.of(kata)
    explained = [(m, equivalents.why(m)) for m in alive]
    survivors = [m for m, why in explained if why is None]
    equivalent = len(alive) - len(survivors)
    counted = len(mutants) - equivalent
    killed = counted - len(survivors)
    score = 100.0 * killed / counted if counted else 100.0
    for mutant in survivors:
        print(f"\nsurvived: {mutant.function} #{mutant.number} ({mutant.status})  "
              f"[{mutant.name}]")
        print("\n".join("    " + line for line in mutant.diff.splitlines() if line.strip()))
    print(f"\nmutate {kata}: {killed} of {counted} killed ({score:.1f}%), "
          f"{equivalent} equivalent, {len(survivors)} survived  [{seconds:.0f}s]", flush=True)
    summary = {"kata": kata, "mutants": len(mutants), "equivalent": equivalent,
               "killed": killed, "survived": len(survivors), "score": round(score, 1),
               "survivors": [m.name for m in survivors]}
    (workdir / "summary.json").write_text(json.dumps(summary, indent=2))
    return summary


def update_readme() -> None:
    rows = []
    for kata in manifest.NAMES:
        summary_file = SCRATCH / kata / "summary.json"
        if not summary_file.exists():
            continue
        s = json.loads(summary_file.read_text())
        rows.append(f"| {kata} | {s['mutants']} | {s['equivalent']} | {s['killed']} | "
                    f"{s['survived']} | {s['score']:.1f}% |")
    text = README.read_text()
    if TABLE_BEGIN not in text or not rows:
        return
    head, rest = text.split(TABLE_BEGIN, 1)
    _, tail = rest.split(TABLE_END, 1)
    table = "\n".join(["| kata | mutants | equivalent | killed | survived | score |",
                       "|---|---:|---:|---:|---:|---:|", *rows])
    README.write_text(f"{head}{TABLE_BEGIN}\n{table}\n{TABLE_END}{tail}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kata", choices=manifest.NAMES, action="append")
    parser.add_argument("--survivors", action="store_true",
                        help="re-run only the last run's survivors")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    args = parser.parse_args(argv)
    katas = args.kata or manifest.NAMES
    summaries = [run_kata(k, survivors_only=args.survivors, jobs=args.jobs) for k in katas]
    update_readme()
    below = [s["kata"] for s in summaries if float(str(s["score"])) < GOAL]
    if len(summaries) > 1:
        for s in summaries:
            print(f"  {s['kata']:<16} {s['score']:>5}%  ({s['survived']} survived)")
    if below:
        print(f"mutate: under {GOAL:.0f}%: {', '.join(map(str, below))}")
    return 1 if below else 0


if __name__ == "__main__":
    raise SystemExit(main())
