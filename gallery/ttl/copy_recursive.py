"""Bug: the cache's state is a linked list of entries, so copying it recurses once per entry.

pickle and deepcopy walk nested pairs depth first: 100,000 entries nest 100,000 deep, and
they raise RecursionError. A flat list copies at any size.
"""

from typing import Any

from solutions import ttl as reference

KILLED_BY = "TestPart2Copies::test_a_copy_keeps_entries_expiry_times_and_use_order"
KILLED_WITH = "Failed"
KILLED_MATCHING = r"RecursionError"


class TTLCache(reference.TTLCache):
    def __getstate__(self) -> dict[str, Any]:
        state = super().__getstate__()
        chain = None
        for entry in reversed(state["entries"]):
            chain = (entry, chain)  # BUG: one level deeper per entry; the reference: a list
        state["entries"] = chain
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        entries, chain = [], state["entries"]
        while chain is not None:
            entry, chain = chain
            entries.append(entry)
        super().__setstate__({**state, "entries": entries})
