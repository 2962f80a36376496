"""Bug: the traversal recurses, so a long dependency chain raises RecursionError.

Cycles are handled (there is a seen-set), but a chain of a few thousand entries (pages of
a feed, each depending on the previous one) is deeper than Python's recursion limit.
"""

from __future__ import annotations

from collections.abc import Iterator

from solutions import invalidation as reference

KILLED_BY = "TestPart1Examples::test_long_chain_needs_no_recursion"
KILLED_WITH = "Failed"


class DependencyCache(reference.DependencyCache):
    def walk(self, name: str) -> Iterator[str]:
        found = [name] if name in self else []
        self._visit(name, {name}, found)  # correct: an explicit stack, no recursion
        return iter(found)

    def _visit(self, name: str, seen: set[str], found: list[str]) -> None:
        for dependent in self.direct_dependents(name):
            if dependent not in seen:
                seen.add(dependent)
                found.append(dependent)
                self._visit(dependent, seen, found)  # BUG: one stack frame per chain link
