"""A first attempt by someone who has used pybloom-live, written from the stub.

Its mistakes, in the order a learner meets them:

1. ``add()`` returns whether the item was already there (pybloom-live's meaning), not
   whether the filter changed.
2. ``add()`` raises IndexError once ``capacity`` items are in, as pybloom-live does.
3. The hash count is ``ceil(log2(1 / p))``, pybloom-live's, not ``round((m/n) ln 2)``:
   one hash too many at p = 0.05.
4. Items go through ``str(item).encode()``, so ``b"a"`` is hashed as the text "b'a'".
"""

import hashlib
import math
import threading
import time
from collections import namedtuple

import redis


def _check_sizes(capacity, error_rate):
    if type(capacity) is not int:
        raise TypeError("capacity must be an int")
    if capacity <= 0:
        raise ValueError("capacity must be > 0")
    if type(error_rate) not in (int, float):
        raise TypeError("error_rate must be a number")
    if not (0 < error_rate < 1):
        raise ValueError("error_rate must be between 0 and 1")


def _encode(item):
    if not isinstance(item, (str, bytes)):
        raise TypeError("item must be str or bytes")
    return str(item).encode("utf-8")


class _Hashing:
    def _setup(self, capacity, error_rate):
        _check_sizes(capacity, error_rate)
        self.capacity = capacity
        self.error_rate = error_rate
        self.num_bits = math.ceil(capacity * abs(math.log(error_rate)) / (math.log(2) ** 2))
        self.num_hashes = int(math.ceil(math.log(1.0 / error_rate, 2)))

    @property
    def bit_count(self):
        return self.num_bits

    @property
    def hash_count(self):
        return self.num_hashes

    def positions(self, item):
        key = _encode(item)
        out = []
        for i in range(self.num_hashes):
            digest = hashlib.sha256(i.to_bytes(4, "big") + key).digest()
            out.append(int.from_bytes(digest[:8], "big") % self.num_bits)
        return out


class BloomFilter(_Hashing):
    def __init__(self, capacity, error_rate):
        self._setup(capacity, error_rate)
        self.bits = 0
        self.count = 0
        self.lock = threading.Lock()

    def add(self, item):
        if self.count >= self.capacity:
            raise IndexError("BloomFilter is at capacity")
        found_all = True
        with self.lock:
            for p in self.positions(item):
                if not (self.bits >> p) & 1:
                    found_all = False
                    self.bits |= 1 << p
            if not found_all:
                self.count += 1
        return found_all

    def __contains__(self, item):
        return all((self.bits >> p) & 1 for p in self.positions(item))

    def __len__(self):
        return self.count

    def clear(self):
        with self.lock:
            self.bits = 0
            self.count = 0


LoaderStats = namedtuple("LoaderStats", ["filtered", "negative_hits", "loads"])


class ProtectedLoader:
    def __init__(self, load, *, bloom, negative_ttl, clock=time.monotonic):
        if not callable(load):
            raise TypeError("load must be callable")
        if not hasattr(bloom, "__contains__") or not hasattr(bloom, "add"):
            raise TypeError("bloom must look like a set")
        if not callable(clock):
            raise TypeError("clock must be callable")
        if type(negative_ttl) not in (int, float):
            raise TypeError("negative_ttl must be a number")
        if not (0 < negative_ttl < float("inf")):
            raise ValueError("negative_ttl must be positive and finite")
        self.load = load
        self.bloom = bloom
        self.ttl = negative_ttl
        self.clock = clock
        self.missing = {}
        self.lock = threading.Lock()
        self.counts = [0, 0, 0]

    def _purge(self, now):
        for key in list(self.missing):
            if self.missing[key] <= now:
                del self.missing[key]
            else:
                break

    def get(self, key):
        if not isinstance(key, str):
            raise TypeError("key must be a str")
        with self.lock:
            self._purge(self.clock())
        if key not in self.bloom:
            with self.lock:
                self.counts[0] += 1
            return None
        with self.lock:
            if key in self.missing and self.clock() < self.missing[key]:
                self.counts[1] += 1
                return None
            self.counts[2] += 1
        value = self.load(key)
        if value is None:
            with self.lock:
                self.missing.pop(key, None)
                self.missing[key] = self.clock() + self.ttl
        return value

    def add(self, key):
        if not isinstance(key, str):
            raise TypeError("key must be a str")
        self.bloom.add(key)
        with self.lock:
            self.missing.pop(key, None)
            self._purge(self.clock())

    @property
    def negative_count(self):
        return len(self.missing)

    def stats(self):
        with self.lock:
            return LoaderStats(*self.counts)


