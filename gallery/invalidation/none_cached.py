"""Bug: a None from the backend is cached, so a key created later stays "absent".
"""

from __future__ import annotations

from typing import Any

from solutions import invalidation as reference

KILLED_BY = "TestPart3Examples::test_none_from_backend_is_not_cached"
KILLED_WITH = "AssertionError"


class CacheAside(reference.CacheAside):
    def cacheable(self, value: Any) -> bool:
        return True  # BUG: None (absent) is cached too; correct: value is not None
