"""Bug: callbacks run once per edge that reaches a key, not once per removed key.

In a diamond (b and c depend on a, d on both), invalidating a notifies d twice.
"""


from __future__ import annotations

import builtins
import math
import threading
import time
from collections.abc import Callable, Hashable, Iterable
from typing import Any, NamedTuple, Protocol

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
        self._unlink(key)
        self._values[key] = value
        self._depends_on[key] = deps
        for dep in deps:
            self._dependents.setdefault(dep, set()).add(key)

    def get(self, key: str, default: Any = None) -> Any:
        return self._values.get(key, default)

    def dependents(self, name: str) -> builtins.set[str]:
        return self._closure(_check_key(name, "name")) - {name}

    def invalidate(self, name: str) -> builtins.set[str]:
        _check_key(name, "name")
        reached = [name] if name in self._values else []
        seen = {name}
        stack = [name]
        while stack:
            for dependent in self._dependents.get(stack.pop(), ()):
                reached.append(dependent)  # BUG: once per edge followed, not once per key
                if dependent not in seen:
                    seen.add(dependent)
                    stack.append(dependent)
        doomed = set(reached)
        for key in doomed:
            self._unlink(key)
            del self._values[key]
        for key in reached:
            for callback in self._callbacks:
                callback(key)
        return doomed

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

    def _closure(self, name: str) -> builtins.set[str]:
        """The cached keys reachable from ``name`` along reverse edges, ``name`` included
        if cached. An explicit stack and a seen-set: no recursion limit, cycles end."""
        found = {name} if name in self._values else set()
        seen = {name}
        stack = [name]
        while stack:
            for dependent in self._dependents.get(stack.pop(), ()):
                if dependent not in seen:
                    seen.add(dependent)
                    found.add(dependent)
                    stack.append(dependent)
        return found

    def _unlink(self, key: str) -> None:
        """Drop ``key``'s forward edges and the matching reverse edges."""
        for dep in self._depends_on.pop(key, ()):
            dependents = self._dependents[dep]
            dependents.discard(key)
            if not dependents:
                del self._dependents[dep]


# --------------------------------------------------------------------------------------
# Part 2
# --------------------------------------------------------------------------------------


class _Tagged(NamedTuple):
    value: Any
    expires_at: float  # math.inf without a ttl
    generations: tuple[tuple[str, int], ...]  # (tag, the tag's generation at set time)


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
        generations = self._generations
        stamp = tuple((tag, generations.get(tag, 0)) for tag in tag_set)
        self._entries[key] = _Tagged(value, expires_at, stamp)

    def get(self, key: Hashable, default: Any = None) -> Any:
        entry = self._entries.get(key)
        if entry is None:
            return default
        generations = self._generations
        if self._clock() >= entry.expires_at or any(
            generations.get(tag, 0) != seen for tag, seen in entry.generations
        ):
            del self._entries[key]
            return default
        return entry.value

    def invalidate_tag(self, tag: str) -> None:
        _check_key(tag, "tag")
        self._generations[tag] = self._generations.get(tag, 0) + 1

    def __repr__(self) -> str:
        return f"{type(self).__name__}(entries<={len(self._entries)})"


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

    def __init__(self, backend: Backend) -> None:
        self._backend = backend
        self._cache: dict[Any, Any] = {}
        self._leases: dict[Any, object] = {}
        self._lock = threading.Lock()

    def read(self, key: Any) -> Any:
        with self._lock:
            try:
                return self._cache[key]
            except KeyError:
                pass
            lease = self._leases[key] = object()
        try:
            value = self._backend.get(key)
        except BaseException:
            with self._lock:
                if self._leases.get(key) is lease:
                    del self._leases[key]
            raise
        with self._lock:
            if self._leases.get(key) is lease:
                del self._leases[key]
                if value is not None:  # None means absent: never cached
                    self._cache[key] = value
        return value

    def write(self, key: Any, value: Any) -> None:
        if value is None:
            raise ValueError("value: None means absent in the backend; use delete(key)")
        try:
            self._backend.set(key, value)
        finally:  # even a failed write may have landed: drop the copy either way
            self._invalidate(key)

    def delete(self, key: Any) -> None:
        try:
            self._backend.delete(key)
        finally:
            self._invalidate(key)

    def _invalidate(self, key: Any) -> None:
        with self._lock:
            self._cache.pop(key, None)
            self._leases.pop(key, None)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(cached={len(self._cache)})"
