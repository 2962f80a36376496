"""Bug: L1 never evicts, so it grows without bound and ignores l1_maxsize.

Every key ever read stays in the process's memory (until its l1_ttl runs out and it is
read again): a slow memory leak in every worker.
"""

from __future__ import annotations

from typing import Any

from solutions.multilevel import _L1
from solutions.multilevel import MultiLevelCache as Reference


class _UnboundedL1(_L1):
    __slots__ = ()

    def put(self, key: str, value: Any, now: float) -> None:
        self._data[key] = (now + self._ttl, value)
        self._data.move_to_end(key)
        # BUG: nothing is ever evicted, l1_maxsize is ignored; correct:
        # if len(self._data) > self._maxsize: self._data.popitem(last=False)


class MultiLevelCache(Reference):
    _l1_type = _UnboundedL1
