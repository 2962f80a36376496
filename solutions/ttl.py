"""TTL cache with auto-expiry: an LRU-ordered dict plus expiry records in time order.

Part 1, ``TTLCache`` basics: an entry set at time ``t`` with ttl ``d`` is live while
``clock() < t + d`` and expired from ``t + d`` on. Expired entries are never returned or
counted; ``None`` and falsy values are cached like any other.

Part 2, capacity and reclamation: a new key in a full cache first drops the expired
entries, then evicts the least recently used live one (``get`` hits and ``set`` are uses).
Every ``set`` reclaims all expired entries, so nothing expired stays referenced after the
next write, and ``expire()`` does the same on demand, returning how many it removed.
Copies (``copy.deepcopy``, ``pickle``) keep the entries, their expiry times and the use
order, at any size.

Part 3, ``ttl_cache``: a memoising decorator on ``TTLCache`` with ``cache_info()`` and
``cache_clear()`` as in ``functools.lru_cache``.

The design: ``_data`` is an ``OrderedDict`` in use order (least recently used first),
mapping each key to ``(value, expires_at, record)``. The record ``(expires_at, seq, key)``
says when to reclaim the entry; it waits in ``_queue`` if it arrives in expiry order (with
one ttl and a clock that never goes back, they all do: O(1) each), else in ``_heap``, a
min-heap (a per-entry ttl: O(log n)). ``set`` pops every record due from the fronts of
both. A record whose key has since been replaced, deleted or evicted stays where it is
(lazy deletion) and is recognised as stale by identity when it is popped:
``_data[key][2] is not record``. Once stale records outnumber the live ones, the records
are rebuilt from the live entries, so memory stays O(n) and each operation is amortised
O(log n). In the heap, ``seq`` (a counter) breaks ties between equal expiry times, so keys
are never compared; the queue is never compared, and its records carry 0.

Decisions where the contract is silent:

- ``get`` on an expired entry returns the default and does not count as a use.
- Any operation may drop expired entries along the way: this one does in ``set`` and
  ``__len__``; ``expire()`` counts only what it removes itself.
- A copy keeps the expiry times as they were, on the clock it was made with; the clock is
  copied along (``time.monotonic`` stays itself). A pickle is meant for the process that
  made it, or for a clock that agrees across processes, such as ``time.time``.
- ``TTLCache`` is not thread-safe (like ``dict`` and ``cachetools``); the ``ttl_cache``
  wrapper is: one reentrant lock (an argument's ``__eq__`` may call the function again),
  never held while the function runs.

Extension points
----------------
The public methods are the policy; these are the steps they delegate where a TTL cache
typically goes wrong, each a method (or class attribute) of its own, in the style of
redis-py's ``Lock.do_acquire``. The bug gallery overrides these and nothing else.

``TTLCache``
    - ``is_expired(expires_at, now) -> bool``: the expiry rule every read applies (``get``,
      ``peek``, ``in``, ``remaining``, ``delete``): expired from ``expires_at`` on.
      Reclamation pops the expiry records by the same rule.
    - ``reclaim(now)``: the auto-expiry step ``set`` runs before it stores, whenever an
      expiry record is due: drop every expired entry.
    - ``__getstate__() -> dict`` / ``__setstate__(state)``: what ``pickle`` and
      ``copy.deepcopy`` copy: ``maxsize``, ``ttl``, ``clock`` and ``entries``, a flat list
      of ``(key, value, expires_at)`` in use order.

    Public helpers they build on: ``peek(key, default)`` (a ``get`` that is not a use),
    ``currsize`` (the entries held, expired ones not yet dropped included), ``maxsize``,
    ``ttl``, and the module's ``check_ttl``.

``CachedFunction`` (what ``ttl_cache`` wraps a function in)
    - ``make_key(args, kwds) -> Hashable``: the cache key of one call.
    - ``lookup(key)``: the cached result for ``key``, or ``MISSING``.
    - ``compute(args, kwds)``: a miss runs the function; what it returns is cached.
    - ``lock_type``: the class of the wrapper's lock (reentrant).
    - ``CachedFunction.decorator(maxsize, ttl, clock=..., typed=...)`` is ``ttl_cache``
      for this class: a subclass makes its own ``ttl_cache`` from it.
"""

from __future__ import annotations

