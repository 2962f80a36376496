"""Cache invalidation: dependency graphs, tag generations, and cache-aside with leases.

Part 1, :class:`DependencyCache`: entries declare what they depend on; invalidating a
name removes every cached entry that depends on it, directly or transitively.
Part 2, :class:`TaggedCache`: O(1) invalidation of every entry carrying a tag, by bumping
the tag's generation and checking generations lazily on read.
Part 3, :class:`CacheAside`: read-through on miss, invalidate on write, and a per-key
lease so a slow read cannot put a value back that a write has since replaced.

Extension points
----------------
Each class does its work in named steps, public so that a subclass (each entry of the bug
gallery is one) can replace one step and keep the rest. They are this module's own, not
part of the kata's contract.

``DependencyCache``: ``invalidate(name)`` removes ``walk(name)``, one ``forget(key)``
each, then calls ``notify(key)`` for each.

- ``walk(name)``: yields the keys ``invalidate(name)`` removes, each once.
- ``direct_dependents(name)`` / ``dependencies(key)``: one step along the graph, either way.
- ``unlink(key)``: drops the key's edges from the graph (its value stays).
- ``forget(key)``: drops the key's value and edges, calling nothing.
- ``notify(key)``: calls every callback with the key.

``TaggedCache``: ``get`` serves an entry unless ``expired`` or ``invalidated``.

- ``stamp(tags)``: the tags' generations now, stored with an entry when it is set.
- ``generation(tag)``: how many times ``tag`` was invalidated.
- ``expired(entry, now)`` / ``invalidated(entry)``: whether an entry is dead, and why.
- ``purge()``: drops every dead entry now, O(entries).

``CacheAside``: ``read`` takes a lease, calls ``load``, then fills the cache if
``end_lease`` says the lease survived and the value is ``cacheable``; ``write`` and
``delete`` call the backend inside ``invalidating(key)``.

- ``load(key)``: the backend's value (``backend.get``), called without the lock.
- ``cacheable(value)``: whether a loaded value may be cached.
- ``end_lease(key, lease)``: ends a read's lease; whether no invalidation came since.
- ``invalidating(key)``: a context manager that calls ``discard(key)`` when its block
  ends, however it ends.
- ``discard(key)``: drops the key's cached copy and its lease, under the lock.
- attributes: ``backend``; ``cache``, the cached copies; ``lock``, made by
  ``lock_factory``, which guards them and the leases.
"""

from __future__ import annotations

import builtins
import math
import threading
import time
from collections.abc import Callable, Collection, Hashable, Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any, ClassVar, NamedTuple, Protocol

__all__ = ["Backend", "CacheAside", "DependencyCache", "TaggedCache"]


def _check_key(key: object, what: str = "key") -> str:
    if not isinstance(key, str):
        raise TypeError(f"{what} must be a str, not {type(key).__name__}")
    return key


def _names(names: Iterable[str], what: str) -> frozenset[str]:
    """A validated set of names; a bare str would silently become its characters."""
    if isinstance(names, (str, bytes)):
        raise TypeError(f"{what} must be an iterable of str, not a bare {type(names).__name__}")
    result = frozenset(names)
    for name in result:
        _check_key(name, f"every item of {what}")
    return result


# --------------------------------------------------------------------------------------
# Part 1
# --------------------------------------------------------------------------------------


