"""Bug: an entry the serializer cannot decode raises instead of being treated as a miss.

One bad write (an old format, another serializer, a truncated value) and every call with
those arguments fails until the entry expires.
"""

from __future__ import annotations

from typing import Any

from solutions import redis_cache as reference

KILLED_BY = "TestPart2Serializers::test_corrupt_entry_is_a_miss_and_overwritten"
KILLED_WITH = "Failed"
KILLED_MATCHING = r"raised JSONDecodeError on an entry that loads\(\) cannot decode"


class CachedFunction(reference.CachedFunction):
    def read_entry(self, key: str) -> Any:
        data = self.client.get(key)
        # BUG: loads() errors escape; correct: try loads(), and on any exception log a
        # warning and return MISS (the call recomputes and overwrites the entry)
        return reference.MISS if data is None else self.serializer.loads(data)


redis_cache = CachedFunction.decorator
