"""Bug: invalidate() drops a removed entry's forward edges but not its reverse edges.

The dependency -> dependents index keeps every removed key, so stats()["edges"] never
returns to 0 (memory grows forever), and a key set again later can be removed through an
edge it no longer has.

Besides invalidate(), two methods are adapted so the leak shows rather than crashes:
stats() counts the edges of the reverse index (which a correct cache keeps equal to the
forward one), and _closure() skips the leaked keys that are no longer cached.
"""

from __future__ import annotations

from solutions.invalidation import Backend, CacheAside, TaggedCache, _check_key
from solutions.invalidation import DependencyCache as Reference

__all__ = ["Backend", "CacheAside", "DependencyCache", "TaggedCache"]


class DependencyCache(Reference):
    def invalidate(self, name: str) -> set[str]:
        doomed = self._closure(_check_key(name, "name"))
        for key in doomed:
            # BUG: the reverse edges in _dependents stay behind (correct: self._unlink(key))
            del self._depends_on[key]
            del self._values[key]
        for key in doomed:
            for callback in self._callbacks:
                callback(key)
        return doomed

    def stats(self) -> dict[str, int]:
        edges = sum(len(dependents) for dependents in self._dependents.values())
        return {"entries": len(self._values), "edges": edges}

    def _closure(self, name: str) -> set[str]:
        return {key for key in super()._closure(name) if key in self._values}
