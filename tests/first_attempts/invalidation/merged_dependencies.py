"""A first attempt: dependencies merged on every set, tag invalidations by timestamp,
write-through on write.

Written from the stub alone, as a candidate would on a first try. Its mistakes:

- ``set`` adds the new dependencies to the key's old ones instead of replacing them, so an
  old dependency still removes the key;
- ``invalidate_tag`` records the time of the invalidation, and an entry is dead if one of
  its tags was invalidated at or after its set time: an entry set again in the same clock
  tick as the invalidation is dead on arrival (a counter never ties, a clock does);
- ``write`` puts the new value into the cache (write-through) instead of invalidating;
- ``read`` treats a cached falsy value (``0``, ``""``) as a miss.
"""

from __future__ import annotations

import math
import threading
import time
from collections import defaultdict
from typing import Any, Protocol

__all__ = ["Backend", "CacheAside", "DependencyCache", "TaggedCache"]


def _str_names(names, what):
    if isinstance(names, (str, bytes)):
        raise TypeError(f"{what} must be an iterable of str")
    names = set(names)
    if any(not isinstance(n, str) for n in names):
        raise TypeError(f"{what} must hold only str")
    return names


class DependencyCache:
    def __init__(self):
        self._values = {}
        self._deps = defaultdict(set)  # key -> names
        self._dependents = defaultdict(set)  # name -> keys
        self._listeners = []

    def set(self, key, value, depends_on=()):
        if not isinstance(key, str):
            raise TypeError(f"key must be str, got {type(key).__name__}")
        names = _str_names(depends_on, "depends_on")
        self._values[key] = value
        self._deps[key] |= names
        for name in names:
            self._dependents[name].add(key)

    def get(self, key, default=None):
        return self._values.get(key, default)

    def _reachable(self, name):
        out, todo = set(), [name]
        while todo:
            for key in self._dependents.get(todo.pop(), ()):
                if key not in out:
                    out.add(key)
                    todo.append(key)
        return out

    def dependents(self, name):
        if not isinstance(name, str):
            raise TypeError("name must be str")
        return self._reachable(name) - {name}

    def invalidate(self, name):
        if not isinstance(name, str):
            raise TypeError("name must be str")
        gone = self._reachable(name)
        if name in self._values:
            gone.add(name)
        for key in gone:
            del self._values[key]
            for dep in self._deps.pop(key, ()):
                self._dependents[dep].discard(key)
                if not self._dependents[dep]:
                    del self._dependents[dep]
        for key in gone:
            for listener in self._listeners:
                listener(key)
        return gone

    def on_invalidate(self, callback):
        if not callable(callback):
            raise TypeError("callback must be callable")
        self._listeners.append(callback)
        return callback

    def stats(self):
        return {"entries": len(self._values),
                "edges": sum(len(self._deps[k]) for k in self._values)}

    def __len__(self):
        return len(self._values)

    def __contains__(self, key):
        return key in self._values


class TaggedCache:
    def __init__(self, *, clock=time.monotonic):
        self._clock = clock
        self._items = {}  # key -> (value, tags, set_at, expires_at)
        self._invalidated_at = {}  # tag -> time of its last invalidation

    def set(self, key, value, tags=(), ttl=None):
        tags = _str_names(tags, "tags")
        if ttl is not None:
            if type(ttl) not in (int, float):
                raise TypeError("ttl must be a number of seconds")
            if not (0 < ttl < math.inf):
                raise ValueError("ttl must be > 0 and finite")
        now = self._clock()
        self._items[key] = (value, tags, now, math.inf if ttl is None else now + ttl)

    def get(self, key, default=None):
        item = self._items.get(key)
        if item is None:
            return default
        value, tags, set_at, expires_at = item
        now = self._clock()
        stale = any(self._invalidated_at.get(t, -math.inf) >= set_at for t in tags)
        if stale or now >= expires_at:
            del self._items[key]
            return default
        return value

    def invalidate_tag(self, tag):
        if not isinstance(tag, str):
            raise TypeError("tag must be str")
        self._invalidated_at[tag] = self._clock()


class Backend(Protocol):
    def get(self, key: Any, /) -> Any: ...

    def set(self, key: Any, value: Any, /) -> Any: ...

    def delete(self, key: Any, /) -> Any: ...


class CacheAside:
    def __init__(self, backend):
        self._backend = backend
        self._data = {}
        self._versions = defaultdict(int)
        self._lock = threading.Lock()

    def read(self, key):
        with self._lock:
            cached = self._data.get(key)
            if cached:
                return cached
            version = self._versions[key]
        value = self._backend.get(key)
        with self._lock:
            if value is not None and self._versions[key] == version:
                self._data[key] = value
        return value

    def write(self, key, value):
        if value is None:
            raise ValueError("cannot write None; use delete")
        self._backend.set(key, value)
        with self._lock:
            self._versions[key] += 1
            self._data[key] = value

    def delete(self, key):
        try:
            self._backend.delete(key)
        finally:
            with self._lock:
                self._versions[key] += 1
                self._data.pop(key, None)


# The first failure a learner sees, checked by make verify:
KILLED_BY = "TestPart1Examples::test_set_replaces_dependencies"
KILLED_WITH = "AssertionError"
KILLED_MATCHING = r"set replaces them, never adds"
LOOKS_LIKE = ("edges_kept_after_reset",)
