"""rate_limit: four in-memory limiters (Part 1) and two Redis limiters (Part 2).

Every limiter is driven next to an exact model (tests/support/rate_limit_model.py) on a
fake clock that moves in eighths of a second, so window edges are hit exactly and every
number is exact in binary floating point. Only the sliding counter's and the token
bucket's ``retry_after`` can be a non-binary fraction (a division); those are compared
within 1e-9 and, like all the others, must satisfy the exact promise: a hit at
``clock() + retry_after`` is allowed.

In each part, examples come first, each naming one rule (so that a learner's first failure
names the rule broken); then bad input; then the models, which catch what the examples do
not. In Part 2 the Redis-specific rules (one script call per decision, members unique per
hit, a TTL on every key, atomicity under threads) come before the model.
"""

from __future__ import annotations

import dataclasses
import itertools
import math
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from fractions import Fraction
from types import ModuleType
from typing import Any

import pytest
import redis
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, rule

from tests.support.clock import FakeClock
from tests.support.rate_limit_model import (
    FixedWindowModel,
    SlidingCounterModel,
    SlidingLogModel,
    TokenBucketModel,
    Verdict,
)
from tests.support.recording import record
from tests.support.redis_backends import describe_slots, key_slot, keys_of
from tests.support.targets import load
from tests.support.threads import run_together

KATA = "rate_limit"

KEYS = ["a", "b", "user:42"]
START = Fraction(1000)  # FakeClock's start
EIGHTH = Fraction(1, 8)


# --- what each limiter is, for the generic tests ---------------------------------------


@dataclass(frozen=True)
class Spec:
    """How to build one limiter and its model from drawn parameters."""

    name: str
    params: st.SearchStrategy[dict[str, Any]]
    model: Callable[..., Any]
    bound: str  # the parameter that bounds cost: "limit" or "capacity"
    exact: bool  # retry_after is always a binary fraction here, so compare it exactly
    redis: bool = False

    def build(self, mod: ModuleType, params: dict[str, Any], clock: FakeClock,
              client: redis.Redis | None = None, prefix: str = "") -> Any:
        cls = getattr(mod, self.name)
        if self.redis:
            return cls(client, **params, clock=clock, prefix=prefix)
        return cls(**params, clock=clock)

    def make_model(self, params: dict[str, Any]) -> Any:
        """The model, with every float parameter as the exact Fraction it is."""
        return self.model(**{k: Fraction(v) if isinstance(v, float) else v
                             for k, v in params.items()})


def eighths(lo: int, hi: int) -> st.SearchStrategy[float]:
    return st.integers(lo, hi).map(lambda n: n / 8)  # exact in binary


POWERS_OF_TWO = st.sampled_from([0.125, 0.25, 0.5, 1.0, 2.0, 4.0])
LIMITS = st.integers(1, 6)

FIXED = Spec("FixedWindowLimiter",
             st.fixed_dictionaries({"limit": LIMITS, "window": eighths(1, 32)}),
             FixedWindowModel, "limit", exact=True)
LOG = Spec("SlidingWindowLogLimiter",
           st.fixed_dictionaries({"limit": LIMITS, "window": eighths(1, 32)}),
           SlidingLogModel, "limit", exact=True)
COUNTER = Spec("SlidingWindowCounterLimiter",
               st.fixed_dictionaries({"limit": st.integers(1, 8), "window": POWERS_OF_TWO}),
               SlidingCounterModel, "limit", exact=False)
BUCKET = Spec("TokenBucketLimiter",
              st.fixed_dictionaries({
                  "rate": st.sampled_from([0.125, 0.5, 1.0, 3.0, 4.0]),
                  "capacity": st.integers(1, 8)}),
              TokenBucketModel, "capacity", exact=False)
IN_MEMORY = [FIXED, LOG, COUNTER, BUCKET]

# Redis: windows and refill times of many seconds, because the keys' TTLs run in real time
# while the fake clock jumps; time moves in halves of a second there.
REDIS_LOG = Spec("RedisSlidingWindowLimiter",
                 st.fixed_dictionaries({"limit": LIMITS,
                                        "window": st.sampled_from([16, 24, 40, 64])}),
                 SlidingLogModel, "limit", exact=True, redis=True)
REDIS_BUCKET = Spec("RedisTokenBucketLimiter",
                    st.fixed_dictionaries({
                        "rate": st.sampled_from([0.125, 0.25, 0.5, 1.0]),
                        "capacity": st.integers(8, 12)}),
                    TokenBucketModel, "capacity", exact=False, redis=True)
IN_REDIS = [REDIS_LOG, REDIS_BUCKET]


