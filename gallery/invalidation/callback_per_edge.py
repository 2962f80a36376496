"""Bug: callbacks run once per edge that reaches a key, not once per removed key.

In a diamond (b and c depend on a, d on both), invalidating a notifies d twice.
"""

from __future__ import annotations

from collections.abc import Iterator

from solutions import invalidation as reference

KILLED_BY = "TestPart1Examples::test_callbacks_once_per_key_after_removal"
KILLED_WITH = "AssertionError"
KILLED_MATCHING = r"the callback must run once per removed key"


class DependencyCache(reference.DependencyCache):
    def walk(self, name: str) -> Iterator[str]:
        if name in self:
            yield name
        seen = {name}
        stack = [name]
        while stack:
            for dependent in self.direct_dependents(stack.pop()):
                yield dependent  # BUG: once per edge followed; correct: only when first seen
                if dependent not in seen:
                    seen.add(dependent)
                    stack.append(dependent)
