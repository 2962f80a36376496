"""Bug: LRUCache has no __reduce__, so pickle and deepcopy walk the linked list recursively.

The default reducer pickles a link, whose next link is pickled inside it, and so on: past
a few hundred keys that is RecursionError, and copy.copy shares the links with the
original. The reference pickles its items, in recency order, instead.
"""

from __future__ import annotations

from solutions import lru as reference

KILLED_BY = "TestPart3LargeCaches::test_a_large_cache_pickles_and_copies"
KILLED_WITH = "Failed"
KILLED_MATCHING = r"RecursionError"


class LRUCache(reference.LRUCache):
    # BUG: the default reducer. Correct: the reference's __reduce__, which returns
    # (type(self), (capacity,), items in recency order)
    __reduce__ = object.__reduce__