def check(got: Any, want: Verdict, exact: bool, what: str) -> None:
    """``got`` (a Decision) agrees with the model's verdict ``want``."""
    assert type(got.allowed) is bool, f"{what}: allowed must be a bool, got {got.allowed!r}"
    assert type(got.remaining) is int, f"{what}: remaining must be an int, got {got.remaining!r}"
    assert isinstance(got.retry_after, int | float) and not isinstance(got.retry_after, bool), (
        f"{what}: retry_after must be a float, got {got.retry_after!r}")
    assert (got.allowed, got.remaining) == (want.allowed, want.remaining), (
        f"{what} returned {got}, expected {want}")
    if want.allowed:
        assert got.retry_after == 0, f"{what} was allowed, so retry_after must be 0: {got}"
    elif exact:
        assert got.retry_after == float(want.retry_after), f"{what} returned {got}, expected {want}"
    else:
        assert math.isclose(got.retry_after, want.retry_after, rel_tol=1e-9, abs_tol=1e-9), (
            f"{what} returned {got}, expected {want}")


# --- Part 1: examples first, each naming one rule ---------------------------------------


@pytest.mark.part(1)
class TestPart1Decision:
    def test_decision_is_a_frozen_dataclass_of_three_fields(self, kata: Any,
                                                           clock: FakeClock) -> None:
        assert dataclasses.is_dataclass(kata.Decision)
        names = [f.name for f in dataclasses.fields(kata.Decision)]
        assert names == ["allowed", "remaining", "retry_after"]
        decision = kata.Decision(False, 2, 1.5)
        assert (decision.allowed, decision.remaining, decision.retry_after) == (False, 2, 1.5)
        with pytest.raises(dataclasses.FrozenInstanceError):
            decision.allowed = True
        assert decision == kata.Decision(allowed=False, remaining=2, retry_after=1.5)
        assert kata.FixedWindowLimiter(1, 1, clock=clock).hit() == kata.Decision(True, 0, 0.0)

    @pytest.mark.parametrize("spec", IN_MEMORY, ids=lambda s: s.name)
    def test_hit_returns_a_decision(self, kata: Any, clock: FakeClock, spec: Spec) -> None:
        limiter = spec.build(kata, basic(spec, 1), clock)
        assert limiter.hit() == kata.Decision(True, 0, 0.0)
        denied = limiter.hit()
        assert isinstance(denied, kata.Decision) and not denied.allowed


def basic(spec: Spec, budget: int = 3) -> dict[str, Any]:
    """Parameters for a limiter with ``budget`` as its limit or capacity, slow to refill."""
    if spec.bound == "limit":
        return {"limit": budget, "window": 8}
    return {"rate": 1, "capacity": budget}


