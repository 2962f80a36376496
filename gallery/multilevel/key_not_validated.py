"""Bug: get() accepts a key that is not a str (only None is refused).

An int 1 is looked up in L1 as is, then fails in the middle of the L2 read with a
TypeError that does not name the key. Here only get() has the slip; set(), delete() and
get_or_load() are the reference's and check their key.
"""

from __future__ import annotations

from typing import Any

from solutions.multilevel import _MISSING, UNAVAILABLE
from solutions.multilevel import MultiLevelCache as Reference


class MultiLevelCache(Reference):
    def get(self, key: str, default: Any = None) -> Any:
        if key is None:  # BUG: only None is refused (correct: _check_key(key), a str)
            raise TypeError("key must not be None")
        self.process_invalidations()
        value, version = self._l1_lookup(key)
        if value is not _MISSING:
            return value
        try:
            value = self._read_l2(key)
        except UNAVAILABLE:
            value = _MISSING
        return self._after_l2_read(key, value, version, default)
