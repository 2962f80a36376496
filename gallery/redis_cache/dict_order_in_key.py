"""Bug: the canonical JSON is not sorted: equal dicts in another insertion order get two keys.

``{"a": 1, "b": 2} == {"b": 2, "a": 1}``, so both calls must share one entry, but
``json.dumps`` writes a dict in insertion order unless asked to sort its keys.
"""

from __future__ import annotations

import json

from solutions import redis_cache as reference

KILLED_BY = "TestPart1Keys::test_equal_arguments_give_equal_keys"
KILLED_WITH = "AssertionError"


class CachedFunction(reference.CachedFunction):
    def canonical_text(self, encoded: dict[str, object]) -> str:
        # BUG: dict order leaks into the key; correct: json.dumps(..., sort_keys=True)
        return json.dumps(encoded, separators=(",", ":"))


redis_cache = CachedFunction.decorator
