"""Bug: the entry is stored without a Redis TTL, so stale keys live for ever.

The bug is in the Lua script that stores the entry: SET without PX.
"""

from __future__ import annotations

from solutions.stampede import StampedeCache as Reference

KILLED_BY = "TestPart3StampedeCache::test_entry_and_lock_keys_carry_ttls"
KILLED_WITH = "AssertionError"
KILLED_MATCHING = r"once the value was stored"


class StampedeCache(Reference):
    # BUG: redis.call('set', KEYS[1], ARGV[1]), no PX
    # (correct: redis.call('set', KEYS[1], ARGV[1], 'PX', ARGV[2]))
    STORE_SCRIPT = Reference.STORE_SCRIPT.replace(", 'PX', ARGV[2])", ")", 1)
