"""``make soak [KATA=lru] [ROUNDS=10]``: the references under the thorough profile with a
new random seed each round, to find what the fixed seed of the daily loop never tries.

Each round runs the chosen suites (also on the ``REDIS_URL`` server when one is set) with
``--hypothesis-seed``; a failure is printed with the command that reproduces it. The last
line is ``soak: N passed, N failed`` (rounds).
"""

from __future__ import annotations

import argparse
import os
import secrets
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.support import manifest  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kata", choices=manifest.NAMES)
    parser.add_argument("--rounds", type=int, default=10)
    args = parser.parse_args(argv)
    if args.rounds < 1:
        parser.error("--rounds must be at least 1")
    katas = [manifest.get(args.kata)] if args.kata else list(manifest.katas().values())
    suites = [str(k.suite.relative_to(ROOT)) for k in katas]
    env = {**os.environ, "HYPOTHESIS_PROFILE": "soak"}
    where = f"fakeredis and {os.environ['REDIS_URL']}" if os.environ.get("REDIS_URL") else (
        "fakeredis")
    print(f"soak: {args.rounds} round(s) of {', '.join(k.name for k in katas)} on {where}")
    failed = 0
    for n in range(1, args.rounds + 1):
        seed = secrets.randbelow(2**32)
        cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
               "--target=solutions", f"--hypothesis-seed={seed}", "-x", *suites]
        began = time.monotonic()
        proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
        seconds = time.monotonic() - began
        if proc.returncode == 0:
            print(f"round {n:>3}: ok    seed {seed:<10} {seconds:6.1f}s", flush=True)
            continue
        failed += 1
        print(f"round {n:>3}: FAIL  seed {seed:<10} {seconds:6.1f}s")
        print("\n".join("   | " + line for line in proc.stdout.splitlines()[-60:]))
        kata = f" KATA={args.kata}" if args.kata else ""
        print(f"   reproduce: HYPOTHESIS_PROFILE=soak make test{kata} TARGET=solutions "
              f"PYTEST_ADDOPTS='--hypothesis-seed={seed}'", flush=True)
    print(f"soak: {args.rounds - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
