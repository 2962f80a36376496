"""Bug: L1 never evicts, so it grows without bound and ignores l1_maxsize.

Every key ever read stays in the process's memory (until its l1_ttl runs out and it is
read again): a slow memory leak in every worker.
"""

from __future__ import annotations

from solutions.multilevel import LocalLRU
from solutions.multilevel import MultiLevelCache as Reference

KILLED_BY = "TestPart1L1Bounds::test_l1_evicts_the_least_recently_used_key"
KILLED_WITH = "AssertionError"


class UnboundedLRU(LocalLRU):
    __slots__ = ()

    def evict(self) -> None:
        pass  # BUG: l1_maxsize is ignored (correct: drop the oldest while len > maxsize)


class MultiLevelCache(Reference):
    l1_type = UnboundedLRU
