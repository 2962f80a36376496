"""Real threads for concurrency tests: started together, bounded, failures surfaced."""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable
from typing import Any


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


def run_bounded(fn: Callable[[], object], what: str, timeout: float = 5.0) -> Any:
    """``fn()`` run in a daemon thread; its result, or the test fails after ``timeout`` s.

    For calls where a bug means "never returns" (an endless loop, a deadlock, a wait that
    ignores its bound): the test fails with ``what`` in the message instead of hanging.
    An exception raised by ``fn`` is re-raised here.
    """
    box: dict[str, Any] = {}

    def run() -> None:
        try:
            box["value"] = fn()
        except BaseException as exc:  # re-raised in the test's thread below
            box["error"] = exc

    thread = threading.Thread(target=run, daemon=True, name=f"bounded: {what}")
    thread.start()
    thread.join(timeout)
    assert not thread.is_alive(), (
        f"{what} did not return within {timeout:g} s (an endless loop or a deadlock?)")
    if "error" in box:
        raise box["error"]
    return box["value"]


class Background:
    """One daemon thread running ``target()``; ``join()`` bounds it and re-raises its error."""

    def __init__(self, target: Callable[[], object], name: str = "background") -> None:
        self.errors: list[BaseException] = []

        def body() -> None:
            try:
                target()
            except BaseException as exc:  # re-raised by join()
                self.errors.append(exc)

        self.thread = threading.Thread(target=body, daemon=True, name=name)
        self.thread.start()

    def is_alive(self) -> bool:
        return self.thread.is_alive()

    def join(self, timeout: float = 5.0, what: str | None = None) -> None:
        self.thread.join(timeout)
        assert not self.thread.is_alive(), (
            f"{what or self.thread.name} still running after {timeout:g} s (deadlock?)")
        if self.errors:
            raise self.errors[0]
