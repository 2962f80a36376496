"""Bug: a NaN or infinite l1_ttl/l2_ttl is accepted (only <= 0 is checked).

NaN compares false with everything, so `value <= 0` lets it through; an L1 entry whose
expiry is NaN is then never expired.
"""

from __future__ import annotations

from solutions.multilevel import MultiLevelCache as Reference

KILLED_BY = "TestPart1BadInput::test_bad_constructor_argument"
KILLED_WITH = "Failed"
KILLED_MATCHING = "DID NOT RAISE"


class MultiLevelCache(Reference):
    def check_seconds(self, name: str, value: object) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise TypeError(f"{name} must be a number of seconds, not {type(value).__name__}")
        if value <= 0:  # BUG: NaN and inf pass (correct: also `not math.isfinite(value)`)
            raise ValueError(f"{name} must be a number of seconds > 0, got {value!r}")
        return float(value)
