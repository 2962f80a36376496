"""Kata 9, ``lfu``: an LFU cache in O(1), then aging, then W-TinyLFU admission.

Run the tests with ``make test KATA=lfu`` (one part: ``make test KATA=lfu PART=1``).

Part 1, ``LFUCache``: a bounded key/value store that evicts the least frequently used key,
    the least recently used one among keys used equally often (LeetCode 460). Every
    operation is O(1): a dict from key to node, a dict from frequency to a doubly linked
    list of the nodes with that frequency (least recently used first), and the smallest
    frequency present. No scan, no heap, no sort.

Part 2, aging: ``LFUCache(capacity, decay_every=n)``. A plain LFU never forgets: a key
    that was hot yesterday keeps its count and its place forever. Every ``n`` operations
    every frequency is halved, so old popularity fades and new keys can win.

Part 3, W-TinyLFU: ``FrequencySketch`` (a count-min sketch of 4-bit counters behind a
    doorkeeper Bloom filter, halved periodically) and ``TinyLFUCache``, the policy of
    Caffeine: a small LRU window in front of a segmented LRU main region, where a key
    pushed out of the window gets in only if the sketch says it is used more often than
    the key it would push out. A one-pass scan then cannot flush the hot keys.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any, Generic, TypeVar

__all__ = ["FrequencySketch", "LFUCache", "TinyLFUCache"]

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


# --- Parts 1 and 2 ------------------------------------------------------------------------


class LFUCache(Generic[K, V]):
    """A mapping of at most ``capacity`` keys that evicts the least frequently used one.

    Frequency: a key's *frequency* is the number of uses counted since it was inserted:
    inserting it (``put`` of a new key) counts 1, and each ``get`` that finds it and each
    ``put`` that replaces its value counts one more. ``in``, ``len()``, ``keys()``,
    ``frequency()`` and a ``get`` that misses count nothing. ``delete`` forgets the count:
    a key put again later starts at 1.

    Eviction: ``put`` of a new key into a full cache first evicts the key with the lowest
    frequency and, among keys of that frequency, the least recently used one (its last
    use, as counted above, is the oldest). The new key is never the one evicted, even if
    every other key has a higher frequency. Replacing a present key evicts nothing.

    Keys follow dict rules: keys that are equal and hash alike (``1``, ``1.0``, ``True``)
    are one key, and replacing a key keeps the key object stored first (as a dict does).

    Errors (raised at once, changing nothing):
    - ``capacity`` that is not an ``int``, or is a ``bool``: ``TypeError`` whose message
      names ``capacity``; ``capacity < 1``: ``ValueError`` naming ``capacity``.
    - ``decay_every`` (Part 2) that is not ``None`` or an ``int``, or is a ``bool``:
      ``TypeError`` naming ``decay_every``; an int below ``capacity``: ``ValueError``
      naming ``decay_every`` (see Part 2 for why).
    - An unhashable key (a list, a dict, a set) raises ``TypeError`` from every method
      that takes a key (``get``, ``put``, ``delete``, ``frequency``, ``in``), even when
      the cache is empty: a failed ``put`` into a full cache evicts nothing, and a failed
      call counts as no operation (Part 2).

    Part 2, aging. ``decay_every=None`` (the default) never decays. With an int ``n``:
    every ``get`` (hit or miss) and every ``put`` is one *operation*; right after the
    ``n``-th operation (its own effect done: a hit counted, a key evicted and inserted),
    every cached key's frequency is halved, rounding down but never below 1 (7 -> 3,
    3 -> 1, 1 -> 1), and counting starts again from 0. ``clear()`` also starts the count
    again. Nothing else counts (``delete``, ``in``, ``len()``, ``keys()``,
    ``frequency()``). Keys whose frequencies become equal keep the one tie rule: least
    recently used first. A decay touches every key, so it must not happen more often than
    once per ``capacity`` operations: that is what keeps its cost O(1) amortised, and
    why ``decay_every < capacity`` is refused.

    Not thread-safe, like ``dict`` and ``cachetools.LFUCache``: code that shares one
    instance across threads holds a lock around it.

    Complexity: every operation O(1) except ``keys()`` and ``clear()``, O(n); a decay is
    O(n) once per ``decay_every >= capacity`` operations, so O(1) amortised.
    """

    def __init__(self, capacity: int, *, decay_every: int | None = None) -> None:
        """An empty cache holding at most ``capacity`` keys (an int >= 1).

        ``decay_every`` (Part 2): halve every frequency after each ``decay_every``
        operations (None: never; else an int >= ``capacity``).
        """
        raise NotImplementedError

    @property
    def capacity(self) -> int:
        """The maximum number of keys, as given. Read-only: assigning raises AttributeError."""
        raise NotImplementedError

    @property
    def decay_every(self) -> int | None:
        """Part 2: the number of operations between decays, as given (None: never).
        Read-only."""
        raise NotImplementedError

    def get(self, key: K, default: Any = None) -> Any:
        """The value cached for ``key``, counting one use of it; else ``default``.

        A cached ``None`` or other falsy value is a hit and is returned as it is. A miss
        changes nothing (but it is an operation for Part 2's count).
        """
        raise NotImplementedError

    def put(self, key: K, value: V) -> None:
        """Insert ``key`` with frequency 1, or replace its value and count one use.

        Inserting a new key into a full cache first evicts the least frequently used key
        (the least recently used among those).
        """
        raise NotImplementedError

    def delete(self, key: K) -> bool:
        """Remove ``key`` and forget its count; True if it was present, False if not."""
        raise NotImplementedError

    def clear(self) -> None:
        """Remove every key. The cache works as a new one with the same capacity and
        ``decay_every`` (Part 2: the operation count starts again)."""
        raise NotImplementedError

    def frequency(self, key: K) -> int:
        """The uses counted for ``key`` (1 or more), or 0 if it is not cached. Not a use."""
        raise NotImplementedError

    def keys(self) -> list[K]:
        """A new list of every key in eviction order: lowest frequency first, and among
        keys of equal frequency, least recently used first. The first key is the one the
        next eviction would remove."""
        raise NotImplementedError

    def __len__(self) -> int:
        """How many keys are cached (never more than ``capacity``)."""
        raise NotImplementedError

    def __contains__(self, key: object) -> bool:
        """Whether ``key`` is cached. NOT a use: frequency and recency stay as they are."""
        raise NotImplementedError


# --- Part 3 ---------------------------------------------------------------------------------


class FrequencySketch:
    """How often each key was seen lately, approximately, in a few bits per cache slot.

    The TinyLFU sketch, sized for a cache of ``capacity`` keys:

    - a *count-min sketch*: 4 rows of counters, each row at least ``capacity`` counters
      wide (the reference: the next power of two, at least 16); a key maps to one counter
      per row, by a hash of the key that differs per row. Counters are 4 bits: they stop
      at 15 (saturate) and never wrap around to 0.
    - a *doorkeeper*: a Bloom filter (a bit array and 2 or more hashes per key) holding
      the keys seen once since the last reset. Most keys of a real workload are seen
      once; the doorkeeper keeps them out of the counters, which then collide less.

    ``record(key)``: if the doorkeeper does not hold ``key``, add it there and touch no
    counter; otherwise add 1 to each of the key's 4 counters that is below 15. Then count
    the record: the ``sample_size``-th record since the last reset (``10 * capacity``)
    calls ``reset()``.

    ``estimate(key)``: the smallest of the key's 4 counters, plus 1 if the doorkeeper holds
    it: from 0 to 16. It is never below the number of times ``key`` was recorded since the
    last reset (counting at most 16), and may be above it: other keys share counters and
    Bloom bits (a *collision*), which only ever adds.

    ``reset()``: halve every counter, rounding down (15 -> 7, 1 -> 0), empty the
    doorkeeper, and start counting records from 0 again. The aging step: recent history
    weighs twice as much as the history before the last reset.

    Errors: ``capacity`` not an ``int`` or a ``bool``: ``TypeError`` naming ``capacity``;
    below 1: ``ValueError`` naming ``capacity``. An unhashable key: ``TypeError`` from
    ``record`` and ``estimate``, changing nothing.

    Complexity: ``record`` and ``estimate`` O(1); ``reset`` O(capacity), once per
    ``sample_size`` records: O(1) amortised.
    """

    def __init__(self, capacity: int) -> None:
        """A sketch for a cache of ``capacity`` keys (an int >= 1), with nothing recorded."""
        raise NotImplementedError

    @property
    def sample_size(self) -> int:
        """Records between two automatic resets: ``10 * capacity``."""
        raise NotImplementedError

    def record(self, key: Hashable) -> None:
        """Count one occurrence of ``key`` (see the class docstring)."""
        raise NotImplementedError

    def estimate(self, key: Hashable) -> int:
        """How often ``key`` was recorded since the last reset, never less (0 to 16)."""
        raise NotImplementedError

    def reset(self) -> None:
        """Halve every counter, empty the doorkeeper, restart the count of records."""
        raise NotImplementedError


class TinyLFUCache(Generic[K, V]):
    """A cache of at most ``capacity`` keys with the W-TinyLFU policy (as in Caffeine).

    Same methods as ``LFUCache`` except ``frequency`` and ``decay_every``; ``keys()``
    returns every key in no particular order. The policy:

    - Regions: a *window*, an LRU of ``max(1, capacity // 100)`` keys, and a *main* region
      of the rest (``capacity - window``; 0 when ``capacity`` is 1), a segmented LRU of
      *probation* and *protected*; protected holds at most ``main * 8 // 10`` keys.
    - History: a ``FrequencySketch(capacity)``. Every ``get`` (hit or miss) and every
      ``put`` first records its key there, so a key's popularity is known even while it
      is not cached. ``in``, ``len()``, ``keys()`` and ``delete`` record nothing.
    - ``put`` of a new key: it goes to the window (most recent end). If the window then
      holds too many keys, its least recently used key is the *candidate* for main: if
      main has room it goes to probation (most recent end). Otherwise the *victim* is
      probation's least recently used key (protected's, if probation is empty); the
      candidate is admitted, and the victim evicted, only if the sketch's estimate of the
      candidate is strictly greater than the victim's; else the candidate is evicted.
    - A hit (``get`` that finds the key, or ``put`` that replaces its value): in the
      window or protected, the key becomes the most recent there; in probation it moves to
      protected (most recent end), and if protected is then over its size its least
      recently used key moves back to probation's most recent end.
    - ``delete`` removes a key from whichever region holds it; ``clear()`` empties every
      region and starts a new sketch: the cache works as a new one.

    What follows, and the tests check: never more than ``capacity`` keys; the key just
    put is always cached afterwards; a ``put`` of a new key removes exactly one other key
    when the cache was full, and none otherwise; nothing but ``put``, ``delete`` and
    ``clear`` ever removes a key; ``get`` returns the value last put for a cached key, and
    keeps the key object stored first (dict rules, as ``LFUCache``). And the point of
    it all: a key requested often gets in and stays, while a scan of keys requested once
    does not push it out.

    Errors as ``LFUCache`` (``capacity``; unhashable keys change nothing). Not
    thread-safe. Complexity: O(1) per operation, ``keys()`` and ``clear()`` O(n).
    """

    def __init__(self, capacity: int) -> None:
        """An empty cache holding at most ``capacity`` keys (an int >= 1)."""
        raise NotImplementedError

    @property
    def capacity(self) -> int:
        """The maximum number of keys, as given. Read-only."""
        raise NotImplementedError

    def get(self, key: K, default: Any = None) -> Any:
        """Record ``key``; the value cached for it (a hit, see above), else ``default``."""
        raise NotImplementedError

    def put(self, key: K, value: V) -> None:
        """Record ``key``; replace its value (a hit), or insert it into the window."""
        raise NotImplementedError

    def delete(self, key: K) -> bool:
        """Remove ``key``; True if it was present, False if not. Records nothing."""
        raise NotImplementedError

    def clear(self) -> None:
        """Remove every key and forget the history: the cache works as a new one."""
        raise NotImplementedError

    def keys(self) -> list[K]:
        """A new list of every cached key, in no particular order."""
        raise NotImplementedError

    def __len__(self) -> int:
        """How many keys are cached (never more than ``capacity``)."""
        raise NotImplementedError

    def __contains__(self, key: object) -> bool:
        """Whether ``key`` is cached. Records nothing and moves nothing."""
        raise NotImplementedError
