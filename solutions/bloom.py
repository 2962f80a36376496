"""A Bloom filter, cache penetration protection built on it, and the filter in Redis.

The reference for ``katas/bloom.py`` (the stub holds the full specification).

A Bloom filter is ``m`` bits and ``k`` positions per item: adding sets the item's bits,
checking asks whether all of them are set. Bits are never cleared one by one, so an item
once added is always found (no false negatives); an item never added is found only when
other items happen to cover all its bits (a false positive, at rate about p when n items
are in a filter sized for n and p). The ``k`` positions come from one 128-bit blake2b
digest by double hashing (Kirsch and Mitzenmacher): ``h1 + i * h2 mod m``, as good as
``k`` independent hashes for a filter, at the cost of one.

``ProtectedLoader`` puts such a filter, holding every key a store has, in front of the
store: a lookup of a key that cannot exist is answered without the store, and the few
that get through (false positives, deleted keys) are remembered as "not found" for
``negative_ttl`` seconds.

``RedisBloomFilter`` keeps the bits in a Redis string: the same positions, one Lua script
per add (set the bits, count the add, check the sizes, refresh the TTL) and one per check.

Extension points
----------------
The steps where a Bloom filter or a loader can go wrong are public methods (or class
attributes) of their own; ``add``, ``__contains__`` and ``get`` are the policy around them.

Sizing and hashing (``BloomFilter`` and ``RedisBloomFilter``):

- ``optimal_bit_count(capacity, error_rate) -> int`` and ``optimal_hash_count(bit_count,
  capacity) -> int``: the stated sizing formulas (static methods).
- ``item_bytes(item) -> bytes``: the bytes an item stands for (UTF-8 for a ``str``), or
  ``TypeError`` naming ``item``.
- ``positions(item) -> list[int]``: double hashing of ``item_bytes(item)``.

Storage:

- ``set_bits(positions) -> bool``: set those bits and count the add if any was 0; True
  if the filter changed. In memory under the lock; in Redis one ``ADD_SCRIPT`` call.
- ``test_bits(positions) -> bool``: whether all those bits are set (in Redis one
  ``CONTAINS_SCRIPT`` call).
- ``RedisBloomFilter.key_names(name) -> (bits_key, meta_key)``: where the filter lives.
- ``RedisBloomFilter.ADD_SCRIPT`` / ``CONTAINS_SCRIPT``: the Lua they run (``KEYS[1]``
  the bits, ``KEYS[2]`` the meta hash; ``ARGV`` the sizes, for ``ADD_SCRIPT`` the TTL in
  ms or ``""``, then the positions).

``ProtectedLoader``:

- ``may_exist(key) -> bool``: the filter's answer, ``key in bloom``.
- ``fetch(key)``: the store read of step 3: ``load(key)``, caching "not found".
- ``negative_cache_type``: the class of ``negatives``, the "not found" cache
  (``NegativeCache``: ``hit(key, now)``, ``remember(key, now)``, ``forget(key)``,
  ``reclaim(now)``, ``len()``), built with ``negative_ttl``.

Hooks read the public attributes: ``BloomFilter``/``RedisBloomFilter``: ``capacity``,
``error_rate`` (``RedisBloomFilter`` also ``client``, ``name``, ``bits_key``,
``meta_key``, ``ttl``); ``ProtectedLoader``: ``load``, ``bloom``, ``negative_ttl``,
``clock``, ``negatives``.
"""

from __future__ import annotations

import hashlib
import math
import struct
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

import redis
from redis.commands.core import Script

Clock = Callable[[], float]

REDIS_MAX_BITS = 2**32  # a Redis string is at most 512 MB

_two_halves = struct.Struct("<QQ").unpack  # a 16-byte digest as two 64-bit ints


# --- argument checks -------------------------------------------------------------------


def _capacity(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"capacity must be an int, got {value!r}")
    if value < 1:
        raise ValueError(f"capacity must be at least 1, got {value!r}")
    return value


def _error_rate(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"error_rate must be a number, got {value!r}")
    if not 0 < value < 1:  # False for NaN too
        raise ValueError(f"error_rate must be strictly between 0 and 1, got {value!r}")
    return float(value)


def _seconds(name: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"{name} must be a number of seconds, got {value!r}")
    if not (math.isfinite(value) and value > 0):
        raise ValueError(f"{name} must be a finite number of seconds > 0, got {value!r}")
    return float(value)


# --- Part 1: the filter in memory ------------------------------------------------------


