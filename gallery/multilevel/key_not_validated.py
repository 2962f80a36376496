"""Bug: keys are only checked for None, so an int or bytes key is used as is.

An int 1 is looked up in L1 as is, then fails in the middle of the L2 read with a
TypeError about string concatenation that does not name the key.
"""

from __future__ import annotations

from solutions.multilevel import MultiLevelCache as Reference

KILLED_BY = "TestPart1BadInput::test_non_str_key_is_a_type_error_and_changes_nothing"
KILLED_WITH = "AssertionError"
KILLED_MATCHING = "does not name the argument"


class MultiLevelCache(Reference):
    def check_key(self, key: object) -> None:
        if key is None:  # BUG: only None is refused (correct: anything but a str)
            raise TypeError("key must not be None")