class DependencyCache:
    """A cache whose entries depend on names; invalidation follows dependents transitively.

    Two indexes describe the graph of cached entries: ``_depends_on[key]`` (forward edges,
    what the key was set with) and ``_dependents[name]`` (reverse edges, the cached keys
    that depend on ``name``). Both hold exactly the edges of cached entries, so removing an
    entry removes its edges, and an empty reverse set is dropped, never kept.
    """

    def __init__(self) -> None:
        self._values: dict[str, Any] = {}
        self._depends_on: dict[str, frozenset[str]] = {}
        # ``set`` below is a method name, hence builtins.set in the annotations.
        self._dependents: dict[str, builtins.set[str]] = {}
        self._callbacks: list[Callable[[str], object]] = []

    def set(self, key: str, value: Any, depends_on: Iterable[str] = ()) -> None:
        _check_key(key)
        deps = _names(depends_on, "depends_on")  # validate before touching anything
        self.unlink(key)  # the edges of the key's previous value go
        self._values[key] = value
        self._depends_on[key] = deps
        for dep in deps:
            self._dependents.setdefault(dep, set()).add(key)

    def get(self, key: str, default: Any = None) -> Any:
        return self._values.get(key, default)

    def dependents(self, name: str) -> builtins.set[str]:
        return set(self.walk(_check_key(name, "name"))) - {name}

    def invalidate(self, name: str) -> builtins.set[str]:
        removed = list(self.walk(_check_key(name, "name")))
        for key in removed:
            self.forget(key)
        # Callbacks run once the cache is consistent again, so they may use it freely.
        for key in removed:
            self.notify(key)
        return set(removed)

    def on_invalidate(self, callback: Callable[[str], object]) -> Callable[[str], object]:
        if not callable(callback):
            raise TypeError(f"callback must be callable, not {type(callback).__name__}")
        self._callbacks.append(callback)
        return callback

    def stats(self) -> dict[str, int]:
        edges = sum(len(deps) for deps in self._depends_on.values())
        return {"entries": len(self._values), "edges": edges}

    def __len__(self) -> int:
        return len(self._values)

    def __contains__(self, key: object) -> bool:
        return key in self._values

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.stats()})"

    # ------------------------------------------------------------ extension points

    def walk(self, name: str) -> Iterator[str]:
        """The keys ``invalidate(name)`` removes, each once: ``name`` first if cached, then
        every cached key depending on it, directly or not. An explicit stack and a seen-set:
        no recursion limit, and a cycle ends."""
        if name in self._values:
            yield name
        seen = {name}
        stack = [name]
        while stack:
            for dependent in self.direct_dependents(stack.pop()):
                if dependent not in seen:
                    seen.add(dependent)
                    stack.append(dependent)
                    yield dependent

    def direct_dependents(self, name: str) -> Collection[str]:
        """The cached keys set with ``name`` in their ``depends_on``."""
        return frozenset(self._dependents.get(name, ()))

    def dependencies(self, key: str) -> frozenset[str]:
        """The names ``key`` was set with (empty if it is not cached)."""
        return self._depends_on.get(key, frozenset())

    def unlink(self, key: str) -> None:
        """Drop the edges of ``key`` from both indexes (its value, if any, stays)."""
        for dep in self._depends_on.pop(key, ()):
            dependents = self._dependents[dep]
            dependents.discard(key)
            if not dependents:
                del self._dependents[dep]

    def forget(self, key: str) -> None:
        """Drop ``key``'s value and edges, calling no callback (not cached: nothing)."""
        self.unlink(key)
        self._values.pop(key, None)

    def notify(self, key: str) -> None:
        """Call every callback with ``key``, in registration order."""
        for callback in self._callbacks:
            callback(key)


# --------------------------------------------------------------------------------------
# Part 2
# --------------------------------------------------------------------------------------


class _Tagged(NamedTuple):
    value: Any
    expires_at: float  # math.inf without a ttl
    stamp: tuple[tuple[str, int], ...]  # (tag, the tag's generation at set time)


class TaggedCache:
    """A cache with tags, where invalidating a tag costs O(1).

    ``invalidate_tag`` only bumps a counter; an entry remembers the generation of each of
    its tags when it was set, and a read that finds any of them changed treats the entry
    as gone (and deletes it then). Expiry is lazy in the same way.
    """

    def __init__(self, *, clock: Callable[[], float] = time.monotonic) -> None:
        if not callable(clock):
            raise TypeError(f"clock must be callable, not {type(clock).__name__}")
        self._clock = clock
        self._entries: dict[Hashable, _Tagged] = {}
        self._generations: dict[str, int] = {}

    def set(
        self, key: Hashable, value: Any, tags: Iterable[str] = (), ttl: float | None = None
    ) -> None:
        tag_set = _names(tags, "tags")
        if ttl is None:
            expires_at = math.inf
        else:
            if isinstance(ttl, bool) or not isinstance(ttl, (int, float)):
                raise TypeError(f"ttl must be a number of seconds or None, not {ttl!r}")
            if not (0 < ttl < math.inf):  # also rejects NaN
                raise ValueError(f"ttl must be a positive finite number of seconds, not {ttl!r}")
            expires_at = self._clock() + ttl
        self._entries[key] = _Tagged(value, expires_at, self.stamp(tag_set))

    def get(self, key: Hashable, default: Any = None) -> Any:
        entry = self._entries.get(key)
        if entry is None:
            return default
        if self.expired(entry, self._clock()) or self.invalidated(entry):
            del self._entries[key]
            return default
        return entry.value

    def invalidate_tag(self, tag: str) -> None:
        _check_key(tag, "tag")
        self._generations[tag] = self._generations.get(tag, 0) + 1

    def __repr__(self) -> str:
        return f"{type(self).__name__}(entries<={len(self._entries)})"

    # ------------------------------------------------------------ extension points

    def stamp(self, tags: Iterable[str]) -> tuple[tuple[str, int], ...]:
        """``(tag, generation)`` for every tag, never-invalidated ones included (at 0)."""
        generations = self._generations
        return tuple((tag, generations.get(tag, 0)) for tag in tags)

    def generation(self, tag: str) -> int:
        """How many times ``tag`` was invalidated so far."""
        return self._generations.get(tag, 0)

    def expired(self, entry: _Tagged, now: float) -> bool:
        """Whether ``entry``'s ttl is over: it is live while ``now < expires_at``."""
        return now >= entry.expires_at

    def invalidated(self, entry: _Tagged) -> bool:
        """Whether one of ``entry``'s tags was invalidated after the entry was set."""
        generations = self._generations
        return any(generations.get(tag, 0) != seen for tag, seen in entry.stamp)

    def purge(self) -> None:
        """Drop every dead entry now: O(entries). Never needed for correctness (a dead
        entry is dropped when read); a periodic sweep bounds memory this way."""
        now = self._clock()
        dead = [key for key, entry in self._entries.items()
                if self.expired(entry, now) or self.invalidated(entry)]
        for key in dead:
            del self._entries[key]


