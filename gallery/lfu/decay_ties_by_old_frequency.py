"""Bug: a decay orders keys that land on one frequency by their old frequency, not by recency.

Buckets 4 and 5 both become 2. Appending bucket 4's keys, then bucket 5's, puts a key used
a moment ago (in bucket 4) before one unused for ages (in bucket 5): the tie rule, least
recently used first, breaks after every decay.
"""

from __future__ import annotations

from solutions import lfu as reference

KILLED_BY = "TestDecayMachine::runTest"
KILLED_WITH = "AssertionError"
KILLED_MATCHING = r"became equal in the decay keep the tie rule"


class LFUCache(reference.LFUCache):
    def decay(self) -> None:
        old = [(key, self.entry(key).value, self.decayed(self.frequency(key)))
               for key in self.keys()]
        self.clear()
        # BUG: rebuilt in the old eviction order, so within a new frequency the keys keep
        # the order of their old frequencies. Correct: merge the buckets by last use.
        for key, value, frequency in old:
            entry = self.insert(key, value)
            for _ in range(frequency - 1):
                self.touch(entry)