@pytest.mark.part(1)
class TestPart1Edges:
    def test_fixed_windows_are_aligned_on_multiples_of_window(self, kata: Any,
                                                               clock: FakeClock) -> None:
        clock.set(1005.0)  # inside [1000, 1010), not at its start
        limiter = kata.FixedWindowLimiter(2, 10, clock=clock)
        assert limiter.hit("k", 2) == kata.Decision(True, 0, 0.0)
        clock.set(1009.5)
        denied = limiter.hit("k")
        assert not denied.allowed, f"hit('k') at 1009.5 returned {denied}: the window is full"
        clock.set(1010.0)
        got = limiter.hit("k")
        assert got == kata.Decision(True, 1, 0.0), (
            f"hit('k') at 1010 returned {got}, but a new window starts at 1010: windows are "
            "aligned on multiples of window (10), not started by a key's first hit (1005)")
        assert denied == kata.Decision(False, 0, 0.5), (
            f"hit('k') at 1009.5 returned {denied}: the window ends at 1010, so "
            "retry_after is the 0.5 s left in it")

    def test_sliding_log_counts_the_half_open_interval(self, kata: Any,
                                                       clock: FakeClock) -> None:
        limiter = kata.SlidingWindowLogLimiter(1, 4, clock=clock)
        assert limiter.hit("k").allowed
        clock.advance(3.875)
        got = limiter.hit("k")
        assert got == kata.Decision(False, 0, 0.125), (
            f"hit('k') at 1003.875 returned {got}: the hit made at 1000 leaves the window "
            "(t - window, t] at exactly 1004, so retry_after is 0.125")
        clock.advance(0.125)  # t - window == the first hit's time: it is outside (t - w, t]
        got = limiter.hit("k")
        assert got == kata.Decision(True, 0, 0.0), (
            f"hit('k') at 1004 returned {got}: the hit made at 1000 is exactly window (4 s) "
            "old, out of the window (t - window, t]")

    def test_sliding_counter_weights_the_previous_window(self, kata: Any,
                                                         clock: FakeClock) -> None:
        limiter = kata.SlidingWindowCounterLimiter(8, 1, clock=clock)
        assert limiter.hit("k", 8) == kata.Decision(True, 0, 0.0)  # window [1000, 1001)
        clock.set(1001.5)  # half of the previous window is still inside: estimate 4
        got = limiter.hit("k", 3)
        assert got == kata.Decision(True, 1, 0.0), (
            f"hit('k', 3) at 1001.5 returned {got}: half of the previous window (8) is still "
            "inside the sliding window, so the estimate is 8 * 0.5 + 0 = 4, and 4 + 3 <= 8")
        # 4 + 3 + 2 > 8; at 1001.625 the estimate is 8 * 3/8 + 3 = 6, and 6 + 2 <= 8
        assert limiter.hit("k", 2) == kata.Decision(False, 1, 0.125)
        clock.advance(0.125)
        assert limiter.hit("k", 2) == kata.Decision(True, 0, 0.0)

    def test_token_bucket_refill_counts_fractions(self, kata: Any, clock: FakeClock) -> None:
        limiter = kata.TokenBucketLimiter(0.5, 2, clock=clock)
        assert limiter.hit("k", 2) == kata.Decision(True, 0, 0.0)
        clock.advance(3)  # 1.5 tokens
        assert limiter.hit("k") == kata.Decision(True, 0, 0.0)  # 0.5 token left
        clock.advance(1)  # and half a token more: one whole
        got = limiter.hit("k")
        assert got == kata.Decision(True, 0, 0.0), (
            f"hit('k') at 1004 returned {got}: the half token left at 1003 and the half "
            "earned since make one (the refill is continuous: fractions of a token count)")

    def test_token_bucket_caps_at_capacity(self, kata: Any, clock: FakeClock) -> None:
        limiter = kata.TokenBucketLimiter(0.5, 4, clock=clock)
        assert limiter.hit("k", 4) == kata.Decision(True, 0, 0.0)
        clock.advance(10_000)  # a long idle fills the bucket, and no more
        got = limiter.hit("k")
        assert got == kata.Decision(True, 3, 0.0), (
            f"hit('k') after 10,000 s idle returned {got}: the bucket refills to its "
            "capacity (4) and no further, so 3 tokens remain")

    def test_token_bucket_retry_after_waits_for_cost_tokens(self, kata: Any,
                                                            clock: FakeClock) -> None:
        limiter = kata.TokenBucketLimiter(1, 4, clock=clock)
        assert limiter.hit("k", 4) == kata.Decision(True, 0, 0.0)
        got = limiter.hit("k", 3)
        assert got == kata.Decision(False, 0, 3.0), (
            f"hit('k', cost=3) with an empty bucket returned {got}: at 1 token/s, 3 tokens "
            "take 3 s: retry_after is (cost - tokens) / rate")

    @pytest.mark.parametrize("spec", IN_MEMORY, ids=lambda s: s.name)
    def test_a_denied_hit_consumes_nothing(self, kata: Any, clock: FakeClock,
                                           spec: Spec) -> None:
        limiter = spec.build(kata, basic(spec, 2), clock)
        assert limiter.hit("k", 2) == kata.Decision(True, 0, 0.0)
        denials = [limiter.hit("k") for _ in range(3)]
        assert denials == [denials[0]] * 3 and not denials[0].allowed, (
            f"{spec.name}: three hit('k') at one instant on a spent budget returned "
            f"{denials}: a denied hit consumes nothing, so each is denied the same way")
        clock.advance(denials[0].retry_after)
        got = limiter.hit("k")
        assert got.allowed, (
            f"{spec.name}: hit('k') at the time retry_after named returned {got}: the "
            "denied hits before it must not have used any of the budget")

    @pytest.mark.parametrize("spec", IN_MEMORY, ids=lambda s: s.name)
    def test_keys_have_independent_budgets(self, kata: Any, clock: FakeClock,
                                           spec: Spec) -> None:
        limiter = spec.build(kata, basic(spec), clock)
        assert limiter.hit("a", 3).allowed
        assert not limiter.hit("a").allowed
        got = limiter.hit("b", 2)
        assert got == kata.Decision(True, 1, 0.0), (
            f"{spec.name}: hit('b', 2) returned {got} after key 'a' spent its budget: each "
            "key has its own")
        got = limiter.hit()
        assert got == kata.Decision(True, 2, 0.0), (
            f"{spec.name}: hit() returned {got}: the default key has its own budget too")

    @pytest.mark.parametrize("spec", IN_MEMORY, ids=lambda s: s.name)
    def test_the_default_key_is_named_default(self, kata: Any, clock: FakeClock,
                                              spec: Spec) -> None:
        limiter = spec.build(kata, basic(spec), clock)
        assert limiter.hit("default", 3).allowed
        got = limiter.hit()
        assert not got.allowed, (
            f"{spec.name}: hit() returned {got} after hit('default', 3) spent the budget: "
            "hit()'s key is 'default', so the two share one budget")

    @pytest.mark.parametrize(("spec", "params", "at", "cost"), [
        pytest.param(FIXED, {"limit": 3, "window": 0.3}, 1000.1, 1, id="FixedWindowLimiter"),
        pytest.param(LOG, {"limit": 3, "window": 0.7}, 0.1, 1, id="SlidingWindowLogLimiter"),
        pytest.param(COUNTER, {"limit": 3, "window": 0.3}, 1000.3, 3,
                     id="SlidingWindowCounterLimiter"),
        pytest.param(BUCKET, {"rate": 3, "capacity": 3}, 1000.0, 2, id="TokenBucketLimiter"),
    ])
    def test_retry_after_is_exact_where_floats_round(self, kata: Any, clock: FakeClock,
                                                     spec: Spec, params: dict[str, Any],
                                                     at: float, cost: int) -> None:
        """Durations that are not binary fractions: clock() + the computed wait rounds, here
        a hair before the edge, and retry_after must still be exact both ways."""
        clock.set(at)
        limiter = spec.build(kata, params, clock)
        assert limiter.hit("k", 3).allowed
        denied = limiter.hit("k", cost)
        what = f"{spec.name}({params}): hit('k', cost={cost}) at {at!r} returned {denied}"
        assert not denied.allowed and denied.retry_after > 0, (
            f"{what}: the budget was spent at that instant, so it is denied with a wait")
        retry_at = at + denied.retry_after
        clock.set(retry_at - 1e-9)
        early = limiter.hit("k", cost)
        assert not early.allowed, (
            f"{what}, but the same hit 1 ns before clock() + retry_after returned {early}: "
            "retry_after is too long")
        clock.set(retry_at)
        again = limiter.hit("k", cost)
        assert again.allowed, (
            f"{what}, but the same hit at exactly clock() + retry_after ({retry_at!r}) "
            f"returned {again}: if rounding puts clock() + wait a hair before the edge, "
            "raise the wait by ulps until hit()'s own test allows it")


