"""Bug: a get that misses is not counted as an operation, so decays come late.

The contract counts every get and put, hit or miss: the clock of aging is the traffic,
not the hits. A workload of mostly misses (a cold cache, a scan) then never ages.
"""

from __future__ import annotations

from typing import Any

from solutions import lfu as reference

KILLED_BY = "TestDecayMachine::runTest"
KILLED_WITH = "AssertionError"
KILLED_MATCHING = r"just halved|none is due"


class LFUCache(reference.LFUCache):
    def get(self, key: Any, default: Any = None) -> Any:
        if self.entry(key) is None:
            return default  # BUG: not counted. Correct: super().get(), which counts it.
        return super().get(key, default)
