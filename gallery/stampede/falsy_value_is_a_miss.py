"""Bug: a cached falsy value (None, 0, "", [], {}, False) is taken for no value: `if cached:`.

Every read of such a key recomputes it, and the stampede guard never engages for it.
"""

from __future__ import annotations

from solutions.stampede import Entry
from solutions.stampede import StampedeCache as Reference

KILLED_BY = "TestPart3StampedeCache::test_json_values_round_trip_and_falsy_values_are_hits"
KILLED_WITH = "Failed"
KILLED_MATCHING = "must be a hit"


class StampedeCache(Reference):
    def should_refresh(self, entry: Entry) -> bool:
        if not entry.value:
            return True  # BUG: a falsy value looks like none (correct: only XFetch decides)
        return super().should_refresh(entry)