BAD_COUNTS = [("3", TypeError), (None, TypeError), (True, TypeError), (False, TypeError),
              (2.5, TypeError), (0, ValueError), (-1, ValueError)]
BAD_DURATIONS = [("1", TypeError), (None, TypeError), (True, TypeError), (0, ValueError),
                 (-1.0, ValueError), (math.nan, ValueError), (math.inf, ValueError)]
NOT_FINITE_COUNTS = [math.nan, math.inf]
BAD_CLOCKS = [None, 1000.0, "time.monotonic"]
BAD_COSTS = [(0, ValueError), (-2, ValueError), (4, ValueError), (True, TypeError),
             (False, TypeError), (1.0, TypeError), ("1", TypeError), (None, TypeError)]
BAD_KEYS = [None, 7, b"k", ("k",)]


def constructor_cases(specs: list[Spec]) -> list[Any]:
    cases = []
    for spec in specs:
        good = {"limit": 3, "window": 10} if spec.bound == "limit" else {"rate": 1, "capacity": 3}
        count, duration = ("limit", "window") if spec.bound == "limit" else ("capacity", "rate")
        for value, error in BAD_COUNTS:
            cases.append(pytest.param(spec, {**good, count: value}, count, error,
                                      id=f"{spec.name}-{count}={value!r}"))
        for value in NOT_FINITE_COUNTS:
            cases.append(pytest.param(spec, {**good, count: value}, count, (TypeError, ValueError),
                                      id=f"{spec.name}-{count}={value!r}"))
        for value, error in BAD_DURATIONS:
            cases.append(pytest.param(spec, {**good, duration: value}, duration, error,
                                      id=f"{spec.name}-{duration}={value!r}"))
        for value in BAD_CLOCKS:
            cases.append(pytest.param(spec, {**good, "clock": value}, "clock", TypeError,
                                      id=f"{spec.name}-clock={value!r}"))
    return cases


