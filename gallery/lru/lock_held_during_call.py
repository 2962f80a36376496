"""Bug: one plain lock around the whole call, the user function included.

"Thread-safe" by serialising everything: recursion through the decorated name waits for
the lock its own thread holds (a deadlock), and one slow call blocks every other caller.
The lock guards the cache's list and counters; the function runs with it released.
"""

from __future__ import annotations

from collections.abc import Callable
from threading import Lock
from typing import Any

from solutions import lru as reference

KILLED_BY = "TestPart2Recursion::test_recursion_through_the_decorated_name"
KILLED_WITH = "Failed"
KILLED_MATCHING = r"is a lock held while the user function runs"


class LockedCalls(reference.Memoizer):
    def wrap(self, user_function: Callable[..., Any], maxsize: int | None,
             typed: bool) -> Any:
        cached = super().wrap(user_function, maxsize, typed)
        lock = Lock()

        def wrapper(*args: Any, **kwds: Any) -> Any:
            with lock:  # BUG: held while the user function runs. Correct: no lock here,
                return cached(*args, **kwds)  # the cache's own is released around the call

        return self.with_cache_api(wrapper, user_function, cached.cache_info,
                                   cached.cache_clear, maxsize, typed)


lru_cache = LockedCalls().lru_cache
