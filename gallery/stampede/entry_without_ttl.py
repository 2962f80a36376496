"""Bug: the entry is stored without a Redis TTL, so stale keys live for ever.

The bug is in the Lua script that stores the entry (the reference's STORE_AND_RELEASE),
so this cache registers its own copy of that script in place of the reference's.
"""

from __future__ import annotations

from solutions.stampede import SingleFlight, should_recompute_early
from solutions.stampede import StampedeCache as Reference

__all__ = ["SingleFlight", "StampedeCache", "should_recompute_early"]


class StampedeCache(Reference):
    # KEYS[1]: the entry. KEYS[2]: the lock. ARGV[1]: the entry. ARGV[2]: its ttl (ms).
    # ARGV[3]: our token. Store the entry, then release the lock if it is still ours.
    _store_lua = """
redis.call('set', KEYS[1], ARGV[1])  -- BUG: no PX (correct: ..., ARGV[1], 'PX', ARGV[2])
if redis.call('get', KEYS[2]) == ARGV[3] then
    redis.call('del', KEYS[2])
end
return 1
"""
