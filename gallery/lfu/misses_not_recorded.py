"""Bug: a get that misses is not recorded in the sketch, so popularity counts only hits.

The point of TinyLFU's history is to know how often a key is asked for while it is NOT
cached: a key requested again and again, and missed each time, still looks like a
stranger when it finally asks for a place in main.
"""

from __future__ import annotations

from typing import Any

from solutions import lfu as reference

KILLED_BY = "TestPart3TinyLFU::test_a_frequent_key_gets_in_and_a_scan_does_not_push_it_out"
KILLED_WITH = "AssertionError"
KILLED_MATCHING = r"should have been admitted"


class TinyLFUCache(reference.TinyLFUCache):
    def get(self, key: Any, default: Any = None) -> Any:
        if key not in self:
            return default  # BUG: not recorded. Correct: super().get() records every get.
        return super().get(key, default)
