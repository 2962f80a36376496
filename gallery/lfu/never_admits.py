"""Bug: the admission filter never admits, so once main is full only the window turns over.

Whatever enters main while there is room stays forever; a key that becomes popular later
never gets past the window.
"""

from __future__ import annotations

from typing import Any

from solutions import lfu as reference

KILLED_BY = "TestPart3TinyLFU::test_a_frequent_key_gets_in_and_a_scan_does_not_push_it_out"
KILLED_WITH = "AssertionError"
KILLED_MATCHING = r"should have been admitted"


class TinyLFUCache(reference.TinyLFUCache):
    def admit(self, candidate: Any, victim: Any) -> bool:
        return False  # BUG: no contest. Correct: estimate(candidate) > estimate(victim)