import math
import time
from collections import OrderedDict, deque
from collections.abc import Callable, Hashable
from contextlib import AbstractContextManager
from functools import update_wrapper
from heapq import heappop, heappush
from itertools import count
from operator import itemgetter
from threading import RLock
from types import MethodType
from typing import Any, Generic, NamedTuple, Protocol, TypeVar, cast, overload

__all__ = ["CacheInfo", "TTLCache", "ttl_cache"]

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")
D = TypeVar("D")
R = TypeVar("R")

Clock = Callable[[], float]
Record = tuple[float, int, Any]  # (expires_at, seq, key), queued until it is due
_Entry = tuple[V, float, Record]  # (value, expires_at, the entry's current record)

# Records are rebuilt from the live entries once stale ones are more than this many plus
# the live count: memory stays O(live entries) and the rebuild is amortised O(log n).
_SLACK = 64
_expiry = itemgetter(0)  # a record's expiry time: records sort by it alone


class _Missing:
    __slots__ = ()

    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()  # what CachedFunction.lookup returns for a miss


def check_maxsize(maxsize: object) -> int:
    """``maxsize`` if it is an ``int`` >= 1 (``bool`` is not); else TypeError/ValueError."""
    if isinstance(maxsize, bool) or not isinstance(maxsize, int):
        raise TypeError(f"maxsize must be an int, not {type(maxsize).__name__}")
    if maxsize < 1:
        raise ValueError(f"maxsize must be at least 1, got {maxsize}")
    return maxsize


def check_ttl(ttl: object) -> float:
    """``ttl`` in seconds if it is an ``int`` or ``float``, positive and finite."""
    if isinstance(ttl, bool) or not isinstance(ttl, int | float):
        raise TypeError(f"ttl must be a number of seconds (int or float), not {type(ttl).__name__}")
    try:
        seconds = float(ttl)
    except OverflowError:  # an int too large for a float
        seconds = math.inf
    if not 0.0 < seconds < math.inf:  # also rejects NaN
        raise ValueError(f"ttl must be a positive, finite number of seconds, got {ttl!r}")
    return seconds


