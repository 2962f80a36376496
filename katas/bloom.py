"""Kata 10, ``bloom``: a Bloom filter, cache penetration protection with it, then the filter
in Redis.

Run the tests with ``make test KATA=bloom`` (one part: ``make test KATA=bloom PART=1``).

Part 1, ``BloomFilter``: a set that answers "certainly not" or "probably yes" in a fixed
    number of bits, sized from the number of items it is built for and the false-positive
    rate wanted. It never forgets an item (no false negatives), and its bit positions are
    the same in every process.

Part 2, ``ProtectedLoader``: cache penetration protection in front of a store. Lookups of
    keys the filter says cannot exist never reach the store; a key that passes the filter
    but is not in the store is remembered as "not found" for a short time, so a storm of
    lookups of one missing key reaches the store once per ``negative_ttl``.

Part 3, ``RedisBloomFilter``: the Part 1 filter with its bits in Redis, shared by every
    process: one round trip per check and per add, atomic adds, its two keys in one hash
    slot, and the same answers as the Part 1 filter (the Part 1 properties are run on it).

Items (Parts 1 and 3) are ``str`` or ``bytes``; a ``str`` stands for its UTF-8 encoding, so
``"é"`` and ``"é".encode()`` are one item. Anything else raises ``TypeError`` naming
``item``, before anything changes (or is sent to Redis).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, NamedTuple

import redis

Clock = Callable[[], float]


# --- Part 1 ---------------------------------------------------------------------------------


class BloomFilter:
    """A Bloom filter of ``capacity`` items at false-positive rate ``error_rate``.

    Sizing, with n = ``capacity`` and p = ``error_rate``, exactly these expressions (the
    optimum for n items; ``round`` is Python's)::

        bit_count  = math.ceil(-capacity * math.log(error_rate) / math.log(2) ** 2)
        hash_count = max(1, round(bit_count / capacity * math.log(2)))

    All ``bit_count`` bits are allocated at once (``bit_count / 8`` bytes) and start at 0.

    Hashing: ``positions(item)`` gives the item's ``hash_count`` bit positions. They depend
    only on the item's bytes and on the two counts, so they are the same in every process,
    on every machine and in every Python version: never the builtin ``hash()`` (it is
    salted per process for ``str`` and ``bytes``). ``add`` sets exactly those bits, and
    ``item in f`` is True exactly when all of them are set.

    Guarantees:
    - No false negatives: once ``add(x)`` returned, ``x in f`` is True until ``clear()``,
      however many items were added, also past ``capacity``. A filter holding more than
      ``capacity`` items keeps working (it answers "probably" more often); it never raises.
    - With ``capacity`` distinct items added, the rate of false positives among items never
      added is at most ``2 * error_rate`` (the suite measures it on thousands of items).

    Errors (raised at once, the message naming the argument):
    - ``capacity``: an ``int`` (not a ``bool``) >= 1, else ``TypeError`` / ``ValueError``.
    - ``error_rate``: an ``int`` or ``float`` (not a ``bool``), else ``TypeError``; it must
      be strictly between 0 and 1 (NaN is not), else ``ValueError``.
    - an item that is not ``str`` or ``bytes``: ``TypeError`` naming ``item``.

    Thread-safety: one instance may be shared by threads: ``add`` and ``clear`` change the
    bits under a lock (a read-modify-write of a byte that loses another thread's bit would
    be a false negative).

    Complexity: ``add``, ``in`` and ``positions`` O(hash_count) plus one digest of the item;
    ``clear`` O(bit_count); ``len()`` O(1).
    """

    def __init__(self, capacity: int, error_rate: float) -> None:
        raise NotImplementedError

    @property
    def bit_count(self) -> int:
        """m, the number of bits (read-only)."""
        raise NotImplementedError

    @property
    def hash_count(self) -> int:
        """k, the number of positions per item (read-only)."""
        raise NotImplementedError

    def positions(self, item: str | bytes) -> list[int]:
        """The item's ``hash_count`` bit positions, each an ``int`` in ``range(bit_count)``.

        Deterministic across processes (see the class docstring). Two positions of one
        item may coincide (rarely, and the filter still works).
        """
        raise NotImplementedError

    def add(self, item: str | bytes) -> bool:
        """Set the item's bits. True if that changed the filter (at least one of its bits
        was 0: the item was certainly not in it); False if every bit was already set (the
        item was added before, or it is a false positive)."""
        raise NotImplementedError

    def __contains__(self, item: object) -> bool:
        """False: ``item`` was certainly never added. True: it probably was."""
        raise NotImplementedError

    def __len__(self) -> int:
        """How many ``add()`` calls returned True since creation or the last ``clear()``.

        Exact, not an estimate: the distinct items added, less those that were already
        false positives when added. Never more than the distinct items added.
        """
        raise NotImplementedError

    def clear(self) -> None:
        """Every bit back to 0 and ``len()`` to 0; the sizes stay."""
        raise NotImplementedError


# --- Part 2 ---------------------------------------------------------------------------------


class LoaderStats(NamedTuple):
    """What ``ProtectedLoader.stats()`` returns: counters since the loader was created."""

    filtered: int  # get() answered None because the filter said the key cannot exist
    negative_hits: int  # get() answered None from a cached "not found"
    loads: int  # get() called load(key)


class ProtectedLoader:
    """Cache penetration protection: a Bloom filter and a short-lived "not found" cache in
    front of a store.

    - ``load(key)`` reads the store: the key's value, or ``None`` when the store has no
      such key (so a store value of ``None`` reads as "not found").
    - ``bloom`` holds every key the store has: whoever creates a key in the store calls
      ``loader.add(key)``. Anything with ``__contains__(key)`` and ``add(key)``: a
      ``BloomFilter``, a ``RedisBloomFilter`` (both take ``str`` keys).
    - ``negative_ttl``: seconds for which a "not found" answer from the store is reused.
    - ``clock``: a zero-argument callable returning seconds that never go back (default
      ``time.monotonic``).

    ``get(key)`` decides, in this order, and adds 1 to exactly one counter of ``stats()``:

    1. ``key not in bloom``: ``None``, without touching the store (``filtered``).
    2. a live cached "not found" for ``key``: ``None``, without touching the store
       (``negative_hits``). Cached at time t0, it is live while ``clock() < t0 +
       negative_ttl``; at ``t0 + negative_ttl`` exactly it has expired.
    3. otherwise ``load(key)`` is called once (``loads``). ``None``: "not found" is cached
       for ``key`` from now, and ``None`` returned. A value is returned as it is and not
       cached (caching values is the job of the cache that ``load`` reads through). An
       exception from ``load`` propagates; it is counted in ``loads`` and caches nothing.

    So a storm of lookups of one key that passes the filter but is missing from the store
    reaches the store exactly once per ``negative_ttl``: at the first lookup, then at the
    first lookup at or after each expiry.

    ``add(key)``: the store now has ``key``: add it to ``bloom``, and drop a cached "not
    found" for it at once (else the new key would read as missing for up to
    ``negative_ttl``).

    ``negative_count``: how many "not found" answers are held. Expired ones are dropped at
    the latest by the next ``get()`` or ``add()`` of any key, so the memory held is bounded
    by the keys missed within one ``negative_ttl``. Dropping them costs amortised O(1) per
    call (no scan of the live entries).

    Errors (raised at once, the message naming the argument): ``load`` or ``clock`` not
    callable, ``bloom`` without ``__contains__`` and ``add``: ``TypeError``;
    ``negative_ttl`` not an ``int`` or ``float`` (a ``bool`` is not): ``TypeError``, not
    finite and > 0: ``ValueError``. ``get`` and ``add`` of a key that is not a ``str``:
    ``TypeError`` naming ``key``, before the filter, the cache or the store is touched.

    Threads: one loader may be shared by threads. The "not found" cache and the counters
    are guarded by a lock that is never held while ``load`` runs, so a slow store read
    delays no other lookup. Lookups of one missing key that miss at the same moment may
    each call ``load`` (no single-flight here: see the ``stampede`` kata); the
    once-per-``negative_ttl`` count above holds for lookups that do not overlap.
    """

    def __init__(
        self,
        load: Callable[[str], Any],
        *,
        bloom: Any,
        negative_ttl: float,
        clock: Clock = time.monotonic,
    ) -> None:
        raise NotImplementedError

    def get(self, key: str) -> Any:
        """The key's value from the store, or ``None`` (see the class docstring)."""
        raise NotImplementedError

    def add(self, key: str) -> None:
        """Record that the store now has ``key``."""
        raise NotImplementedError

    @property
    def negative_count(self) -> int:
        """How many "not found" answers are held (expired ones go by the next call)."""
        raise NotImplementedError

    def stats(self) -> LoaderStats:
        """The counters, as a new ``LoaderStats``."""
        raise NotImplementedError


