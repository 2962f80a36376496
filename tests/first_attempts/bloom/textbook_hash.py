"""A first attempt from the textbook: k hash functions as hash((i, item)), written from the stub.

Its mistakes, in the order a learner meets them:

1. The k positions come from the builtin ``hash()``, salted with the function number:
   every process gets other positions for the same item (PYTHONHASHSEED).
2. A cached "not found" is still used at exactly ``t0 + negative_ttl`` (``<=``).
3. The Redis add is a pipeline of SETBITs, then an HINCRBY when a bit was new: two
   round trips, and not atomic.
"""

import math
import threading
import time
from typing import NamedTuple


class BloomFilter:
    def __init__(self, capacity, error_rate):
        if isinstance(capacity, bool) or not isinstance(capacity, int):
            raise TypeError(f"capacity must be an int, not {capacity!r}")
        if capacity < 1:
            raise ValueError(f"capacity must be positive, not {capacity!r}")
        if isinstance(error_rate, bool) or not isinstance(error_rate, (int, float)):
            raise TypeError(f"error_rate must be a float, not {error_rate!r}")
        if not 0 < error_rate < 1:
            raise ValueError(f"error_rate must be in (0, 1), not {error_rate!r}")
        self.m = math.ceil(-capacity * math.log(error_rate) / math.log(2) ** 2)
        self.k = max(1, round(self.m / capacity * math.log(2)))
        self.array = [False] * self.m
        self.n = 0
        self.mutex = threading.Lock()

    @property
    def bit_count(self):
        return self.m

    @property
    def hash_count(self):
        return self.k

    def positions(self, item):
        if isinstance(item, str):
            item = item.encode("utf-8")
        elif not isinstance(item, bytes):
            raise TypeError(f"item must be str or bytes, not {type(item).__name__}")
        return [hash((i, item)) % self.m for i in range(self.k)]

    def add(self, item):
        idx = self.positions(item)
        with self.mutex:
            new = not all(self.array[i] for i in idx)
            for i in idx:
                self.array[i] = True
            if new:
                self.n += 1
        return new

    def __contains__(self, item):
        return all(self.array[i] for i in self.positions(item))

    def __len__(self):
        return self.n

    def clear(self):
        with self.mutex:
            self.array = [False] * self.m
            self.n = 0


class LoaderStats(NamedTuple):
    filtered: int
    negative_hits: int
    loads: int


class ProtectedLoader:
    def __init__(self, load, *, bloom, negative_ttl, clock=time.monotonic):
        if not callable(load):
            raise TypeError("load is not callable")
        if not callable(clock):
            raise TypeError("clock is not callable")
        if not (hasattr(bloom, "__contains__") and hasattr(bloom, "add")):
            raise TypeError("bloom needs __contains__ and add")
        if isinstance(negative_ttl, bool) or not isinstance(negative_ttl, (int, float)):
            raise TypeError("negative_ttl must be a number")
        if math.isnan(negative_ttl) or math.isinf(negative_ttl) or negative_ttl <= 0:
            raise ValueError("negative_ttl must be a positive finite number")
        self.load = load
        self.bloom = bloom
        self.negative_ttl = negative_ttl
        self.clock = clock
        self.not_found = {}  # key -> time it was cached; dicts keep insertion order
        self.mutex = threading.Lock()
        self.filtered = self.negative_hits = self.loads = 0

    def _expire(self, now):
        while self.not_found:
            key = next(iter(self.not_found))
            if self.not_found[key] + self.negative_ttl >= now:
                break
            del self.not_found[key]

    def get(self, key):
        if not isinstance(key, str):
            raise TypeError("key must be a str")
        with self.mutex:
            now = self.clock()
            self._expire(now)
        if key not in self.bloom:
            with self.mutex:
                self.filtered += 1
            return None
        with self.mutex:
            cached = self.not_found.get(key)
            if cached is not None and now <= cached + self.negative_ttl:
                self.negative_hits += 1
                return None
            self.loads += 1
        value = self.load(key)
        if value is None:
            with self.mutex:
                self.not_found.pop(key, None)
                self.not_found[key] = self.clock()
        return value

    def add(self, key):
        if not isinstance(key, str):
            raise TypeError("key must be a str")
        self.bloom.add(key)
        with self.mutex:
            self.not_found.pop(key, None)
            self._expire(self.clock())

    @property
    def negative_count(self):
        return len(self.not_found)

    def stats(self):
        with self.mutex:
            return LoaderStats(self.filtered, self.negative_hits, self.loads)


class RedisBloomFilter(BloomFilter):
    def __init__(self, client, name, capacity, error_rate, *, ttl=None):
        if not isinstance(name, str):
            raise TypeError("name must be a str")
        if name == "" or "{" in name or "}" in name:
            raise ValueError("name must be non-empty, without braces")
        if ttl is not None:
            if isinstance(ttl, bool) or not isinstance(ttl, (int, float)):
                raise TypeError("ttl must be a number or None")
            if not math.isfinite(ttl) or ttl <= 0:
                raise ValueError("ttl must be > 0")
        super().__init__(capacity, error_rate)
        del self.array
        if self.m > 2 ** 32:
            raise ValueError("capacity too big for one Redis string")
        self.r = client
        self.name = name
        self.ttl = ttl
        self.bits = f"bloom:{{{name}}}:bits"
        self.meta = f"bloom:{{{name}}}:meta"

    def _sizes_ok(self, recorded):
        if recorded[0] is None:
            return
        if (int(recorded[0]), int(recorded[1])) != (self.m, self.k):
            raise ValueError("this capacity and error_rate do not match the filter in Redis")

    def add(self, item):
        idx = self.positions(item)
        pipe = self.r.pipeline()
        pipe.hmget(self.meta, "bit_count", "hash_count")
        for i in idx:
            pipe.setbit(self.bits, i, 1)
        pipe.hset(self.meta, mapping={"bit_count": self.m, "hash_count": self.k})
        if self.ttl is not None:
            pipe.pexpire(self.bits, math.ceil(self.ttl * 1000))
            pipe.pexpire(self.meta, math.ceil(self.ttl * 1000))
        results = pipe.execute()
        self._sizes_ok(results[0])
        new = 0 in results[1:1 + len(idx)]
        if new:
            self.r.hincrby(self.meta, "count", 1)
        return new

    def __contains__(self, item):
        idx = self.positions(item)
        pipe = self.r.pipeline()
        pipe.hmget(self.meta, "bit_count", "hash_count")
        for i in idx:
            pipe.getbit(self.bits, i)
        results = pipe.execute()
        self._sizes_ok(results[0])
        return all(results[1:])

    def __len__(self):
        return int(self.r.hget(self.meta, "count") or 0)

    def clear(self):
        self.r.delete(self.bits, self.meta)


# The first failure a learner sees, checked by make verify:
KILLED_BY = "TestPart1Positions::test_positions_are_the_same_in_every_process"
KILLED_WITH = "AssertionError"
LOOKS_LIKE = ("builtin_hash",)
