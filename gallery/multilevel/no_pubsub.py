"""Bug: writes are never announced over pub/sub, so other instances serve their old L1 copy.

This is the article's MultiLevelCache: two levels and no coherence at all. Another
process keeps its stale copy until l1_ttl, however long that is.
"""

from __future__ import annotations

from typing import Any

from solutions.multilevel import MultiLevelCache as Reference
from solutions.multilevel import _check_key


class MultiLevelCache(Reference):
    def set(self, key: str, value: Any) -> None:
        _check_key(key)
        data = self._serializer.dumps(value)
        stored = self._serializer.loads(data)
        version = self._invalidate(key)
        pipe = self._client.pipeline(transaction=True)
        pipe.set(self._prefix + key, data, px=self._l2_ttl_ms)
        # BUG: no PUBLISH, the other instances are never told
        # (correct: pipe.publish(self._channel, self._message(key)); same in delete())
        pipe.execute()
        with self._lock:
            if self._version == version:
                self._l1.put(key, stored, self._clock() + self._l1_ttl)
            else:
                self._invalidate_locked(key)

    def delete(self, key: str) -> bool:
        _check_key(key)
        self._invalidate(key)
        pipe = self._client.pipeline(transaction=True)
        pipe.delete(self._prefix + key)  # BUG: no PUBLISH here either
        (deleted,) = pipe.execute()
        return bool(deleted)
