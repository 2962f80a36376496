"""Bug: typed=True is accepted but ignored: f(3, 0) and f(3.0, 0) share one entry.

The key never records the argument types, so the flag only changes cache_parameters().
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

from solutions import lru as reference

KILLED_BY = "TestPart2Decorator::test_typed_keeps_int_and_float_apart"
KILLED_WITH = "AssertionError"
KILLED_MATCHING = r"with typed=True"


class TypesForgotten(reference.Memoizer):
    @staticmethod
    def make_key(args: tuple[Any, ...], kwds: dict[str, Any], typed: bool) -> Hashable:
        # BUG: the flag is dropped on the way. Correct: make_key(args, kwds, typed)
        return reference.Memoizer.make_key(args, kwds, False)


lru_cache = TypesForgotten().lru_cache
