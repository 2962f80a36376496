"""Bug: put() checks "full?" before "already cached?", so replacing a key in a full cache
evicts the least recently used key for nothing.
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


class _Link:
    """One entry of the recency list; the root link is a sentinel holding no entry."""

    __slots__ = ("key", "next", "prev", "value")

    def __init__(self) -> None:
        self.prev: _Link = self
        self.next: _Link = self
        self.key: Any = None
        self.value: Any = None


class LRUCache(Generic[K, V]):
    """A mapping of at most ``capacity`` keys that evicts the least recently used one.

    ``get`` (on a hit) and ``put`` make a key the most recently used; ``in`` does not.
    Not thread-safe: share one instance across threads only behind a lock.
    """

    __slots__ = ("_capacity", "_links", "_root")

    def __init__(self, capacity: int) -> None:
        if isinstance(capacity, bool) or not isinstance(capacity, int):
            raise TypeError(f"capacity must be an int, not {type(capacity).__name__}")
        if capacity < 1:
            raise ValueError(f"capacity must be at least 1, got {capacity}")
        self._capacity = capacity
        self._links: dict[K, _Link] = {}
        self._root = _Link()

    @property
    def capacity(self) -> int:
        return self._capacity

    @overload
    def get(self, key: K) -> V | None: ...
    @overload
    def get(self, key: K, default: D) -> V | D: ...

    def get(self, key: K, default: object = None) -> object:
        link = self._links.get(key)
        if link is None:
            return default
        # Unlink, then relink at the most recent end (just before the sentinel). Read
        # root.prev only after unlinking: the link may itself have been the last one.
        link.prev.next = link.next
        link.next.prev = link.prev
        root = self._root
        last = root.prev
        link.prev = last
        link.next = root
        last.next = root.prev = link
        return link.value

    def put(self, key: K, value: V) -> None:
        links = self._links
        link = links.get(key)  # hashes first: an unhashable key fails before any change
        root = self._root
        if len(links) >= self._capacity:  # BUG: a replace needs no room, yet this evicts
            oldest = root.next
            oldest.prev.next = oldest.next
            oldest.next.prev = oldest.prev
            del links[oldest.key]
            if oldest is link:
                link = None
        if link is not None:
            link.value = value
            link.prev.next = link.next
            link.next.prev = link.prev
            last = root.prev
            link.prev = last
            link.next = root
            last.next = root.prev = link
        elif len(links) < self._capacity:
            link = _Link()
            link.key = key
            link.value = value
            last = root.prev
            link.prev = last
            link.next = root
            last.next = root.prev = link
            links[key] = link
        else:
            # Full: the sentinel takes the new entry, which puts it at the most recent end
            # for free, and the oldest link becomes the sentinel (the functools trick: no
            # allocation and no relinking on eviction).
            root.key = key
            root.value = value
            oldest = root.next
            del links[oldest.key]
            oldest.key = oldest.value = None
            self._root = oldest
            links[key] = root

    def delete(self, key: K) -> bool:
        link = self._links.pop(key, None)
        if link is None:
            hash(key)  # pop() on an empty dict skips hashing: an unhashable key must still fail
            return False
        link.prev.next = link.next
        link.next.prev = link.prev
        return True

    def clear(self) -> None:
        self._links.clear()
        root = self._root
        root.prev = root.next = root

    def keys(self) -> list[K]:
        """Every key, least recently used first."""
        keys = []
        root = self._root
        link = root.next
        while link is not root:
            keys.append(link.key)
            link = link.next
        return keys

    def __len__(self) -> int:
        return len(self._links)

    def __contains__(self, key: object) -> bool:
        return key in self._links

    def __repr__(self) -> str:
        items = []
        root = self._root
        link = root.next
        while link is not root:
            items.append(f"{link.key!r}: {link.value!r}")
            link = link.next
        return f"{type(self).__name__}(capacity={self._capacity}, {{{', '.join(items)}}})"


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
