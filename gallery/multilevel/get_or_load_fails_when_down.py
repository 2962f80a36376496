"""Bug: get_or_load() raises when Redis is down instead of falling back to the loader.

The loader can always produce the value: a Redis outage should cost a load, not an error.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from solutions.multilevel import _MISSING, _UNDECODABLE, UNAVAILABLE, _check_key
from solutions.multilevel import MultiLevelCache as Reference

T = TypeVar("T")


class MultiLevelCache(Reference):
    def get_or_load(self, key: str, loader: Callable[[], T]) -> T:
        _check_key(key)
        if not callable(loader):
            raise TypeError("loader must be a zero-argument callable")
        self.process_invalidations()
        value, version = self._l1_lookup(key)
        if value is not _MISSING:
            return value  # type: ignore[no-any-return]
        # BUG: no fallback when Redis is down; correct:
        # except UNAVAILABLE: count a miss and return loader(), cached nowhere
        value = self._read_l2(key)
        if value is not _MISSING and value is not _UNDECODABLE:
            return self._after_l2_read(key, value, version, None)  # type: ignore[no-any-return]
        with self._lock:
            self._misses += 1
        loaded = loader()
        data = self._serializer.dumps(loaded)
        try:
            stored = self._client.set(
                self._prefix + key, data, px=self._l2_ttl_ms, nx=value is _MISSING
            )
        except UNAVAILABLE:
            return loaded
        if stored:
            with self._lock:
                self._promote(key, self._serializer.loads(data), version)
        return loaded
