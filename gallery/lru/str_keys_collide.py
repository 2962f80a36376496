"""Bug: the cache key is built with str(): f(3) and f(3.0) get two entries, f(3) and
f("3") share one.

The tutorial `str(args) + str(kwargs)` idea in another form: equal arguments that print
differently miss each other's entries, different ones that print alike get each other's
results, and unhashable arguments are silently accepted.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

from solutions import lru as reference

KILLED_BY = "TestPart2Decorator::test_typed_keeps_int_and_float_apart"
KILLED_WITH = "AssertionError"
KILLED_MATCHING = r"without typed, f\(3, 0\) and f\(3\.0, 0\) are one call"


class PrintedKeys(reference.Memoizer):
    self_keyed: frozenset[type] = frozenset()  # every call goes through make_key below

    @staticmethod
    def make_key(args: tuple[Any, ...], kwds: dict[str, Any], typed: bool) -> Hashable:
        # BUG: str() forgets types: 3 and "3" (and None and "None") print the same.
        # Correct: the arguments themselves, as in reference.Memoizer.make_key
        key = ",".join(str(a) for a in args)
        if kwds:
            key += ";" + ",".join(f"{k}={v}" for k, v in kwds.items())
        if typed:
            key += ";" + ",".join(type(v).__name__ for v in (*args, *kwds.values()))
        return key


lru_cache = PrintedKeys().lru_cache
