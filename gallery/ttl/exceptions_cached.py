"""Bug: the decorator caches an exception and raises it again on the next call.

A transient failure is remembered for a whole ttl instead of being retried.
"""

from typing import Any

from solutions import ttl as reference

KILLED_BY = "TestPart3Decorator::test_exceptions_are_not_cached"
KILLED_WITH = "Failed"
KILLED_MATCHING = r"raised the first call's"


class Raised:
    def __init__(self, error: Exception) -> None:
        self.error = error


class ExceptionsCached(reference.CachedFunction[Any]):
    def compute(self, args: tuple[Any, ...], kwds: dict[str, Any]) -> Any:
        try:
            return super().compute(args, kwds)
        except Exception as error:
            return Raised(error)  # BUG: cached like a result; the reference lets it propagate

    def __call__(self, /, *args: Any, **kwds: Any) -> Any:
        result = super().__call__(*args, **kwds)
        if isinstance(result, Raised):
            raise result.error  # every call while it is cached raises it again
        return result


ttl_cache = ExceptionsCached.decorator
