"""Bug: delete() drops the L1 copy only after Redis answered, so a failed delete keeps it.

With Redis down, delete() raises as it should, but this instance goes on serving the
value the caller just tried to delete.
"""

from __future__ import annotations

from solutions.multilevel import MultiLevelCache as Reference
from solutions.multilevel import _check_key


class MultiLevelCache(Reference):
    def delete(self, key: str) -> bool:
        _check_key(key)
        pipe = self._client.pipeline(transaction=True)
        pipe.delete(self._prefix + key)
        self._publish(pipe, key)
        deleted = pipe.execute()[0]
        self._invalidate(key)  # BUG: skipped when execute() raises (correct: before the pipeline)
        return bool(deleted)
