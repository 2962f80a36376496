"""Bug: a read fills the cache with what it loaded even if a write happened meanwhile.

Reader loads "old", writer writes "new" and invalidates, reader caches "old": every later
read returns "old" until something else invalidates the key.
"""

from __future__ import annotations

from typing import Any

from solutions import invalidation as reference

KILLED_BY = "TestPart3Examples::test_stale_set_race"
KILLED_WITH = "AssertionError"
KILLED_MATCHING = r"stale-set race"


class CacheAside(reference.CacheAside):
    def end_lease(self, key: Any, lease: object) -> bool:
        super().end_lease(key, lease)
        # BUG: fills whether or not a write invalidated the key during the load; correct:
        # return what super() says, True only if the lease survived
        return True
