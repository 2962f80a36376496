"""LRU cache from scratch: a hash map plus a hand-written doubly linked list.

Part 1, ``LRUCache``: a bounded mapping that evicts the least recently used key. Every
operation is O(1): the dict finds a key's link, the circular list keeps the recency order
(``root.next`` is the least recently used link, ``root.prev`` the most recently used).

Part 2, ``lru_cache``: a memoising decorator with the contract of ``functools.lru_cache``,
down to ``cache_info()``: the same calls give the same hits, misses and size.

Part 3: ``lru_cache`` is thread-safe (one lock; the user function runs outside it), and
every ``LRUCache`` operation stays O(1) whatever the capacity. ``LRUCache`` itself is not
locked, like ``dict`` and ``cachetools``: callers who share one across threads lock it.
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
# The wrappers test for it inline, so the commonest call builds no key and calls nothing.
_SELF_KEYED = frozenset({int, str})
# Separates positional from keyword arguments in a key; private, so no argument equals it.
_KEYWORDS_FOLLOW = object()

_MakeKey = Callable[[tuple[Any, ...], dict[str, Any], bool], Hashable]


def _make_key(args: tuple[Any, ...], kwds: dict[str, Any], typed: bool) -> Hashable:
    """The cache key of a call that is not self-keyed: equal exactly when functools' is.

    Keywords keep the call's order, so ``f(a=1, b=2)`` and ``f(b=2, a=1)`` are two entries.
    The key is a plain tuple, hashed again by each dict operation; for builtin arguments
    that is cheaper than functools' hash-caching list subclass built on every call.
    """
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
    if callable(maxsize) and not isinstance(maxsize, int):  # used bare: @lru_cache
        return lru_cache(128, typed)(maxsize)
    maxsize = _checked_maxsize(maxsize)
    typed = bool(typed)

    def decorating_function(user_function: Callable[..., R]) -> _CacheWrapper[R]:
        return _wrap(user_function, maxsize, typed)

    return decorating_function


def _checked_maxsize(maxsize: object) -> int | None:
    """``maxsize`` as the wrappers take it: None, or an int, a negative one raised to 0."""
    if isinstance(maxsize, bool):
        raise TypeError("maxsize must be an int or None, not bool")
    if isinstance(maxsize, int):
        return max(maxsize, 0)
    if maxsize is None:
        return None
    raise TypeError(f"maxsize must be an int or None, not {type(maxsize).__name__}")


def _wrap(
    user_function: Callable[..., R],
    maxsize: int | None,
    typed: bool,
    make_key: _MakeKey = _make_key,
    self_keyed: frozenset[type] = _SELF_KEYED,
) -> _CacheWrapper[R]:
    """The wrapper for ``maxsize``'s mode, chosen once at decoration time as in functools.

    The key policy is bound here, at decoration time, so a call reaches it through a
    closure cell: ``make_key`` builds a call's key unless its lone argument's type is in
    ``self_keyed``.
    """
    if maxsize == 0:
        return _uncached_wrapper(user_function, typed)
    if maxsize is None:
        return _unbounded_wrapper(user_function, typed, make_key, self_keyed)
    return _bounded_wrapper(user_function, maxsize, typed, make_key, self_keyed)


# Each wrapper factory keeps its state in closure cells, which are faster to reach than
# attributes, and shares them with the cache_info and cache_clear it defines. One lock per
# wrapper guards that state and is never held while user code runs.


def _uncached_wrapper(user_function: Callable[..., R], typed: bool) -> _CacheWrapper[R]:
    """``maxsize <= 0``: every call is a miss and nothing is stored, so no key is built."""
    misses = 0
    lock = Lock()
    acquire, release = lock.acquire, lock.release

    def wrapper(*args: Any, **kwds: Any) -> R:
        nonlocal misses
        acquire()
        misses += 1
        release()
        return user_function(*args, **kwds)

    def cache_info() -> CacheInfo:
        with lock:
            return CacheInfo(0, misses, 0, 0)

    def cache_clear() -> None:
        nonlocal misses
        with lock:
            misses = 0

    return _with_cache_api(wrapper, user_function, cache_info, cache_clear, 0, typed)


def _unbounded_wrapper(
    user_function: Callable[..., R],
    typed: bool,
    make_key: _MakeKey,
    self_keyed: frozenset[type],
) -> _CacheWrapper[R]:
    """``maxsize=None``: a plain dict of results, which never evicts."""
    cache: dict[Hashable, Any] = {}
    cache_get = cache.get
    sentinel = object()
    hits = misses = 0
    lock = Lock()
    acquire, release = lock.acquire, lock.release

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

    def cache_info() -> CacheInfo:
        with lock:
            return CacheInfo(hits, misses, None, len(cache))

    def cache_clear() -> None:
        nonlocal hits, misses
        with lock:
            cache.clear()
            hits = misses = 0

    return _with_cache_api(wrapper, user_function, cache_info, cache_clear, None, typed)


def _bounded_wrapper(
    user_function: Callable[..., R],
    maxsize: int,
    typed: bool,
    make_key: _MakeKey,
    self_keyed: frozenset[type],
) -> _CacheWrapper[R]:
    """``maxsize > 0``: a dict of links plus a circular recency list, as in functools.

    Links are ``[prev, next, key, result]`` lists; ``root`` is the sentinel, so
    ``root[NEXT]`` is the least recently used link and ``root[PREV]`` the most recent.
    """
    cache: dict[Hashable, list[Any]] = {}
    cache_get = cache.get
    hits = misses = 0
    full = False
    lock = Lock()
    acquire, release = lock.acquire, lock.release
    PREV, NEXT, KEY, RESULT = 0, 1, 2, 3
    root: list[Any] = []
    root[:] = [root, root, None, None]

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

    return _with_cache_api(wrapper, user_function, cache_info, cache_clear, maxsize, typed)


def _with_cache_api(
    wrapper: Callable[..., R],
    user_function: Callable[..., R],
    cache_info: Callable[[], CacheInfo],
    cache_clear: Callable[[], None],
    maxsize: int | None,
    typed: bool,
) -> _CacheWrapper[R]:
    """``wrapper`` with the cache API attached and ``user_function``'s name, doc and more."""

    def cache_parameters() -> dict[str, Any]:
        return {"maxsize": maxsize, "typed": typed}

    wrapper.cache_info = cache_info  # type: ignore[attr-defined]
    wrapper.cache_clear = cache_clear  # type: ignore[attr-defined]
    wrapper.cache_parameters = cache_parameters  # type: ignore[attr-defined]
    return cast("_CacheWrapper[R]", update_wrapper(wrapper, user_function))
