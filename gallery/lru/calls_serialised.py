"""Bug: one reentrant lock around the whole call, so calls from different threads queue.

Recursion works (the lock is an RLock), so every single-threaded test passes; but a slow
call for one key blocks every other caller, and a call that waits for another thread's
call never returns. The lock guards the cache; the function runs with it released.
"""

from __future__ import annotations

from collections.abc import Callable
from threading import RLock
from typing import Any

from solutions import lru as reference

KILLED_BY = "TestPart3Defences::test_the_lock_is_released_while_the_function_runs"
KILLED_WITH = "Failed"
KILLED_MATCHING = r"the lock is held while the user function runs"


class SerialisedCalls(reference.Memoizer):
    def wrap(self, user_function: Callable[..., Any], maxsize: int | None,
             typed: bool) -> Any:
        cached = super().wrap(user_function, maxsize, typed)
        lock = RLock()

        def wrapper(*args: Any, **kwds: Any) -> Any:
            with lock:  # BUG: held while the user function runs. Correct: no lock here,
                return cached(*args, **kwds)  # the cache's own is released around the call

        return self.with_cache_api(wrapper, user_function, cached.cache_info,
                                   cached.cache_clear, maxsize, typed)


lru_cache = SerialisedCalls().lru_cache
