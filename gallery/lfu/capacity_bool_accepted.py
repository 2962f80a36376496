"""Bug: LFUCache(True) is accepted as a capacity of 1, because bool is a subclass of int.

``isinstance(True, int)`` is true: a type check for an int count has to turn bools away
explicitly, or a flag passed by mistake becomes a size.
"""

from __future__ import annotations

from typing import Any

from solutions import lfu as reference

KILLED_BY = "TestPart1LFUCache::test_capacity_of_the_wrong_type"
KILLED_WITH = "Failed"


class LFUCache(reference.LFUCache):
    def __init__(self, capacity: Any, *, decay_every: int | None = None) -> None:
        # BUG: only checks isinstance(capacity, int), which True and False pass. Correct:
        # refuse a bool before accepting an int.
        if isinstance(capacity, bool):
            capacity = int(capacity)
        super().__init__(capacity, decay_every=decay_every)
