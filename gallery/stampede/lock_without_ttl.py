"""Bug: the lock is taken without a TTL: a winner that dies holds the key's lock for ever.

The bug is in the Lua script that takes the lock: SET NX without PX.
"""

from __future__ import annotations

from solutions.stampede import StampedeCache as Reference

KILLED_BY = "TestPart3StampedeCache::test_entry_and_lock_keys_carry_ttls"
KILLED_WITH = "AssertionError"
KILLED_MATCHING = r"while compute ran"


class StampedeCache(Reference):
    # BUG: redis.call('set', KEYS[2], ARGV[1], 'NX'), no PX
    # (correct: redis.call('set', KEYS[2], ARGV[1], 'NX', 'PX', ARGV[2]))
    ACQUIRE_SCRIPT = Reference.ACQUIRE_SCRIPT.replace("'NX', 'PX', ARGV[2]", "'NX'", 1)
