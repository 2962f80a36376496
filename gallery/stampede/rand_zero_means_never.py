"""Bug: rand() returning 0.0 is treated as 1.0, so that reader never recomputes early.
"""

from __future__ import annotations

from solutions.stampede import SingleFlight, should_recompute_early
from solutions.stampede import StampedeCache as Reference

__all__ = ["SingleFlight", "StampedeCache", "should_recompute_early"]


class StampedeCache(Reference):
    def _draw(self) -> float:
        return self._rand() or 1.0  # BUG
        # (correct: self._rand() or SMALLEST_RAND, the smallest positive float)
