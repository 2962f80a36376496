"""Bug: the sizes recorded in Redis are not checked, so instances of other sizes mix bits.

Two services configured with different capacities compute other positions for the same
item: each finds almost nothing the other added, and answers "certainly not" for items
that are in the filter.
"""

from __future__ import annotations

from solutions import bloom as reference

KILLED_BY = "TestPart3Redis::test_sizes_are_checked"
KILLED_WITH = "Failed"


class RedisBloomFilter(reference.RedisBloomFilter):
    # BUG: no comparison with the recorded bit_count and hash_count
    # (correct: HMGET them first, and refuse when they differ)
    ADD_SCRIPT = """
local changed = 0
for i = 4, #ARGV do
  if redis.call('SETBIT', KEYS[1], ARGV[i], 1) == 0 then changed = 1 end
end
redis.call('HSET', KEYS[2], 'bit_count', ARGV[1], 'hash_count', ARGV[2])
if changed == 1 then redis.call('HINCRBY', KEYS[2], 'count', 1) end
if ARGV[3] ~= '' then
  redis.call('PEXPIRE', KEYS[1], ARGV[3])
  redis.call('PEXPIRE', KEYS[2], ARGV[3])
end
return changed
"""
    CONTAINS_SCRIPT = """
for i = 3, #ARGV do
  if redis.call('GETBIT', KEYS[1], ARGV[i]) == 0 then return 0 end
end
return 1
"""
