"""Bug: invalidate_all() bumps the generation but keys do not include it: nothing is forgotten.

The generation only works if every key is read and written under the current one.
"""

from __future__ import annotations

from solutions import redis_cache as reference

KILLED_BY = "TestPart1Keys::test_key_is_prefix_generation_and_sha256_digest"
KILLED_WITH = "AssertionError"
KILLED_MATCHING = r"after the prefix comes the generation"


class CachedFunction(reference.CachedFunction):
    def key_of(self, generation: int, digest: str) -> str:
        # BUG: the generation is not part of the key; correct:
        # f"{{{self.prefix}}}:{generation}:{digest}"
        return f"{{{self.prefix}}}:{digest}"


redis_cache = CachedFunction.decorator
