"""Exact models of the rate limiters, in fractions, written for clarity, not speed.

Each model answers ``hit(now, key, cost) -> Verdict`` for a time ``now`` given as a
Fraction, with the same meaning as the kata's ``Decision``; ``retry_after`` is the exact
wait (a Fraction). The models keep whole histories and recompute from them, so they share
no shortcut with an implementation.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from fractions import Fraction


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    remaining: int
    retry_after: Fraction

    def __repr__(self) -> str:
        return (f"Decision(allowed={self.allowed}, remaining={self.remaining}, "
                f"retry_after={float(self.retry_after)!r})")


ALLOWED = Fraction(0)


@dataclass
class FixedWindowModel:
    """Cost used per (key, window number); window n is [n * window, (n + 1) * window)."""

    limit: int
    window: Fraction
    used: dict[tuple[str, int], int] = field(default_factory=lambda: defaultdict(int))

    def hit(self, now: Fraction, key: str, cost: int) -> Verdict:
        n = math.floor(now / self.window)
        used = self.used[key, n]
        if used + cost <= self.limit:
            self.used[key, n] += cost
            return Verdict(True, self.limit - used - cost, ALLOWED)
        return Verdict(False, self.limit - used, (n + 1) * self.window - now)

    def __repr__(self) -> str:
        live = {k: v for k, v in self.used.items() if v}
        return f"FixedWindowModel(limit={self.limit}, window={float(self.window)}, used={live})"


@dataclass
class SlidingLogModel:
    """Every admitted hit with its time; the budget is the cost in ``(t - window, t]``."""

    limit: int
    window: Fraction
    hits: dict[str, list[tuple[Fraction, int]]] = field(default_factory=lambda: defaultdict(list))

    def used(self, key: str, at: Fraction) -> int:
        return sum(cost for when, cost in self.hits[key] if at - self.window < when <= at)

    def hit(self, now: Fraction, key: str, cost: int) -> Verdict:
        used = self.used(key, now)
        if used + cost <= self.limit:
            self.hits[key].append((now, cost))
            return Verdict(True, self.limit - used - cost, ALLOWED)
        # The budget only grows when a hit leaves the window, at its time + window.
        departures = sorted(when + self.window for when, _ in self.hits[key])
        at = next(t for t in departures if t > now and self.used(key, t) + cost <= self.limit)
        return Verdict(False, self.limit - used, at - now)

    def __repr__(self) -> str:
        hits = {k: [(float(t), c) for t, c in v] for k, v in self.hits.items() if v}
        return f"SlidingLogModel(limit={self.limit}, window={float(self.window)}, hits={hits})"


@dataclass
class SlidingCounterModel:
    """Counts per (key, window number); estimate = previous * unexpired share + current."""

    limit: int
    window: Fraction
    counts: dict[tuple[str, int], int] = field(default_factory=lambda: defaultdict(int))

    def estimate(self, key: str, at: Fraction) -> Fraction:
        n = math.floor(at / self.window)
        elapsed = at - n * self.window
        return self.counts[key, n - 1] * (1 - elapsed / self.window) + self.counts[key, n]

    def hit(self, now: Fraction, key: str, cost: int) -> Verdict:
        estimate = self.estimate(key, now)
        if estimate + cost <= self.limit:
            self.counts[key, math.floor(now / self.window)] += cost
            return Verdict(True, max(0, math.floor(self.limit - estimate - cost)), ALLOWED)
        # Within window n the estimate falls linearly from prev + cur to cur: solve
        # prev * (1 - (s - start) / window) + cur == limit - cost in this window or a later one.
        target = self.limit - cost
        first = math.floor(now / self.window)
        for n in range(first, first + 3):
            previous, current = self.counts[key, n - 1], self.counts[key, n]
            if current > target:
                continue
            start = n * self.window
            at = start if previous == 0 else start + self.window * (
                1 - Fraction(target - current, previous))
            return Verdict(False, max(0, math.floor(self.limit - estimate)), max(at, now) - now)
        raise AssertionError("unreachable: two windows later the estimate is 0")

    def __repr__(self) -> str:
        live = {k: v for k, v in self.counts.items() if v}
        return (f"SlidingCounterModel(limit={self.limit}, window={float(self.window)}, "
                f"counts={live})")


@dataclass
class TokenBucketModel:
    """Tokens per key as of a time; full at first sight, refilled at ``rate``, capped."""

    rate: Fraction
    capacity: int
    buckets: dict[str, tuple[Fraction, Fraction]] = field(default_factory=dict)

    def tokens(self, key: str, at: Fraction) -> Fraction:
        if key not in self.buckets:
            return Fraction(self.capacity)
        tokens, since = self.buckets[key]
        return min(Fraction(self.capacity), tokens + (at - since) * self.rate)

    def hit(self, now: Fraction, key: str, cost: int) -> Verdict:
        tokens = self.tokens(key, now)
        if tokens >= cost:
            self.buckets[key] = (tokens - cost, now)
            return Verdict(True, math.floor(tokens - cost), ALLOWED)
        return Verdict(False, math.floor(tokens), (cost - tokens) / self.rate)

    def __repr__(self) -> str:
        buckets = {k: (float(t), float(s)) for k, (t, s) in self.buckets.items()}
        return (f"TokenBucketModel(rate={float(self.rate)}, capacity={self.capacity}, "
                f"buckets(tokens, as of)={buckets})")
