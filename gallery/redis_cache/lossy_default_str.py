"""Bug: the JSON serializer falls back to str(), so a set result is cached as the text "{1, 2}".

The first call returns the set, every hit returns a string: a result the serializer cannot
encode must raise TypeError and store nothing.
"""

from __future__ import annotations

import json
from typing import Any

from solutions import redis_cache as reference

KILLED_BY = "TestPart1Caching::test_json_serializer"
KILLED_WITH = "Failed"
KILLED_MATCHING = r"JsonSerializer\(\)\.dumps\(\{1, 2\}\) returned"


class JsonSerializer(reference.JsonSerializer):
    def dumps(self, obj: Any) -> str:
        # BUG: a lossy fallback; correct: no default=, so json.dumps raises TypeError
        return json.dumps(obj, separators=(",", ":"), default=str)


class CachedFunction(reference.CachedFunction):
    default_serializer = JsonSerializer


redis_cache = CachedFunction.decorator
