"""Bug: callbacks run once per edge that reaches a key, not once per removed key.

In a diamond (b and c depend on a, d on both), invalidating a notifies d twice.
"""

from __future__ import annotations

from solutions.invalidation import Backend, CacheAside, TaggedCache, _check_key
from solutions.invalidation import DependencyCache as Reference

__all__ = ["Backend", "CacheAside", "DependencyCache", "TaggedCache"]


class DependencyCache(Reference):
    def invalidate(self, name: str) -> set[str]:
        # The reference's traversal (_closure), but recording every edge it follows.
        reached = [name] if _check_key(name, "name") in self._values else []
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
        for key in reached:  # correct: for key in doomed
            for callback in self._callbacks:
                callback(key)
        return doomed
