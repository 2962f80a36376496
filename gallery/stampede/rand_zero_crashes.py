"""Bug: rand() returning 0.0 is passed on as is: ValueError (log of zero) on a hit.
"""

from __future__ import annotations

from solutions.stampede import SingleFlight, should_recompute_early
from solutions.stampede import StampedeCache as Reference

__all__ = ["SingleFlight", "StampedeCache", "should_recompute_early"]


class StampedeCache(Reference):
    def _draw(self) -> float:
        return self._rand()  # BUG: 0.0 kept (correct: self._rand() or SMALLEST_RAND)
