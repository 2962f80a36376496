"""Bug: get() does not count as a use, so eviction is first-in first-out, not LRU.

A key read constantly is evicted as if it had not been touched since it was set.
"""

from typing import Any

from solutions import ttl as reference

KILLED_BY = "TestPart2Eviction::test_get_counts_as_use"
KILLED_WITH = "AssertionError"
KILLED_MATCHING = r"get\(\) on a hit makes the key the most recently used"


class TTLCache(reference.TTLCache):
    def get(self, key: Any, default: Any = None) -> Any:
        # BUG: peek() reads without making the key the most recently used; get() is peek()
        # plus that move (the reference: self._data.move_to_end(key) on a hit)
        return self.peek(key, default)
