"""LRU cache from scratch: a hash map plus a hand-written doubly linked list.

Part 1, ``LRUCache``: a bounded mapping that evicts the least recently used key. Every
operation is O(1): the dict finds a key's link, the circular list keeps the recency order
(``root.next`` is the least recently used link, ``root.prev`` the most recently used).

Part 2, ``lru_cache``: a memoising decorator with the contract of ``functools.lru_cache``,
down to ``cache_info()``: the same calls give the same hits, misses and size.

Part 3: ``lru_cache`` is thread-safe (one reentrant lock per wrapper, released while the
user function runs) and keeps functools' defences: an argument is hashed once per call, a
key whose ``__eq__`` calls the cached function does not deadlock it, and the wrappers call
no builtin that a user may replace (``lru_cache(len)`` works). ``LRUCache`` stays O(1)
at any capacity and pickles and copies at any size. It is not locked, like ``dict`` and
``cachetools``: callers who share one across threads lock it.

Extension points. The gallery's variants subclass these and override one step each; the
reference's hot paths (``LRUCache.get``, ``put`` of a new key into a full cache, every
call of a wrapper) call no hook, because a Python call costs as much as the work it does.

``LRUCache`` (its links have ``key``, ``value``, ``prev`` and ``next``):

- ``check_capacity(capacity) -> int``: the capacity to use, or TypeError/ValueError naming
  it.
- ``is_full() -> bool``: whether a new key must evict one first. ``put`` asks while the
  cache fills up; once it says yes, the cache stays full until ``delete`` or ``clear``.
- ``replace(link, value)``: what ``put`` does to a key already cached: the new value, and
  the key becomes the most recently used.
- ``unlink(link)``: ``delete``'s list step, after the key has left the dict.
- ``peek(key, default=None)`` is public API beyond the contract: a read that changes no
  recency, as ``in`` does.

``Memoizer``, the steps of ``lru_cache`` (which is ``Memoizer().lru_cache``); they run
when a function is decorated, never per call:

- ``check_maxsize(maxsize) -> int | None``: the maxsize to use, or TypeError naming it.
- ``make_key(args, kwds, typed)``: the key of a call that is not self-keyed;
  ``self_keyed``: the types whose lone positional argument is its own key.
- ``lock_type``: what guards each wrapper's list and counters.
- ``wrap(user_function, maxsize, typed)``: the wrapper for the mode: ``uncached``
  (maxsize 0), ``unbounded`` (None) or ``bounded``.
- ``cache_info(hits, misses, maxsize, keys)``: what a wrapper's ``cache_info()`` returns.
- ``with_cache_api(wrapper, user_function, cache_info, cache_clear, maxsize, typed)``: a
  wrapper with the cache API and the function's metadata attached.
"""

from __future__ import annotations

from _thread import RLock  # the lock type itself (threading.RLock is a factory function)
from collections.abc import Callable, Hashable, KeysView
from functools import update_wrapper
from typing import Any, Generic, NamedTuple, Protocol, TypeVar, cast, overload

__all__ = ["CacheInfo", "LRUCache", "Memoizer", "lru_cache"]

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")
D = TypeVar("D")
R = TypeVar("R")
R_co = TypeVar("R_co", covariant=True)

