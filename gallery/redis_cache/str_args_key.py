"""Bug: the key is built from str() of the call as written: f"{args}:{kwargs}".

Not bound to the signature (f(1) and f(x=1) differ), dict order leaks into the key, and any
object is accepted: a default repr holds a memory address, so its key changes every run.
"""

from __future__ import annotations

from typing import Any

from solutions import redis_cache as reference

KILLED_BY = "TestPart1Keys::test_arguments_are_bound_with_defaults"
KILLED_WITH = "AssertionError"


class CachedFunction(reference.CachedFunction):
    def bind(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> dict[str, Any]:
        return {"args": args, "kwargs": kwargs}  # BUG: not bound; correct: super().bind(...)

    def encode(self, value: object, name: str) -> object:
        return str(value)  # BUG: neither canonical nor type-checked; correct: super().encode


redis_cache = CachedFunction.decorator
