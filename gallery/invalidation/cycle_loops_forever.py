"""Bug: the traversal keeps no seen-set, so a dependency cycle is walked forever.

"a" depends on "b" and "b" on "a" (or "a" on itself): invalidate() never returns.
"""

from __future__ import annotations

from collections.abc import Iterator

from solutions import invalidation as reference

KILLED_BY = "TestPart1Examples::test_dependents_excludes_name_and_changes_nothing"
KILLED_WITH = "AssertionError"
KILLED_MATCHING = r"did not return within"


class DependencyCache(reference.DependencyCache):
    def walk(self, name: str) -> Iterator[str]:
        found = {name} if name in self else set()
        stack = [name]
        while stack:
            for dependent in self.direct_dependents(stack.pop()):
                found.add(dependent)
                # BUG: no seen-set: a cycle is pushed again and again; correct: push only
                # a dependent not seen before, and mark it seen
                stack.append(dependent)
        return iter(found)
