"""Kata 4, ``invalidation``: a cache invalidation system, in three parts.

"There are only two hard things in computer science": this kata is the first one. You
build three in-memory caches, each answering "when does a cached value stop being true?"
in a different way.

Part 1, :class:`DependencyCache`: entries declare the names they depend on (other keys,
or outside names such as a table ``"users"``); invalidating a name removes every cached
entry that depends on it, directly or through other entries.

Part 2, :class:`TaggedCache`: entries carry tags; ``invalidate_tag`` makes every entry
with that tag disappear in O(1), however many there are.

Part 3, :class:`CacheAside`: the cache-aside pattern over a backend (the store of
record), with writes that invalidate instead of set, and a guard against the stale-set
race (a slow read putting back a value that a write has just replaced).

Run the tests with ``make test KATA=invalidation`` (add ``PART=1`` for one part).
"""

from __future__ import annotations

import builtins
import time
from collections.abc import Callable, Hashable, Iterable
from typing import Any, Protocol

__all__ = ["Backend", "CacheAside", "DependencyCache", "TaggedCache"]


# --------------------------------------------------------------------------------------
# Part 1
# --------------------------------------------------------------------------------------


class DependencyCache:
    """A cache whose entries depend on names; invalidation follows dependents transitively.

    The graph: ``set(key, value, depends_on=deps)`` adds an edge "``key`` depends on
    ``d``" for every ``d`` in ``deps``, as long as ``key`` is cached. A dependency need not
    be cached itself: ``"users"`` may be the name of a database table that is never a key.

    - ``invalidate(name)`` removes ``name`` (if cached) and every cached entry that depends
      on ``name`` directly or transitively (``b`` depends on ``a`` which depends on
      ``"users"``: invalidating ``"users"`` removes both), and returns the set of removed
      keys: exactly those, nothing else. Cycles (``a`` depends on ``b``, ``b`` on ``a``,
      or ``a`` on itself) are fine: every key is visited once and the call terminates.
      Invalidating a name nothing depends on, and that is not cached, returns ``set()``.
    - ``dependents(name)`` is what ``invalidate(name)`` would remove, without ``name``
      itself, and changes nothing: always ``dependents(n) == invalidate(n) - {n}``. So in
      a cycle ``a -> b -> a``, ``dependents("a") == {"b"}``.
    - ``set`` never invalidates anything, not even the key's dependents (they depended on
      the name, not on one particular value; call ``invalidate`` when data changes).
      Setting an existing key replaces its value AND its dependencies: after
      ``set("a", 1, ["x"])`` then ``set("a", 2, ["y"])``, invalidating ``"x"`` leaves
      ``a`` alone. Other entries' edges pointing at ``a`` are kept.
    - Only cached entries have edges: once an entry is removed, nothing of it is left, and
      ``stats()`` returns ``{"entries": 0, "edges": 0}`` when the cache is empty, whatever
      happened before (no bookkeeping leaks).
    - Keys and dependency names are ``str`` (``TypeError`` otherwise, naming the
      argument). ``depends_on`` is any iterable of ``str``, a one-shot iterator such as a
      generator included; duplicates count once. A bare ``str`` for ``depends_on`` is a
      ``TypeError`` (``"users"`` would otherwise mean ``{"u", "s", "e", "r"}``). A
      rejected call changes nothing: the key keeps its old value and dependencies.
    - Callbacks registered with ``on_invalidate`` are called with each removed key, once
      per key and per callback, after the whole invalidation is done (so inside a
      callback ``key in cache`` is ``False``, and the callback may use the cache).

    Aim for an invalidation that costs O(removed entries + their edges), without
    recursion (a dependency chain may be longer than Python's recursion limit).
    Like a dict, this class is not thread-safe; share it behind a lock.
    """

    def __init__(self) -> None:
        """An empty cache with no callbacks."""
        raise NotImplementedError

    def set(self, key: str, value: Any, depends_on: Iterable[str] = ()) -> None:
        """Cache ``value`` under ``key``, depending on the names in ``depends_on``.

        Replaces the key's previous value and previous dependencies. Invalidates nothing.
        Raises ``TypeError`` (naming the argument) for a non-``str`` key, a bare ``str``
        as ``depends_on``, or a non-``str`` item in it; then nothing changes.
        """
        raise NotImplementedError

    def get(self, key: str, default: Any = None) -> Any:
        """The cached value for ``key``, or ``default`` if it is not cached.

        A cached ``None`` is returned as ``None``, not as ``default``.
        """
        raise NotImplementedError

    def invalidate(self, name: str) -> builtins.set[str]:
        """Remove ``name`` (if cached) and every cached entry depending on it, transitively.

        Returns the set of removed keys. Then calls every callback once per removed key.
        ``TypeError`` if ``name`` is not a ``str``.
        """
        raise NotImplementedError

    def dependents(self, name: str) -> builtins.set[str]:
        """The keys ``invalidate(name)`` would remove, ``name`` excluded. Changes nothing.

        ``TypeError`` if ``name`` is not a ``str``.
        """
        raise NotImplementedError

    def on_invalidate(self, callback: Callable[[str], object]) -> Callable[[str], object]:
        """Register ``callback(key)``, called once for each key removed by ``invalidate``.

        Returns ``callback`` (so it works as a decorator). For each removed key, the
        callbacks run in registration order, after all the keys of that invalidation are
        removed. ``TypeError`` (naming ``callback``) if it is not callable, and then
        nothing is registered. An exception from a callback propagates to the caller of
        ``invalidate``; the entries are removed by then.
        """
        raise NotImplementedError

    def stats(self) -> dict[str, int]:
        """``{"entries": <cached keys>, "edges": <dependency edges of cached entries>}``.

        ``edges`` counts the distinct (key, dependency) pairs over the cached keys: the
        sum of ``len(set(depends_on))`` of the live entries. A self-dependency counts.
        """
        raise NotImplementedError

    def __len__(self) -> int:
        """The number of cached keys."""
        raise NotImplementedError

    def __contains__(self, key: object) -> bool:
        """Whether ``key`` is cached. Any hashable object may be asked about: a non-``str``
        is simply not cached (``False``). Like a dict, an unhashable one may raise."""
        raise NotImplementedError


