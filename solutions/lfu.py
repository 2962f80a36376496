"""LFU in O(1), aging by halving, and W-TinyLFU admission.

The reference for ``katas/lfu.py`` (the stub holds the full specification).

Part 1, ``LFUCache``: the O(1) LFU of Shah, Mitra and Matani. Entries with the same
frequency form a *bucket*: a circular list, least recently used first. The buckets form
a second circular list in increasing frequency around a root bucket of frequency 0, so
the least frequently used entry is always ``root.higher.next`` and a use moves an entry
to the neighbouring bucket. No "minimum frequency" variable to keep right: ``delete``
may empty the lowest bucket, and the next one is simply the following link.

Part 2, aging: every ``decay_every`` operations ``decay()`` halves every frequency.
Buckets map monotonically onto their halves, so the new buckets are runs of at most three
old ones; each run is merged by *tick* (a counter stamped on every use) so that equal
frequencies stay in least-recently-used order. O(n), once per ``decay_every >= capacity``
operations.

Part 3, W-TinyLFU: ``FrequencySketch`` is a count-min sketch of 4-bit counters (one byte
each in a ``bytearray``: halving all of them is one ``bytes.translate``) behind a
doorkeeper Bloom filter; ``TinyLFUCache`` keeps its window, probation and protected
regions in three ``OrderedDict`` LRUs (the linked lists of Part 1 are not the point here)
and asks the sketch whether a candidate for the main region is worth its victim.

Extension points
----------------
``get``, ``put`` and the rest are the policy; these public methods are the mechanics they
delegate to. Override one to change one thing.

``LFUCache``:

- ``entry(key) -> Entry | None``: the key's entry (``key``, ``value``, ``tick``), found
  without counting a use.
- ``touch(entry)``: count one use: the entry moves to the next frequency's bucket, at its
  most recently used end, and gets a new tick. ``get`` runs the same steps inlined (a
  hit is the commonest operation); a subclass that overrides ``touch`` gets a ``get``
  that calls it.
- ``insert(key, value, recycled=None) -> Entry``: a new entry of frequency 1 (the cache
  must have room); ``put`` passes the entry it just evicted, to be reused.
- ``evict() -> Entry``: remove and return the entry of lowest frequency, least recently
  used among those.
- ``count_operation()``: one ``get`` or ``put`` happened (called only when aging is on);
  every ``decay_every``-th call runs ``decay()``.
- ``decay()``: halve every frequency, keeping ties in least-recently-used order;
  ``decayed(frequency) -> int`` is the halving rule itself.

``FrequencySketch``: ``record``, ``estimate`` and ``reset`` (``record`` calls ``reset``
on the ``sample_size``-th record).

``TinyLFUCache``:

- ``victim() -> key | None``: the key main would give up: probation's least recently
  used, else protected's.
- ``admit(candidate, victim) -> bool``: the TinyLFU filter: whether the candidate's
  estimated frequency beats the victim's.
- ``sketch``: the instance's ``FrequencySketch``.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable, Iterator
from operator import attrgetter
from typing import Any, Generic, TypeVar, overload

__all__ = ["FrequencySketch", "LFUCache", "TinyLFUCache"]

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")
D = TypeVar("D")


def _checked_capacity(capacity: object) -> int:
    if isinstance(capacity, bool) or not isinstance(capacity, int):
        raise TypeError(f"capacity must be an int, not {type(capacity).__name__}")
    if capacity < 1:
        raise ValueError(f"capacity must be at least 1, got {capacity}")
    return capacity


# --- Parts 1 and 2: LFUCache ----------------------------------------------------------------


class _Node:
    """A link of an entries list: an entry, or the bucket that is the list's sentinel."""

    __slots__ = ("next", "prev")

    prev: _Node
    next: _Node


class Entry(_Node):
    """One cached key: its value, its bucket (hence its frequency) and its last-use tick."""

    __slots__ = ("bucket", "key", "tick", "value")

    def __init__(self, key: Any, value: Any, bucket: _Bucket, tick: int) -> None:
        self.key = key
        self.value = value
        self.bucket = bucket
        self.tick = tick
        # Linked at the most recently used end of its bucket.
        last = bucket.prev
        self.prev = last
        self.next = bucket
        last.next = bucket.prev = self


