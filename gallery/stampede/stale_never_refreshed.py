"""Bug: an expired entry that is still in Redis is served as a hit: XFetch is never asked.
"""

from __future__ import annotations

from solutions.stampede import SingleFlight, _Entry, should_recompute_early
from solutions.stampede import StampedeCache as Reference

__all__ = ["SingleFlight", "StampedeCache", "should_recompute_early"]


class StampedeCache(Reference):
    def _should_refresh(self, entry: _Entry) -> bool:
        return False  # BUG: present means fresh
        # (correct: should_recompute_early(entry.expiry, entry.delta, self.beta, ...))
