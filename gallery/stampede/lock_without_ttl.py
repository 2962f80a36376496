"""Bug: the lock is taken without a TTL: a winner that dies holds the key's lock for ever.

The bug is in the Lua script that takes the lock (the reference's ACQUIRE_UNLESS_CHANGED),
so this cache registers its own copy of that script in place of the reference's.
"""

from __future__ import annotations

from solutions.stampede import SingleFlight, should_recompute_early
from solutions.stampede import StampedeCache as Reference

__all__ = ["SingleFlight", "StampedeCache", "should_recompute_early"]


class StampedeCache(Reference):
    # KEYS[1]: the entry. KEYS[2]: the lock. ARGV[1]: our token. ARGV[2]: lock ttl (ms).
    # ARGV[3]: the entry as the caller last read it ("" for none).
    # Returns {1, entry} when we took the lock, else {0, entry}.
    _acquire_lua = """
local entry = redis.call('get', KEYS[1])
if entry and entry ~= ARGV[3] then
    return {0, entry}
end
if redis.call('set', KEYS[2], ARGV[1], 'NX') then  -- BUG: no PX (correct: 'NX', 'PX', ARGV[2])
    return {1, entry}
end
return {0, entry}
"""
