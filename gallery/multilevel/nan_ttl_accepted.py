"""Bug: a NaN or infinite l1_ttl/l2_ttl is accepted (only <= 0 is checked).

NaN compares false with everything, so `value <= 0` lets it through; an L1 entry whose
expiry is NaN is then never expired.
"""

from __future__ import annotations

from typing import Any

import redis

from solutions.multilevel import MultiLevelCache as Reference


def _duration(name: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"{name} must be a number of seconds, not {type(value).__name__}")
    if value <= 0:  # BUG: NaN and inf pass this test (correct: also not math.isfinite(value))
        raise ValueError(f"{name} must be a number of seconds > 0, got {value!r}")
    return float(value)


class MultiLevelCache(Reference):
    def __init__(
        self, client: redis.Redis, *, l1_ttl: float = 5.0, l2_ttl: float = 300.0, **kwargs: Any
    ) -> None:
        l1_seconds = _duration("l1_ttl", l1_ttl)
        l2_seconds = _duration("l2_ttl", l2_ttl)
        # The reference checks the other arguments; the ttls it is given are replaced below.
        super().__init__(client, l1_ttl=1.0, l2_ttl=1.0, **kwargs)
        self._l1._ttl = l1_seconds
        self._l2_ttl_ms = max(1, int(l2_seconds * 1000))
