"""A fake clock: tests move time by hand instead of sleeping."""

from __future__ import annotations


class FakeClock:
    """A zero-argument callable returning seconds, like ``time.monotonic``.

    It starts well away from zero so that code treating ``0`` as "no timestamp" is caught.
    """

    def __init__(self, start: float = 1_000.0) -> None:
        self.now = float(start)

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> float:
        if seconds < 0:
            raise ValueError("a clock does not go back")
        self.now += seconds
        return self.now

    def set(self, now: float) -> None:
        self.now = float(now)

    def __repr__(self) -> str:
        return f"FakeClock(now={self.now!r})"
