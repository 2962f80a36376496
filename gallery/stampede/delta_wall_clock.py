"""Bug: delta is measured with the real clock, not the injected one.

The early window then depends on real elapsed time, which is meaningless next to a fake
(or any injected) clock, and the entry's expiry and delta disagree about time.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

from solutions.stampede import SingleFlight, should_recompute_early
from solutions.stampede import StampedeCache as Reference

__all__ = ["SingleFlight", "StampedeCache", "should_recompute_early"]


class StampedeCache(Reference):
    def _compute_entry(self, compute: Callable[[], Any]) -> tuple[Any, str]:
        started = time.monotonic()  # BUG: not the injected clock (correct: self._clock())
        value = compute()
        stored = self._clock()
        delta = max(time.monotonic() - started, 0.0)  # correct: max(stored - started, 0.0)
        entry = {"v": value, "d": delta, "e": stored + self.ttl}
        return value, json.dumps(entry, separators=(",", ":"))
