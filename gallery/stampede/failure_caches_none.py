"""Bug: a failing compute stores None as the value, so everyone is served None for ttl.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from solutions.stampede import SingleFlight, should_recompute_early
from solutions.stampede import StampedeCache as Reference

__all__ = ["SingleFlight", "StampedeCache", "should_recompute_early"]


class StampedeCache(Reference):
    def _compute_and_store(
        self, entry_key: str, lock_key: str, token: str, compute: Callable[[], Any]
    ) -> Any:
        try:
            value, data = self._compute_entry(compute)
        except BaseException:
            # BUG: the failure is cached as a None value
            # (correct: only self._release(keys=[lock_key], args=[token]), caching nothing)
            failed = json.dumps({"v": None, "d": 0.0, "e": self._clock() + self.ttl})
            self._store(keys=[entry_key, lock_key], args=[failed, self._ttl_ms, token])
            raise
        self._store(keys=[entry_key, lock_key], args=[data, self._ttl_ms, token])
        return value