class TTLCache(Generic[K, V]):
    """At most ``maxsize`` entries, each live for ``ttl`` seconds (or its own ttl) after set.

    ``get`` (on a hit) and ``set`` make a key the most recently used. Not thread-safe.
    """

    __slots__ = ("_clock", "_data", "_heap", "_limit", "_maxsize", "_queue", "_seq", "_ttl")

    def __init__(
        self, maxsize: int = 128, ttl: float = 60.0, *, clock: Clock = time.monotonic
    ) -> None:
        self._maxsize = check_maxsize(maxsize)
        self._ttl = check_ttl(ttl)
        self._clock = clock
        self._data: OrderedDict[K, _Entry[V]] = OrderedDict()  # least recently used first
        self._queue: deque[Record] = deque()  # records in expiry order
        self._heap: list[Record] = []  # records that arrived out of expiry order
        self._limit = _SLACK  # rebuild once queue and heap hold more records than this
        self._seq = count()

    @property
    def maxsize(self) -> int:
        return self._maxsize

    @property
    def ttl(self) -> float:
        """The default ttl, in seconds."""
        return self._ttl

    @property
    def currsize(self) -> int:
        """The entries held: the live ones, and expired ones not dropped yet (``len`` counts
        only the live ones)."""
        return len(self._data)

    def set(self, key: K, value: V, ttl: float | None = None) -> None:
        """Store ``value`` under ``key`` for ``ttl`` seconds (default: the cache's ttl)."""
        seconds = self._ttl if ttl is None else check_ttl(ttl)
        now = self._clock()
        queue, heap = self._queue, self._heap
        if (queue and queue[0][0] <= now) or (heap and heap[0][0] <= now):
            self.reclaim(now)
        data = self._data
        expires = now + seconds
        # With one ttl and a clock that never goes back, expiry order is arrival order.
        in_order = not queue or queue[-1][0] <= expires
        record = (expires, 0, key) if in_order else (expires, next(self._seq), key)
        if key in data:  # an unhashable key raises here, before anything changed
            data.move_to_end(key)
        elif len(data) >= self._maxsize:
            data.popitem(last=False)  # the expired are gone: this is the LRU live entry
        data[key] = (value, expires, record)
        if in_order:
            queue.append(record)
        else:
            heappush(heap, record)
        if len(queue) + len(heap) > self._limit:
            self._compact()

    @overload
    def get(self, key: K) -> V | None: ...
    @overload
    def get(self, key: K, default: D) -> V | D: ...

    def get(self, key: K, default: object = None) -> object:
        """The live value for ``key`` (a use), else ``default``."""
        data = self._data
        entry = data.get(key)
        if entry is None or self.is_expired(entry[1], self._clock()):
            return default
        data.move_to_end(key)
        return entry[0]

    @overload
    def peek(self, key: K) -> V | None: ...
    @overload
    def peek(self, key: K, default: D) -> V | D: ...

    def peek(self, key: K, default: object = None) -> object:
        """The live value for ``key``, else ``default``; unlike ``get``, not a use."""
        entry = self._data.get(key)
        if entry is None or self.is_expired(entry[1], self._clock()):
            return default
        return entry[0]

    def remaining(self, key: K) -> float | None:
        """Seconds until ``key`` expires, or ``None`` if it is missing or expired."""
        entry = self._data.get(key)
        if entry is None:
            return None
        now = self._clock()
        return None if self.is_expired(entry[1], now) else entry[1] - now

    def delete(self, key: K) -> bool:
        """Remove ``key``; ``True`` if a live entry was removed."""
        entry = self._data.pop(key, None)  # its record goes stale
        return entry is not None and not self.is_expired(entry[1], self._clock())

    def expire(self) -> int:
        """Drop every expired entry now; return how many this call removed."""
        return self._purge(self._clock())

    def clear(self) -> None:
        self._data.clear()
        self._queue.clear()
        self._heap.clear()
        self._limit = _SLACK

    def __len__(self) -> int:
        """The number of live entries (expired ones are dropped on the way)."""
        self._purge(self._clock())
        return len(self._data)

    def __contains__(self, key: object) -> bool:
        entry = self._data.get(key)  # type: ignore[arg-type]
        return entry is not None and not self.is_expired(entry[1], self._clock())

    def __repr__(self) -> str:
        return f"{type(self).__name__}(maxsize={self._maxsize}, ttl={self._ttl}, live={len(self)})"

    # --- extension points --------------------------------------------------------------

    def is_expired(self, expires_at: float, now: float) -> bool:
        """The expiry rule: an entry is expired from its expiry time on."""
        return now >= expires_at

    def reclaim(self, now: float) -> None:
        """Auto-expiry, run by ``set`` when a record is due: drop every expired entry."""
        self._purge(now)

    # --- copies ------------------------------------------------------------------------

    def __getstate__(self) -> dict[str, Any]:
        """Plain data, flat at any size: the live entries in use order, expiry times kept."""
        now = self._clock()
        entries = [(key, value, expires) for key, (value, expires, _) in self._data.items()
                   if not self.is_expired(expires, now)]
        return {"maxsize": self._maxsize, "ttl": self._ttl, "clock": self._clock,
                "entries": entries}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(state["maxsize"], state["ttl"], clock=state["clock"])  # type: ignore[misc]
        data = self._data
        for key, value, expires in state["entries"]:
            data[key] = (value, expires, (expires, 0, key))
        self._compact()  # the records, sorted into the queue

    # --- mechanics ---------------------------------------------------------------------

    def _purge(self, now: float) -> int:
        """Pop every record due at ``now``; drop the entries they still stand for."""
        data, queue, heap = self._data, self._queue, self._heap
        removed = 0
        while queue and queue[0][0] <= now:
            record = queue.popleft()
            entry = data.get(record[2])
            if entry is not None and entry[2] is record:  # else stale: key re-set or gone
                del data[record[2]]
                removed += 1
        while heap and heap[0][0] <= now:
            record = heappop(heap)
            entry = data.get(record[2])
            if entry is not None and entry[2] is record:
                del data[record[2]]
                removed += 1
        return removed

    def _compact(self) -> None:
        """Keep only the live entries' records, all in the queue: the stale ones are most."""
        records = sorted((record for _, _, record in self._data.values()), key=_expiry)
        self._queue = deque(records)
        self._heap = []
        self._limit = 2 * len(self._queue) + _SLACK


class CacheInfo(NamedTuple):
    hits: int
    misses: int
    maxsize: int
    currsize: int


class _HashedSeq(list[Any]):
    """A key that hashes its arguments once: the cache looks a key up several times."""

    __slots__ = ("hashvalue",)

    def __init__(self, items: tuple[Any, ...]) -> None:
        self[:] = items
        self.hashvalue = hash(items)  # raises TypeError for an unhashable argument

    def __hash__(self) -> int:  # type: ignore[override]
        return self.hashvalue


