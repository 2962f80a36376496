"""Bug: the fixed window starts at a key's first request instead of at a multiple of `window`.

The contract aligns windows on multiples of `window`, so every key and every process
agree on where a window ends; a window started by the first request ends somewhere else.
"""

from typing import Any

from solutions import rate_limit as reference

KILLED_BY = "TestPart1Edges::test_fixed_windows_are_aligned_on_multiples_of_window"
KILLED_WITH = "AssertionError"
KILLED_MATCHING = r"a new window starts at 1010"


class FixedWindowLimiter(reference.FixedWindowLimiter):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.first_seen: dict[str, float] = {}

    def window_of(self, key: str, now: float) -> tuple[float, float]:
        # BUG: windows count from the key's first request; correct: from 0, so that
        # start = (now // window) * window
        origin = self.first_seen.setdefault(key, now)
        n = (now - origin) // self.window
        return origin + n * self.window, origin + (n + 1) * self.window
