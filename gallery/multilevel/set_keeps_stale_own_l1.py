"""Bug: set() updates L2 and tells the others, but leaves its own old L1 copy in place.

The writer is the one instance that never hears its own message, so it keeps reading
the value it just replaced.
"""

from __future__ import annotations

from typing import Any

from solutions.multilevel import MultiLevelCache as Reference
from solutions.multilevel import _check_key


class MultiLevelCache(Reference):
    def set(self, key: str, value: Any) -> None:
        _check_key(key)
        data = self._serializer.dumps(value)
        self._check_open()
        pipe = self._client.pipeline(transaction=True)
        pipe.set(self._prefix + key, data, px=self._l2_ttl_ms)
        self._publish(pipe, key)
        pipe.execute()
        # BUG: its own L1 copy is neither dropped nor replaced (correct: drop it before
        # the pipeline, then put the decoded new value into L1)