# --------------------------------------------------------------------------------------
# Part 2
# --------------------------------------------------------------------------------------


class TaggedCache:
    """A cache with tags and optional per-entry TTLs; a tag is invalidated in O(1).

    - ``set(key, value, tags=(), ttl=None)`` stores (or replaces) an entry. ``tags`` is an
      iterable of ``str``, a generator included (a bare ``str`` or a non-``str`` item is
      a ``TypeError``: ``"users"`` is not the tags ``u, s, e, r``). ``ttl`` is ``None``
      (no expiry) or a positive finite number of seconds: ``ValueError`` for
      ``ttl <= 0``, NaN or infinity, ``TypeError`` for a non-number (a ``bool`` is not a
      duration). Each error names its argument. A rejected call changes nothing. Keys
      are any hashable (``("user", 1)``, ``0`` and ``None`` are keys like ``"a"``).
    - ``get(key, default=None)``: the value if the entry is live, else ``default``. A
      cached ``None`` is returned as ``None``. An entry set at time ``t`` with ``ttl`` is
      live while ``clock() < t + ttl``.
    - ``invalidate_tag(tag)``: every entry that carried ``tag`` when it was set, and was
      set before this call, is gone. An entry with several tags dies if ANY of its tags is
      invalidated after it was set. Entries set after the call are live (the tag is not
      "poisoned"). Invalidating a tag no entry carries is fine.
    - ``invalidate_tag`` does O(1) work however many entries carry the tag: do NOT scan
      the entries, and do not keep a tag -> keys index to walk. Keep a generation number
      per tag; an entry remembers the generations of its tags when it was set; ``get``
      compares. Dead entries may stay in memory until read (this cache has no size
      bound; see the write-up for how to bound it).

    ``clock`` is a zero-argument callable returning seconds (tests pass a fake one);
    anything else is a ``TypeError`` naming ``clock``, raised by the constructor.
    Like a dict, this class is not thread-safe; share it behind a lock.
    """

    def __init__(self, *, clock: Callable[[], float] = time.monotonic) -> None:
        """An empty cache reading time from ``clock``."""
        raise NotImplementedError

    def set(
        self, key: Hashable, value: Any, tags: Iterable[str] = (), ttl: float | None = None
    ) -> None:
        """Store ``value`` under ``key`` with ``tags`` and an optional ``ttl`` in seconds."""
        raise NotImplementedError

    def get(self, key: Hashable, default: Any = None) -> Any:
        """The live value for ``key``, or ``default`` (expired or invalidated: gone)."""
        raise NotImplementedError

    def invalidate_tag(self, tag: str) -> None:
        """Make every entry set so far with ``tag`` disappear, in O(1). ``TypeError`` if
        ``tag`` is not a ``str``."""
        raise NotImplementedError


