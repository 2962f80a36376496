"""Bug: eviction scans every key for the smallest (frequency, last use): O(n) per eviction.

The textbook first version (a dict of counts and min()). Every answer is right, and a
full cache of 100,000 keys pays 100,000 steps for each new key. The frequency buckets exist
to make the victim the first entry of the lowest bucket, in O(1).
"""

from __future__ import annotations

from typing import Any

from solutions import lfu as reference

KILLED_BY = "test_operations_stay_constant_time_as_the_cache_grows"
KILLED_WITH = "AssertionError"


class LFUCache(reference.LFUCache):
    def evict(self) -> Any:
        # BUG: a scan of every key. Correct: the least recently used entry of the lowest
        # frequency's bucket, found in O(1).
        victim = min(self.keys(), key=lambda key: (self.frequency(key), self.entry(key).tick))
        entry = self.entry(victim)
        self.delete(victim)
        return entry
