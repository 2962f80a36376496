"""Bug: positional and keyword arguments are encoded as given, not bound to the signature.

f(1), f(x=1) and f() (default x=1) are the same call but get three entries.
"""

from __future__ import annotations

from typing import Any

from solutions import redis_cache as reference

KILLED_BY = "TestPart1Keys::test_arguments_are_bound_with_defaults"
KILLED_WITH = "AssertionError"


class CachedFunction(reference.CachedFunction):
    def bind(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> dict[str, Any]:
        super().bind(args, kwargs)  # still rejects a call that does not bind
        # BUG: the call as written; correct: return super().bind(args, kwargs), the
        # arguments by parameter name with the defaults applied
        return {"args": args, "kwargs": kwargs}


redis_cache = CachedFunction.decorator
