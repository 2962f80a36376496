"""Kata 8, `stampede`: single-flight, XFetch early recomputation, a Redis stampede cache.

Concurrency tests use real threads released together by a Barrier. Where a test needs
"every other caller is already waiting", the function under test blocks until the test
has seen every caller thread inside the module under test (its frames are on the thread's
stack) and standing still, then a short grace period: a correct implementation always
shares, and one that does not share runs the function once per caller. Every wait is
bounded; a caller still blocked at the bound fails the test instead of hanging it.
"""

from __future__ import annotations

import itertools
import math
import random
import sys
import threading
import time
from collections.abc import Callable
from types import ModuleType
from typing import Any

import pytest
from hypothesis import given, note, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, rule

from tests.support.clock import FakeClock, fake_waiting_in
from tests.support.linearizable import History, Model, assert_linearizable
from tests.support.recording import record
from tests.support.redis_backends import RedisBackend, describe_slots, key_slot, keys_of
from tests.support.targets import load
from tests.support.threads import run_bounded, run_together

KATA = "stampede"

CALLERS = 16
BOUND = 5.0  # seconds: the longest any test waits for anything
# Seconds allowed for what a correct implementation does at once (milliseconds in practice,
# even on a loaded machine): a caller waking after fn returned, a waiter taking over.
PROMPT = 1.0
TINY = math.ulp(0.0)  # the smallest positive float


class Boom(Exception):
    """The failure a test's function raises on purpose."""


# --- threads ------------------------------------------------------------------------------


class Callers:
    """``n`` threads that wait on one Barrier, then each run ``call(i)`` once.

    Outcomes land in ``results[i]`` or ``errors[i]``. ``join()`` fails the test if any
    thread is still blocked after the bound (they are daemons, so a hung one cannot hang
    the run).
    """

    def __init__(self, n: int, call: Callable[[int], Any]) -> None:
        self.call = call
        self.barrier = threading.Barrier(n)
        self.results: list[Any] = [None] * n
        self.errors: list[BaseException | None] = [None] * n
        self.returned = 0
        self.changed = threading.Condition()
        self.threads = [
            threading.Thread(target=self._run, args=(i,), name=f"caller-{i}", daemon=True)
            for i in range(n)
        ]

    def _run(self, i: int) -> None:
        try:
            self.barrier.wait(BOUND)
            self.results[i] = self.call(i)
        except BaseException as exc:
            self.errors[i] = exc
        finally:
            with self.changed:
                self.returned += 1
                self.changed.notify_all()

    def start(self) -> Callers:
        for t in self.threads:
            t.start()
        return self

    def wait_for(self, event: threading.Event, what: str) -> None:
        """Wait until ``event`` is set; re-raise at once a caller's unexpected error."""
        deadline = time.monotonic() + BOUND
        while not event.wait(0.01):
            self.raise_first_error()
            assert time.monotonic() < deadline, f"{what} did not happen within {BOUND} s"

    def join(self, what: str, bound: float = BOUND) -> None:
        deadline = time.monotonic() + bound
        for t in self.threads:
            t.join(max(0.0, deadline - time.monotonic()))
        hung = [t.name for t in self.threads if t.is_alive()]
        assert not hung, f"{len(hung)} caller(s) still blocked after {bound} s: {what}"

    def raise_first_error(self) -> None:
        for exc in self.errors:
            if exc is not None:
                raise exc


_BARRIER_WAIT = threading.Barrier.wait.__code__


def _inside_the_call(frame: Any) -> bool:
    """Is this thread past the start barrier, somewhere inside the code under test?

    Judged by the stack, not by file names: an implementation may span several modules.
    """
    while frame is not None:
        if frame.f_code is _BARRIER_WAIT:
            return False
        frame = frame.f_back
    return True


def settle(threads: list[threading.Thread], grace: float = 0.1) -> None:
    """Return once every live thread is inside the call under test and standing still.

    Bounded: after BOUND seconds it returns anyway and lets the test's assertions speak.
    """
    deadline = time.monotonic() + BOUND
    previous: dict[int, tuple[Any, int]] = {}
    still = 0
    while time.monotonic() < deadline and still < 3:
        frames = sys._current_frames()
        now: dict[int, tuple[Any, int]] = {}
        inside = True
        for t in threads:
            frame = frames.get(t.ident) if t.ident is not None else None
            if frame is None:
                continue  # finished
            inside = inside and _inside_the_call(frame)
            now[t.ident or 0] = (frame.f_code, frame.f_lineno)
        still = still + 1 if inside and now == previous else 0
        previous = now
        time.sleep(0.01)
    time.sleep(grace)


class Counter:
    def __init__(self) -> None:
        self.n = 0
        self.in_flight = 0
        self._lock = threading.Lock()

    def __call__(self) -> int:
        with self._lock:
            self.n += 1
            return self.n


# --- Part 1: SingleFlight -------------------------------------------------------------------


def call_again(flight: Any, value: Any, after: str) -> Any:
    """``flight.do("k", fn)`` once more, nothing in flight: fn's value, or the test fails
    naming a failure that was remembered."""
    try:
        return run_bounded(lambda: flight.do("k", lambda: value), f"do() after {after}", PROMPT)
    except Boom as exc:
        pytest.fail(f"do('k', fn) after {after} raised {exc!r} again without running fn: a "
                    "finished call (and its exception) must not be remembered", pytrace=False)


class PauseAfterWaking:
    """An explicit pause point in the leader's thread right after it wakes the waiters.

    ``install()``, called by fn just before it returns, profiles that thread only: each
    time it returns from ``Event.set`` or leaves a ``Condition`` (the ways threading wakes
    a waiter; a Future wakes through a Condition too), it waits until ``waiter_back`` is
    set, 0.3 s at most. A woken waiter can then call do() again before the leader takes
    one more step.
    """

    WAKERS = (threading.Event.set.__code__, threading.Condition.__exit__.__code__)

    def __init__(self) -> None:
        self.waiter_back = threading.Event()

    def install(self) -> None:
        sys.setprofile(self._profile)

    def _profile(self, frame: Any, event: str, arg: Any) -> None:
        if event == "return" and frame.f_code in self.WAKERS and not self.waiter_back.is_set():
            self.waiter_back.wait(0.3)


class LockstepKey:
    """Two caller threads (``caller-0``, ``caller-1``) hashing this key go in lockstep:
    each hash waits until the other thread has hashed as many times, 0.1 s at most (a lock
    that keeps one of them out only slows the test down). Every look-up or insertion in a
    table of calls is then a pause point where the other caller takes its turn."""

    def __init__(self) -> None:
        self.counts = {"caller-0": 0, "caller-1": 0}
        self.changed = threading.Condition()

    def __hash__(self) -> int:
        me = threading.current_thread().name
        if me in self.counts:
            with self.changed:
                self.counts[me] += 1
                self.changed.notify_all()
                mine = self.counts[me]
                self.changed.wait_for(lambda: min(self.counts.values()) >= mine, timeout=0.1)
        return hash("lockstep key")

    def __eq__(self, other: object) -> bool:
        return other is self

    def __repr__(self) -> str:
        return "'k'"


