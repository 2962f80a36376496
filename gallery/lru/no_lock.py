"""Bug: nothing guards the wrapper's list and counters: "the GIL makes it thread-safe".

Each bytecode is atomic, but a call's dict operations run a key's __hash__ and __eq__,
Python code where another thread may take over: halfway through an eviction, with the
list and the dict out of step. Counters lose updates too (`hits += 1` is three steps).
"""

from __future__ import annotations

from typing import Any

from solutions import lru as reference

KILLED_BY = "TestPart3Threads::test_another_thread_inside_a_call"
KILLED_WITH = "AssertionError"


class NoLock:
    """A lock that guards nothing."""

    def acquire(self) -> bool:
        return True

    def release(self) -> None:
        pass

    def __enter__(self) -> bool:
        return True

    def __exit__(self, *exc: Any) -> None:
        pass


class Unguarded(reference.Memoizer):
    lock_type = NoLock  # BUG: no lock at all. Correct: RLock


lru_cache = Unguarded().lru_cache