class _Bucket(_Node):
    """The entries of one frequency, least recently used at ``next``; also a link of the
    bucket list (``lower``, ``higher``), whose root is a bucket of frequency 0."""

    __slots__ = ("frequency", "higher", "lower")

    def __init__(self, frequency: int, lower: _Bucket | None = None) -> None:
        """An empty bucket, linked just above ``lower`` (None: a root, alone)."""
        self.frequency = frequency
        self.prev = self.next = self
        if lower is None:
            self.lower = self.higher = self
        else:
            higher = lower.higher
            self.lower = lower
            self.higher = higher
            lower.higher = higher.lower = self

    def entries(self) -> Iterator[Entry]:
        node = self.next
        while node is not self:
            yield node  # type: ignore[misc]  # every link but the bucket is an Entry
            node = node.next


_by_tick = attrgetter("tick")


class LFUCache(Generic[K, V]):
    """A mapping of at most ``capacity`` keys that evicts the least frequently used one
    (least recently used among equals). Optional aging: ``decay_every`` operations halve
    every frequency. Not thread-safe."""

    __slots__ = ("_capacity", "_decay_every", "_entries", "_operations", "_root", "_tick")

    def __init__(self, capacity: int, *, decay_every: int | None = None) -> None:
        self._capacity = _checked_capacity(capacity)
        if decay_every is not None:
            if isinstance(decay_every, bool) or not isinstance(decay_every, int):
                raise TypeError(
                    f"decay_every must be an int or None, not {type(decay_every).__name__}")
            if decay_every < capacity:
                raise ValueError(f"decay_every must be at least capacity ({capacity}) so that "
                                 f"decays cost O(1) amortised, got {decay_every}")
        self._decay_every = decay_every
        self._entries: dict[K, Entry] = {}
        self._root = _Bucket(0)
        self._tick = 0
        self._operations = 0

    @property
    def capacity(self) -> int:
        return self._capacity

    @property
    def decay_every(self) -> int | None:
        return self._decay_every

    # -- the policy ---------------------------------------------------------------------------

    @overload
    def get(self, key: K) -> V | None: ...
    @overload
    def get(self, key: K, default: D) -> V | D: ...

    def get(self, key: K, default: object = None) -> object:
        entry = self._entries.get(key)
        if entry is None:
            if self._decay_every is not None:
                self.count_operation()
            return default
        # touch(entry), inlined: a hit is the commonest operation of all and the call would
        # cost a quarter of it (see __init_subclass__ for subclasses that override touch).
        bucket = entry.bucket
        higher = bucket.higher
        frequency = bucket.frequency + 1
        entry.tick = self._tick = self._tick + 1
        before = entry.prev
        after = entry.next
        if higher.frequency != frequency and before is after:
            bucket.frequency = frequency
        else:
            if higher.frequency != frequency:
                higher = _Bucket(frequency, bucket)
            elif before is after:
                lower = bucket.lower
                lower.higher = higher
                higher.lower = lower
            before.next = after
            after.prev = before
            last = higher.prev
            entry.prev = last
            entry.next = higher
            last.next = higher.prev = entry
            entry.bucket = higher
        if self._decay_every is not None:
            self.count_operation()
        return entry.value

    def _get_calling_touch(self, key: K, default: object = None) -> object:
        """``get`` as it reads without the inlining: for subclasses that override touch."""
        entry = self._entries.get(key)
        if entry is not None:
            self.touch(entry)
        if self._decay_every is not None:
            self.count_operation()
        return default if entry is None else entry.value

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if cls.touch is not LFUCache.touch and cls.get is LFUCache.get:
            cls.get = LFUCache._get_calling_touch  # type: ignore[assignment,method-assign]

    def put(self, key: K, value: V) -> None:
        entry = self._entries.get(key)  # hashes first: an unhashable key changes nothing
        if entry is not None:
            entry.value = value
            self.touch(entry)
        elif len(self._entries) >= self._capacity:
            self.insert(key, value, self.evict())
        else:
            self.insert(key, value)
        if self._decay_every is not None:
            self.count_operation()

    def delete(self, key: K) -> bool:
        entry = self._entries.pop(key, None)
        if entry is None:
            hash(key)  # pop() on an empty dict skips hashing: an unhashable key must still fail
            return False
        self._unlink(entry)
        return True

    def clear(self) -> None:
        self._entries.clear()
        root = self._root
        root.lower = root.higher = root
        self._operations = 0

    def frequency(self, key: K) -> int:
        entry = self._entries.get(key)
        return 0 if entry is None else entry.bucket.frequency

    def keys(self) -> list[K]:
        """Every key in eviction order: lowest frequency first, then least recently used."""
        return [entry.key for bucket in self._buckets() for entry in bucket.entries()]

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, key: object) -> bool:
        return key in self._entries

    def __repr__(self) -> str:
        shown = ", ".join(f"{e.key!r}: {e.value!r} (x{b.frequency})"
                          for b in self._buckets() for e in b.entries())
        return f"{type(self).__name__}(capacity={self._capacity}, {{{shown}}})"

    # -- extension points ---------------------------------------------------------------------

    def entry(self, key: K) -> Entry | None:
        return self._entries.get(key)

    def touch(self, entry: Entry) -> None:
        bucket = entry.bucket
        higher = bucket.higher
        frequency = bucket.frequency + 1
        entry.tick = self._tick = self._tick + 1
        before = entry.prev
        after = entry.next
        if higher.frequency != frequency:
            if before is after:  # alone in its bucket: the bucket moves up with it
                bucket.frequency = frequency
                return
            higher = _Bucket(frequency, bucket)
        elif before is after:  # alone: its bucket empties, unlink it
            lower = bucket.lower
            lower.higher = higher
            higher.lower = lower
        before.next = after
        after.prev = before
        last = higher.prev
        entry.prev = last
        entry.next = higher
        last.next = higher.prev = entry
        entry.bucket = higher

    def insert(self, key: K, value: V, recycled: Entry | None = None) -> Entry:
        root = self._root
        first = root.higher
        if first.frequency != 1:
            first = _Bucket(1, root)
        tick = self._tick = self._tick + 1
        if recycled is None:
            entry = self._entries[key] = Entry(key, value, first, tick)
            return entry
        # The entry just evicted, reused as functools' lru_cache reuses its links: no
        # allocation on the path every miss of a full cache takes.
        recycled.key = key
        recycled.value = value
        recycled.tick = tick
        _append(first, recycled)
        self._entries[key] = recycled
        return recycled

    def evict(self) -> Entry:
        bucket = self._root.higher
        entry: Entry = bucket.next  # type: ignore[assignment]  # the bucket is not empty
        del self._entries[entry.key]
        after = entry.next
        bucket.next = after
        after.prev = bucket
        if after is bucket:  # the bucket is empty now: unlink it
            higher = bucket.higher
            self._root.higher = higher
            higher.lower = self._root
        return entry

    def count_operation(self) -> None:
        self._operations += 1
        if self._operations == self._decay_every:
            self._operations = 0
            self.decay()

    def decayed(self, frequency: int) -> int:
        return max(frequency // 2, 1)

    def decay(self) -> None:
        old = list(self._buckets())
        root = self._root
        root.lower = root.higher = root
        last = root
        i = 0
        while i < len(old):
            # The old buckets that land on one new frequency are consecutive (halving keeps
            # the order): at most three of them (1, 2, 3 -> 1) and at most two otherwise.
            frequency = self.decayed(old[i].frequency)
            run = [old[i]]
            i += 1
            while i < len(old) and self.decayed(old[i].frequency) == frequency:
                run.append(old[i])
                i += 1
            entries = [entry for bucket in run for entry in bucket.entries()]
            if len(run) > 1:
                entries.sort(key=_by_tick)  # a merge of sorted runs: O(n) for timsort
            last = _Bucket(frequency, last)
            for entry in entries:
                _append(last, entry)

    # -- internals ----------------------------------------------------------------------------

    def _unlink(self, entry: Entry) -> None:
        before, after = entry.prev, entry.next
        before.next = after
        after.prev = before
        if before is after:  # the bucket is empty now: unlink it
            bucket = entry.bucket
            bucket.lower.higher = bucket.higher
            bucket.higher.lower = bucket.lower

    def _buckets(self) -> Iterator[_Bucket]:
        root = self._root
        bucket = root.higher
        while bucket is not root:
            yield bucket
            bucket = bucket.higher


def _append(bucket: _Bucket, entry: Entry) -> None:
    """Link ``entry`` at the most recently used end of ``bucket``."""
    last = bucket.prev
    entry.prev = last
    entry.next = bucket
    last.next = bucket.prev = entry
    entry.bucket = bucket


# --- Part 3: the sketch ---------------------------------------------------------------------

_MASK64 = (1 << 64) - 1
# Odd 64-bit multipliers (Fibonacci hashing): small ints hash to themselves in Python, so
# the key's hash is multiplied to spread its bits before any index is taken from it.
_SPREAD = 0x9E3779B97F4A7C15
_SPREAD_AGAIN = 0xC2B2AE3D27D4EB4F
_COUNTER_MAX = 15
_HALVED = bytes(n >> 1 for n in range(256))


class FrequencySketch:
    """A count-min sketch of 4 rows of 4-bit counters behind a doorkeeper Bloom filter,
    halved every ``sample_size`` records."""

    __slots__ = ("_counters", "_doorkeeper", "_doorkeeper_mask", "_records", "_sample_size",
                 "_width", "_width_mask")

    def __init__(self, capacity: int) -> None:
        capacity = _checked_capacity(capacity)
        self._sample_size = 10 * capacity
        self._width = 1 << max(4, (capacity - 1).bit_length())
        self._width_mask = self._width - 1
        self._counters = bytearray(4 * self._width)
        # Bits for the doorkeeper: four per record of a sample, so that even a sample of
        # distinct keys leaves it three quarters empty (about 15% false positives with two
        # hashes). A byte array, eight bits to a byte.
        bits = 1 << max(6, (4 * self._sample_size - 1).bit_length())
        self._doorkeeper_mask = bits - 1
        self._doorkeeper = bytearray(bits >> 3)
        self._records = 0

    @property
    def sample_size(self) -> int:
        return self._sample_size

    def record(self, key: Hashable) -> None:
        spread = hash(key) * _SPREAD & _MASK64
        if self._doorkeeper_knows(spread):
            counters = self._counters
            for i in self._indexes(spread):
                if counters[i] < _COUNTER_MAX:
                    counters[i] += 1
        self._records += 1
        if self._records >= self._sample_size:
            self.reset()

    def estimate(self, key: Hashable) -> int:
        spread = hash(key) * _SPREAD & _MASK64
        counters = self._counters
        count = min(counters[i] for i in self._indexes(spread))
        return count + 1 if self._doorkeeper_has(spread) else count

    def reset(self) -> None:
        self._counters = self._counters.translate(_HALVED)
        self._doorkeeper = bytearray(len(self._doorkeeper))
        self._records = 0

    def _indexes(self, spread: int) -> tuple[int, int, int, int]:
        """The key's counter in each row: double hashing, ``a + i * b`` in row ``i``."""
        mask, width = self._width_mask, self._width
        a = spread >> 32
        b = spread | 1
        return ((a & mask), ((a + b) & mask) + width,
                ((a + 2 * b) & mask) + 2 * width, ((a + 3 * b) & mask) + 3 * width)

    def _doorkeeper_bits(self, spread: int) -> tuple[int, int]:
        again = spread * _SPREAD_AGAIN & _MASK64
        mask = self._doorkeeper_mask
        return (again >> 40) & mask, (again >> 8) & mask

    def _doorkeeper_has(self, spread: int) -> bool:
        door = self._doorkeeper
        first, second = self._doorkeeper_bits(spread)
        return bool(door[first >> 3] & (1 << (first & 7))
                    and door[second >> 3] & (1 << (second & 7)))

    def _doorkeeper_knows(self, spread: int) -> bool:
        """Whether the doorkeeper already held the key; it holds it from now on."""
        door = self._doorkeeper
        first, second = self._doorkeeper_bits(spread)
        had = bool(door[first >> 3] & (1 << (first & 7))
                   and door[second >> 3] & (1 << (second & 7)))
        door[first >> 3] |= 1 << (first & 7)
        door[second >> 3] |= 1 << (second & 7)
        return had


# --- Part 3: W-TinyLFU ----------------------------------------------------------------------


class TinyLFUCache(Generic[K, V]):
    """W-TinyLFU: an LRU window, then a segmented LRU main region (probation, protected)
    that a candidate enters only if the sketch rates it above the victim. Not thread-safe."""

    __slots__ = ("_capacity", "_main_capacity", "_probation", "_protected",
                 "_protected_capacity", "_region", "_window", "_window_capacity", "sketch")

    def __init__(self, capacity: int) -> None:
        self._capacity = _checked_capacity(capacity)
        self._window_capacity = max(1, capacity // 100)
        self._main_capacity = capacity - self._window_capacity
        self._protected_capacity = self._main_capacity * 8 // 10
        # Each region maps a key to its [key, value] item: the item keeps the key object
        # first stored, which a move between regions must carry (a caller's equal key,
        # 1.0 for 1, must not replace it).
        self._window: OrderedDict[K, list[Any]] = OrderedDict()
        self._probation: OrderedDict[K, list[Any]] = OrderedDict()
        self._protected: OrderedDict[K, list[Any]] = OrderedDict()
        # Which of the three holds each key: one lookup finds the key and its region.
        self._region: dict[K, OrderedDict[K, list[Any]]] = {}
        self.sketch = FrequencySketch(capacity)

    @property
    def capacity(self) -> int:
        return self._capacity

    # -- the policy ---------------------------------------------------------------------------

    @overload
    def get(self, key: K) -> V | None: ...
    @overload
    def get(self, key: K, default: D) -> V | D: ...

    def get(self, key: K, default: object = None) -> object:
        self.sketch.record(key)
        region = self._region.get(key)
        if region is None:
            return default
        item = region[key]
        self._hit(item, region)
        return item[1]

    def put(self, key: K, value: V) -> None:
        self.sketch.record(key)  # hashes first: an unhashable key changes nothing
        region = self._region.get(key)
        if region is not None:
            item = region[key]
            item[1] = value
            self._hit(item, region)
            return
        window = self._window
        window[key] = [key, value]
        self._region[key] = window
        if len(window) > self._window_capacity:
            self._offer(window.popitem(last=False)[1])

    def delete(self, key: K) -> bool:
        region = self._region.pop(key, None)
        if region is None:
            hash(key)  # pop() on an empty dict skips hashing: an unhashable key must still fail
            return False
        del region[key]
        return True

    def clear(self) -> None:
        for region in (self._window, self._probation, self._protected):
            region.clear()
        self._region.clear()
        self.sketch = FrequencySketch(self._capacity)

    def keys(self) -> list[K]:
        return [*self._window, *self._probation, *self._protected]

    def __len__(self) -> int:
        return len(self._region)

    def __contains__(self, key: object) -> bool:
        return key in self._region

    def __repr__(self) -> str:
        return (f"{type(self).__name__}(capacity={self._capacity}, window={list(self._window)}"
                f", probation={list(self._probation)}, protected={list(self._protected)})")

    # -- extension points ---------------------------------------------------------------------

    def victim(self) -> K | None:
        for region in (self._probation, self._protected):
            if region:
                return next(iter(region))
        return None

    def admit(self, candidate: K, victim: K) -> bool:
        return self.sketch.estimate(candidate) > self.sketch.estimate(victim)

    # -- internals ----------------------------------------------------------------------------

    def _hit(self, item: list[Any], region: OrderedDict[K, list[Any]]) -> None:
        key = item[0]
        if region is not self._probation:
            region.move_to_end(key)
            return
        protected = self._protected
        del region[key]
        protected[key] = item
        self._region[key] = protected
        if len(protected) > self._protected_capacity:
            demoted = protected.popitem(last=False)[1]
            self._probation[demoted[0]] = demoted
            self._region[demoted[0]] = self._probation

    def _offer(self, item: list[Any]) -> None:
        """The window's least recently used item asks for a place in the main region."""
        candidate = item[0]
        probation = self._probation
        if len(probation) + len(self._protected) < self._main_capacity:
            probation[candidate] = item
            self._region[candidate] = probation
            return
        victim = self.victim()
        if victim is not None and self.admit(candidate, victim):
            del self._region.pop(victim)[victim]
            probation[candidate] = item
            self._region[candidate] = probation
        else:
            del self._region[candidate]
