"""Bug: a bool argument is encoded as the int it equals, so f(True) and f(1) share an entry.

``True == 1`` and ``hash(True) == hash(1)``, but they are different arguments: JSON keeps
``true`` and ``1`` apart, and the encoding must not throw that away.
"""

from __future__ import annotations

from solutions import redis_cache as reference

KILLED_BY = "TestPart1Keys::test_type_distinct_arguments_never_collide"
KILLED_WITH = "AssertionError"
KILLED_MATCHING = r"f\(1\) and f\(True\) got the same key"


class CachedFunction(reference.CachedFunction):
    def encode(self, value: object, name: str) -> object:
        if type(value) is bool:
            return int(value)  # BUG: True == 1, but it is not the same argument; correct: value
        return super().encode(value, name)


redis_cache = CachedFunction.decorator