@pytest.mark.part(1)
class TestPart1SingleFlight:
    def _shared_round(
        self, kata: ModuleType, outcome: Callable[[int], Any], key: Any = "k",
        n: int = CALLERS,
    ) -> tuple[Any, Callers, Counter]:
        """``n`` threads call do(key, fn) at once; fn blocks until all of them are in."""
        flight = kata.SingleFlight()
        runs, entered, release = Counter(), threading.Event(), threading.Event()

        def fn() -> Any:
            n = runs()
            entered.set()
            release.wait(BOUND)
            return outcome(n)

        callers = Callers(n, lambda i: flight.do(key, fn)).start()
        callers.wait_for(entered, "fn being called by one of the concurrent do() calls")
        settle(callers.threads)
        runs.in_flight = runs.n  # how many ran fn while the first call was in flight
        release.set()
        return flight, callers, runs

    def test_concurrent_callers_share_one_execution_and_the_same_object(
        self, kata: ModuleType
    ) -> None:
        _, callers, runs = self._shared_round(kata, lambda n: object())
        callers.join("do() did not return after fn finished")
        callers.raise_first_error()
        if runs.n > 1 and runs.in_flight == 1:
            pytest.fail(
                f"fn ran {runs.n} times for {CALLERS} concurrent do('k', fn) calls: while the "
                f"first ran, the others were kept out (a lock held while fn runs?), then ran "
                "fn themselves once it had finished. They must wait for that call's outcome, "
                "not for a lock", pytrace=False)
        assert runs.n == 1, (
            f"fn ran {runs.n} times for {CALLERS} concurrent do('k', fn) calls; "
            "callers arriving while it runs must wait for that one execution"
        )
        first = callers.results[0]
        shared = sum(result is first for result in callers.results)
        assert shared == CALLERS, (
            f"only {shared} of {CALLERS} callers got the very object fn returned "
            "(identity, not a copy)"
        )

    def test_two_callers_interleaved_step_by_step_share_one_call(
        self, kata: ModuleType
    ) -> None:
        _, callers, runs = self._shared_round(kata, lambda n: f"run {n}", LockstepKey(), 2)
        callers.join("do() did not return after fn finished", PROMPT)
        callers.raise_first_error()
        assert runs.n == 1, (
            f"fn ran {runs.n} times for 2 callers of one key whose steps were interleaved "
            "(each took its turn at every use of the key): finding the call in flight and "
            "registering a new one must be one step under a lock, or both callers find "
            "nothing and both run fn"
        )

    def test_exception_reaches_every_waiter_and_is_not_remembered(self, kata: ModuleType) -> None:
        def fail(n: int) -> Any:
            raise Boom(f"boom {n}")

        flight, callers, runs = self._shared_round(kata, fail)
        callers.join("waiters hang when the call they wait for raises", PROMPT)
        assert runs.n == 1, f"fn ran {runs.n} times for {CALLERS} concurrent callers, want 1"
        for i, (result, exc) in enumerate(zip(callers.results, callers.errors, strict=True)):
            assert isinstance(exc, Boom) and str(exc) == "boom 1", (
                f"caller {i} got {result!r} / {exc!r}; every caller must raise fn's "
                "exception Boom('boom 1')"
            )
        got = call_again(flight, "again", after="the failed round")
        assert got == "again", f"do() after the failed round returned {got!r}, want fn's 'again'"

    def test_a_failed_call_is_not_remembered(self, kata: ModuleType) -> None:
        flight = kata.SingleFlight()

        def fail() -> int:
            raise Boom("first")

        with pytest.raises(Boom, match="first"):
            run_bounded(lambda: flight.do("k", fail), "do() with a failing fn", PROMPT)
        got = call_again(flight, 42, after="a failed call")
        assert got == 42, f"the next do() after a failure must run fn, got {got!r}"

    def test_next_call_after_a_shared_round_runs_again(self, kata: ModuleType) -> None:
        flight = kata.SingleFlight()
        runs, entered, release = Counter(), threading.Event(), threading.Event()

        def slow() -> str:
            runs()
            entered.set()
            release.wait(BOUND)
            return "first round"

        callers = Callers(4, lambda i: flight.do("k", slow)).start()
        callers.wait_for(entered, "fn being called")
        settle(callers.threads)
        release.set()
        callers.join("do() did not return after fn finished")
        callers.raise_first_error()
        got = run_bounded(lambda: flight.do("k", lambda: "second round"), "the next do()", PROMPT)
        assert got == "second round", (
            f"do('k', fn) after the shared call finished returned {got!r}: results must "
            "not be cached, only shared while in flight"
        )

    def test_a_woken_waiter_that_calls_again_runs_its_own_fn(self, kata: ModuleType) -> None:
        flight, pause = kata.SingleFlight(), PauseAfterWaking()
        entered, release = threading.Event(), threading.Event()

        def first() -> str:
            entered.set()
            release.wait(BOUND)
            pause.install()  # the leader pauses right after waking the waiter
            return "first round"

        leader = Callers(1, lambda i: flight.do("k", first)).start()
        leader.wait_for(entered, "fn being called")

        def wait_then_call_again(i: int) -> tuple[Any, Any]:
            try:
                shared = flight.do("k", lambda: "the waiter's fn, though a call was in flight")
                return shared, flight.do("k", lambda: "second round")
            finally:
                pause.waiter_back.set()

        waiter = Callers(1, wait_then_call_again).start()
        settle(waiter.threads)
        release.set()
        waiter.join("the waiter did not return after fn finished", PROMPT)
        leader.join("the leader did not return after fn finished", PROMPT)
        waiter.raise_first_error()
        leader.raise_first_error()
        shared, again = waiter.results[0]
        assert shared == "first round", f"the waiter got {shared!r}, want the shared result"
        assert again == "second round", (
            f"a waiter woken by the finished call called do('k', fn) again at once and got "
            f"{again!r}, without its fn running: the finished call was still in flight when "
            "its waiters woke. Forget the call first, then wake the waiters"
        )

    @given(
        calls=st.lists(
            st.tuples(
                st.sampled_from(["a", "b", 1, ("t", 2), None]),
                st.one_of(st.none(), st.integers(), st.text(max_size=3), st.just(Boom)),
            ),
            max_size=12,
        )
    )
    def test_sequential_calls_behave_like_plain_calls(
        self, kata: ModuleType, calls: list[tuple[Any, Any]]
    ) -> None:
        flight = kata.SingleFlight()
        for step, (key, outcome) in enumerate(calls):
            ran: list[int] = []

            def fn(step: int = step, outcome: Any = outcome, ran: list[int] = ran) -> Any:
                ran.append(step)
                if outcome is Boom:
                    raise Boom(f"step {step}")
                return outcome

            note(f"do({key!r}, fn -> {'raise Boom' if outcome is Boom else repr(outcome)})")
            call = lambda key=key, fn=fn: flight.do(key, fn)  # noqa: E731
            if outcome is Boom:
                with pytest.raises(Boom, match=f"step {step}"):
                    run_bounded(call, f"do({key!r}, fn)", 2.0)
            else:
                got = run_bounded(call, f"do({key!r}, fn)", 2.0)
                assert got == outcome, f"do({key!r}, fn) returned {got!r}, fn returned {outcome!r}"
            assert ran == [step], f"do({key!r}, fn) with nothing in flight must run fn once"

    def test_different_keys_run_in_parallel(self, kata: ModuleType) -> None:
        flight = kata.SingleFlight()
        started = {"a": threading.Event(), "b": threading.Event()}

        def fn_for(key: str, other: str) -> Callable[[], str]:
            def fn() -> str:
                started[key].set()
                if not started[other].wait(PROMPT):
                    return f"{key}: fn for {other!r} never started while mine ran"
                return key

            return fn

        fns = [fn_for("a", "b"), fn_for("b", "a")]
        callers = Callers(2, lambda i: flight.do("ab"[i], fns[i])).start()
        callers.join("calls for different keys block each other")
        callers.raise_first_error()
        assert callers.results == ["a", "b"], (
            f"got {callers.results!r}: calls for different keys must run at the same time"
        )

    def test_bad_arguments(self, kata: ModuleType) -> None:
        flight = kata.SingleFlight()
        with pytest.raises(TypeError, match="fn"):
            flight.do("k", 42)
        with pytest.raises(TypeError, match="key"):
            flight.do(["not", "hashable"], lambda: 1)
        assert flight.do("k", lambda: 1) == 1, "a rejected call must leave no trace"