# --- Part 3 ---------------------------------------------------------------------------------


class RedisBloomFilter:
    """A ``BloomFilter`` whose bits live in Redis, shared by every process that names it.

    The same sizing, items, errors, ``positions`` and answers as ``BloomFilter(capacity,
    error_rate)``; ``add`` returns the same bool and ``len()`` counts the same way, over
    every instance (every process) that adds to the filter. Bit ``i`` of the filter is bit
    ``i`` of the Redis string (the order of ``GETBIT``/``SETBIT``).

    Keys (``{name}`` is a hash tag: both keys are in one hash slot, so one script may
    touch both on Redis Cluster)::

        bloom:{<name>}:bits   a string: the bits
        bloom:{<name>}:meta   a hash: bit_count, hash_count, count (what len() returns)

    ``name``: a non-empty ``str`` without ``{`` or ``}`` (``TypeError`` / ``ValueError``
    naming ``name``). An absent filter is an empty one.

    Round trips: ``add``, ``in``, ``len()`` and ``clear()`` are each exactly one round trip
    (one ``EVALSHA``, or one pipeline), after the first call has loaded its script. ``add``
    is atomic (a Lua script): adds from many processes at once never lose a bit or a count.
    A check sends the item's positions, never the whole bit string. Works with either
    ``decode_responses`` setting of ``client``. ``bit_count``, ``hash_count`` and
    ``positions`` need no round trip; the constructor sends nothing.

    Sizes are checked: ``add`` records ``bit_count`` and ``hash_count`` in the meta hash;
    an ``add`` or ``in`` through an instance whose sizes differ from the recorded ones
    raises ``ValueError`` (naming ``capacity`` and ``error_rate``) and changes nothing:
    processes that disagree on the sizes would read bits the others never set, and answer
    "certainly not" for items that were added. Redis strings hold at most 2**32 bits: a
    larger ``bit_count`` is a ``ValueError`` naming ``capacity``, at once.

    ``ttl`` (keyword): ``None`` (the default) or seconds (``int`` or ``float``, not
    ``bool``, finite, > 0; else ``TypeError`` / ``ValueError`` naming ``ttl``).
    - seconds: every ``add`` sets both keys to expire ``ttl`` seconds later (``PEXPIRE``,
      rounded up to whole milliseconds): a filter nobody adds to for that long is gone, and
      gone is empty. For filters whose items expire together (say, "seen today").
    - ``None``: the keys never expire, on purpose. A filter that expires forgets its
      items and then answers "certainly not" for keys that exist: the one answer a Bloom
      filter must never get wrong. Remove it with ``clear()`` and rebuild it from the store.
    """

    def __init__(
        self,
        client: redis.Redis,
        name: str,
        capacity: int,
        error_rate: float,
        *,
        ttl: float | None = None,
    ) -> None:
        raise NotImplementedError

    @property
    def bit_count(self) -> int:
        raise NotImplementedError

    @property
    def hash_count(self) -> int:
        raise NotImplementedError

    def positions(self, item: str | bytes) -> list[int]:
        """The same positions as ``BloomFilter(capacity, error_rate).positions(item)``."""
        raise NotImplementedError

    def add(self, item: str | bytes) -> bool:
        """Set the item's bits in Redis, atomically; True if that changed the filter."""
        raise NotImplementedError

    def __contains__(self, item: object) -> bool:
        raise NotImplementedError

    def __len__(self) -> int:
        """The count recorded in Redis by every instance's adds (0 for an absent filter)."""
        raise NotImplementedError

    def clear(self) -> None:
        """Delete both keys: the filter is empty, and its sizes are no longer recorded."""
        raise NotImplementedError
