"""Bug: a lone int or str argument is wrapped in a tuple like any other, so f(3) and f(3.0)
share one entry.

functools uses a lone int or str as its own key (no tuple to build), and 3 != (3.0,):
there, f(3) and f(3.0) are two entries even with typed=False, so cache_info() differs.
"""

from __future__ import annotations

from solutions import lru as reference

KILLED_BY = "TestPart2Decorator::test_a_lone_int_or_str_argument_is_its_own_key"
KILLED_WITH = "Failed"
KILLED_MATCHING = r"f\(3\.0\) returned \(3,\)"


class NoLoneKeys(reference.Memoizer):
    self_keyed: frozenset[type] = frozenset()  # BUG: no lone-argument keys. Correct: {int, str}


lru_cache = NoLoneKeys().lru_cache
