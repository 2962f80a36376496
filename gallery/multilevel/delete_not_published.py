"""Bug: delete() removes the key but does not announce it, so other instances keep serving it.

set() still publishes, so coherence looks fine until the first delete.
"""

from __future__ import annotations

from solutions.multilevel import MultiLevelCache as Reference
from solutions.multilevel import _check_key


class MultiLevelCache(Reference):
    def delete(self, key: str) -> bool:
        _check_key(key)
        self._invalidate(key)
        pipe = self._client.pipeline(transaction=True)
        pipe.delete(self._prefix + key)
        # BUG: no PUBLISH, nobody else drops their copy
        # (correct: self._publish(pipe, key))
        (deleted,) = pipe.execute()
        return bool(deleted)
