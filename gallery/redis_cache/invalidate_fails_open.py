"""Bug: invalidate() and invalidate_all() swallow an outage: the caller thinks stale data is gone.

Reads may fail open (the worst case is a recomputation); a failed invalidation must raise,
or stale data is served after the caller was told it is gone.
"""

from __future__ import annotations

from typing import Any

from solutions import redis_cache as reference

KILLED_BY = "TestPart3FailOpen::test_closed_port_invalidations_raise"
KILLED_WITH = "Failed"


class CachedFunction(reference.CachedFunction):
    def invalidate(self, *args: Any, **kwargs: Any) -> bool:
        try:
            return super().invalidate(*args, **kwargs)
        except reference.REDIS_DOWN:
            return False  # BUG: the stale entry is still there and nobody knows; must raise

    def invalidate_all(self) -> None:
        try:
            super().invalidate_all()
        except reference.REDIS_DOWN as exc:
            self.on_redis_down(exc, "invalidating")  # BUG: logs and goes on; must raise


redis_cache = CachedFunction.decorator