# --- Part 2: should_recompute_early ----------------------------------------------------------


def xfetch(expiry: float, delta: float, beta: float, now: float, rand: float) -> bool:
    return now - delta * beta * math.log(rand) >= expiry


def clear_of_the_edge(expiry: float, delta: float, beta: float, now: float, rand: float) -> bool:
    """False when rounding could tip a rearranged (equivalent) formula the other way."""
    shift = delta * beta * math.log(rand)
    if shift == 0:
        return True  # now >= expiry exactly, however the formula is written
    scale = max(1.0, abs(now), abs(expiry), abs(shift))
    return abs(now - shift - expiry) > 1e-9 * scale


times = st.floats(min_value=0, max_value=2e9, allow_nan=False)
offsets = st.floats(min_value=-1e4, max_value=1e3, allow_nan=False)  # now - expiry
deltas = st.one_of(st.just(0.0), st.floats(min_value=0, max_value=1e3, allow_nan=False))
betas = st.one_of(st.sampled_from([0.0, 1.0]), st.floats(min_value=0, max_value=10))
rands = st.one_of(
    st.sampled_from([1.0, 0.5, 1e-300, TINY]),
    st.floats(min_value=0, max_value=1, exclude_min=True),
)


@pytest.mark.part(2)
class TestPart2ShouldRecomputeEarly:
    @given(expiry=times, offset=offsets, delta=deltas, beta=betas, rand=rands)
    def test_matches_the_xfetch_formula(
        self, kata: ModuleType, expiry: float, offset: float, delta: float, beta: float,
        rand: float,
    ) -> None:
        now = expiry + offset
        got = kata.should_recompute_early(expiry, delta, beta, now, rand)
        want = xfetch(expiry, delta, beta, now, rand)
        assert isinstance(got, bool), f"returned {got!r}, want a bool"
        if clear_of_the_edge(expiry, delta, beta, now, rand):
            assert got == want, (
                f"should_recompute_early(expiry={expiry!r}, delta={delta!r}, beta={beta!r}, "
                f"now={now!r}, rand={rand!r}) returned {got}, want {want}: "
                f"now - delta*beta*log(rand) = {now - delta * beta * math.log(rand)!r}"
            )

    @given(expiry=times, offset=offsets, delta=deltas, beta=betas)
    def test_rand_one_is_a_plain_expiry_check(
        self, kata: ModuleType, expiry: float, offset: float, delta: float, beta: float
    ) -> None:
        now = expiry + offset
        got = kata.should_recompute_early(expiry, delta, beta, now, 1.0)
        assert got == (now >= expiry), (
            f"rand=1.0 (log 0): want now >= expiry = {now >= expiry}, got {got} "
            f"(expiry={expiry!r}, now={now!r})"
        )

    @given(expiry=times, offset=offsets, delta=deltas, rand=rands)
    def test_beta_zero_is_a_plain_expiry_check(
        self, kata: ModuleType, expiry: float, offset: float, delta: float, rand: float
    ) -> None:
        now = expiry + offset
        got = kata.should_recompute_early(expiry, delta, 0.0, now, rand)
        assert got == (now >= expiry), (
            f"beta=0: want now >= expiry = {now >= expiry}, got {got} "
            f"(expiry={expiry!r}, now={now!r}, delta={delta!r}, rand={rand!r})"
        )

    @given(expiry=times, delta=deltas, beta=betas, rand=rands)
    def test_at_or_after_expiry_always_recompute(
        self, kata: ModuleType, expiry: float, delta: float, beta: float, rand: float
    ) -> None:
        for now in (expiry, expiry + 0.001, expiry + 1e6):
            assert kata.should_recompute_early(expiry, delta, beta, now, rand) is True, (
                f"now={now!r} >= expiry={expiry!r}: an expired entry must be recomputed"
            )

    @given(expiry=times, offset=offsets, delta=deltas, b1=betas, b2=betas, r1=rands, r2=rands)
    def test_larger_beta_or_smaller_rand_recomputes_earlier(
        self, kata: ModuleType, expiry: float, offset: float, delta: float,
        b1: float, b2: float, r1: float, r2: float,
    ) -> None:
        now = expiry + offset
        (b1, b2), (r1, r2) = sorted((b1, b2)), sorted((r1, r2), reverse=True)
        if kata.should_recompute_early(expiry, delta, b1, now, r1):
            assert kata.should_recompute_early(expiry, delta, b2, now, r2), (
                f"True with beta={b1!r}, rand={r1!r} but False with the larger beta={b2!r} "
                f"and smaller rand={r2!r} (expiry={expiry!r}, now={now!r}, delta={delta!r})"
            )

    def test_examples(self, kata: ModuleType) -> None:
        early = kata.should_recompute_early
        r = math.exp(-2)  # -log(r) is 2 (give or take a rounding)
        # 10 s before expiry, delta 2 s: the window is 2 * beta * 2 = 4 beta seconds.
        assert early(1010.0, 2.0, 1.0, 1000.0, r) is False, "4 s window, 10 s left: too soon"
        assert early(1010.0, 2.0, 3.0, 1000.0, r) is True, "beta=3: 12 s window, 10 s left"
        assert early(1010.0, 2.0, 1.0, 1007.0, r) is True, "4 s window, 3 s left"
        assert early(1010.0, 2.0, 1.0, 1000.0, 1e-300) is True, "a tiny rand: far earlier"
        assert early(1010.0, 2.0, 1.0, 1009.999, 1.0) is False, "rand=1: only at expiry"
        assert early(1010.0, 2.0, 1.0, 1010.0, 1.0) is True, "now == expiry is expired"

    @pytest.mark.parametrize("rand", [0.0, -0.0, -0.5, 1.0000001, 2.0, math.nan, math.inf])
    def test_rand_outside_zero_one_is_rejected(self, kata: ModuleType, rand: float) -> None:
        with pytest.raises(ValueError, match="rand"):
            kata.should_recompute_early(1010.0, 2.0, 1.0, 1000.0, rand)

    @pytest.mark.parametrize(
        ("name", "args"),
        [
            ("delta", (1010.0, -1.0, 1.0, 1000.0, 0.5)),
            ("delta", (1010.0, math.nan, 1.0, 1000.0, 0.5)),
            ("beta", (1010.0, 2.0, -0.1, 1000.0, 0.5)),
            ("beta", (1010.0, 2.0, math.inf, 1000.0, 0.5)),
            ("expiry", (math.nan, 2.0, 1.0, 1000.0, 0.5)),
            ("now", (1010.0, 2.0, 1.0, math.nan, 0.5)),
        ],
    )
    def test_out_of_range_arguments_are_rejected(
        self, kata: ModuleType, name: str, args: tuple[float, ...]
    ) -> None:
        with pytest.raises(ValueError, match=rf"\b{name}\b"):
            kata.should_recompute_early(*args)

    @pytest.mark.parametrize("position", range(5))
    def test_non_numbers_are_rejected(self, kata: ModuleType, position: int) -> None:
        names = ["expiry", "delta", "beta", "now", "rand"]
        args: list[Any] = [1010.0, 2.0, 1.0, 1000.0, 0.5]
        args[position] = "1"
        with pytest.raises(TypeError, match=rf"\b{names[position]}\b"):
            kata.should_recompute_early(*args)


