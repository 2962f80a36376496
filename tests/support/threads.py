"""Real threads for concurrency tests: started together, bounded, failures surfaced."""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable


def run_together(
    worker: Callable[[int], object],
    count: int,
    *,
    timeout: float = 30.0,
    switch_interval: float | None = None,
) -> None:
    """Run ``worker(0) ... worker(count - 1)`` in ``count`` threads released at once.

    Every thread is joined within ``timeout`` seconds; a thread still running then fails
    the test (a deadlock, or a wait that ignores its bound). The first exception raised
    in a worker is re-raised here, in the test's thread, so pytest reports it.
    ``switch_interval`` (see ``sys.setswitchinterval``) makes threads switch more often,
    so that races show up in a short run.
    """
    start = threading.Barrier(count)
    errors: list[BaseException] = []

    def run(n: int) -> None:
        try:
            start.wait(timeout=timeout)
            worker(n)
        except BaseException as exc:  # re-raised in the test's thread below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(n,), daemon=True) for n in range(count)]
    previous = sys.getswitchinterval()
    if switch_interval is not None:
        sys.setswitchinterval(switch_interval)
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=timeout)
    finally:
        sys.setswitchinterval(previous)
    hung = sum(thread.is_alive() for thread in threads)
    assert not hung, f"{hung} of {count} threads still running after {timeout:g} s (deadlock?)"
    if errors:
        raise errors[0]
