"""Bug: L2 entries are written without a TTL (SET without PX), so they live for ever.

Nothing ever expires from Redis: it fills up with keys nobody reads any more, and a
value written behind the cache's back is never refreshed.
"""

from __future__ import annotations

from solutions.multilevel import MultiLevelCache as Reference

KILLED_BY = "TestPart1ReadThrough::test_get_or_load_on_a_miss_fills_l2_with_ttl_then_l1"
KILLED_WITH = "AssertionError"
KILLED_MATCHING = "PTTL -1 "


class MultiLevelCache(Reference):
    def write_l2(self, key: str, data: str | bytes, *, only_if_absent: bool = False) -> bool:
        # BUG: no px= (correct: px=self.l2_ttl_ms, as SET ... PX)
        return bool(self.client.set(self.l2_key(key), data, nx=only_if_absent))
