"""Kata 1, ``lru``: an LRU cache from scratch, then ``functools.lru_cache`` rebuilt.

Run the tests with ``make test KATA=lru`` (one part: ``make test KATA=lru PART=1``).

Part 1, ``LRUCache``: a bounded key/value store that evicts the least recently used key.
    Every operation is O(1): a dict from key to node plus a doubly linked list that you
    write by hand (nodes with prev/next references, a sentinel makes it simplest). The kata
    forbids ``collections.OrderedDict`` and the ``functools`` caches (``lru_cache``,
    ``cache``, ``_lru_cache_wrapper``): the tests read this module's source and objects.
    A plain dict's insertion order (pop and re-insert to refresh, evict ``next(iter(d))``)
    is not O(1) either: each evicted first key leaves a hole that ``next(iter(d))`` walks
    over, until the dict is rebuilt; Part 3 times a long run of evictions.

Part 2, ``lru_cache``: a memoising decorator with exactly the contract of
    ``functools.lru_cache``. The tests call your decorator and functools' side by side on
    the same call sequences: results, exceptions and ``cache_info()`` must match after
    every call.

Part 3, production grade: the decorator is thread-safe (real threads hammer it, and a
    thread is paused inside the cache while another one calls) and keeps functools'
    defences (see ``lru_cache``); ``LRUCache`` stays O(1) when the capacity grows from
    1,000 to 100,000 keys (a cache that scans a list per operation is caught), and pickles
    and copies at any size.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any, Generic, NamedTuple, TypeVar

__all__ = ["CacheInfo", "LRUCache", "lru_cache"]

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


# --- Part 1 ---------------------------------------------------------------------------------


class LRUCache(Generic[K, V]):
    """A mapping of at most ``capacity`` keys that evicts the least recently used one.

    Recency: ``get`` of a present key and ``put`` (insert or replace) make that key the
    most recently used. ``in``, ``len()``, ``keys()`` and a ``get`` that misses change
    nothing.

    Keys follow dict rules: keys that are equal and hash alike (``1``, ``1.0``, ``True``)
    are one key, and the key object stored first stays, whatever equal key a later
    ``get`` or ``put`` passes (as a dict does): after ``put(1, a)``, ``get(1.0)`` and
    ``put(True, b)``, ``keys()`` is ``[1]``.

    Errors:
    - ``capacity`` that is not an ``int``, or is a ``bool``: ``TypeError`` whose message
      names ``capacity``; ``capacity < 1``: ``ValueError`` naming ``capacity``.
    - An unhashable key (a list, a dict, a set) raises ``TypeError`` from every method
      (``get``, ``put``, ``delete``, ``in``), even when the cache is empty, and changes
      nothing: a failed ``put`` into a full cache evicts nothing.

    Not thread-safe, like ``dict`` and ``cachetools.LRUCache``: code that shares one
    instance across threads holds a lock around it (the decorator of Part 2 does).

    Complexity: every operation O(1) except ``keys()`` and ``clear()``, O(n).

    Part 3, copies: ``pickle``, ``copy.copy`` and ``copy.deepcopy`` work at any size,
    100,000 keys included, and give an independent cache with the same capacity, keys,
    values and recency order. (Pickling an object by default pickles its attributes, so
    a linked list is pickled one node inside the next, recursively: past a few hundred
    keys that is RecursionError, and ``copy.copy`` would share the nodes with the
    original. Give the class a ``__reduce__``, or ``__getstate__`` and
    ``__setstate__``. It is Part 3 because only size breaks it.)
    """

    def __init__(self, capacity: int) -> None:
        """An empty cache holding at most ``capacity`` keys (an int >= 1)."""
        raise NotImplementedError

    @property
    def capacity(self) -> int:
        """The maximum number of keys, as given. Read-only: assigning raises AttributeError."""
        raise NotImplementedError

    def get(self, key: K, default: Any = None) -> Any:
        """The value cached for ``key`` (now the most recently used key), else ``default``.

        A cached ``None`` or other falsy value is a hit and is returned as it is.
        """
        raise NotImplementedError

    def put(self, key: K, value: V) -> None:
        """Insert or replace ``key``; it becomes the most recently used key.

        Replacing a present key evicts nothing. Inserting a new key into a full cache
        first evicts the least recently used key.
        """
        raise NotImplementedError

    def delete(self, key: K) -> bool:
        """Remove ``key``; True if it was present, False if not."""
        raise NotImplementedError

    def clear(self) -> None:
        """Remove every key. The cache stays usable with the same capacity."""
        raise NotImplementedError

    def keys(self) -> list[K]:
        """A new list of every key, from least to most recently used."""
        raise NotImplementedError

    def __len__(self) -> int:
        """How many keys are cached (never more than ``capacity``)."""
        raise NotImplementedError

    def __contains__(self, key: object) -> bool:
        """Whether ``key`` is cached. Does NOT change recency."""
        raise NotImplementedError


# --- Part 2 ---------------------------------------------------------------------------------


class CacheInfo(NamedTuple):
    """What ``cache_info()`` returns; equal to functools' own tuple for the same calls."""

    hits: int
    misses: int
    maxsize: int | None
    currsize: int


