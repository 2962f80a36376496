"""Bug: the wrapper's lock is a plain Lock, so a key whose __eq__ calls the cached function
deadlocks it.

The lookup runs under the lock, and a dict lookup runs the key's __eq__: user code, which
may call the same cached function. functools uses an RLock for that reason, and orders its
updates so that such a reentrant call always finds the list consistent.
"""

from __future__ import annotations

from threading import Lock

from solutions import lru as reference

KILLED_BY = "TestPart3Defences::test_a_key_whose_eq_calls_the_function"
KILLED_WITH = "Failed"
KILLED_MATCHING = r"deadlocked on its own lock"


class PlainLock(reference.Memoizer):
    lock_type = Lock  # BUG: not reentrant. Correct: RLock


lru_cache = PlainLock().lru_cache
