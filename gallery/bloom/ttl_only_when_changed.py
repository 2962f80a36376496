"""Bug: add() sets the TTL only when it changed a bit, so re-adding keeps nothing alive.

A "seen in the last hour" filter is refreshed by every sighting, including repeats:
with this script an item seen every minute expires an hour after it was first seen.
"""

from __future__ import annotations

from solutions import bloom as reference

KILLED_BY = "TestPart3Redis::test_with_a_ttl_every_add_sets_both_keys_to_expire"
KILLED_WITH = "AssertionError"
KILLED_MATCHING = r"TTL was not set again by add\(\)"


class RedisBloomFilter(reference.RedisBloomFilter):
    ADD_SCRIPT = """
local recorded = redis.call('HMGET', KEYS[2], 'bit_count', 'hash_count')
if recorded[1] and (recorded[1] ~= ARGV[1] or recorded[2] ~= ARGV[2]) then
  return {tonumber(recorded[1]), tonumber(recorded[2])}
end
local changed = 0
for i = 4, #ARGV do
  if redis.call('SETBIT', KEYS[1], ARGV[i], 1) == 0 then changed = 1 end
end
redis.call('HSET', KEYS[2], 'bit_count', ARGV[1], 'hash_count', ARGV[2])
if changed == 1 then redis.call('HINCRBY', KEYS[2], 'count', 1) end
-- BUG: only a changing add sets the TTL (correct: every add, changed or not)
if ARGV[3] ~= '' and changed == 1 then
  redis.call('PEXPIRE', KEYS[1], ARGV[3])
  redis.call('PEXPIRE', KEYS[2], ARGV[3])
end
return changed
"""
