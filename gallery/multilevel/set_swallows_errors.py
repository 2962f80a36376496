"""Bug: set() swallows the Redis error, so a write that never reached L2 looks done.

The caller goes on as if the value were stored; the other instances (and this one, once
its L1 copy is gone) still read the old value.
"""

from __future__ import annotations

import logging
from typing import Any

from solutions.multilevel import UNAVAILABLE
from solutions.multilevel import MultiLevelCache as Reference

KILLED_BY = "TestPart3RedisDown::test_set_drops_the_local_copy_and_raises"
KILLED_WITH = "Failed"

log = logging.getLogger(__name__)


class MultiLevelCache(Reference):
    def set(self, key: str, value: Any) -> None:
        try:
            super().set(key, value)
        except UNAVAILABLE:  # BUG: the caller believes the write happened (correct: raise)
            log.warning("multilevel: set(%r) not written", key)