@pytest.mark.part(1)
class TestPart1BadInput:
    @pytest.mark.parametrize(("spec", "params", "name", "error"), constructor_cases(IN_MEMORY))
    def test_constructor_rejects(self, kata: Any, clock: FakeClock, spec: Spec,
                                 params: dict[str, Any], name: str, error: Any) -> None:
        with pytest.raises(error, match=rf"\b{name}\b"):
            getattr(kata, spec.name)(**{"clock": clock, **params})

    @pytest.mark.parametrize("spec", IN_MEMORY, ids=lambda s: s.name)
    def test_hit_rejects_bad_cost_and_key_and_consumes_nothing(
        self, kata: Any, clock: FakeClock, spec: Spec
    ) -> None:
        limiter = spec.build(kata, basic(spec), clock)
        for cost, error in BAD_COSTS:
            with pytest.raises(error, match="cost"):
                limiter.hit("k", cost)
        for key in BAD_KEYS:
            with pytest.raises(TypeError, match="key"):
                limiter.hit(key)
        assert limiter.hit("k", 3) == kata.Decision(True, 0, 0.0), "a rejected call consumed budget"


# --- Part 1: the limiters against their models -----------------------------------------


class LimiterMachine(RuleBasedStateMachine):
    """One limiter and its model take the same hits at the same (exact) times."""

    spec: Spec

    def __init__(self) -> None:
        super().__init__()
        self.mod = load(KATA)
        self.clock = FakeClock()
        self.now = START

    @initialize(params=st.data())
    def build(self, params: st.DataObject) -> None:
        drawn = params.draw(self.spec.params, label="parameters")
        self.limiter = self.spec.build(self.mod, drawn, self.clock)
        self.model = self.spec.make_model(drawn)
        self.most = drawn[self.spec.bound]

    @rule(eighths=st.one_of(st.integers(0, 16), st.integers(17, 800)))
    def advance(self, eighths: int) -> None:
        self.now += Fraction(eighths, 8)
        self.clock.set(float(self.now))

    @rule(key=st.sampled_from(KEYS), data=st.data())
    def hit(self, key: str, data: st.DataObject) -> None:
        cost = data.draw(st.integers(1, self.most), label="cost")
        before = repr(self.model)
        got = self.limiter.hit(key, cost)
        want = self.model.hit(self.now, key, cost)
        check(got, want, self.spec.exact,
              f"at t={self.clock()!r}: hit({key!r}, cost={cost}) (model before: {before})")

    @rule(bad=st.sampled_from([("a", 0), ("a", -1), ("a", True), ("a", 1.0), (b"a", 1),
                               (None, 1)]))
    def bad_hit(self, bad: tuple[Any, Any]) -> None:
        # Rejected at once; the following hits show that nothing was consumed.
        with pytest.raises((TypeError, ValueError)):
            self.limiter.hit(*bad)
        with pytest.raises(ValueError, match="cost"):
            self.limiter.hit("a", self.most + 1)


def machine(spec: Spec) -> Any:
    cls = type(f"{spec.name}Machine", (LimiterMachine,), {"spec": spec})
    return pytest.mark.part(1)(cls.TestCase)


TestFixedWindowAgainstModel = machine(FIXED)
TestSlidingWindowLogAgainstModel = machine(LOG)
TestSlidingWindowCounterAgainstModel = machine(COUNTER)
TestTokenBucketAgainstModel = machine(BUCKET)


def replay_then_retry(make: Callable[[FakeClock], Any], model: Any, most: int, exact: bool,
                      steps: list[tuple[int, str, int]], cost: int, step: Fraction) -> None:
    """Replay ``steps`` against a limiter and the model, then check the retry_after promise.

    After the history, key "a" is hit with ``cost`` until denied. The denial's retry_after
    must be exact: a hit at exactly ``clock() + retry_after`` is allowed, and on a twin
    limiter that saw the same hits, the same hit a little sooner is still denied.
    """
    clock, twin_clock = FakeClock(), FakeClock()
    limiter, twin = make(clock), make(twin_clock)
    now = START

    def both(key: str, c: int) -> Any:
        clock.set(float(now))
        twin_clock.set(float(now))
        twin.hit(key, c)
        before = repr(model)
        got, want = limiter.hit(key, c), model.hit(now, key, c)
        check(got, want, exact,
              f"at t={clock()!r}: hit({key!r}, cost={c}) (model before: {before})")
        return got

    for ticks, key, c in steps:
        now += ticks * step
        both(key, c)
    for _ in range(most + 1):
        got = both("a", cost)
        if not got.allowed:
            break
    else:
        raise AssertionError(f"{most + 1} hits of cost {cost} at one instant were all allowed")
    what = f"at t={clock()!r}: hit('a', cost={cost}) returned {got}"
    wait = got.retry_after
    assert wait > 0, f"{what}: denied, so retry_after must be > 0"
    sooner = clock() + wait * (1 - 1e-6)
    twin_clock.set(sooner)
    early = twin.hit("a", cost)
    assert not early.allowed, (
        f"{what}, but the same hit was already allowed at t={sooner!r}: "
        "retry_after is too long")
    clock.advance(wait)
    again = limiter.hit("a", cost)
    assert again.allowed and again.retry_after == 0, (
        f"{what}, but the same hit at t={clock()!r} (nothing else arrived) returned {again}")