class _Sized:
    """What every filter shares: its sizes, its items and their positions."""

    def __init__(self, capacity: int, error_rate: float) -> None:
        self.capacity = _capacity(capacity)
        self.error_rate = _error_rate(error_rate)
        self._bit_count = self.optimal_bit_count(self.capacity, self.error_rate)
        self._hash_count = self.optimal_hash_count(self._bit_count, self.capacity)
        self._steps = range(self._hash_count)

    @staticmethod
    def optimal_bit_count(capacity: int, error_rate: float) -> int:
        return math.ceil(-capacity * math.log(error_rate) / math.log(2) ** 2)

    @staticmethod
    def optimal_hash_count(bit_count: int, capacity: int) -> int:
        return max(1, round(bit_count / capacity * math.log(2)))

    @property
    def bit_count(self) -> int:
        return self._bit_count

    @property
    def hash_count(self) -> int:
        return self._hash_count

    @staticmethod
    def item_bytes(item: object) -> bytes:
        if isinstance(item, str):
            return item.encode()
        if isinstance(item, bytes):
            return item
        raise TypeError(f"item must be a str or bytes, got {type(item).__name__}")

    def positions(self, item: str | bytes) -> list[int]:
        h1, h2 = _two_halves(hashlib.blake2b(self.item_bytes(item), digest_size=16).digest())
        m = self._bit_count
        h1 %= m  # the same positions as (h1 + i * h2) % m, without big ints
        h2 %= m
        return [(h1 + i * h2) % m for i in self._steps]

    def __repr__(self) -> str:
        return (f"{type(self).__name__}(capacity={self.capacity}, error_rate={self.error_rate}"
                f"; {self._bit_count} bits, {self._hash_count} hashes)")