# Builtins the wrappers call per call, bound when this module loads rather than looked up
# each time: a user may replace builtins.len, even with a function this decorator wraps
# (then every call through the replacement would re-enter the wrapper, forever).
_len, _type, _tuple, _hash = len, type, tuple, hash


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

    __slots__ = ("_capacity", "_full", "_links", "_root")

    def __init__(self, capacity: int) -> None:
        self._capacity = self.check_capacity(capacity)
        self._links: dict[K, _Link] = {}
        self._root = _Link()
        self._full = False

    @staticmethod
    def check_capacity(capacity: object) -> int:
        """``capacity`` if it is an int >= 1 (a bool is not a size), else raise."""
        if isinstance(capacity, bool) or not isinstance(capacity, int):
            raise TypeError(f"capacity must be an int, not {type(capacity).__name__}")
        if capacity < 1:
            raise ValueError(f"capacity must be at least 1, got {capacity}")
        return capacity

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

    def peek(self, key: K, default: object = None) -> object:
        """The value cached for ``key``, else ``default``; recency does not change."""
        link = self._links.get(key)
        return default if link is None else link.value

    def put(self, key: K, value: V) -> None:
        links = self._links
        link = links.get(key)  # hashes first: an unhashable key fails before any change
        if link is not None:
            self.replace(link, value)
            return
        root = self._root
        if self._full or self.is_full():
            # The sentinel takes the new entry, which puts it at the most recent end for
            # free, and the oldest link becomes the sentinel (the functools trick: no
            # allocation and no relinking on eviction).
            self._full = True
            root.key = key
            root.value = value
            oldest = root.next
            del links[oldest.key]
            oldest.key = oldest.value = None
            self._root = oldest
            links[key] = root
        else:
            link = _Link()
            link.key = key
            link.value = value
            last = root.prev
            link.prev = last
            link.next = root
            last.next = root.prev = link
            links[key] = link

    def is_full(self) -> bool:
        """Whether a new key must first evict the least recently used one."""
        return len(self._links) >= self._capacity

    def replace(self, link: _Link, value: V) -> None:
        """``put`` of a key already cached: the new value; the key becomes the most recent."""
        link.value = value
        link.prev.next = link.next
        link.next.prev = link.prev
        root = self._root
        last = root.prev
        link.prev = last
        link.next = root
        last.next = root.prev = link

    def delete(self, key: K) -> bool:
        link = self._links.pop(key, None)
        if link is None:
            hash(key)  # pop() on an empty dict skips hashing: an unhashable key must still fail
            return False
        self.unlink(link)
        self._full = False
        return True

    def unlink(self, link: _Link) -> None:
        """Take ``link`` out of the recency list (its key has left the dict already)."""
        link.prev.next = link.next
        link.next.prev = link.prev

    def clear(self) -> None:
        self._links.clear()
        root = self._root
        root.prev = root.next = root
        self._full = False

    def keys(self) -> list[K]:
        """Every key, least recently used first."""
        return list(self._items())

    def _items(self) -> dict[K, Any]:
        """Every key and its value, least recently used first (a dict keeps that order)."""
        items = {}
        root = self._root
        link = root.next
        while link is not root:
            items[link.key] = link.value
            link = link.next
        return items

    def __len__(self) -> int:
        return len(self._links)

    def __contains__(self, key: object) -> bool:
        return key in self._links

    def __reduce__(self) -> tuple[Any, ...]:
        # Pickled and copied as (capacity, items in recency order). The default reducer
        # would follow the links one by one, recursively: past a few hundred keys that
        # overflows the recursion limit.
        return (type(self), (self._capacity,), self._items())

    def __setstate__(self, items: dict[K, V]) -> None:
        # Linked in one loop, oldest first, rather than by a put per key: 100,000 keys
        # restore in one pass with no call per key (the items fit: they came from a cache
        # of this capacity, and __init__ left the cache empty and not full).
        links, root = self._links, self._root
        for key, value in items.items():
            link = _Link()
            link.key = key
            link.value = value
            last = root.prev
            link.prev = last
            link.next = root
            last.next = root.prev = link
            links[key] = link

    def __repr__(self) -> str:
        inside = ", ".join(f"{key!r}: {value!r}" for key, value in self._items().items())
        return f"{type(self).__name__}(capacity={self._capacity}, {{{inside}}})"


# --- Part 2: the decorator ---------------------------------------------------------------


class CacheInfo(NamedTuple):
    hits: int
    misses: int
    maxsize: int | None
    currsize: int


# Separates positional from keyword arguments in a key; private, so no argument equals it.
_KEYWORDS_FOLLOW = (object(),)


class _HashedKey(list):  # type: ignore[type-arg]
    """A call's key that hashes its arguments once, as functools' ``_HashedSeq`` does.

    A miss looks its key up, checks it again after the call and stores it: three dict
    operations, and a tuple would hash every argument again for each one.
    """

    __slots__ = ("hashvalue",)

    def __init__(self, parts: tuple[Any, ...]) -> None:
        self[:] = parts
        self.hashvalue = _hash(parts)

    def __hash__(self) -> int:  # type: ignore[override]
        return self.hashvalue


class _CacheWrapper(Protocol[R_co]):
    """What ``lru_cache`` returns, for type checkers: the function plus its cache API."""

    @property
    def __wrapped__(self) -> Callable[..., R_co]: ...

    def __call__(self, *args: Any, **kwargs: Any) -> R_co: ...
    def cache_info(self) -> CacheInfo: ...
    def cache_clear(self) -> None: ...
    def cache_parameters(self) -> dict[str, Any]: ...


