"""A first attempt: a recursive graph walk, a tag -> keys index, cache-aside without leases.

Written from the stub alone, as a candidate would on a first try. Its mistakes:

- ``invalidate`` recurses along the dependents: a chain of 5,000 entries raises
  RecursionError (cycles are fine: there is a visited set);
- ``invalidate_tag`` walks a tag -> keys index: O(entries with the tag), not O(1);
- an entry is still served at exactly set time + ttl (``now > expires`` for expired);
- ``read`` fills the cache with whatever it loaded: no guard against the stale-set race.
"""

import builtins
import math
import threading
import time
from typing import Any, Protocol

__all__ = ["Backend", "CacheAside", "DependencyCache", "TaggedCache"]


class DependencyCache:
    def __init__(self):
        self.data = {}
        self.deps = {}  # key -> set of names it depends on
        self.rdeps = {}  # name -> set of keys depending on it
        self.callbacks = []

    def set(self, key, value, depends_on=()):
        if not isinstance(key, str):
            raise TypeError("key must be a str")
        if isinstance(depends_on, str):
            raise TypeError("depends_on must be an iterable of str, not a str")
        new = set(depends_on)
        for d in new:
            if not isinstance(d, str):
                raise TypeError("depends_on must contain only str")
        self._drop_edges(key)
        self.data[key] = value
        self.deps[key] = new
        for d in new:
            self.rdeps.setdefault(d, set()).add(key)

    def _drop_edges(self, key):
        for d in self.deps.pop(key, set()):
            self.rdeps[d].discard(key)
            if not self.rdeps[d]:
                del self.rdeps[d]

    def get(self, key, default=None):
        return self.data.get(key, default)

    def _collect(self, name, visited):
        for k in list(self.rdeps.get(name, ())):
            if k not in visited:
                visited.add(k)
                self._collect(k, visited)

    def dependents(self, name):
        if not isinstance(name, str):
            raise TypeError("name must be a str")
        visited = set()
        self._collect(name, visited)
        visited.discard(name)
        return visited

    def invalidate(self, name):
        if not isinstance(name, str):
            raise TypeError("name must be a str")
        visited = set()
        self._collect(name, visited)
        if name in self.data:
            visited.add(name)
        removed = {k for k in visited if k in self.data}
        for k in removed:
            self._drop_edges(k)
            del self.data[k]
        for k in removed:
            for cb in self.callbacks:
                cb(k)
        return removed

    def on_invalidate(self, callback):
        if not callable(callback):
            raise TypeError("callback must be callable")
        self.callbacks.append(callback)
        return callback

    def stats(self):
        return {"entries": len(self.data), "edges": sum(len(v) for v in self.deps.values())}

    def __len__(self):
        return len(self.data)

    def __contains__(self, key):
        return key in self.data


class TaggedCache:
    def __init__(self, *, clock=time.monotonic):
        self.clock = clock
        self.entries = {}  # key -> (value, expires or None)
        self.by_tag = {}  # tag -> set of keys

    def set(self, key, value, tags=(), ttl=None):
        if isinstance(tags, str):
            raise TypeError("tags must be an iterable of str, not a str")
        tags = set(tags)
        for t in tags:
            if not isinstance(t, str):
                raise TypeError("tags must contain only str")
        if ttl is not None:
            if isinstance(ttl, bool) or not isinstance(ttl, (int, float)):
                raise TypeError("ttl must be a number")
            if math.isnan(ttl) or math.isinf(ttl) or ttl <= 0:
                raise ValueError("ttl must be positive and finite")
        expires = None if ttl is None else self.clock() + ttl
        for keys in self.by_tag.values():
            keys.discard(key)
        self.entries[key] = (value, expires)
        for t in tags:
            self.by_tag.setdefault(t, set()).add(key)

    def get(self, key, default=None):
        if key not in self.entries:
            return default
        value, expires = self.entries[key]
        if expires is not None and self.clock() > expires:
            del self.entries[key]
            return default
        return value

    def invalidate_tag(self, tag):
        if not isinstance(tag, str):
            raise TypeError("tag must be a str")
        for key in self.by_tag.pop(tag, set()):
            self.entries.pop(key, None)


class Backend(Protocol):
    def get(self, key: Any, /) -> Any: ...

    def set(self, key: Any, value: Any, /) -> Any: ...

    def delete(self, key: Any, /) -> Any: ...


class CacheAside:
    def __init__(self, backend):
        self.backend = backend
        self.cache = {}
        self.lock = threading.Lock()

    def read(self, key):
        with self.lock:
            if key in self.cache:
                return self.cache[key]
        value = self.backend.get(key)
        if value is not None:
            with self.lock:
                self.cache[key] = value
        return value

    def write(self, key, value):
        if value is None:
            raise ValueError("value must not be None; use delete()")
        try:
            self.backend.set(key, value)
        finally:
            with self.lock:
                self.cache.pop(key, None)

    def delete(self, key):
        try:
            self.backend.delete(key)
        finally:
            with self.lock:
                self.cache.pop(key, None)


# The first failure a learner sees, checked by make verify:
KILLED_BY = "TestPart1Examples::test_long_chain_needs_no_recursion"
KILLED_WITH = "Failed"
KILLED_MATCHING = r"raised RecursionError"
LOOKS_LIKE = ("recursive_traversal",)
