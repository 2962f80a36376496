"""Bug: maxsize=0 takes the bounded path, which still keeps one result: 0 means "no cache".

The bounded wrapper's "full?" test only runs after an entry is linked, so with room for
none it still keeps one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from solutions import lru as reference

KILLED_BY = "TestPart2Decorator::test_maxsize_zero_or_less_caches_nothing"
KILLED_WITH = "AssertionError"


class ZeroIsASize(reference.Memoizer):
    def wrap(self, user_function: Callable[..., Any], maxsize: int | None,
             typed: bool) -> Any:
        if maxsize == 0:
            # BUG: a bounded cache with room for none. Correct: self.uncached(user_function,
            # typed), which only counts a miss and calls
            return self.bounded(user_function, maxsize, typed)
        return super().wrap(user_function, maxsize, typed)


lru_cache = ZeroIsASize().lru_cache