def history(most: int, ticks: int = 24) -> st.SearchStrategy[list[tuple[int, str, int]]]:
    return st.lists(st.tuples(st.integers(0, ticks), st.sampled_from(KEYS),
                              st.integers(1, most)), max_size=20)


@pytest.mark.part(1)
@pytest.mark.parametrize("spec", IN_MEMORY, ids=lambda s: s.name)
@given(data=st.data())
def test_waiting_exactly_retry_after_is_enough_and_needed(spec: Spec, data: st.DataObject) -> None:
    mod = load(KATA)
    params = data.draw(spec.params, label="parameters")
    spec.build(mod, params, FakeClock())  # fail fast, before drawing a history to shrink
    most = params[spec.bound]
    steps = data.draw(history(most), label="hits (eighths of a second since the last, key, cost)")
    cost = data.draw(st.integers(1, most), label="cost of the denied hit")
    replay_then_retry(lambda clock: spec.build(mod, params, clock), spec.make_model(params), most,
                      spec.exact, steps, cost, EIGHTH)


# --- Part 2: Redis ---------------------------------------------------------------------

_prefixes = itertools.count()
SCRIPT_CALLS = ("EVAL", "EVALSHA", "EVAL_RO", "EVALSHA_RO", "FCALL")


def text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


def small(spec: Spec) -> dict[str, Any]:
    return {"limit": 3, "window": 60} if spec.bound == "limit" else {"rate": 0.25, "capacity": 3}


