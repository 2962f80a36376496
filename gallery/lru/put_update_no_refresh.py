"""Bug: put() of an existing key replaces the value but does not make the key most recent.

A key just written is then the next to go if it happened to be old.
"""

from __future__ import annotations

from typing import Any

from solutions import lru as reference

KILLED_BY = "TestLRUMachine::runTest"
KILLED_WITH = "AssertionError"
KILLED_MATCHING = r"recency order is wrong: .* after put\(.*replaces a cached key"


class LRUCache(reference.LRUCache):
    def replace(self, link: Any, value: object) -> None:
        # BUG: the new value, but the link stays where it was. Correct: also unlink it and
        # relink it at the most recent end, as super().replace(link, value) does
        link.value = value
