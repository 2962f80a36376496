"""Bug: get_or_load() raises when Redis is down instead of falling back to the loader.

The loader can always produce the value: a Redis outage should cost a load, not an error.
"""

from __future__ import annotations

from solutions.multilevel import MultiLevelCache as Reference

KILLED_BY = "TestPart3RedisDown::test_get_or_load_falls_back_to_the_loader"
KILLED_WITH = "ConnectionError"


class MultiLevelCache(Reference):
    def read_failed(self, operation: str, error: Exception) -> None:
        if operation == "get_or_load":
            raise error  # BUG: no fallback (correct: log it; return loader(), cached nowhere)
        super().read_failed(operation, error)