# --------------------------------------------------------------------------------------
# Part 3
# --------------------------------------------------------------------------------------


class Backend(Protocol):
    """The store of record: ``None`` from ``get`` means the key is absent."""

    def get(self, key: Any, /) -> Any: ...

    def set(self, key: Any, value: Any, /) -> Any: ...

    def delete(self, key: Any, /) -> Any: ...


class CacheAside:
    """Cache-aside over ``backend``, safe against the stale-set race.

    A miss takes a lease (a fresh token) for the key before loading from the backend, and
    fills the cache only if it still holds that lease afterwards. Every invalidation drops
    the key's lease, so a load that started before a write can never put its old value
    back. Leases live only while a load is in flight: nothing grows with the key count.
    The lock guards the dicts and is never held while the backend is called.
    """

    # Makes the lock guarding ``cache`` and the leases (once per instance).
    lock_factory: ClassVar[Callable[[], AbstractContextManager[Any]]] = threading.Lock

    def __init__(self, backend: Backend) -> None:
        self.backend = backend
        self.cache: dict[Any, Any] = {}
        self.lock = type(self).lock_factory()
        self._leases: dict[Any, object] = {}

    def read(self, key: Any) -> Any:
        with self.lock:
            try:
                return self.cache[key]
            except KeyError:
                pass
            lease = self._leases[key] = object()
        try:
            value = self.load(key)
        except BaseException:
            with self.lock:
                self.end_lease(key, lease)
            raise
        with self.lock:
            if self.end_lease(key, lease) and self.cacheable(value):
                self.cache[key] = value
        return value

    def write(self, key: Any, value: Any) -> None:
        if value is None:
            raise ValueError("value: None means absent in the backend; use delete(key)")
        with self.invalidating(key):
            self.backend.set(key, value)

    def delete(self, key: Any) -> None:
        with self.invalidating(key):
            self.backend.delete(key)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(cached={len(self.cache)})"

    # ------------------------------------------------------------ extension points

    def load(self, key: Any) -> Any:
        """The backend's value for ``key``. Called without the lock: a slow backend must
        not hold up reads and writes of other keys, nor the write that fences this read."""
        return self.backend.get(key)

    def cacheable(self, value: Any) -> bool:
        """Whether a loaded value may be cached: anything but None, which means absent
        (cached, it would hide a key created later)."""
        return value is not None

    def end_lease(self, key: Any, lease: object) -> bool:
        """End a read's lease (the lock is held): True if it was still the key's lease,
        that is, no write or delete invalidated the key since the read took it."""
        if self._leases.get(key) is lease:
            del self._leases[key]
            return True
        return False

    @contextmanager
    def invalidating(self, key: Any) -> Iterator[None]:
        """Invalidate ``key`` when the block (a backend write or delete) ends, however it
        ends: a backend call that raised, a timeout say, may still have landed."""
        try:
            yield
        finally:
            self.discard(key)

    def discard(self, key: Any) -> None:
        """Drop ``key``'s cached copy and its lease: a read in flight will not fill."""
        with self.lock:
            self.cache.pop(key, None)
            self._leases.pop(key, None)