class BloomFilter(_Sized):
    """``capacity`` items at ``error_rate``, in ``bit_count`` bits of a ``bytearray``.

    Bit ``i`` is bit ``7 - i % 8`` of byte ``i // 8`` (the most significant bit first, the
    order of Redis's SETBIT), so the bytes could be loaded into Redis as they are.
    """

    def __init__(self, capacity: int, error_rate: float) -> None:
        super().__init__(capacity, error_rate)
        self._bits = bytearray((self._bit_count + 7) // 8)
        self._added = 0
        self._lock = threading.Lock()

    def add(self, item: str | bytes) -> bool:
        return self.set_bits(self.positions(item))

    def __contains__(self, item: object) -> bool:
        return self.test_bits(self.positions(item))  # type: ignore[arg-type]

    def __len__(self) -> int:
        return self._added

    def clear(self) -> None:
        with self._lock:
            self._bits = bytearray(len(self._bits))
            self._added = 0

    def set_bits(self, positions: Sequence[int]) -> bool:
        bits = self._bits
        changed = False
        with self._lock:
            for p in positions:
                mask = 0x80 >> (p & 7)
                if not bits[p >> 3] & mask:
                    bits[p >> 3] |= mask
                    changed = True
            self._added += changed
        return changed

    def test_bits(self, positions: Sequence[int]) -> bool:
        bits = self._bits
        return all(bits[p >> 3] & (0x80 >> (p & 7)) for p in positions)


# --- Part 2: penetration protection ----------------------------------------------------


class LoaderStats(NamedTuple):
    filtered: int
    negative_hits: int
    loads: int


class NegativeCache:
    """Keys the store said it does not have, each until ``ttl`` seconds after it said so.

    One ttl for all and a clock that does not go back make insertion order the expiry
    order: an ``OrderedDict`` (re-remembering moves a key to the end) is its own expiry
    queue, and reclaiming pops from the front while the oldest has expired.
    """

    def __init__(self, ttl: float) -> None:
        self.ttl = ttl
        self._expires: OrderedDict[str, float] = OrderedDict()

    def hit(self, key: str, now: float) -> bool:
        expires = self._expires.get(key)
        return expires is not None and now < expires

    def remember(self, key: str, now: float) -> None:
        self._expires[key] = now + self.ttl
        self._expires.move_to_end(key)

    def forget(self, key: str) -> None:
        self._expires.pop(key, None)

    def reclaim(self, now: float) -> None:
        expires = self._expires
        while expires:
            oldest = next(iter(expires))
            if now < expires[oldest]:
                return
            del expires[oldest]

    def __len__(self) -> int:
        return len(self._expires)


def _key(value: object) -> str:
    if not isinstance(value, str):
        raise TypeError(f"key must be a str, got {type(value).__name__}")
    return value


class ProtectedLoader:
    """``get(key)``: the filter, then the "not found" cache, then the store."""

    negative_cache_type: type[NegativeCache] = NegativeCache

    def __init__(
        self,
        load: Callable[[str], Any],
        *,
        bloom: Any,
        negative_ttl: float,
        clock: Clock = time.monotonic,
    ) -> None:
        if not callable(load):
            raise TypeError(f"load must be callable, got {load!r}")
        if not (hasattr(bloom, "__contains__") and callable(getattr(bloom, "add", None))):
            raise TypeError(f"bloom must have __contains__ and add, got {bloom!r}")
        if not callable(clock):
            raise TypeError(f"clock must be callable, got {clock!r}")
        self.load = load
        self.bloom = bloom
        self.negative_ttl = _seconds("negative_ttl", negative_ttl)
        self.clock = clock
        self.negatives = self.negative_cache_type(self.negative_ttl)
        self._lock = threading.Lock()
        self._filtered = self._negative_hits = self._loads = 0

    def get(self, key: str) -> Any:
        _key(key)
        exists = self.may_exist(key)  # outside the lock: the filter may be a round trip
        with self._lock:
            now = self.clock()  # one reading for the whole decision
            self.negatives.reclaim(now)
            if not exists:
                self._filtered += 1
                return None
            if self.negatives.hit(key, now):
                self._negative_hits += 1
                return None
            self._loads += 1
        return self.fetch(key)

    def may_exist(self, key: str) -> bool:
        return key in self.bloom

    def fetch(self, key: str) -> Any:
        value = self.load(key)  # outside the lock: a slow store delays nobody else
        if value is None:
            with self._lock:
                self.negatives.remember(key, self.clock())
        return value

    def add(self, key: str) -> None:
        _key(key)
        self.bloom.add(key)
        with self._lock:
            self.negatives.forget(key)
            self.negatives.reclaim(self.clock())

    @property
    def negative_count(self) -> int:
        return len(self.negatives)

    def stats(self) -> LoaderStats:
        with self._lock:
            return LoaderStats(self._filtered, self._negative_hits, self._loads)


# --- Part 3: the filter in Redis -------------------------------------------------------

# Both scripts: KEYS[1] the bits, KEYS[2] the meta hash; ARGV[1] bit_count, ARGV[2]
# hash_count. Sizes recorded by another instance that differ: the recorded ones come back
# as a table, and nothing changes.
_CHECK_SIZES = """
local recorded = redis.call('HMGET', KEYS[2], 'bit_count', 'hash_count')
if recorded[1] and (recorded[1] ~= ARGV[1] or recorded[2] ~= ARGV[2]) then
  return {tonumber(recorded[1]), tonumber(recorded[2])}
end
"""

# ARGV[3]: the TTL in ms, or '' for none; ARGV[4..]: the positions. Returns 1 if a bit
# changed (and then counts the add), else 0.
ADD_SCRIPT = _CHECK_SIZES + """
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

# ARGV[3..]: the positions. Returns 1 if every bit is set, else 0.
CONTAINS_SCRIPT = _CHECK_SIZES + """
for i = 3, #ARGV do
  if redis.call('GETBIT', KEYS[1], ARGV[i]) == 0 then return 0 end
end
return 1
"""


def _name(value: object) -> str:
    if not isinstance(value, str):
        raise TypeError(f"name must be a str, got {type(value).__name__}")
    if not value or "{" in value or "}" in value:
        raise ValueError(f"name must be a non-empty str without braces, got {value!r}")
    return value


class RedisBloomFilter(_Sized):
    """The filter's bits in ``bloom:{name}:bits``, its sizes and count in ``...:meta``."""

    ADD_SCRIPT = ADD_SCRIPT
    CONTAINS_SCRIPT = CONTAINS_SCRIPT

    def __init__(
        self,
        client: redis.Redis,
        name: str,
        capacity: int,
        error_rate: float,
        *,
        ttl: float | None = None,
    ) -> None:
        super().__init__(capacity, error_rate)
        if self._bit_count > REDIS_MAX_BITS:
            raise ValueError(f"capacity {capacity} at error_rate {error_rate} needs "
                             f"{self._bit_count} bits; a Redis string holds at most 2**32")
        self.client = client
        self.name = _name(name)
        self.ttl = None if ttl is None else _seconds("ttl", ttl)
        self.bits_key, self.meta_key = self.key_names(self.name)
        self._add: Script = client.register_script(self.ADD_SCRIPT)
        self._contains: Script = client.register_script(self.CONTAINS_SCRIPT)

    @staticmethod
    def key_names(name: str) -> tuple[str, str]:
        return f"bloom:{{{name}}}:bits", f"bloom:{{{name}}}:meta"

    def add(self, item: str | bytes) -> bool:
        return self.set_bits(self.positions(item))

    def __contains__(self, item: object) -> bool:
        return self.test_bits(self.positions(item))  # type: ignore[arg-type]

    def __len__(self) -> int:
        count = self.client.hget(self.meta_key, "count")
        return 0 if count is None else int(count)

    def clear(self) -> None:
        self.client.delete(self.bits_key, self.meta_key)

    def set_bits(self, positions: Sequence[int]) -> bool:
        ttl_ms = "" if self.ttl is None else math.ceil(self.ttl * 1000)
        return self._answer(self._add(keys=[self.bits_key, self.meta_key],
                                      args=[*self._sizes(), ttl_ms, *positions]))

    def test_bits(self, positions: Sequence[int]) -> bool:
        return self._answer(self._contains(keys=[self.bits_key, self.meta_key],
                                           args=[*self._sizes(), *positions]))

    def _sizes(self) -> tuple[int, int]:
        return self._bit_count, self._hash_count

    def _answer(self, reply: Any) -> bool:
        if isinstance(reply, list):
            bit_count, hash_count = reply
            raise ValueError(
                f"filter {self.name!r} in Redis has {bit_count} bits and {hash_count} "
                f"hashes, but this instance's capacity {self.capacity} and error_rate "
                f"{self.error_rate} give {self._bit_count} and {self._hash_count}")
        return bool(reply)
