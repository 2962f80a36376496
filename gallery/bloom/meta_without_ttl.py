"""Bug: with a ttl, add() sets the bits key to expire but not the meta hash.

When the bits expire the count and the recorded sizes live on: len() reports items the
filter no longer holds, and the meta hash never goes away.
"""

from __future__ import annotations

from solutions import bloom as reference

KILLED_BY = "TestPart3Redis::test_with_a_ttl_every_add_sets_both_keys_to_expire"
KILLED_WITH = "AssertionError"
KILLED_MATCHING = r":meta has a TTL of -1"


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
if ARGV[3] ~= '' then
  redis.call('PEXPIRE', KEYS[1], ARGV[3])
  -- BUG: KEYS[2] gets no TTL (correct: PEXPIRE KEYS[2] too)
end
return changed
"""