@pytest.mark.part(2)
@pytest.mark.parametrize("spec", IN_REDIS, ids=lambda s: s.name)
class TestPart2Redis:
    def test_each_decision_is_one_script_call(self, kata: Any, redis_backend: Any,
                                              redis_client: redis.Redis, clock: FakeClock,
                                              spec: Spec) -> None:
        limiter = spec.build(kata, small(spec), clock, redis_client, redis_backend.key("rl"))
        limiter.hit("warm-up")  # may load the script first
        log = record(redis_client)
        decisions = [limiter.hit("k", 2), limiter.hit("k", 2), limiter.hit("j"),
                     limiter.hit("k")]
        names = log.names()
        assert len(names) == len(decisions) and set(names) <= {"EVALSHA", "EVAL"}, (
            f"4 decisions sent {names}: each must be exactly one EVALSHA (or EVAL), one "
            "script that reads, decides and writes atomically")
        assert [d.allowed for d in decisions] == [True, False, True, True], (
            f"hit('k', 2), hit('k', 2), hit('j'), hit('k') on a budget of 3 returned {decisions}")

    def test_each_script_names_keys_of_one_hash_slot(self, kata: Any, redis_backend: Any,
                                                      redis_client: redis.Redis,
                                                      clock: FakeClock, spec: Spec) -> None:
        """fakeredis does not enforce Redis Cluster's one-slot rule: the keys each script
        call names are checked here, slot by slot."""
        limiter = spec.build(kata, small(spec), clock, redis_client, redis_backend.key("rl"))
        log = record(redis_client)
        for key in ("k", "user:1", "{tagged}", "k"):
            limiter.hit(key)
            clock.advance(1)
        for call in log.calls:
            name = text(call[0]).upper()
            if name not in SCRIPT_CALLS:
                continue
            keys = [text(key) for key in keys_of(call)]
            assert len({key_slot(key) for key in keys}) <= 1, (
                f"hit() ran {name} on keys in different hash slots: {describe_slots(keys)}. "
                "Redis Cluster refuses such a script (CROSSSLOT): a decision touches one "
                "key's data, so the script names only keys of that slot (one key, "
                "f'{prefix}:{key}', or several sharing a hash tag)")

    def test_defaults_are_the_key_default_and_the_prefix_rl(
        self, kata: Any, redis_backend: Any, redis_client: redis.Redis, clock: FakeClock,
        spec: Spec
    ) -> None:
        prefix = redis_backend.key("rl")
        limiter = spec.build(kata, small(spec), clock, redis_client, prefix)
        assert limiter.hit("default", 3).allowed
        got = limiter.hit()
        assert not got.allowed, (
            f"hit() returned {got} after hit('default', 3) spent the budget: hit()'s key is "
            "'default', so the two share one budget")
        written = redis_backend.keys()
        assert f"{prefix}:default" in written, (
            f"hit() wrote {written}, expected the key {prefix + ':default'!r}")
        key = redis_backend.key("k")
        getattr(kata, spec.name)(redis_client, **small(spec), clock=clock).hit(key)
        written = redis_backend.keys()
        assert f"rl:{key}" in written, (
            f"a limiter built without prefix wrote {written} for hit({key!r}); "
            f"expected the key {'rl:' + key!r}: the default prefix is 'rl'")

    def test_hits_at_one_instant_are_counted_apart(self, kata: Any, redis_backend: Any,
                                                   redis_client: redis.Redis, clock: FakeClock,
                                                   spec: Spec) -> None:
        limiter = spec.build(kata, small(spec), clock, redis_client, redis_backend.key("rl"))
        decisions = [limiter.hit("k") for _ in range(4)]  # the clock stands still
        want = [kata.Decision(True, 2, 0.0), kata.Decision(True, 1, 0.0),
                kata.Decision(True, 0, 0.0)]
        assert decisions[:3] == want and not decisions[3].allowed, (
            f"four hit('k') at one instant on a budget of 3 returned {decisions}: each hit "
            "counts, even at the same instant (members of a sorted set must be unique per "
            "hit, e.g. a random token per call, or a second ZADD only moves the first)")

    def test_every_key_written_has_a_ttl(self, kata: Any, redis_backend: Any,
                                         redis_client: redis.Redis, clock: FakeClock,
                                         spec: Spec) -> None:
        prefix = redis_backend.key("rl")
        limiter = spec.build(kata, small(spec), clock, redis_client, prefix)
        for key in ["a", "b", "c", "a", "a", "a", "b"]:
            limiter.hit(key)
            clock.advance(0.5)
        keys = redis_backend.keys()
        assert keys, "the limiter wrote nothing under its prefix"
        for key in keys:
            assert redis_client.pttl(key) > 0, f"key {key!r} has no TTL: it would live forever"
        if redis_backend.kind == "fake":  # the server holds only this test's keys
            token = redis_backend.namespace.encode()
            stray = [k for k in redis_backend.client().keys("*") if token not in k]
            assert not stray, f"keys written without the prefix {prefix!r}: {stray}"

    def test_a_client_dying_mid_decision_leaves_no_immortal_key(
        self, kata: Any, redis_backend: Any, clock: FakeClock, spec: Spec
    ) -> None:
        # The connection dies right after the n-th command reached the server, for each n.
        for crash_after in range(1, 5):
            client = redis_backend.client()
            send, sent = client.execute_command, itertools.count(1)

            def dying(*args: Any, _send: Any = send, _n: int = crash_after,
                      _sent: Any = sent, **options: Any) -> Any:
                result = _send(*args, **options)
                if next(_sent) == _n:
                    raise redis.ConnectionError("the client died here")
                return result

            client.execute_command = dying  # type: ignore[method-assign]
            with suppress(redis.ConnectionError):  # (a constructor may load its script)
                limiter = spec.build(kata, small(spec), clock, client,
                                     redis_backend.key(f"crash{crash_after}"))
                for _ in range(2):
                    with suppress(redis.ConnectionError):
                        limiter.hit("k")
        admin, keys = redis_backend.client(), redis_backend.keys()
        assert keys, "the limiter wrote nothing under its prefix"
        for key in keys:
            assert admin.pttl(key) > 0, (
                f"key {key!r} has no TTL after a client died mid-decision: it lives forever")

    def test_threads_never_exceed_the_limit(self, kata: Any, redis_backend: Any,
                                            clock: FakeClock, spec: Spec) -> None:
        threads_n, hits_n, limit = 8, 50, 100
        params = ({"limit": limit, "window": 60} if spec.bound == "limit"
                  else {"rate": 1 / 1024, "capacity": limit})  # the clock stands still
        prefix = redis_backend.key("rl")
        limiters = [spec.build(kata, params, clock, redis_backend.client(), prefix)
                    for _ in range(threads_n)]
        allowed = [0] * threads_n

        def worker(i: int) -> None:
            for _ in range(hits_n):
                allowed[i] += limiters[i].hit("shared").allowed

        run_together(worker, threads_n)
        assert sum(allowed) == limit, (
            f"{threads_n} threads x {hits_n} hits against a budget of {limit}: "
            f"{sum(allowed)} were allowed (a decision must be one atomic step in Redis: "
            "read, decide and write in one script)")

    def test_bad_input_is_rejected_before_talking_to_redis(
        self, kata: Any, redis_backend: Any, clock: FakeClock, spec: Spec
    ) -> None:
        client = redis_backend.client()
        limiter = spec.build(kata, small(spec), clock, client, redis_backend.key("rl"))
        log = record(client)
        for cost, error in BAD_COSTS:
            with pytest.raises(error, match="cost"):
                limiter.hit("k", cost)
        for key in BAD_KEYS:
            with pytest.raises(TypeError, match="key"):
                limiter.hit(key)
        assert log.round_trips == 0, f"bad input still sent {log}"
        assert limiter.hit("k", 3) == kata.Decision(True, 0, 0.0)