class Memoizer:
    """How ``lru_cache`` turns a function into a cached wrapper, step by step.

    Every step runs once per decorated function; the wrapper it builds keeps its state in
    closure cells and calls no method per call (see the module's extension points).
    """

    #: Guards a wrapper's recency list and counters. Reentrant, because the lookup runs
    #: under it and a key's ``__eq__`` may call the same cached function.
    lock_type: Callable[[], Any] = RLock
    #: A lone positional argument of exactly one of these types is its own key (no tuple
    #: to build or hash). A side effect that cache_info() parity requires: f(3) and f(3.0)
    #: are two entries even when typed is False (3 != (3.0,)), f(3, 0) and f(3.0, 0) one.
    self_keyed: frozenset[type] = frozenset({int, str})

    @overload
    def lru_cache(self, maxsize: Callable[..., R], typed: bool = False) -> _CacheWrapper[R]: ...
    @overload
    def lru_cache(
        self, maxsize: int | None = 128, typed: bool = False
    ) -> Callable[[Callable[..., R]], _CacheWrapper[R]]: ...

    def lru_cache(self, maxsize: Any = 128, typed: bool = False) -> Any:
        """Memoise a function, keeping the ``maxsize`` most recently used results.

        ``@lru_cache``, ``@lru_cache()`` and ``@lru_cache(maxsize, typed)`` all work, and
        ``lru_cache(f, typed=True)`` as in functools. ``maxsize=None`` never evicts;
        ``maxsize <= 0`` caches nothing (and builds no key, so unhashable arguments are
        fine). A ``bool`` maxsize is a TypeError, unlike functools.
        """
        if callable(maxsize) and not isinstance(maxsize, int):  # used bare: @lru_cache
            return self.lru_cache(128, typed)(maxsize)
        checked = self.check_maxsize(maxsize)
        flag = bool(typed)

        def decorating_function(user_function: Callable[..., R]) -> _CacheWrapper[R]:
            return self.wrap(user_function, checked, flag)

        return decorating_function

    def check_maxsize(self, maxsize: object) -> int | None:
        """None, or an int with a negative one raised to 0; anything else is a TypeError."""
        if isinstance(maxsize, bool):
            raise TypeError("maxsize must be an int or None, not bool")
        if isinstance(maxsize, int):
            return max(maxsize, 0)
        if maxsize is None:
            return None
        raise TypeError(f"maxsize must be an int or None, not {type(maxsize).__name__}")

    @staticmethod
    def make_key(args: tuple[Any, ...], kwds: dict[str, Any], typed: bool) -> Hashable:
        """The key of a call that is not self-keyed: equal exactly when functools' is.

        The positional arguments; then, if there are keywords, a private marker and each
        name and value in the call's order (``f(a=1, b=2)`` and ``f(b=2, a=1)`` are two
        entries); then, with ``typed``, the type of every value.
        """
        key = args
        if kwds:
            key += _KEYWORDS_FOLLOW
            for item in kwds.items():
                key += item
        if typed:
            key += _tuple([_type(value) for value in args])
            if kwds:
                key += _tuple([_type(value) for value in kwds.values()])
        return _HashedKey(key)

    def wrap(self, user_function: Callable[..., R], maxsize: int | None,
             typed: bool) -> _CacheWrapper[R]:
        """The wrapper for ``maxsize``'s mode, chosen once, as in functools."""
        if maxsize == 0:
            return self.uncached(user_function, typed)
        if maxsize is None:
            return self.unbounded(user_function, typed)
        return self.bounded(user_function, maxsize, typed)

    def cache_info(self, hits: int, misses: int, maxsize: int | None,
                   keys: KeysView[Hashable]) -> CacheInfo:
        """What a wrapper's ``cache_info()`` returns: its counters and its cached keys."""
        return CacheInfo(hits, misses, maxsize, keys.__len__())  # no builtin len: see _len

    @staticmethod
    def with_cache_api(
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

    # Each wrapper factory keeps its state in closure cells, the fastest state a Python
    # function can reach, shared with the cache_info and cache_clear it defines.

    def uncached(self, user_function: Callable[..., R], typed: bool) -> _CacheWrapper[R]:
        """``maxsize <= 0``: every call is a miss; no key is built and nothing is stored."""
        misses = 0
        lock = self.lock_type()
        acquire, release = lock.acquire, lock.release

        def wrapper(*args: Any, **kwds: Any) -> R:
            nonlocal misses
            acquire()
            misses += 1
            release()
            return user_function(*args, **kwds)

        def cache_info() -> CacheInfo:
            with lock:
                return self.cache_info(0, misses, 0, {}.keys())

        def cache_clear() -> None:
            nonlocal misses
            with lock:
                misses = 0

        return self.with_cache_api(wrapper, user_function, cache_info, cache_clear, 0, typed)

    def unbounded(self, user_function: Callable[..., R], typed: bool) -> _CacheWrapper[R]:
        """``maxsize=None``: a plain dict of results, never evicted.

        Dict operations are atomic, so only the counters need the lock.
        """
        cache: dict[Hashable, Any] = {}
        cache_get = cache.get
        sentinel = object()
        make_key, self_keyed = self.make_key, self.self_keyed
        hits = misses = 0
        lock = self.lock_type()
        acquire, release = lock.acquire, lock.release

        def wrapper(*args: Any, **kwds: Any) -> R:
            nonlocal hits, misses
            if kwds or typed or _len(args) != 1 or _type(args[0]) not in self_keyed:
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
                return self.cache_info(hits, misses, None, cache.keys())

        def cache_clear() -> None:
            nonlocal hits, misses
            with lock:
                cache.clear()
                hits = misses = 0

        return self.with_cache_api(wrapper, user_function, cache_info, cache_clear, None, typed)

    def bounded(self, user_function: Callable[..., R], maxsize: int,
                typed: bool) -> _CacheWrapper[R]:
        """``maxsize > 0``: a dict of links plus a circular recency list, as in functools.

        Links are ``[prev, next, key, result]`` lists; ``root`` is the sentinel, so
        ``root[NEXT]`` is the least recently used link and ``root[PREV]`` the most recent.

        The lock is released while the user function runs, so the list may change during
        the call (recursion, other threads): the miss path reads it again afterwards. The
        dict operations under the lock may run a key's ``__eq__``, which may call this
        wrapper again: each update leaves the list consistent before its dict operation.
        """
        cache: dict[Hashable, list[Any]] = {}
        cache_get, cache_len = cache.get, cache.__len__
        make_key, self_keyed = self.make_key, self.self_keyed
        hits = misses = 0
        full = False
        lock = self.lock_type()
        acquire, release = lock.acquire, lock.release
        PREV, NEXT, KEY, RESULT = 0, 1, 2, 3
        root: list[Any] = []
        root[:] = [root, root, None, None]

        def wrapper(*args: Any, **kwds: Any) -> R:
            nonlocal root, hits, misses, full
            if kwds or typed or _len(args) != 1 or _type(args[0]) not in self_keyed:
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
                    # As in LRUCache.put: the root, which follows the newest link, takes
                    # the new entry, and the oldest link becomes the root. The links are
                    # consistent before the dict changes; storing the new key, which may
                    # run user code, comes last.
                    old_root = root
                    old_root[KEY] = key
                    old_root[RESULT] = result
                    root = old_root[NEXT]
                    evicted_key = root[KEY]
                    # Kept referenced until the dict has let go, so that no __del__ of
                    # the evicted result runs while the links are being changed.
                    evicted_result = root[RESULT]  # noqa: F841
                    root[KEY] = root[RESULT] = None
                    del cache[evicted_key]
                    cache[key] = old_root
                else:
                    last = root[PREV]
                    link = [last, root, key, result]
                    last[NEXT] = root[PREV] = cache[key] = link
                    full = cache_len() >= maxsize
            finally:
                release()
            return result

        def cache_info() -> CacheInfo:
            with lock:
                return self.cache_info(hits, misses, maxsize, cache.keys())

        def cache_clear() -> None:
            nonlocal hits, misses, full
            with lock:
                cache.clear()
                root[:] = [root, root, None, None]
                hits = misses = 0
                full = False

        return self.with_cache_api(wrapper, user_function, cache_info, cache_clear, maxsize,
                                   typed)


_MEMOIZER = Memoizer()

#: The module's decorator: ``Memoizer().lru_cache``, as each gallery variant makes its own.
lru_cache = _MEMOIZER.lru_cache