_KWD_MARK = (object(),)  # separates positional from keyword arguments in a key
_FAST_TYPES = frozenset({int, str})


def _make_key(args: tuple[Any, ...], kwds: dict[str, Any], typed: bool) -> Hashable:
    """The cache key for one call, as ``functools`` builds it (keyword order matters)."""
    key = args
    if kwds:
        key += _KWD_MARK
        for item in kwds.items():
            key += item
    if typed:
        key += tuple(type(v) for v in args)
        if kwds:
            key += tuple(type(v) for v in kwds.values())
    elif len(key) == 1 and type(key[0]) in _FAST_TYPES:
        return key[0]  # type: ignore[no-any-return]
    return _HashedSeq(key)


class _Decorator(Protocol):
    """What ``ttl_cache(...)`` returns: wraps a function, keeping its result type."""

    def __call__(self, function: Callable[..., R], /) -> CachedFunction[R]: ...


class CachedFunction(Generic[R]):
    """A function memoised in a ``TTLCache``: what ``ttl_cache`` returns.

    Thread-safe: one lock guards the cache and the counters, never held while the function
    runs. It is reentrant, because looking a key up calls the arguments' ``__eq__``, which
    may call this very function.
    """

    lock_type: Callable[[], AbstractContextManager[Any]] = RLock

    @classmethod
    def decorator(
        cls, maxsize: int = 128, ttl: float = 60.0, *, clock: Clock = time.monotonic,
        typed: bool = False,
    ) -> _Decorator:
        """Memoise a function in a ``TTLCache(maxsize, ttl, clock=clock)``: ``ttl_cache`` is
        this classmethod of ``CachedFunction``, and a subclass's is its own ``ttl_cache``.

        Results (``None`` and falsy ones included) are cached for ``ttl`` seconds; exceptions
        are not cached. ``typed=True`` caches arguments of different types apart (``3`` and
        ``3.0``). The wrapper has ``cache_info()`` (``currsize`` counts live entries) and
        ``cache_clear()``. The arguments are checked now, not at the first call.
        """
        check_maxsize(maxsize)
        check_ttl(ttl)

        def decorate(function: Callable[..., Any]) -> CachedFunction[Any]:
            return cls(function, TTLCache(maxsize, ttl, clock=clock), typed=typed)

        return cast(_Decorator, decorate)

    def __init__(self, function: Callable[..., R], cache: TTLCache[Hashable, R], *,
                 typed: bool = False) -> None:
        update_wrapper(self, function)  # __name__, __doc__, __wrapped__, ...
        self.function = function
        self.cache = cache
        self.typed = typed
        self.lock = self.lock_type()
        self.hits = self.misses = 0

    def __call__(self, /, *args: Any, **kwds: Any) -> R:
        key = self.make_key(args, kwds)
        with self.lock:
            result = self.lookup(key)
            if result is not MISSING:
                self.hits += 1
                return result  # type: ignore[no-any-return]
            self.misses += 1
        result = self.compute(args, kwds)
        with self.lock:
            self.cache.set(key, result)
        return result

    def __get__(self, instance: object, owner: type | None = None) -> Any:
        """As a method, bound to its instance (like a function)."""
        return self if instance is None else MethodType(self, instance)

    def make_key(self, args: tuple[Any, ...], kwds: dict[str, Any]) -> Hashable:
        """The cache key of a call, as ``functools`` builds it; it hashes each argument once."""
        return _make_key(args, kwds, self.typed)

    def lookup(self, key: Hashable) -> Any:
        """The cached result for ``key``, or ``MISSING`` (a cached ``None`` is a result)."""
        return self.cache.get(key, MISSING)

    def compute(self, args: tuple[Any, ...], kwds: dict[str, Any]) -> R:
        """A miss: run the function (its exception propagates, and nothing is cached)."""
        return self.function(*args, **kwds)

    def cache_info(self) -> CacheInfo:
        with self.lock:
            return CacheInfo(self.hits, self.misses, self.cache.maxsize, len(self.cache))

    def cache_clear(self) -> None:
        with self.lock:
            self.cache.clear()
            self.hits = self.misses = 0


#: The module's decorator, as each gallery variant makes its own from its subclass.
ttl_cache = CachedFunction.decorator
