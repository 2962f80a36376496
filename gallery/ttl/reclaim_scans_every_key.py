"""Bug: set() looks for expired entries by checking every key it holds: O(n) per set.

It drops the right entries, but a cache of 32,768 entries looks at all of them on every
set, where popping the expiry records that are due costs O(log n).
"""

from typing import Any

from solutions import ttl as reference

KILLED_BY = "TestPart2Complexity::test_set_does_not_scan_every_entry"
KILLED_WITH = "AssertionError"
KILLED_MATCHING = r"drops one expired entry"


class TTLCache(reference.TTLCache):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.keys_set: set[Any] = set()  # every key set, until it is found gone

    def set(self, key: Any, value: Any, ttl: float | None = None) -> None:
        super().set(key, value, ttl)
        self.keys_set.add(key)

    def reclaim(self, now: float) -> None:
        # BUG: every key is looked at; the reference pops only the expiry records due
        for key in [k for k in self.keys_set if k not in self]:
            self.keys_set.discard(key)
            self.delete(key)