ADD_LUA = """
local stored = redis.call('HMGET', KEYS[2], 'bit_count', 'hash_count')
if stored[1] and (tonumber(stored[1]) ~= tonumber(ARGV[1]) or tonumber(stored[2]) ~= tonumber(ARGV[2])) then
  return -1
end
local new = 0
for i = 4, #ARGV do
  new = new + (1 - redis.call('SETBIT', KEYS[1], ARGV[i], 1))
end
redis.call('HSET', KEYS[2], 'bit_count', ARGV[1], 'hash_count', ARGV[2])
if new > 0 then redis.call('HINCRBY', KEYS[2], 'count', 1) end
if ARGV[3] ~= '0' then
  redis.call('PEXPIRE', KEYS[1], ARGV[3])
  redis.call('PEXPIRE', KEYS[2], ARGV[3])
end
if new > 0 then return 0 end
return 1
"""

CHECK_LUA = """
local stored = redis.call('HMGET', KEYS[2], 'bit_count', 'hash_count')
if stored[1] and (tonumber(stored[1]) ~= tonumber(ARGV[1]) or tonumber(stored[2]) ~= tonumber(ARGV[2])) then
  return -1
end
for i = 3, #ARGV do
  if redis.call('GETBIT', KEYS[1], ARGV[i]) == 0 then return 0 end
end
return 1
"""


class RedisBloomFilter(_Hashing):
    def __init__(self, client, name, capacity, error_rate, *, ttl=None):
        self._setup(capacity, error_rate)
        if not isinstance(name, str):
            raise TypeError("name must be a str")
        if not name or "{" in name or "}" in name:
            raise ValueError("bad name")
        if self.num_bits > 2 ** 32:
            raise ValueError("capacity too large for a Redis string")
        if ttl is not None:
            if type(ttl) not in (int, float):
                raise TypeError("ttl must be a number")
            if not (0 < ttl < float("inf")):
                raise ValueError("ttl must be positive")
        self.redis = client
        self.name = name
        self.ttl = ttl
        self.keys = ["bloom:{%s}:bits" % name, "bloom:{%s}:meta" % name]
        self.add_script = client.register_script(ADD_LUA)
        self.check_script = client.register_script(CHECK_LUA)

    def _mismatch(self):
        raise ValueError("the filter in Redis has other sizes (capacity / error_rate differ)")

    def add(self, item):
        positions = self.positions(item)
        ttl_ms = 0 if self.ttl is None else math.ceil(self.ttl * 1000)
        result = self.add_script(keys=self.keys,
                                 args=[self.num_bits, self.num_hashes, ttl_ms] + positions)
        if result == -1:
            self._mismatch()
        return bool(result)

    def __contains__(self, item):
        positions = self.positions(item)
        result = self.check_script(keys=self.keys, args=[self.num_bits, self.num_hashes] + positions)
        if result == -1:
            self._mismatch()
        return result == 1

    def __len__(self):
        return int(self.redis.hget(self.keys[1], "count") or 0)

    def clear(self):
        self.redis.delete(*self.keys)


# The first failure a learner sees, checked by make verify:
KILLED_BY = "TestBloomMachine::runTest"
KILLED_WITH = "AssertionError"
KILLED_MATCHING = r"add\(.*\) returned (True|False), expected"
LOOKS_LIKE = ("add_returns_was_present",)
