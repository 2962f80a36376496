"""Bug: lru_cache(maxsize=True) is accepted as a maxsize of 1, because bool is an int.

functools accepts it; the kata's contract turns a bool away, as a flag passed by mistake.
"""

from __future__ import annotations

from solutions import lru as reference

KILLED_BY = "TestPart2Decorator::test_bad_maxsize"
KILLED_WITH = "Failed"


class BoolAsSize(reference.Memoizer):
    def check_maxsize(self, maxsize: object) -> int | None:
        # BUG: True and False pass as the ints 1 and 0. Correct: first
        # if isinstance(maxsize, bool): raise TypeError(...)
        if isinstance(maxsize, int):
            return max(maxsize, 0)
        return super().check_maxsize(maxsize)


lru_cache = BoolAsSize().lru_cache