# --------------------------------------------------------------------------------------
# Part 3
# --------------------------------------------------------------------------------------


class Backend(Protocol):
    """The store of record (a database, say). ``get`` returns ``None`` for an absent key."""

    def get(self, key: Any, /) -> Any: ...

    def set(self, key: Any, value: Any, /) -> Any: ...

    def delete(self, key: Any, /) -> Any: ...


class CacheAside:
    """The cache-aside pattern over ``backend``, thread-safe and free of stale sets.

    - ``read(key)``: the cached value if there is one; otherwise load
      ``backend.get(key)``, cache it, and return it. ``None`` from the backend means
      "absent": it is returned and NOT cached (the next read asks the backend again).
      Any other value is cached and served as a hit, falsy ones (``0``, ``""``, ``[]``)
      included.
    - ``write(key, value)``: ``backend.set(key, value)``, then invalidate the cached copy.
      Never set the cache on a write: the next read loads the value from the backend.
      ``write(key, None)`` is a ``ValueError`` (naming ``value``), raised before anything
      is done: ``None`` means absent; use ``delete``.
    - ``delete(key)``: ``backend.delete(key)``, then invalidate the cached copy.
    - An exception from the backend propagates to the caller. A ``write`` or ``delete``
      whose backend call raised still invalidates the cached copy first: the change may
      have landed. A ``read`` whose ``backend.get`` raised caches nothing, and the next
      read of that key loads (and caches) as usual.
    - The stale-set race: reader R misses and calls ``backend.get`` (gets the OLD value),
      writer W writes the NEW value and invalidates, then R caches OLD: every later read
      returns OLD forever. Guard against it: a read may fill the cache only if no
      invalidation of that key happened since the read started (a lease token per key,
      as memcached leases do, or a version counter). R's own return value may be OLD;
      what matters is that the cache does not keep it.
    - Thread-safe: many threads may call any method at once, and a thread may be
      switched out between any two steps: a read's "no invalidation since I started?"
      check and its fill must be one step as far as a concurrent invalidation is
      concerned. Never hold a lock while calling the backend (a slow backend would
      serialise everything, and a reader blocked in ``backend.get`` must not block a
      writer).
    """

    def __init__(self, backend: Backend) -> None:
        """An empty cache in front of ``backend``."""
        raise NotImplementedError

    def read(self, key: Any) -> Any:
        """The cached value for ``key``, or the backend's (cached unless ``None``)."""
        raise NotImplementedError

    def write(self, key: Any, value: Any) -> None:
        """Write ``value`` to the backend, then invalidate the cached copy of ``key``."""
        raise NotImplementedError

    def delete(self, key: Any) -> None:
        """Delete ``key`` from the backend, then invalidate the cached copy."""
        raise NotImplementedError
