"""Bug: lists and tuples are encoded as plain JSON arrays, so f([1, 2]) and f((1, 2)) collide.

JSON has one array type: the two calls share an entry and one returns the other's result.
"""

from __future__ import annotations

from solutions import redis_cache as reference

KILLED_BY = "TestPart1Keys::test_type_distinct_arguments_never_collide"
KILLED_WITH = "AssertionError"
KILLED_MATCHING = r"f\(\[1\]\) and f\(\(1,\)\) got the same key"


class CachedFunction(reference.CachedFunction):
    def encode(self, value: object, name: str) -> object:
        if type(value) is list or type(value) is tuple:
            # BUG: a list and a tuple look alike; correct: tag each array ["list", ...] or
            # ["tuple", ...], as the reference does
            return [self.encode(item, name) for item in value]
        return super().encode(value, name)


redis_cache = CachedFunction.decorator
