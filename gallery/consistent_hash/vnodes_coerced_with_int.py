"""Bug: vnodes goes through int(), so True, 160.0 and "160" are all accepted.

``int(True)`` is 1: a flag passed in the wrong place silently makes a ring with one
point per node, as uneven as rings get. A count is an int, and bool is not one here.
"""

from __future__ import annotations

from collections.abc import Iterable

from solutions import consistent_hash as reference

KILLED_BY = "TestPart1BadInput::test_vnodes_of_the_wrong_type"
KILLED_WITH = "Failed"


class HashRing(reference.HashRing):
    def __init__(self, nodes: Iterable[str] = (), *, vnodes: int = 160) -> None:
        # BUG: coerces instead of checking (correct: TypeError unless an int, not a bool)
        super().__init__(nodes, vnodes=int(vnodes))
