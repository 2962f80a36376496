"""Bug: the default serializer is pickle: whoever can write the key runs code in your process.

Unpickling data read from a shared server is remote code execution waiting to happen; the
contract says JSON by default.
"""

from __future__ import annotations

import pickle
from typing import Any

from solutions import redis_cache as reference

KILLED_BY = "TestPart1Caching::test_the_value_is_json_by_default"
KILLED_WITH = "AssertionError"
KILLED_MATCHING = r"the entry is not the result as JSON"


class PickleSerializer:
    def dumps(self, obj: Any) -> bytes:
        return pickle.dumps(obj)

    def loads(self, data: Any) -> Any:
        return pickle.loads(data)


class CachedFunction(reference.CachedFunction):
    default_serializer = PickleSerializer  # BUG: pickle on data read from Redis; correct: JSON


redis_cache = CachedFunction.decorator