def redis_constructor_cases() -> list[Any]:
    cases = constructor_cases(IN_REDIS)
    for spec in IN_REDIS:
        good = small(spec)
        for value, error in [(None, TypeError), (b"rl", TypeError), (7, TypeError),
                             ("", ValueError)]:
            cases.append(pytest.param(spec, {**good, "prefix": value}, "prefix", error,
                                      id=f"{spec.name}-prefix={value!r}"))
    return cases


@pytest.mark.part(2)
@pytest.mark.parametrize(("spec", "params", "name", "error"), redis_constructor_cases())
def test_redis_constructor_rejects(kata: Any, redis_backend: Any, spec: Spec,
                                   params: dict[str, Any], name: str, error: Any) -> None:
    with pytest.raises(error, match=rf"\b{name}\b"):
        getattr(kata, spec.name)(redis_backend.client(),
                                 **{"prefix": redis_backend.key("rl"), **params})


@pytest.mark.part(2)
@pytest.mark.parametrize("spec", IN_REDIS, ids=lambda s: s.name)
@pytest.mark.parametrize("client", [None, "redis://127.0.0.1:6379/0", object()], ids=repr)
def test_redis_constructor_rejects_a_client_that_is_not_one(
    kata: Any, redis_backend: Any, spec: Spec, client: object
) -> None:
    with pytest.raises(TypeError, match="client"):
        getattr(kata, spec.name)(client, **small(spec), prefix=redis_backend.key("rl"))


@pytest.mark.part(2)
@pytest.mark.parametrize(("spec", "params"), [
    (REDIS_LOG, {"limit": 2, "window": 1e300}),
    (REDIS_BUCKET, {"rate": 1e-300, "capacity": 2}),
], ids=["RedisSlidingWindowLimiter-window=1e300", "RedisTokenBucketLimiter-rate=1e-300"])
def test_redis_keys_of_extreme_durations_still_expire(
    kata: Any, redis_backend: Any, redis_client: redis.Redis, clock: FakeClock, spec: Spec,
    params: dict[str, Any]
) -> None:
    """A window (or refill time) longer than any TTL Redis takes still works: the key gets
    the longest TTL there is, not an error."""
    limiter = spec.build(kata, params, clock, redis_client, redis_backend.key("rl"))
    assert limiter.hit("k", 2) == kata.Decision(True, 0, 0.0)
    assert not limiter.hit("k").allowed
    keys = redis_backend.keys()
    assert keys, "the limiter wrote nothing under its prefix"
    for key in keys:
        assert redis_client.pttl(key) > 0, f"key {key!r} has no TTL: it would live forever"


def redis_examples() -> int:
    return max(5, settings().max_examples // 6)


@pytest.mark.part(2)
@pytest.mark.parametrize("spec", IN_REDIS, ids=lambda s: s.name)
@settings(max_examples=redis_examples())
@given(data=st.data())
def test_redis_limiter_against_model(redis_backend: Any, redis_client: redis.Redis,
                                     spec: Spec, data: st.DataObject) -> None:
    mod = load(KATA)
    params = data.draw(spec.params, label="parameters")
    spec.build(mod, params, FakeClock(), redis_client, redis_backend.key("rl"))  # fail fast
    most = params[spec.bound]
    steps = data.draw(history(most, ticks=40),
                      label="hits (halves of a second since the last, key, cost)")
    cost = data.draw(st.integers(1, most), label="cost of the denied hit")

    def make(clock: FakeClock) -> Any:
        prefix = redis_backend.key(f"rl{next(_prefixes)}")
        return spec.build(mod, params, clock, redis_client, prefix)

    replay_then_retry(make, spec.make_model(params), most, spec.exact, steps, cost, Fraction(1, 2))