def lru_cache(maxsize: Any = 128, typed: bool = False) -> Any:
    """Memoise a function, keeping the results of the ``maxsize`` most recent calls.

    Forms, as in functools: ``@lru_cache`` (bare: ``maxsize`` is then the function,
    and the cache holds 128 entries; ``lru_cache(f, typed=True)`` is the bare form with
    ``typed``), ``@lru_cache()``, ``@lru_cache(maxsize, typed)``,
    ``@lru_cache(maxsize=..., typed=...)``.

    maxsize:
    - an ``int`` > 0: at most that many entries; a new entry in a full cache evicts the
      least recently used one. A hit makes its entry the most recently used.
    - ``None``: unbounded, nothing is ever evicted.
    - ``0`` or negative: caches nothing, every call is a miss; a negative value is
      reported as ``0`` (``cache_info().maxsize`` and ``cache_parameters()``). No key is
      built, so unhashable arguments are fine here.
    - a ``bool`` (True is not a size), or anything else that is not an int, None or the
      decorated function itself (``"10"``, ``1.5``): ``TypeError`` at once, whose message
      names ``maxsize`` (functools accepts a bool; this kata does not).

    The key of a call (it decides hits and misses, so it must match functools exactly):
    - a lone positional ``int`` or ``str`` (exact types) with no keywords and typed false
      is the key itself;
    - otherwise the positional arguments, then, if there are keywords, a private marker
      object followed by each keyword's name and value in the order of the call, so
      ``f(a=1, b=2)`` and ``f(b=2, a=1)`` are two entries;
    - with ``typed``, the types of the positional then keyword values are appended, so
      ``f(3)`` and ``f(3.0)`` differ;
    - consequences worth knowing: without ``typed``, ``f(3, 0)`` and ``f(3.0, 0)`` share
      an entry (3 == 3.0), but ``f(3)`` and ``f(3.0)`` do not (``3 != (3.0,)``);
      ``f(1)`` and ``f(x=1)`` are two entries.
    An unhashable argument (with maxsize None or > 0): ``TypeError``, the function does
    not run, the counters do not move.

    Calls: a hit returns the cached result; a miss runs the function and caches its
    result, ``None``, ``0``, ``""`` and every other falsy result included (a cached
    falsy result is a hit). An exception propagates and is not cached (the miss is still
    counted). Recursion through the decorated name works: the function runs without any
    lock held, and if a recursive call (or another thread) cached the same key
    meanwhile, that entry stays and the outer result is just returned.

    The wrapper carries ``functools.wraps`` metadata (``__name__``, ``__qualname__``,
    ``__doc__``, ``__module__``, ``__annotations__``, ``__dict__`` and ``__wrapped__``),
    works on methods (``self`` is part of the key), and has:
    - ``cache_info() -> CacheInfo(hits, misses, maxsize, currsize)``;
    - ``cache_clear()``: drops every entry and resets hits and misses to 0;
    - ``cache_parameters() -> {"maxsize": ..., "typed": ...}`` (a new dict, typed a bool).

    Part 3: thread-safe, with functools' defences.
    - Concurrent calls never corrupt the cache, ``currsize`` never exceeds ``maxsize``,
      and ``hits + misses`` equals the number of calls. Two threads missing on one key at
      once may both run the function (functools does too).
    - Each lookup and each store happens at one instant (under the lock): threads calling
      with keys of their own see exactly the hits and misses of some order of their calls
      one at a time (the calls are linearizable). functools' pure-Python version is; its C
      version, which has no lock, is not when a key's ``__eq__`` lets another thread run.
    - No lock is held while the user function runs: a call never waits for another
      thread's call of the function to finish.
    - The lookup runs a key's ``__eq__``, which may call the same cached function: that
      neither deadlocks nor corrupts the cache, and gives the right result (functools
      uses a reentrant lock, and updates its list before each dict operation).
    - A call hashes its arguments once, on a miss as on a hit (functools' ``_HashedSeq``
      keeps the hash for the key's three dict operations on a miss); with ``maxsize``
      ``0`` no key is built, so nothing is hashed.
    - The wrapper calls no builtin a user may replace: ``lru_cache(len)`` works, even
      installed as ``builtins.len`` (functools binds what it needs when it defines the
      wrapper: ``cache_len = cache.__len__``).
    """
    raise NotImplementedError
