"""A first attempt: a correct dependency graph; tags recorded only once invalidated;
leases without a lock.

Written from the stub alone, as a candidate would on a first try. Its mistakes:

- an entry records the generations of its tags only for tags invalidated before, so the
  first ``invalidate_tag`` of a tag misses every entry set before it;
- ``CacheAside`` has leases but no lock ("dict operations are atomic"): an invalidation
  can land between a read's lease check and its fill;
- ``if cached:`` on the hit path, so a cached ``0`` or ``""`` is loaded again.
"""

from __future__ import annotations

import math
import time
from itertools import count
from typing import Any, Protocol

__all__ = ["Backend", "CacheAside", "DependencyCache", "TaggedCache"]


def _check_names(names, arg):
    if isinstance(names, str):
        raise TypeError(f"{arg}: expected an iterable of str, got a str")
    out = frozenset(names)
    for n in out:
        if not isinstance(n, str):
            raise TypeError(f"{arg}: {n!r} is not a str")
    return out


class DependencyCache:
    """Forward and reverse edges, kept in step; an iterative walk."""

    def __init__(self):
        self._vals = {}
        self._fwd = {}
        self._rev = {}
        self._cbs = []

    def set(self, key, value, depends_on=()):
        if not isinstance(key, str):
            raise TypeError(f"key: expected str, got {type(key).__name__}")
        deps = _check_names(depends_on, "depends_on")
        self._unlink(key)
        self._vals[key] = value
        self._fwd[key] = deps
        for d in deps:
            self._rev.setdefault(d, set()).add(key)

    def _unlink(self, key):
        for d in self._fwd.pop(key, ()):
            s = self._rev[d]
            s.discard(key)
            if not s:
                del self._rev[d]

    def get(self, key, default=None):
        return self._vals.get(key, default)

    def _closure(self, name):
        seen = {name}
        out = {name} if name in self._vals else set()
        stack = [name]
        while stack:
            for k in self._rev.get(stack.pop(), ()):
                if k not in seen:
                    seen.add(k)
                    out.add(k)
                    stack.append(k)
        return out

    def dependents(self, name):
        if not isinstance(name, str):
            raise TypeError(f"name: expected str, got {type(name).__name__}")
        return self._closure(name) - {name}

    def invalidate(self, name):
        if not isinstance(name, str):
            raise TypeError(f"name: expected str, got {type(name).__name__}")
        doomed = self._closure(name)
        for k in doomed:
            self._unlink(k)
            del self._vals[k]
        for k in doomed:
            for cb in self._cbs:
                cb(k)
        return doomed

    def on_invalidate(self, callback):
        if not callable(callback):
            raise TypeError("callback: not callable")
        self._cbs.append(callback)
        return callback

    def stats(self):
        return {"entries": len(self._vals), "edges": sum(map(len, self._fwd.values()))}

    def __len__(self):
        return len(self._vals)

    def __contains__(self, key):
        return key in self._vals


class TaggedCache:
    def __init__(self, *, clock=time.monotonic):
        self._clock = clock
        self._store = {}
        self._gen = {}

    def set(self, key, value, tags=(), ttl=None):
        tags = _check_names(tags, "tags")
        if ttl is not None:
            if isinstance(ttl, bool) or not isinstance(ttl, (int, float)):
                raise TypeError(f"ttl: expected a number, got {type(ttl).__name__}")
            if not math.isfinite(ttl) or ttl <= 0:
                raise ValueError(f"ttl: must be positive and finite, got {ttl}")
        deadline = math.inf if ttl is None else self._clock() + ttl
        seen = {t: self._gen[t] for t in tags if t in self._gen}
        self._store[key] = (value, deadline, seen)

    def get(self, key, default=None):
        if key not in self._store:
            return default
        value, deadline, seen = self._store[key]
        if self._clock() >= deadline or any(self._gen[t] != g for t, g in seen.items()):
            del self._store[key]
            return default
        return value

    def invalidate_tag(self, tag):
        if not isinstance(tag, str):
            raise TypeError(f"tag: expected str, got {type(tag).__name__}")
        self._gen[tag] = self._gen.get(tag, 0) + 1


class Backend(Protocol):
    def get(self, key: Any, /) -> Any: ...

    def set(self, key: Any, value: Any, /) -> Any: ...

    def delete(self, key: Any, /) -> Any: ...


class CacheAside:
    """Leases against the stale-set race; no lock: single dict operations are atomic."""

    _tokens = count()

    def __init__(self, backend):
        self._backend = backend
        self._cache = {}
        self._leases = {}

    def read(self, key):
        cached = self._cache.get(key)
        if cached:
            return cached
        token = next(self._tokens)
        self._leases[key] = token
        value = self._backend.get(key)
        if value is not None and self._leases.get(key) == token:
            self._cache[key] = value
            del self._leases[key]
        return value

    def _invalidate(self, key):
        self._cache.pop(key, None)
        self._leases.pop(key, None)

    def write(self, key, value):
        if value is None:
            raise ValueError("value: None means absent; use delete(key)")
        try:
            self._backend.set(key, value)
        finally:
            self._invalidate(key)

    def delete(self, key):
        try:
            self._backend.delete(key)
        finally:
            self._invalidate(key)


# The first failure a learner sees, checked by make verify:
KILLED_BY = "TestPart2Examples::test_invalidate_tag_removes_tagged_entries_only"
KILLED_WITH = "AssertionError"
KILLED_MATCHING = r"get\('u1'\) returned 'alice' after invalidate_tag\('users'\)"
LOOKS_LIKE = ("first_invalidation_missed",)