# --- Part 3: StampedeCache -------------------------------------------------------------------


def caches(
    kata: ModuleType, backend: RedisBackend, **options: Any
) -> tuple[Any, Any]:
    """Two StampedeCaches, as in two processes: one on a bytes client, one on a str client."""
    options.setdefault("prefix", backend.key("sc"))
    return (
        kata.StampedeCache(backend.client(decode_responses=False), **options),
        kata.StampedeCache(backend.client(decode_responses=True), **options),
    )


def ttls(admin: Any, backend: RedisBackend) -> dict[str, int]:
    """PTTL (ms) of every key the test wrote: -1 means no TTL."""
    names = backend.keys()
    return {name: admin.pttl(name) for name in names}


def in_one_slot(keys: list[str] | set[str]) -> bool:
    return len({key_slot(key) for key in keys}) <= 1


def text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


SCRIPT_CALLS = ("EVAL", "EVALSHA", "EVAL_RO", "EVALSHA_RO", "FCALL")
ONE_TAG = ("Redis Cluster refuses a script whose keys are in different hash slots "
           "(CROSSSLOT): give a key's entry and lock one hash tag, "
           "'{<prefix>:<key>}:entry' and '{<prefix>:<key>}:lock'")


def must_not_compute() -> Any:
    raise AssertionError("compute ran, but the cached value should have been returned")


class FakeWaiting:
    """A fake ``time.monotonic`` and ``time.sleep`` for a waiter, in the modules that define
    the cache's class (the contract has a waiter read the one and pause with the other).

    A pause advances the fake clock at once: a wait of seconds takes no time. A waiter
    still pausing after ``MAX_PAUSES`` pauses fails the test: it never gives up.
    """

    MAX_PAUSES = 10_000

    def __init__(self, monkeypatch: pytest.MonkeyPatch, cls: type) -> None:
        self.clock = FakeClock()
        self.start = self.clock.now
        self.pauses: list[float] = []
        fake_waiting_in(monkeypatch, cls, self.clock, self.sleep)

    def elapsed(self) -> float:
        return self.clock.now - self.start

    def sleep(self, seconds: float) -> None:
        self.pauses.append(seconds)
        assert len(self.pauses) <= self.MAX_PAUSES, (
            f"a waiter still pausing after {self.MAX_PAUSES} pauses, {self.elapsed():.3f} s "
            f"on the test's clock (the last ones {self.pauses[-3:]} s): it never gives up")
        self.clock.advance(seconds)


class Rand:
    """An injectable ``rand`` the test can set."""

    def __init__(self, value: float = 1.0) -> None:
        self.value = value

    def __call__(self) -> float:
        return self.value


texts = st.text(st.characters(codec="utf-8"), max_size=8)  # no lone surrogates
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | texts
    | st.floats(allow_nan=False, allow_infinity=False),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(texts, inner, max_size=3),
    max_leaves=8,
)


