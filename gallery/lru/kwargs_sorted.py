"""Bug: keyword arguments are sorted into the key, so f(a=1, b=2) and f(b=2, a=1) share an
entry.

It looks like an improvement, but functools keeps them apart (sorting costs time on every
call), so cache_info() no longer matches functools for the same calls.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

from solutions import lru as reference

KILLED_BY = "TestPart2Decorator::test_keyword_order_distinguishes_calls"
KILLED_WITH = "AssertionError"


class SortedKeywords(reference.Memoizer):
    @staticmethod
    def make_key(args: tuple[Any, ...], kwds: dict[str, Any], typed: bool) -> Hashable:
        # BUG: one order for every call. Correct: kwds as given, in the call's order
        kwds = dict(sorted(kwds.items()))
        return reference.Memoizer.make_key(args, kwds, typed)


lru_cache = SortedKeywords().lru_cache
