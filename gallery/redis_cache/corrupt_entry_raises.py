"""Bug: an entry the serializer cannot decode raises instead of being treated as a miss.

One bad write (an old format, another serializer, a truncated value) and every call with
those arguments fails until the entry expires.
"""

from __future__ import annotations

from solutions import redis_cache as reference

KILLED_BY = "TestPart2Serializers::test_corrupt_entry_is_a_miss_and_overwritten"
KILLED_WITH = "Failed"
KILLED_MATCHING = r"raised JSONDecodeError on an entry that loads\(\) cannot decode"


class CachedFunction(reference.CachedFunction):
    def on_corrupt_entry(self, key: str, exc: Exception) -> None:
        # BUG: the decode error escapes; correct: log a warning (the call then goes on as a
        # miss: it recomputes and overwrites the entry)
        raise exc


redis_cache = CachedFunction.decorator
