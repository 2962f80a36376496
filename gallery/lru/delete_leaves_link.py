"""Bug: delete() removes the key from the dict but leaves its link in the recency list.

keys() still lists the deleted key, and eviction later trips over the ghost link.
"""

from __future__ import annotations

from typing import Any

from solutions import lru as reference

KILLED_BY = "TestLRUMachine::runTest"
KILLED_WITH = "AssertionError"
KILLED_MATCHING = r"still lists .* after it was deleted"


class LRUCache(reference.LRUCache):
    def unlink(self, link: Any) -> None:
        # BUG: the list keeps the link. Correct: link.prev.next = link.next and
        # link.next.prev = link.prev, as super().unlink(link) does
        pass
