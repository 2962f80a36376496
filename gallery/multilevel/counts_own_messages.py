"""Bug: an instance applies and counts its own messages, as if another instance had written.

Its own set() then drops the value it just stored in L1 (at the next read), and
process_invalidations() reports messages that no other instance sent.
"""

from __future__ import annotations

import json
from typing import Any

from solutions.multilevel import MultiLevelCache as Reference


class MultiLevelCache(Reference):
    def _apply(self, message: dict[str, Any]) -> int:
        if message["type"] != "message":
            return super()._apply(message)  # subscription confirmations: as the reference
        try:
            key = json.loads(message["data"])["key"]
        except (ValueError, TypeError, KeyError):
            return 0
        # BUG: the sender is never compared with self._id, so own messages are applied too
        # (correct: if sender == self._id or not isinstance(key, str): return 0)
        if not isinstance(key, str):
            return 0
        with self._lock:
            self._invalidate_locked(key)
        return 1
