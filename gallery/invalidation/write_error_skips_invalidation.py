"""Bug: a write whose backend call raises skips the invalidation, though it may have landed.

``backend.set(key, value)`` then ``invalidate(key)``, in sequence: when the backend raises
(a timeout, say) after storing the value, the cached copy is never dropped and every read
serves the old value until something else invalidates the key. Invalidate however the
backend call ends (``try``/``finally``); the error still propagates.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from solutions import invalidation as reference

KILLED_BY = "TestPart3Examples::test_a_failed_backend_write_still_invalidates"
KILLED_WITH = "AssertionError"


class CacheAside(reference.CacheAside):
    @contextmanager
    def invalidating(self, key: Any) -> Iterator[None]:
        yield  # BUG: an exception from the block ends it here; correct: try: yield, finally:
        self.discard(key)
