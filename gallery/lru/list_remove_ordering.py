"""Bug: recency is kept in a Python list, so get() and put() call list.remove(): O(n) each.

The article's tutorial version. Every answer is right, and a cache of 100,000 keys is a
thousand times slower per operation than one of 100.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from functools import update_wrapper
from threading import Lock
from typing import Any, Generic, NamedTuple, Protocol, TypeVar, cast, overload

__all__ = ["CacheInfo", "LRUCache", "lru_cache"]

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")
D = TypeVar("D")
R = TypeVar("R")
R_co = TypeVar("R_co", covariant=True)


class LRUCache(Generic[K, V]):
    """A dict for the values and a list for the order, least recently used first."""

    __slots__ = ("_capacity", "_data", "_order")

    def __init__(self, capacity: int) -> None:
        if isinstance(capacity, bool) or not isinstance(capacity, int):
            raise TypeError(f"capacity must be an int, not {type(capacity).__name__}")
        if capacity < 1:
            raise ValueError(f"capacity must be at least 1, got {capacity}")
        self._capacity = capacity
        self._data: dict[K, V] = {}
        self._order: list[K] = []

    @property
    def capacity(self) -> int:
        return self._capacity

    def get(self, key: K, default: object = None) -> object:
        if key not in self._data:
            return default
        self._order.remove(key)  # BUG: list.remove scans the whole list: O(n) per hit
        self._order.append(key)
        return self._data[key]

    def put(self, key: K, value: V) -> None:
        if key in self._data:
            self._order.remove(key)
        elif len(self._data) >= self._capacity:
            del self._data[self._order.pop(0)]
        self._data[key] = value
        self._order.append(key)

    def delete(self, key: K) -> bool:
        hash(key)
        if key not in self._data:
            return False
        del self._data[key]
        self._order.remove(key)
        return True

    def clear(self) -> None:
        self._data.clear()
        self._order.clear()

    def keys(self) -> list[K]:
        return list(self._order)

    def __len__(self) -> int:
        return len(self._data)

    def __contains__(self, key: object) -> bool:
        return key in self._data


# --- Part 2: the decorator ---------------------------------------------------------------


class CacheInfo(NamedTuple):
    hits: int
    misses: int
    maxsize: int | None
    currsize: int


# A lone positional int or str is its own key, as in functools: no tuple to build or
# hash. A side effect that cache_info() parity requires: f(3) and f(3.0) are distinct
# entries even when typed is False (3 != (3.0,)), while f(3, 0) and f(3.0, 0) share one.
_SELF_KEYED = frozenset({int, str})
# Separates positional from keyword arguments in a key; private, so no argument equals it.
_KEYWORDS_FOLLOW = object()


def _make_key(args: tuple[Any, ...], kwds: dict[str, Any], typed: bool) -> Hashable:
    """The cache key of a call: equal exactly when functools' key would be equal.

    Keywords keep the call's order, so ``f(a=1, b=2)`` and ``f(b=2, a=1)`` are two entries.
    The key is a plain tuple, hashed again by each dict operation; for builtin arguments
    that is cheaper than functools' hash-caching list subclass built on every call.
    """
    if not kwds and not typed and len(args) == 1 and type(args[0]) in _SELF_KEYED:
        scalar: Hashable = args[0]
        return scalar
    parts = list(args)
    if kwds:
        parts.append(_KEYWORDS_FOLLOW)
        for name, value in kwds.items():
            parts += (name, value)
    if typed:
        parts += [type(value) for value in args]
        parts += [type(value) for value in kwds.values()]
    return tuple(parts)


class _CacheWrapper(Protocol[R_co]):
    """What ``lru_cache`` returns, for type checkers: the function plus its cache API."""

    @property
    def __wrapped__(self) -> Callable[..., R_co]: ...

    def __call__(self, *args: Any, **kwargs: Any) -> R_co: ...
    def cache_info(self) -> CacheInfo: ...
    def cache_clear(self) -> None: ...
    def cache_parameters(self) -> dict[str, Any]: ...


@overload
def lru_cache(maxsize: Callable[..., R], typed: bool = False) -> _CacheWrapper[R]: ...
@overload
def lru_cache(
    maxsize: int | None = 128, typed: bool = False
) -> Callable[[Callable[..., R]], _CacheWrapper[R]]: ...


def lru_cache(maxsize: Any = 128, typed: bool = False) -> Any:
    """Memoise a function, keeping the ``maxsize`` most recently used results.

    ``@lru_cache`` and ``@lru_cache(maxsize, typed)`` both work. ``maxsize=None`` never
    evicts; ``maxsize <= 0`` caches nothing (and builds no key, so unhashable arguments are
    fine). A ``bool`` maxsize is a TypeError, unlike functools.
    """
    if isinstance(maxsize, bool):
        raise TypeError("maxsize must be an int or None, not bool")
    if isinstance(maxsize, int):
        maxsize = max(maxsize, 0)
    elif callable(maxsize):  # used bare: @lru_cache
        user_function, maxsize = maxsize, 128
        return _wrap(user_function, maxsize, bool(typed))
    elif maxsize is not None:
        raise TypeError(f"maxsize must be an int or None, not {type(maxsize).__name__}")

    def decorating_function(user_function: Callable[..., R]) -> _CacheWrapper[R]:
        return _wrap(user_function, maxsize, bool(typed))

    return decorating_function


def _wrap(
    user_function: Callable[..., R], maxsize: int | None, typed: bool
) -> _CacheWrapper[R]:
    # Shared state lives in closure cells, which are faster to reach than attributes.
    # The cache maps a key to its result (unbounded) or to its link (bounded).
    cache: dict[Hashable, Any] = {}
    cache_get = cache.get
    hits = misses = 0
    full = False
    lock = Lock()  # guards the list and the counters; never held while user code runs
    acquire, release = lock.acquire, lock.release
    # The recency list: links are [prev, next, key, result] lists, as in functools.
    PREV, NEXT, KEY, RESULT = 0, 1, 2, 3
    root: list[Any] = []
    root[:] = [root, root, None, None]
    self_keyed = _SELF_KEYED
    make_key = _make_key

    if maxsize == 0:

        def wrapper(*args: Any, **kwds: Any) -> R:
            nonlocal misses
            acquire()
            misses += 1
            release()
            return user_function(*args, **kwds)

    elif maxsize is None:
        sentinel = object()

        def wrapper(*args: Any, **kwds: Any) -> R:
            nonlocal hits, misses
            if kwds or typed or len(args) != 1 or type(args[0]) not in self_keyed:
                key = make_key(args, kwds, typed)
            else:
                key = args[0]
            result = cache_get(key, sentinel)
            if result is not sentinel:
                acquire()
                hits += 1
                release()
                return result  # type: ignore[no-any-return]
            acquire()
            misses += 1
            release()
            result = user_function(*args, **kwds)
            cache[key] = result
            return result

    else:

        def wrapper(*args: Any, **kwds: Any) -> R:
            nonlocal root, hits, misses, full
            if kwds or typed or len(args) != 1 or type(args[0]) not in self_keyed:
                key = make_key(args, kwds, typed)
            else:
                key = args[0]
            # acquire/release with try/finally costs less than a with-block on this path.
            acquire()
            try:
                link = cache_get(key)
                if link is not None:
                    # Unlink, then relink at the most recent end, just before the root.
                    link_prev, link_next, _, cached = link
                    link_prev[NEXT] = link_next
                    link_next[PREV] = link_prev
                    last = root[PREV]
                    last[NEXT] = root[PREV] = link
                    link[PREV] = last
                    link[NEXT] = root
                    hits += 1
                    return cached  # type: ignore[no-any-return]
                misses += 1
            finally:
                release()
            result = user_function(*args, **kwds)
            acquire()
            try:
                if key in cache:
                    # A recursive call or another thread cached this key while the lock
                    # was free; its entry stands, as in functools.
                    pass
                elif full:
                    # As in LRUCache.put: the root, which follows the newest link, takes the
                    # new entry, and the oldest link becomes the root (evicting its entry).
                    root[KEY] = key
                    root[RESULT] = result
                    cache[key] = root
                    root = root[NEXT]
                    del cache[root[KEY]]
                    root[KEY] = root[RESULT] = None
                else:
                    last = root[PREV]
                    link = [last, root, key, result]
                    last[NEXT] = root[PREV] = cache[key] = link
                    full = len(cache) >= maxsize
            finally:
                release()
            return result

    def cache_info() -> CacheInfo:
        with lock:
            return CacheInfo(hits, misses, maxsize, len(cache))

    def cache_clear() -> None:
        nonlocal hits, misses, full
        with lock:
            cache.clear()
            root[:] = [root, root, None, None]
            hits = misses = 0
            full = False

    def cache_parameters() -> dict[str, Any]:
        return {"maxsize": maxsize, "typed": typed}

    wrapper.cache_info = cache_info  # type: ignore[attr-defined]
    wrapper.cache_clear = cache_clear  # type: ignore[attr-defined]
    wrapper.cache_parameters = cache_parameters  # type: ignore[attr-defined]
    return cast("_CacheWrapper[R]", update_wrapper(wrapper, user_function))