@pytest.mark.part(3)
class TestPart3StampedeCache:
    def test_cold_key_is_computed_once_across_clients(
        self, kata: ModuleType, redis_backend: RedisBackend
    ) -> None:
        pair = caches(kata, redis_backend, ttl=60)
        computes, entered, release = Counter(), threading.Event(), threading.Event()

        def compute() -> dict[str, Any]:
            n = computes()
            entered.set()
            release.wait(BOUND)
            return {"answer": 42, "by": n}

        callers = Callers(CALLERS, lambda i: pair[i % 2].get_or_compute("k", compute)).start()
        callers.wait_for(entered, "compute being called for a cold key")
        settle(callers.threads, grace=0.3)
        release.set()
        callers.join("callers of a cold key did not get the winner's value")
        callers.raise_first_error()
        assert computes.n == 1, (
            f"compute ran {computes.n} times for {CALLERS} concurrent callers of a cold key "
            "(on two clients); one caller must compute while the others wait for it"
        )
        want = {"answer": 42, "by": 1}
        wrong = [(i, r) for i, r in enumerate(callers.results) if r != want]
        assert not wrong, f"callers (index, value) did not get {want!r}: {wrong!r}"
        assert pair[1].get_or_compute("k", must_not_compute) == want

    def test_an_expired_entry_is_recomputed(
        self, kata: ModuleType, redis_backend: RedisBackend, clock: FakeClock
    ) -> None:
        cache = kata.StampedeCache(redis_backend.client(), ttl=100, clock=clock,
                                   rand=Rand(1.0), prefix=redis_backend.key("sc"))
        assert cache.get_or_compute("k", lambda: "old") == "old"
        clock.advance(99.0)
        assert cache.get_or_compute("k", must_not_compute) == "old", (
            "rand() == 1.0 and 1 s before expiry: a plain hit"
        )
        clock.advance(1.5)  # past expiry on the injected clock; Redis still holds the entry
        got = cache.get_or_compute("k", lambda: "new")
        assert got == "new", (
            f"got {got!r}: an entry read after its expiry (stored at t with ttl=100, read at "
            "t + 100.5 on the injected clock) must be recomputed, even while Redis still "
            "holds it: ask should_recompute_early on every read"
        )

    def test_delta_is_measured_with_the_injected_clock(
        self, kata: ModuleType, redis_client: Any, redis_backend: RedisBackend,
        clock: FakeClock,
    ) -> None:
        rand = Rand(1.0)
        cache = kata.StampedeCache(
            redis_client, ttl=1000, beta=1.0, clock=clock, rand=rand,
            prefix=redis_backend.key("sc"),
        )

        def slow() -> str:
            clock.advance(5.0)  # the compute takes 5 s on the injected clock
            return "v1"

        assert cache.get_or_compute("k", slow) == "v1"  # expiry about 1000 s from now
        rand.value = math.exp(-10)  # -log(rand) ~ 10: early window = 5 * 1 * 10 = 50 s
        clock.set(1940.0)  # 60 s or more before expiry: not yet
        assert cache.get_or_compute("k", must_not_compute) == "v1", (
            "60 s before expiry with delta=5, beta=1, -log(rand)=10 (a 50 s window): "
            "not recomputed yet"
        )
        clock.set(1960.0)  # 40 to 45 s before expiry: inside the window
        got = cache.get_or_compute("k", lambda: "v2")
        assert got == "v2", (
            f"got {got!r}: 40-45 s before expiry with a 50 s window the caller must recompute "
            "early; delta must be measured with the injected clock (the compute advanced it "
            "by 5 s)"
        )

    def test_near_expiry_one_caller_recomputes_and_the_others_get_stale_at_once(
        self, kata: ModuleType, redis_backend: RedisBackend, clock: FakeClock
    ) -> None:
        rand = Rand(1.0)
        pair = caches(kata, redis_backend, ttl=100, clock=clock, rand=rand)

        def old() -> str:
            clock.advance(1.0)  # delta = 1 s
            return "old"

        assert pair[0].get_or_compute("k", old) == "old"
        assert pair[1].get_or_compute("k", must_not_compute) == "old", "rand=1: a plain hit"
        clock.advance(90.0)  # 10 s before expiry
        rand.value = 1e-300  # -log(rand) ~ 690: every reader volunteers to recompute early

        computes = Counter()
        others = CALLERS - 1
        seen_returned: list[int] = []

        def new() -> str:
            computes()
            with callers.changed:  # the others must return (stale) while this runs
                callers.changed.wait_for(lambda: callers.returned >= others, timeout=PROMPT)
                seen_returned.append(callers.returned)
            return "new"

        callers = Callers(CALLERS, lambda i: pair[i % 2].get_or_compute("k", new))
        callers.start().join("callers near expiry")
        callers.raise_first_error()
        assert computes.n == 1, (
            f"compute ran {computes.n} times: near expiry exactly one caller recomputes early"
        )
        assert seen_returned == [others], (
            f"only {seen_returned[0] if seen_returned else 0} of the other {others} callers "
            "had returned while the early recompute ran; they must get the stale value at "
            "once, not wait"
        )
        assert sorted(callers.results) == ["new"] + ["old"] * others, callers.results
        rand.value = 1.0
        assert pair[1].get_or_compute("k", must_not_compute) == "new"

    def test_a_waiter_takes_over_when_the_compute_fails(
        self, kata: ModuleType, redis_backend: RedisBackend
    ) -> None:
        # wait_timeout and lock_ttl are long: only a released lock lets a waiter in soon.
        pair = caches(kata, redis_backend, ttl=60, lock_ttl=60, wait_timeout=60)
        computes, entered, release = Counter(), threading.Event(), threading.Event()

        def compute() -> str:
            if computes() == 1:
                entered.set()
                release.wait(BOUND)
                raise Boom("the first compute fails")
            return "second try"

        n = 8
        callers = Callers(n, lambda i: pair[i % 2].get_or_compute("k", compute)).start()
        callers.wait_for(entered, "compute being called for a cold key")
        settle(callers.threads, grace=0.3)
        release.set()
        callers.join(
            "after the compute failed, the waiters must take over at once (not wait for "
            "wait_timeout or lock_ttl)", bound=PROMPT,
        )
        failed = [i for i, e in enumerate(callers.errors) if isinstance(e, Boom)]
        assert len(failed) == 1, f"{len(failed)} callers raised Boom; only the failing one must"
        others = [callers.results[i] for i in range(n) if i not in failed]
        assert others == ["second try"] * (n - 1), (
            f"the waiters got {others!r}; one must take over, compute, and share its value"
        )
        assert computes.n == 2, f"compute ran {computes.n} times: want the failure + 1 take-over"
        assert pair[0].get_or_compute("k", must_not_compute) == "second try"

    def test_a_failing_compute_raises_caches_nothing_and_frees_the_key(
        self, kata: ModuleType, redis_backend: RedisBackend
    ) -> None:
        first, second = caches(kata, redis_backend, ttl=60, lock_ttl=60, wait_timeout=60)

        def fail() -> Any:
            raise Boom("no value")

        with pytest.raises(Boom, match="no value"):
            first.get_or_compute("k", fail)
        got = run_bounded(
            lambda: second.get_or_compute("k", lambda: "fresh"),
            "the next caller after a failed compute (is the lock still held?)", PROMPT,
        )
        assert got == "fresh", f"after a failed compute the next caller got {got!r}"
        with pytest.raises(TypeError):
            first.get_or_compute("j", lambda: object())  # not JSON: nothing can be stored
        got = run_bounded(lambda: second.get_or_compute("j", lambda: 7), "after a TypeError",
                          PROMPT)
        assert got == 7

    def test_no_waiter_waits_past_wait_timeout(
        self, kata: ModuleType, redis_backend: RedisBackend
    ) -> None:
        pair = caches(kata, redis_backend, ttl=60, lock_ttl=60, wait_timeout=0.3)
        entered, release = threading.Event(), threading.Event()

        def stuck() -> str:
            entered.set()
            release.wait(BOUND + 1)
            return "late"

        leader = Callers(1, lambda i: pair[0].get_or_compute("k", stuck)).start()
        try:
            leader.wait_for(entered, "compute being called")
            waiter_computes = Counter()

            def mine() -> str:
                waiter_computes()
                return "mine"

            waiters = Callers(3, lambda i: pair[i % 2].get_or_compute("k", mine)).start()
            waiters.join(
                "waiters must give up after wait_timeout=0.3 s and compute themselves",
                0.3 + 2 * PROMPT,
            )
            waiters.raise_first_error()
            assert waiters.results == ["mine"] * 3, waiters.results
            assert waiter_computes.n >= 1
            got = pair[1].get_or_compute("k", must_not_compute)
            assert got == "mine", (
                f"got {got!r}: a waiter that gives up computes and stores the value itself"
            )
        finally:
            release.set()
        leader.join("the stuck compute")
        leader.raise_first_error()

    def test_beta_scales_the_early_window(
        self, kata: ModuleType, redis_backend: RedisBackend, clock: FakeClock
    ) -> None:
        rand = Rand(1.0)
        options = dict(ttl=1000, clock=clock, rand=rand, prefix=redis_backend.key("sc"))
        client = redis_backend.client()
        calm = kata.StampedeCache(client, beta=1.0, **options)
        eager = kata.StampedeCache(client, beta=3.0, **options)

        def slow() -> str:
            clock.advance(5.0)
            return "v1"

        calm.get_or_compute("k", slow)
        rand.value = math.exp(-10)
        clock.set(1900.0)  # 100 s or more before expiry; windows: beta=1 50 s, beta=3 150 s
        assert calm.get_or_compute("k", must_not_compute) == "v1", "beta=1: not yet"
        assert eager.get_or_compute("k", lambda: "v2") == "v2", (
            "beta=3 triples the early window (150 s): it must recompute 100 s before expiry"
        )

    def test_rand_zero_counts_as_the_smallest_positive_float(
        self, kata: ModuleType, redis_backend: RedisBackend, clock: FakeClock
    ) -> None:
        cache = kata.StampedeCache(
            redis_backend.client(), ttl=10_000, clock=clock, rand=lambda: 0.0,
            prefix=redis_backend.key("sc"),
        )

        def slow() -> str:
            clock.advance(1.0)
            return "v1"

        assert cache.get_or_compute("k", slow) == "v1"
        # -log(smallest positive float) is about 708 to 745: a window of about 745 s.
        clock.advance(10_000 - 1_000)  # 1000 s before expiry
        assert cache.get_or_compute("k", must_not_compute) == "v1", (
            "rand() == 0.0 must count as the smallest positive float, "
            "an early window of about 745 s, not 1000 s"
        )
        clock.advance(500)  # 500 s before expiry
        assert cache.get_or_compute("k", lambda: "v2") == "v2", (
            "rand() == 0.0 counts as the smallest positive float: 500 s before expiry with "
            "delta=1, the window of about 745 s says recompute"
        )

    def test_entry_and_lock_keys_carry_ttls(
        self, kata: ModuleType, redis_backend: RedisBackend
    ) -> None:
        admin = redis_backend.client()
        cache = kata.StampedeCache(
            redis_backend.client(), ttl=1000, lock_ttl=7, prefix=redis_backend.key("sc")
        )
        during: dict[str, int] = {}

        def compute() -> str:
            during.update(ttls(admin, redis_backend))
            return "v"

        cache.get_or_compute("k", compute)
        assert during, "no key held the lock in Redis while compute ran"
        assert all(ttl > 0 for ttl in during.values()), (
            f"keys without a TTL while compute ran (the lock?): {during!r}"
        )
        assert any(ttl <= 7_000 for ttl in during.values()), (
            f"no key with a TTL of lock_ttl=7 s while compute ran (the lock): {during!r}"
        )
        after = ttls(admin, redis_backend)
        assert after, "nothing was stored"
        assert all(ttl > 0 for ttl in after.values()), (
            f"keys without a TTL once the value was stored (the entry?): {after!r}"
        )
        assert any(ttl > 7_000 for ttl in after.values()), f"no entry with ttl=1000 s: {after}"

    def test_entry_and_lock_share_a_hash_slot(
        self, kata: ModuleType, redis_backend: RedisBackend, clock: FakeClock
    ) -> None:
        """fakeredis does not enforce Redis Cluster's one-slot rule: the keys each script
        is given, and the keys written, are checked here, slot by slot."""
        client = redis_backend.client()
        cache = kata.StampedeCache(client, ttl=100, clock=clock, rand=Rand(1.0),
                                   prefix=redis_backend.key("sc"))
        log = record(client)
        written: set[str] = set()

        def compute() -> str:
            written.update(redis_backend.keys())  # the lock, while it is held
            return "v"

        cache.get_or_compute("user:1", compute)  # a cold key
        clock.advance(150)
        cache.get_or_compute("user:1", compute)  # expired: computed again
        written.update(redis_backend.keys())
        for call in log.calls:
            if text(call[0]).upper() in SCRIPT_CALLS:
                keys = [text(key) for key in keys_of(call)]
                assert in_one_slot(keys), (
                    f"get_or_compute('user:1') ran {text(call[0]).upper()} on keys in "
                    f"different hash slots: {describe_slots(keys)}. {ONE_TAG}"
                )
        assert in_one_slot(written), (
            f"get_or_compute('user:1') wrote keys in different hash slots: "
            f"{describe_slots(sorted(written))}. {ONE_TAG}"
        )

    @settings(max_examples=max(10, settings().max_examples // 3))
    @given(value=json_values)
    def test_json_values_round_trip_and_falsy_values_are_hits(
        self, kata: ModuleType, redis_backend: RedisBackend, value: Any
    ) -> None:
        writer, reader = caches(kata, redis_backend, ttl=60)
        key = f"v{threading.get_ident()}-{time.monotonic_ns()}"
        assert writer.get_or_compute(key, lambda: value) == value

        def computed_again() -> Any:
            pytest.fail(f"get_or_compute() computed again though {value!r} was just stored: "
                        f"a cached {value!r} must be a hit (None and falsy values too)",
                        pytrace=False)

        got = reader.get_or_compute(key, computed_again)
        assert got == value, f"stored {value!r}, another client read back {got!r}"
        assert writer.get_or_compute(key, must_not_compute) == value

    def test_different_keys_and_prefixes_are_independent(
        self, kata: ModuleType, redis_backend: RedisBackend
    ) -> None:
        client = redis_backend.client()
        one = kata.StampedeCache(client, ttl=60, prefix=redis_backend.key("one"))
        two = kata.StampedeCache(client, ttl=60, prefix=redis_backend.key("two"))
        assert one.get_or_compute("a", lambda: 1) == 1
        assert one.get_or_compute("b", lambda: 2) == 2
        assert two.get_or_compute("a", lambda: 3) == 3
        assert [one.get_or_compute(k, must_not_compute) for k in "ab"] == [1, 2]
        assert two.get_or_compute("a", must_not_compute) == 3

    @pytest.mark.parametrize(
        ("option", "value", "error"),
        [
            ("ttl", 0, ValueError), ("ttl", -1.0, ValueError), ("ttl", math.nan, ValueError),
            ("ttl", math.inf, ValueError), ("ttl", "60", TypeError),
            ("beta", -0.5, ValueError), ("beta", math.nan, ValueError),
            ("lock_ttl", 0, ValueError), ("lock_ttl", -1, ValueError),
            ("wait_timeout", -1, ValueError), ("wait_timeout", math.nan, ValueError),
            ("beta", "1", TypeError), ("lock_ttl", None, TypeError),
            ("wait_timeout", "5", TypeError), ("clock", 1000.0, TypeError),
            ("rand", 0.5, TypeError), ("prefix", 7, TypeError),
        ],
    )
    def test_bad_options_are_rejected(
        self, kata: ModuleType, redis_backend: RedisBackend, option: str, value: Any,
        error: type[Exception],
    ) -> None:
        options: dict[str, Any] = {"ttl": 60, "prefix": redis_backend.key("sc"), option: value}
        with pytest.raises(error, match=rf"\b{option}\b"):
            kata.StampedeCache(redis_backend.client(), **options)

    def test_bad_arguments_are_rejected(
        self, kata: ModuleType, redis_backend: RedisBackend
    ) -> None:
        cache = kata.StampedeCache(redis_backend.client(), ttl=60, prefix=redis_backend.key("sc"))
        with pytest.raises(TypeError, match="key"):
            cache.get_or_compute(42, lambda: 1)
        with pytest.raises(TypeError, match="compute"):
            cache.get_or_compute("k", 42)
        assert cache.get_or_compute("k", lambda: 1) == 1, "a rejected call must leave no trace"

    def test_defaults_are_the_prefix_sc_and_a_10_s_lock(
        self, kata: ModuleType, redis_backend: RedisBackend
    ) -> None:
        admin = redis_backend.client()
        cache = kata.StampedeCache(redis_backend.client(), ttl=60)
        key = redis_backend.key("k")
        entry, lock = f"{{sc:{key}}}:entry", f"{{sc:{key}}}:lock"
        during: list[int] = []

        def compute() -> str:
            during.append(admin.pttl(lock))
            return "v"

        assert cache.get_or_compute(key, compute) == "v"
        assert during and 9_000 < during[0] <= 10_000, (
            f"while compute ran, the lock {lock!r} had a PTTL of {during} ms: with the "
            "defaults, the prefix is 'sc' and lock_ttl is 10 s"
        )
        assert admin.exists(entry), (
            f"StampedeCache(client, ttl=60) stored {redis_backend.keys()}, expected the entry "
            f"{entry!r}: the default prefix is 'sc'"
        )

    def test_a_zero_wait_timeout_computes_at_once(
        self, kata: ModuleType, redis_backend: RedisBackend
    ) -> None:
        client = redis_backend.client()
        prefix = redis_backend.key("sc")
        cache = kata.StampedeCache(client, ttl=60, wait_timeout=0, prefix=prefix)
        client.set(f"{{{prefix}:k}}:lock", "another-process", px=60_000)  # a winner elsewhere
        got = run_bounded(lambda: cache.get_or_compute("k", lambda: "mine"),
                          "a cold key with wait_timeout=0 while another holds the lock", PROMPT)
        assert got == "mine", f"got {got!r}: with wait_timeout=0 a waiter computes at once"

    def test_a_waiter_gives_up_after_the_default_wait_timeout_of_5_s(
        self, kata: ModuleType, redis_backend: RedisBackend, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        client = redis_backend.client()
        prefix = redis_backend.key("sc")
        cache = kata.StampedeCache(client, ttl=60, prefix=prefix)
        client.set(f"{{{prefix}:k}}:lock", "another-process", px=60_000)  # a winner elsewhere
        waiting = FakeWaiting(monkeypatch, kata.StampedeCache)
        gave_up: list[float] = []

        def mine() -> str:
            gave_up.append(waiting.elapsed())
            return "mine"

        got = run_bounded(lambda: cache.get_or_compute("k", mine),
                          "a waiter on the test's clock (a pause takes no time)", PROMPT)
        assert got == "mine" and gave_up, (
            f"a cold key whose lock another process holds returned {got!r}; the waiter must "
            "give up after wait_timeout and compute itself"
        )
        assert 5.0 <= gave_up[0] <= 5.5, (
            f"the waiter gave up and computed after {gave_up[0]:.3f} s of waiting (pauses "
            f"{waiting.pauses[:5]}...): the default wait_timeout is 5 s, and the waiter "
            "polls with short pauses until then, not after"
        )
        pttl = client.pttl(f"{{{prefix}:k}}:entry")
        assert pttl > 0, (
            f"the entry stored by a waiter that gave up has PTTL {pttl}: every key written "
            "has a TTL, the one stored without the lock too"
        )

    @pytest.mark.parametrize("stored", [
        "not json", "[1, 2]", '{"v": "old"}', '{"v": "old", "d": -1, "e": 5000}',
        '{"v": "old", "d": NaN, "e": 5000}', '{"v": "old", "d": 1, "e": Infinity}',
    ])
    def test_an_entry_of_another_shape_is_a_miss(
        self, kata: ModuleType, redis_backend: RedisBackend, clock: FakeClock, stored: str
    ) -> None:
        client = redis_backend.client()
        prefix = redis_backend.key("sc")
        cache = kata.StampedeCache(client, ttl=60, clock=clock, rand=Rand(1.0), prefix=prefix)
        client.set(f"{{{prefix}:k}}:entry", stored, px=60_000)
        got = cache.get_or_compute("k", lambda: "fresh")
        assert got == "fresh", (
            f"with {stored!r} stored as the entry, get_or_compute() returned {got!r}: an entry "
            "that is not the JSON object {'v': value, 'd': delta, 'e': expiry} (d a finite "
            "number >= 0, e a finite number) counts as missing"
        )
        assert cache.get_or_compute("k", must_not_compute) == "fresh", (
            f"the entry {stored!r} was not overwritten by the computed value")

    def test_a_new_entry_found_when_taking_the_lock_is_returned(
        self, kata: ModuleType, redis_backend: RedisBackend, clock: FakeClock
    ) -> None:
        prefix = redis_backend.key("sc")
        other = kata.StampedeCache(redis_backend.client(), ttl=100, clock=clock,
                                   rand=Rand(1.0), prefix=prefix)
        assert other.get_or_compute("k", lambda: "v1") == "v1"
        clock.advance(150)  # expired on the injected clock

        def rand() -> float:
            # After the cache read "v1" and before it takes the lock, another caller
            # recomputes and stores "v2", and frees the lock.
            assert other.get_or_compute("k", lambda: "v2") == "v2"
            return 1.0

        cache = kata.StampedeCache(redis_backend.client(), ttl=100, clock=clock, rand=rand,
                                   prefix=prefix)
        got = cache.get_or_compute("k", must_not_compute)
        assert got == "v2", (
            f"got {got!r}: another caller stored 'v2' after this one read the expired 'v1' and "
            "before it tried the lock; the atomic step that takes the lock finds the new "
            "entry, and the caller returns its value (fresher than the stale 'v1')"
        )

    def test_a_waiter_takes_over_when_the_lock_frees_over_a_foreign_entry(
        self, kata: ModuleType, redis_backend: RedisBackend
    ) -> None:
        client = redis_backend.client()
        prefix = redis_backend.key("sc")
        cache = kata.StampedeCache(client, ttl=60, lock_ttl=60, wait_timeout=60, prefix=prefix)
        client.set(f"{{{prefix}:k}}:entry", "not json", px=60_000)  # counts as missing
        client.set(f"{{{prefix}:k}}:lock", "another-process", px=60_000)  # a winner elsewhere
        waiter = Callers(1, lambda i: cache.get_or_compute("k", lambda: "mine")).start()
        settle(waiter.threads)
        client.delete(f"{{{prefix}:k}}:lock")  # the winner failed, and stored nothing
        waiter.join(
            "the lock freed up without a value over an entry that counts as missing: the "
            "waiter must take the lock and compute at once (not wait for wait_timeout)", PROMPT,
        )
        waiter.raise_first_error()
        assert waiter.results == ["mine"], waiter.results


# --- Part 3, state machine: one caller at a time, against a model ---------------------------

TTL = 100.0


Cached = tuple[tuple[str, Any], ...]  # (key, value) pairs, sorted: a model state


class ComputeOnceModel(Model[Cached]):
    """``get_or_compute`` one call at a time, nothing expiring: a cached key returns its
    value without computing; an uncached one computes, caches and returns a new value.
    A result is (value, whether this call's own compute ran)."""

    def initial(self) -> Cached:
        return ()

    def step(self, state: Cached, name: str, args: tuple[Any, ...], result: Any) -> Cached | None:
        (key,), (value, computed) = args, result
        cached = dict(state)
        if key in cached:
            return state if (value, computed) == (cached[key], False) else None
        return tuple(sorted({**cached, key: value}.items())) if computed else None


def stampede_history(kata: ModuleType, backend: RedisBackend, seed: int) -> History:
    """Three threads (two clients) calling get_or_compute on two cold keys at once."""

    pair = caches(kata, backend, ttl=60, clock=FakeClock(), rand=Rand(1.0))
    history = History()
    ran = threading.local()

    def worker(thread: int) -> None:
        rnd, made = random.Random(seed * 10 + thread), itertools.count()

        def get_or_compute(key: str) -> tuple[Any, bool]:
            value = f"t{thread}-{next(made)}"  # what this thread's compute would return

            def compute() -> str:
                ran.compute = True
                return value

            ran.compute = False
            got = pair[thread % 2].get_or_compute(f"{seed}:{key}", compute)
            return got, ran.compute

        for _ in range(4):
            history.record(thread, "get_or_compute", get_or_compute, rnd.choice(["a", "b"]))

    run_bounded(lambda: run_together(worker, 3, switch_interval=1e-6), "three callers")
    return history


class StampedeMachine(RuleBasedStateMachine):
    """Sequential get_or_compute calls (two clients, a fake clock, a settable rand) against
    a model of XFetch. The stored expiry may be measured from the end of the compute or
    from its start; the model follows both and keeps whichever the calls agree with."""

    def __init__(self) -> None:
        super().__init__()
        self.kata = load(KATA)
        self.backend = RedisBackend.fake()
        self.clock = FakeClock()
        self.rand = Rand(1.0)
        self.version = 0
        # key -> (value, delta, {convention: expiry})
        self.model: dict[str, tuple[str, float, dict[str, float]]] = {}
        self.conventions = {"expiry measured from the end of compute",
                            "expiry measured from the start of compute"}
        self.caches: tuple[Any, Any] = (None, None)
        self.admin = self.backend.client()

    @initialize(beta=st.sampled_from([0.0, 0.5, 1.0, 2.0]))
    def build(self, beta: float) -> None:
        self.beta = beta
        self.caches = caches(self.kata, self.backend, ttl=TTL, beta=beta, clock=self.clock,
                             rand=self.rand)

    @rule(seconds=st.sampled_from([0.5, 1.0, 5.0, 10.0, 30.0, 60.0, 99.0, 150.0]))
    def advance(self, seconds: float) -> None:
        self.clock.advance(seconds)

    @rule(value=st.sampled_from([1.0, 0.9, 0.5, 0.1, 1e-3, 1e-9, 0.0]))
    def set_rand(self, value: float) -> None:
        self.rand.value = value

    @rule(key=st.sampled_from(["a", "b"]), which=st.sampled_from([0, 1]),
          cost=st.sampled_from([0.0, 0.5, 2.0, 10.0]), fails=st.booleans())
    def get_or_compute(self, key: str, which: int, cost: float, fails: bool) -> None:
        now = self.clock()
        r = self.rand.value or TINY
        self.version += 1
        new_value = f"v{self.version}"
        computed: list[bool] = []

        def compute() -> str:
            computed.append(True)
            self.clock.advance(cost)
            if fails:
                raise Boom(f"compute for {key!r} failed")
            return new_value

        call = f"get_or_compute({key!r}, compute{' that raises' if fails else ''})"
        try:
            got = self.caches[which].get_or_compute(key, compute)
        except Boom:
            assert fails and computed, f"{call} raised Boom but did not run that compute"
            raised = True
        else:
            raised = False
        entry = self.model.get(key)
        predictions = {
            c: entry is None or xfetch(entry[2][c], entry[1], self.beta, now, r)
            for c in self.conventions
        }
        agreeing = {c for c, p in predictions.items() if p == bool(computed)}
        stored = (
            "nothing" if entry is None
            else f"{entry[0]!r} (delta {entry[1]}, expiry {sorted(entry[2].values())})"
        )
        assert agreeing, (
            f"{call} at now={now}, rand={self.rand.value}, beta={self.beta} "
            f"{'ran' if computed else 'did not run'} compute; with {stored} stored it "
            f"{'should not' if computed else 'should'} have"
        )
        self.conventions = agreeing
        if raised:
            return  # nothing cached: the model keeps the previous entry (or none)
        assert not (fails and computed), f"{call}: the compute raised but the call returned"
        if computed:
            assert got == new_value, f"compute returned {new_value!r}, the call {got!r}"
            self.model[key] = (new_value, cost, {
                "expiry measured from the end of compute": now + cost + TTL,
                "expiry measured from the start of compute": now + TTL,
            })
        else:
            assert entry is not None
            assert got == entry[0], f"get_or_compute({key!r}) returned {got!r}, want {entry[0]!r}"

    def teardown(self) -> None:
        try:
            no_ttl = [k for k, ms in ttls(self.admin, self.backend).items() if ms <= 0]
            assert not no_ttl, f"keys without a TTL: {no_ttl}"
        finally:
            self.backend.cleanup()


TestPart3StateMachine = pytest.mark.part(3)(StampedeMachine.TestCase)


# -- Linearizability -------------------------------------------------------------------------
# Last in the file: the tests above name each race; this one finds any race, and a learner
# whose code has one should read the named one first.


@pytest.mark.part(3)
def test_concurrent_calls_are_linearizable(kata: ModuleType,
                                           redis_backend: RedisBackend) -> None:
    """Three threads on two clients call get_or_compute on two cold keys at once: some
    order of the calls, one at a time, explains every result. Each key is computed
    once, and every caller that did not compute it gets that one value."""
    for seed in range(8):
        history = stampede_history(kata, redis_backend, seed)
        assert_linearizable(history.operations, ComputeOnceModel(),
                            "StampedeCache called by 3 threads at once")
