"""The `lock` kata: RedisLock (Parts 1 and 2) and Redlock (Part 3).

Every lock name carries the backend's namespace, so the keys ``{lock:<name>}`` and
``{lock:<name>}:fence`` are this test's own and are deleted when it ends. fakeredis does
not enforce Redis Cluster's one-slot rule, so the suite checks the keys each script is
given (``test_acquire_keeps_its_keys_in_one_slot``); ``make cluster`` runs the same
tests on a real cluster. Real time is used
only where Redis expiry or real concurrency is under test, with short TTLs and wide bounds.

Blocking waits are watched on a fake clock (:class:`FakeTime`): the implementation's
``time.monotonic`` and ``time.sleep`` (the contract names both) are replaced in the
modules that define its lock class, every pause and every attempt is recorded with the
clock's time, and the schedule is checked exactly, without sleeping.
"""

from __future__ import annotations

import math
import random
import secrets
import time
from collections.abc import Callable, Iterator
from types import ModuleType
from typing import Any

import pytest
import redis
from hypothesis import note, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)

from tests.support.clock import FakeClock, fake_waiting_in
from tests.support.recording import CommandLog, record
from tests.support.redis_backends import (
    RedisBackend,
    RedisProcess,
    describe_slots,
    key_slot,
    keys_of,
    start_servers,
)
from tests.support.targets import load
from tests.support.threads import Background, run_together
from tests.support.waiting import wait_until

KATA = "lock"

TOKEN_MIN_CHARS = 16  # a token of at least 16 characters (e.g. secrets.token_hex(16) has 32)
FENCE_INCR = ("INCR", "INCRBY")  # redis-py's incr() sends INCRBY key 1

# Durations in seconds and the whole milliseconds Redis must be sent: the nearest, at least 1.
# int(seconds * 1000) truncates 0.0004 to PX 0, which Redis refuses, and 0.0015 to 1.
IN_MILLISECONDS = [(0.0004, 1), (0.0011, 1), (0.0015, 2), (2.5, 2500)]


# ---------------------------------------------------------------------------- helpers


def lock_key(name: str) -> str:
    return f"{{lock:{name}}}"


def fence_key(name: str) -> str:
    return f"{{lock:{name}}}:fence"


KEY_NAMES = ("the lock key is '{lock:<name>}' and the fence counter '{lock:<name>}:fence', "
             "braces included: a hash tag, which keeps both in one Redis Cluster slot")


def raw(client: redis.Redis, key: str) -> str | None:
    """The value stored at ``key`` as a str (whatever decode_responses is), or None."""
    value = client.get(key)
    return value.decode() if isinstance(value, bytes) else value


def words(call: tuple[Any, ...]) -> list[str]:
    return [a.decode() if isinstance(a, bytes) else str(a) for a in call]


def sent_sets(log: CommandLog) -> list[list[str]]:
    """Every SET in ``log``, as words: ``['SET', key, token, 'NX', 'PX', '5000']``."""
    return [words(c) for c in log.calls if str(words(c)[0]).upper() == "SET"]


def px_of(command: list[str]) -> int | None:
    """The PX argument of a SET, or None if it has none."""
    upper = [w.upper() for w in command]
    return int(command[upper.index("PX") + 1]) if "PX" in upper[3:] else None


SCRIPT_CALLS = ("EVAL", "EVALSHA", "EVAL_RO", "EVALSHA_RO", "FCALL")


def script_calls(log: CommandLog) -> list[str]:
    return [n for n in log.names() if n in SCRIPT_CALLS]


def refused_duration(error: redis.ResponseError) -> bool:
    """Whether Redis refused a duration (PX 0, or one that is not an integer), rather than
    something else (a cross-slot script on a cluster, say), which must not be hidden."""
    text = str(error).lower()
    return "expire time" in text or "not an integer" in text


def timed(fn: Callable[[], Any]) -> tuple[Any, float]:
    start = time.monotonic()
    result = fn()
    return result, time.monotonic() - start


def raised(call: Callable[[], object]) -> Exception | None:
    """The exception ``call()`` raised, or None if it returned (a stub's
    NotImplementedError propagates: the harness reports it in one line)."""
    try:
        call()
    except NotImplementedError:
        raise
    except Exception as exc:  # the caller asserts what it should have been
        return exc
    return None


def described(error: Exception | None) -> str:
    return "returned normally" if error is None else f"raised {type(error).__name__}: {error}"


def release_later(lock: Any, after: float) -> Background:
    """``lock.release()`` in another thread, ``after`` seconds from now."""
    def release() -> None:
        time.sleep(after)
        lock.release()

    return Background(release, name=f"release after {after:g} s")


# Redis before 7.2 reads its clock afresh for each command of a script: between the PTTL and
# the PEXPIRE of an extend, a millisecond may tick. fakeredis has its clock frozen here.
EXPIRY_SLACK_MS = {"fake": 0, "real": 3, "cluster": 3}
FROZEN_WALL_CLOCK = 1_700_000_000.0  # whole seconds: expiry times in exact milliseconds


def expiry_in_ms(backend: RedisBackend, client: redis.Redis, key: str,
                 monkeypatch: pytest.MonkeyPatch) -> Callable[[], int]:
    """A function returning when ``key`` expires, in milliseconds on a fixed scale.

    On a Redis server, PEXPIRETIME (exact). On fakeredis, whose clock is ``time.time``, that
    clock is frozen for the rest of the test, so PTTL counts from a fixed instant.
    """
    if backend.kind == "fake":
        monkeypatch.setattr(time, "time", lambda: FROZEN_WALL_CLOCK)
        return lambda: int(client.pttl(key))
    return lambda: int(client.pexpiretime(key))


class FakeTime:
    """A fake ``time.monotonic`` and ``time.sleep`` for a lock's blocking waits.

    The contract has the lock wait with ``time.sleep`` and read deadlines from
    ``time.monotonic()``. Both are replaced in the modules that define the lock's class
    (whether they ``import time`` or ``from time import sleep, monotonic``), so nothing
    else in the process sees the fake clock. A pause lasts ``OVERRUN`` longer than asked,
    as a real sleep does on a busy machine: code that adds up its pauses instead of
    reading the clock runs late here exactly as it would for real.

    ``watch(client)`` records every SET (or SETNX) the client sends, an attempt, with the
    clock's time (with ``scripts=True``, a script call too: an acquire may be one script);
    ``on_pause(n)`` runs after the n-th pause (to release a holder, say). A wait that
    never ends fails after ``MAX_PAUSES`` pauses or ``MAX_ATTEMPTS`` attempts.
    """

    OVERRUN = 0.001
    MAX_PAUSES = 100
    MAX_ATTEMPTS = 1000

    def __init__(self, monkeypatch: pytest.MonkeyPatch, lock_class: type) -> None:
        self.clock = FakeClock()
        self.start = self.clock.now
        self.pauses: list[tuple[float, float]] = []  # (when, seconds asked)
        self.attempts: list[float] = []
        self.on_pause: Callable[[int], object] = lambda n: None
        self.what = "acquire()"
        fake_waiting_in(monkeypatch, lock_class, self.clock, self.sleep)

    def begin(self, what: str) -> None:
        """Forget earlier pauses and attempts; ``what`` names the call in messages."""
        self.start, self.what = self.clock.now, what
        self.pauses.clear()
        self.attempts.clear()

    def at(self, when: float) -> str:
        return f"+{when - self.start:.3f} s"

    def sleep(self, seconds: float) -> None:
        self.pauses.append((self.clock.now, seconds))
        assert len(self.pauses) <= self.MAX_PAUSES, (
            f"{self.what} still retrying after {self.MAX_PAUSES} pauses "
            f"({self.at(self.clock.now)} on the test's clock): it never gives up; the "
            "deadline is timeout seconds after the call, read from time.monotonic()"
        )
        self.clock.advance(seconds + self.OVERRUN)
        self.on_pause(len(self.pauses))

    def watch(self, client: redis.Redis, *, scripts: bool = True) -> None:
        send: Any = client.execute_command
        attempts = ("SET", "SETNX", *(SCRIPT_CALLS if scripts else ()))

        def execute_command(*args: Any, **options: Any) -> Any:
            if words(args)[0].upper() not in attempts:
                return send(*args, **options)
            self.attempts.append(self.clock.now)
            assert len(self.attempts) <= self.MAX_ATTEMPTS, (
                f"{self.what} sent {self.MAX_ATTEMPTS} SETs with "
                f"{len(self.pauses)} pauses between them: pause retry_interval seconds "
                "(time.sleep) between attempts"
            )
            try:
                return send(*args, **options)
            except redis.exceptions.NoScriptError:
                self.attempts.pop()  # redis-py loads the script and sends it again
                raise

        client.execute_command = execute_command  # type: ignore[method-assign]

    def pause_list(self) -> str:
        return ", ".join(f"{asked:g} s at {self.at(when)}" for when, asked in self.pauses)

    def attempt_list(self) -> str:
        return ", ".join(self.at(t) for t in self.attempts) or "none"


@pytest.fixture
def fake_time(kata: ModuleType, monkeypatch: pytest.MonkeyPatch) -> FakeTime:
    return FakeTime(monkeypatch, kata.RedisLock)


def check_gave_up_at_deadline(ft: FakeTime, timeout: float, interval: float) -> None:
    """The schedule of a blocking acquire that did not get the lock, on the fake clock.

    Attempts at once, then after pauses of ``interval``; no pause runs past the deadline
    (the last is shortened to end there); the attempt at the deadline is the last.
    """
    eps = 1e-9
    deadline = ft.start + timeout
    what = ft.what
    assert ft.attempts and ft.attempts[0] == ft.start, (
        f"{what} made its first attempt at {ft.attempt_list().split(',')[0]}, not at "
        f"once (attempts: {ft.attempt_list()})"
    )
    for when, asked in ft.pauses:
        left = deadline - when
        assert left > eps, (
            f"{what} paused again at {ft.at(when)}, after its deadline {ft.at(deadline)}; "
            f"the attempt at the deadline is the last. Attempts: {ft.attempt_list()}"
        )
        assert when + asked <= deadline + eps, (
            f"{what}: a pause of {asked:g} s from {ft.at(when)} ends at "
            f"{ft.at(when + asked)}, past the deadline {ft.at(deadline)}: shorten the last "
            "pause to the time left, read from time.monotonic() (a sleep lasts a little "
            "longer than asked, so adding up the pauses runs late). "
            f"Pauses: {ft.pause_list()}"
        )
        assert asked <= interval + eps, (
            f"{what} paused {asked:g} s at {ft.at(when)}, longer than retry_interval="
            f"{interval:g}"
        )
        assert asked >= min(interval, left) - eps, (
            f"{what} paused only {asked:g} s at {ft.at(when)}, with {left:.3f} s left "
            f"before its deadline: retry every retry_interval={interval:g} s, the last "
            f"pause ending at the deadline. Pauses: {ft.pause_list()}"
        )
    last = ft.attempts[-1]
    assert last >= deadline - eps, (
        f"{what} gave up at {ft.at(last)}, {deadline - last:.3f} s before its deadline "
        f"{ft.at(deadline)}: pause until the deadline and make one last attempt there. "
        f"Attempts: {ft.attempt_list()}"
    )


# ---------------------------------------------------------------------------- Part 1


@pytest.mark.part(1)
class TestPart1Acquire:
    def test_acquire_is_one_set_nx_px(self, kata: Any, redis_backend: RedisBackend) -> None:
        client = redis_backend.client()
        name = redis_backend.key("job")
        lock = kata.RedisLock(client, name, ttl=5.0)
        log = record(client)
        assert lock.acquire(blocking=False) is True, "acquire() of a free lock returned False"
        if any(n.startswith("SCRIPT") for n in log.names()):  # loaded by its first call
            lock.release()
            log.clear()
            assert lock.acquire(blocking=False) is True, "acquire() of a free lock failed"
        if script_calls(log):
            self.check_acquire_script(client, name, log)
            return
        # The fencing token (Part 2) may add one INCR; everything else is one SET.
        others = [n for n in log.names() if n not in FENCE_INCR]
        assert others == ["SET"], (
            f"acquire() sent {log}; expected one SET key token NX PX (plus the fence INCR, "
            "or one script doing both), not SETNX then EXPIRE: a crash between those two "
            "leaves a lock that never expires"
        )
        assert len(log.names()) - len(others) <= 1, f"acquire() sent {log}"
        command = sent_sets(log)[0]
        assert command[1] == lock_key(name), (
            f"the lock key is {command[1]!r}, expected {lock_key(name)!r}: {KEY_NAMES}")
        upper = [w.upper() for w in command]
        assert "NX" in upper and "PX" in upper, f"SET was sent as {command}, expected NX and PX"
        px = px_of(command)
        assert px == 5000, f"SET ... PX {px}, expected PX 5000 for ttl=5.0"

    @staticmethod
    def check_acquire_script(client: redis.Redis, name: str, log: CommandLog) -> None:
        """An acquire that is one script: what it left in Redis is what a SET NX PX would."""
        assert len(log.names()) == 1, (
            f"acquire() sent {log}; expected one script call (SET NX PX and the fence INCR "
            "together), or one SET key token NX PX (plus the fence INCR)"
        )
        pttl = client.pttl(lock_key(name))
        assert pttl != -2, (
            f"after acquire() there is no key {lock_key(name)!r} (its script was given the "
            f"keys {keys_of(log.calls[0])}): {KEY_NAMES}"
        )
        assert pttl != -1, (
            f"acquire()'s script left {lock_key(name)!r} without a TTL (PTTL -1): SET it "
            "with NX and PX; without a lease, the lock of a holder that crashed is never freed"
        )
        assert 4000 < pttl <= 5000, (
            f"after acquire() with ttl=5.0 the lock key has PTTL {pttl} ms, expected about 5000"
        )

    @pytest.mark.parametrize(("ttl", "ms"), IN_MILLISECONDS)
    def test_ttl_in_whole_milliseconds(self, kata: Any, redis_backend: RedisBackend,
                                       monkeypatch: pytest.MonkeyPatch,
                                       ttl: float, ms: int) -> None:
        client = redis_backend.client()
        name = redis_backend.key("job")
        expires_in = expiry_in_ms(redis_backend, client, lock_key(name), monkeypatch)
        lock = kata.RedisLock(client, name, ttl=ttl)
        log = record(client)
        refused: redis.ResponseError | None = None
        try:
            got = lock.acquire(blocking=False)
        except redis.ResponseError as exc:
            if not refused_duration(exc):
                raise
            refused, got = exc, False  # PX 0, or a PX that is not an integer
        rule = ("the ttl goes to Redis as whole milliseconds, rounded to the nearest, and at "
                "least 1")
        sets = sent_sets(log)
        if sets:
            px = px_of(sets[0])
            answer = f", and Redis refused it ({refused})" if refused else ""
            assert px == ms, (
                f"acquire() with ttl={ttl} sent SET ... PX {px}{answer}; expected PX {ms}: "
                f"{rule}")
        else:  # one script: what Redis was told shows in the key's expiry
            assert script_calls(log), f"acquire() with ttl={ttl} sent {log}: no SET, no script"
            assert refused is None, (
                f"acquire() with ttl={ttl}: Redis refused the expiry its script set "
                f"({refused}); expected PX {ms}: {rule}")
            if redis_backend.kind == "fake":  # a frozen clock: the expiry, exactly
                given = expires_in()
                assert given == ms, (
                    f"acquire() with ttl={ttl} gave the lock key a TTL of {given} ms; "
                    f"expected PX {ms}: {rule}")
        assert got is True, f"acquire() of a free lock with ttl={ttl} returned {got!r}"

    @pytest.mark.parametrize("ttl", [2.0, 5.0, 30.0])
    def test_key_expires_after_ttl(self, kata: Any, redis_client: redis.Redis,
                                   redis_backend: RedisBackend, ttl: float) -> None:
        name = redis_backend.key("job")
        lock = kata.RedisLock(redis_client, name, ttl=ttl)
        assert lock.acquire(blocking=False)
        pttl = redis_client.pttl(lock_key(name))
        assert ttl * 1000 - 1000 < pttl <= ttl * 1000, (
            f"after acquire() with ttl={ttl}, the key {{lock:<name>}} has pttl {pttl} ms, "
            f"expected about {ttl * 1000:.0f} ms"
        )

    def test_every_key_but_the_fence_expires(self, kata: Any,
                                             redis_backend: RedisBackend) -> None:
        client = redis_backend.client()
        a = kata.RedisLock(client, redis_backend.key("one"))
        b = kata.RedisLock(client, redis_backend.key("two"))
        assert a.acquire(blocking=False) and b.acquire(blocking=False)
        a.release()
        keys = redis_backend.keys()
        assert lock_key(redis_backend.key("two")) in keys, f"the held lock's key is missing: {keys}"
        forever = [k for k in keys if not k.endswith(":fence") and client.pttl(k) <= 0]
        assert not forever, f"keys written without a TTL: {forever} (only the fence may live on)"

    def test_fresh_token_per_acquisition(self, kata: Any, redis_client: redis.Redis,
                                         redis_backend: RedisBackend) -> None:
        name = redis_backend.key("job")
        first = kata.RedisLock(redis_client, name)
        second = kata.RedisLock(redis_backend.client(), name)
        tokens: list[str] = []
        who = ("first", "first", "second", "second", "first")
        for lock in (first, first, second, second, first):
            assert lock.acquire(blocking=False), "acquire() of a free lock returned False"
            token = raw(redis_client, lock_key(name))
            assert token is not None, "after acquire() the key {lock:<name>} does not exist"
            tokens.append(token)
            lock.release()
        assert len(set(tokens)) > 1, (
            f"all five acquisitions, by two instances, wrote the same token {tokens[0]!r}: "
            "a constant proves nothing, any instance would release any lock; each "
            "acquisition needs a fresh random token (secrets)"
        )
        for n, token in enumerate(tokens):
            earlier = tokens.index(token)
            same = who[n] == who[earlier]
            assert earlier == n, (
                f"acquisition {n + 1} (instance {who[n]}) wrote the token of acquisition "
                f"{earlier + 1} (instance {who[earlier]}) again: {token!r}. "
                + ("One token per instance is not enough: a delayed release() from an "
                   "old lease would free the new one. " if same else "")
                + "Each acquisition needs a fresh random token."
            )
        short = [t for t in tokens if len(t) < TOKEN_MIN_CHARS]
        assert not short, f"tokens {short} are too short to be unguessable (use secrets)"

    def test_token_not_from_random_or_clock(self, kata: Any, redis_backend: RedisBackend,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
        """Reseeding `random`, or freezing the clock, must not reproduce a token."""
        client = redis_backend.client()
        name = redis_backend.key("job")

        def two_tokens(before_each: Callable[[], object]) -> list[str | None]:
            tokens = []
            for lock in (kata.RedisLock(client, name), kata.RedisLock(client, name)):
                before_each()
                assert lock.acquire(blocking=False)
                tokens.append(raw(client, lock_key(name)))
                lock.release()
            return tokens

        saved = random.getstate()
        try:
            tokens = two_tokens(lambda: random.seed(7))
        finally:
            random.setstate(saved)
        assert tokens[0] != tokens[1], (
            f"two acquisitions wrote the same token {tokens[0]!r} after reseeding `random` "
            "with the same seed: `random` is reproducible and predictable; use `secrets`"
        )
        monkeypatch.setattr(time, "time", lambda: 1_700_000_000.0)
        monkeypatch.setattr(time, "time_ns", lambda: 1_700_000_000_000_000_000)
        tokens = two_tokens(lambda: None)
        assert tokens[0] != tokens[1], (
            f"two acquisitions wrote the same token {tokens[0]!r} with the clock frozen: "
            "the time is neither unique nor secret; use `secrets`"
        )

    def test_lifecycle_locked_and_owned(self, kata: Any, redis_client: redis.Redis,
                                        redis_backend: RedisBackend) -> None:
        name = redis_backend.key("job")
        a = kata.RedisLock(redis_client, name)
        b = kata.RedisLock(redis_backend.client(decode_responses=True), name)
        assert (a.locked(), a.owned(), b.locked(), b.owned()) == (False, False, False, False)
        assert a.acquire(blocking=False) is True
        decoded = redis_client.get_encoder().decode_responses
        assert (a.locked(), a.owned()) == (True, True), (
            f"a just acquired, yet (a.locked(), a.owned()) is {(a.locked(), a.owned())}; "
            f"expected (True, True). a's client has decode_responses={bool(decoded)}: its GET "
            f"returns {'str' if decoded else 'bytes'}"
        )
        assert (b.locked(), b.owned()) == (True, False), "a holds the lock: b sees locked only"
        assert b.acquire(blocking=False) is False, "b acquired a lock that a holds"
        assert a.owned(), "b's failed acquire() changed a's lock"
        a.release()
        assert (a.locked(), a.owned()) == (False, False), "released: neither locked nor owned"
        assert not redis_client.exists(lock_key(name)), "release() left the key {lock:<name>}"
        assert b.acquire(blocking=False) is True, "b could not acquire a released lock"
        assert (a.locked(), a.owned(), b.owned()) == (True, False, True)

    def test_blocking_acquire_waits_for_release(self, kata: Any,
                                                redis_backend: RedisBackend) -> None:
        name = redis_backend.key("job")
        # a's 3 s lease bounds the wait should a's release() not free the lock.
        a = kata.RedisLock(redis_backend.client(), name, ttl=3.0)
        b = kata.RedisLock(redis_backend.client(), name, retry_interval=0.01)
        assert a.acquire(blocking=False)
        releaser = release_later(a, 0.2)
        got, elapsed = timed(b.acquire)  # blocking, no timeout: until it gets the lock
        releaser.join()
        assert got is True, "blocking acquire() returned without the lock"
        assert elapsed >= 0.15, f"b acquired after {elapsed:.3f} s while a still held the lock"
        assert elapsed < 2.5, f"a released at 0.2 s, but b waited {elapsed:.2f} s"
        assert b.owned()

    def test_blocking_retries_every_retry_interval(self, kata: Any, fake_time: FakeTime,
                                                   redis_backend: RedisBackend) -> None:
        """No time limit: attempt, pause retry_interval, attempt... until it gets the lock."""
        name = redis_backend.key("job")
        holder = kata.RedisLock(redis_backend.client(), name, ttl=30.0)
        client = redis_backend.client()
        waiter = kata.RedisLock(client, name, retry_interval=0.05)
        assert holder.acquire(blocking=False)
        fake_time.watch(client)
        fake_time.on_pause = lambda n: n == 3 and holder.release()
        fake_time.begin("blocking acquire() with no time limit")
        got = waiter.acquire()
        asked = [pause for _, pause in fake_time.pauses]
        assert asked == [0.05] * 3, (
            f"blocking acquire() with retry_interval=0.05 paused {asked} s before the lock "
            "was freed (after the third pause) and acquired; expected [0.05, 0.05, 0.05]: "
            "pause retry_interval seconds between attempts"
        )
        assert got is True and waiter.owned(), (
            f"blocking acquire() returned {got!r}; the lock was freed after the third pause")
        assert len(fake_time.attempts) == 4, (
            f"attempts at {fake_time.attempt_list()}; expected 4: at once, then after "
            "each pause"
        )

    def test_defaults_are_a_10_s_lease_and_a_50_ms_retry(self, kata: Any, fake_time: FakeTime,
                                                         redis_backend: RedisBackend) -> None:
        name = redis_backend.key("job")
        client = redis_backend.client()
        holder = kata.RedisLock(redis_backend.client(), name)
        assert holder.acquire(blocking=False), "acquire() of a free lock returned False"
        pttl = client.pttl(lock_key(name))
        assert 9000 < pttl <= 10000, (
            f"RedisLock(client, name).acquire() gave the lock key a PTTL of {pttl} ms; the "
            "default ttl is 10 s"
        )
        waiter = kata.RedisLock(client, name)
        fake_time.watch(client)
        fake_time.on_pause = lambda n: n == 2 and holder.release()
        fake_time.begin("blocking acquire() with the default retry_interval")
        got = waiter.acquire()
        asked = [pause for _, pause in fake_time.pauses]
        assert got is True and asked == [0.05, 0.05], (
            f"blocking acquire() of RedisLock(client, name) paused {asked} s and returned "
            f"{got!r}; the lock was freed after the second pause: expected pauses of the "
            "default retry_interval, [0.05, 0.05], then the lock"
        )


@pytest.mark.part(1)
class TestPart1Release:
    def test_release_by_non_owner_raises_and_keeps_lock(
        self, kata: Any, redis_client: redis.Redis, redis_backend: RedisBackend
    ) -> None:
        name = redis_backend.key("job")
        owner = kata.RedisLock(redis_client, name, ttl=5.0)
        other = kata.RedisLock(redis_backend.client(), name, ttl=5.0)
        assert owner.acquire(blocking=False)
        token, pttl = raw(redis_client, lock_key(name)), redis_client.pttl(lock_key(name))
        with pytest.raises(kata.LockNotOwnedError):
            other.release()  # never acquired
        assert other.acquire(blocking=False) is False
        with pytest.raises(kata.LockNotOwnedError):
            other.release()  # tried, but failed to acquire
        assert raw(redis_client, lock_key(name)) == token, "a non-owner's release() hit the lock"
        after = redis_client.pttl(lock_key(name))
        assert pttl - 1500 < after <= pttl, f"the owner's pttl went from {pttl} to {after} ms"
        assert owner.owned()
        owner.release()

    def test_release_after_expiry_raises(self, kata: Any, redis_client: redis.Redis,
                                         redis_backend: RedisBackend) -> None:
        name = redis_backend.key("job")
        lock = kata.RedisLock(redis_client, name, ttl=0.1)
        assert lock.acquire(blocking=False)
        wait_until(lambda: not redis_client.exists(lock_key(name)), 3.0,
                   "a lock with ttl=0.1 to expire in Redis")
        assert not lock.owned(), "owned() is True after the lock expired"
        with pytest.raises(kata.LockNotOwnedError):
            lock.release()

    def test_release_after_takeover_raises_and_spares_new_holder(
        self, kata: Any, redis_client: redis.Redis, redis_backend: RedisBackend
    ) -> None:
        name = redis_backend.key("job")
        old = kata.RedisLock(redis_client, name)
        new = kata.RedisLock(redis_backend.client(), name)
        assert old.acquire(blocking=False)
        redis_client.delete(lock_key(name))  # as if it expired while old was paused
        assert new.acquire(blocking=False), "the lock was free (expired), yet acquire() failed"
        token = raw(redis_client, lock_key(name))
        error = raised(old.release)
        assert raw(redis_client, lock_key(name)) == token, (
            "the former holder's release() deleted the new holder's lock: compare the token "
            "before deleting, atomically"
        )
        assert isinstance(error, kata.LockNotOwnedError), (
            f"release() by a holder whose lease expired and was taken over {described(error)}"
            "; expected LockNotOwnedError"
        )
        assert new.owned() and not old.owned()

    def test_release_by_foreign_token_raises(self, kata: Any, redis_client: redis.Redis,
                                             redis_backend: RedisBackend) -> None:
        name = redis_backend.key("job")
        lock = kata.RedisLock(redis_client, name, ttl=5.0)
        assert lock.acquire(blocking=False)
        redis_client.set(lock_key(name), "someone-else-0123456789abcdef", px=5000)
        assert lock.locked() and not lock.owned()
        with pytest.raises(kata.LockNotOwnedError):
            lock.release()
        assert raw(redis_client, lock_key(name)) == "someone-else-0123456789abcdef"

    def test_release_is_one_script_call(self, kata: Any, redis_backend: RedisBackend) -> None:
        client = redis_backend.client()
        lock = kata.RedisLock(client, redis_backend.key("job"))
        assert lock.acquire(blocking=False)
        lock.release()  # warm-up: a registered script is loaded on its first call
        assert lock.acquire(blocking=False)
        log = record(client)
        lock.release()
        assert len(log.names()) == 1 and script_calls(log) == log.names(), (
            f"release() sent {log}; expected one EVAL/EVALSHA (compare-and-delete in Lua): "
            "GET then DEL lets the lock expire and change hands between the two"
        )

    def test_expiry_frees_lock_of_vanished_holder(self, kata: Any,
                                                  redis_backend: RedisBackend) -> None:
        name = redis_backend.key("job")
        vanished = kata.RedisLock(redis_backend.client(), name, ttl=0.1)
        assert vanished.acquire(blocking=False)
        heir = kata.RedisLock(redis_backend.client(), name)
        wait_until(lambda: heir.acquire(blocking=False), 3.0,
                   "another instance to acquire a lock whose holder vanished (ttl=0.1)")
        assert heir.owned() and not vanished.owned()
        with pytest.raises(kata.LockNotOwnedError):
            vanished.release()
        assert heir.owned(), "the vanished holder's release() freed the heir's lock"

    def test_an_instance_that_never_acquired_owns_nothing(
        self, kata: Any, redis_client: redis.Redis, redis_backend: RedisBackend
    ) -> None:
        name = redis_backend.key("job")
        lock = kata.RedisLock(redis_client, name)
        redis_client.set(lock_key(name), "", px=5000)  # another process's (odd) empty token
        assert lock.locked() and not lock.owned(), (
            f"an instance that never acquired: (locked(), owned()) is "
            f"{(lock.locked(), lock.owned())} while the key holds an empty string; expected "
            "(True, False): it has no token, so it owns nothing"
        )
        error = raised(lock.release)
        assert raw(redis_client, lock_key(name)) == "", (
            "release() by an instance that never acquired deleted a key holding an empty "
            "string: it has no token, so no key can be its own"
        )
        assert isinstance(error, kata.LockNotOwnedError), (
            f"release() by an instance that never acquired {described(error)}; expected "
            "LockNotOwnedError"
        )


@pytest.mark.part(1)
class TestPart1ContextManager:
    def test_with_acquires_and_releases(self, kata: Any, redis_client: redis.Redis,
                                        redis_backend: RedisBackend) -> None:
        name = redis_backend.key("job")
        lock = kata.RedisLock(redis_client, name)
        with lock:
            assert lock.owned(), "inside `with lock:` the lock is not owned"
        assert not lock.locked(), "after `with lock:` the lock is still held"

    def test_exit_releases_when_block_raises(self, kata: Any,
                                             redis_backend: RedisBackend) -> None:
        lock = kata.RedisLock(redis_backend.client(), redis_backend.key("job"))
        with pytest.raises(KeyError, match="boom"), lock:
            raise KeyError("boom")
        assert not lock.locked(), "a block that raised left the lock held"

    def test_exit_surfaces_lock_not_owned(self, kata: Any, redis_backend: RedisBackend) -> None:
        client = redis_backend.client()
        name = redis_backend.key("job")
        lock = kata.RedisLock(client, name)

        def block_outlives_lease() -> None:
            with lock:
                client.delete(lock_key(name))  # the lock expired during the block

        error = raised(block_outlives_lease)
        assert isinstance(error, kata.LockNotOwnedError), (
            f"`with lock:` whose lease expired during the block {described(error)}; expected "
            "release()'s LockNotOwnedError to surface: the block's work may have overlapped "
            "another holder's, and the caller must know"
        )

    def test_exit_keeps_block_exception(self, kata: Any, redis_backend: RedisBackend) -> None:
        client = redis_backend.client()
        name = redis_backend.key("job")
        lock = kata.RedisLock(client, name)
        with pytest.raises(KeyError, match="boom"), lock:
            client.delete(lock_key(name))
            raise KeyError("boom")


@pytest.mark.part(1)
def test_mutual_exclusion_with_threads(kata: Any, redis_backend: RedisBackend) -> None:
    """4 threads x 10 read-sleep-write increments, each under the lock: none is lost."""
    threads_n, rounds = 4, 10
    name = redis_backend.key("counter")
    locks = [
        kata.RedisLock(redis_backend.client(), name, ttl=10.0, retry_interval=0.002)
        for _ in range(threads_n)
    ]
    counter = [0]

    def worker(n: int) -> None:
        for _ in range(rounds):
            with locks[n]:
                seen = counter[0]
                time.sleep(0.001)  # widen the race window: a broken lock loses updates
                counter[0] = seen + 1

    run_together(worker, threads_n)
    assert counter[0] == threads_n * rounds, (
        f"{threads_n} threads x {rounds} locked increments gave {counter[0]}: "
        "two holders were inside the lock at once"
    )


@pytest.mark.part(1)
class TestPart1BadInput:
    @pytest.mark.parametrize("ttl", [0, -1.0, math.nan, math.inf])
    def test_ttl_out_of_range(self, kata: Any, redis_backend: RedisBackend, ttl: float) -> None:
        with pytest.raises(ValueError, match=r"\bttl\b"):
            kata.RedisLock(redis_backend.client(), redis_backend.key("job"), ttl=ttl)

    @pytest.mark.parametrize("ttl", ["10", None, True])
    def test_ttl_wrong_type(self, kata: Any, redis_backend: RedisBackend, ttl: object) -> None:
        with pytest.raises(TypeError, match=r"\bttl\b"):
            kata.RedisLock(redis_backend.client(), redis_backend.key("job"), ttl=ttl)

    def test_empty_name(self, kata: Any, redis_backend: RedisBackend) -> None:
        with pytest.raises(ValueError, match=r"\bname\b"):
            kata.RedisLock(redis_backend.client(), "")

    @pytest.mark.parametrize("name", [42, None, b"job"])
    def test_name_not_str(self, kata: Any, redis_backend: RedisBackend, name: object) -> None:
        with pytest.raises(TypeError, match=r"\bname\b"):
            kata.RedisLock(redis_backend.client(), name)

    @pytest.mark.parametrize("value", [0, -0.1, math.nan, math.inf])
    def test_retry_interval(self, kata: Any, redis_backend: RedisBackend, value: float) -> None:
        with pytest.raises(ValueError, match=r"\bretry_interval\b"):
            kata.RedisLock(redis_backend.client(), redis_backend.key("j"), retry_interval=value)


# ---------------------------------------------------------------------------- model-based

FOREIGN = "foreign"  # the key holds a token none of the instances has


class LockMachine(RuleBasedStateMachine):
    """Three RedisLock instances on one name, and a model: who holds the key in Redis.

    ``expire`` deletes the key (what Redis does when the TTL runs out while a holder is
    paused); ``take_over`` writes another process's token. Acquire is non-blocking.
    """

    INSTANCES = 3
    TTL = 30.0
    with_part2 = False

    def __init__(self) -> None:
        super().__init__()
        self.kata = load(KATA)
        self.backend = RedisBackend.fake()
        self.admin = self.backend.client()
        self.name = self.backend.key("job")
        self.locks: list[Any] = []
        self.holder: int | str | None = None  # an instance's index, FOREIGN, or None
        self.fences: list[int | str | None] = []  # expected fencing_token, or "?" unknown
        self.highest_fence = 0

    @initialize(decode=st.booleans())
    def create(self, decode: bool) -> None:
        note(f"clients with decode_responses={decode}")
        self.locks = [
            self.kata.RedisLock(self.backend.client(decode_responses=decode), self.name,
                                ttl=self.TTL)
            for _ in range(self.INSTANCES)
        ]
        self.fences = [None] * self.INSTANCES

    def teardown(self) -> None:
        self.backend.cleanup()

    def __repr__(self) -> str:
        return f"model(holder={self.holder!r})"

    @rule(i=st.integers(0, INSTANCES - 1))
    def acquire(self, i: int) -> None:
        if self.holder == i:
            return  # re-acquiring a lock one already holds is not specified
        got = self.locks[i].acquire(blocking=False)
        want = self.holder is None
        assert got is want, (
            f"lock {i}.acquire(blocking=False) returned {got!r}, expected {want!r} "
            f"(the key is held by {self.holder!r})"
        )
        if not got:
            self.fences[i] = "?"  # the contract leaves a failed attempt's token open
            return
        self.holder = i
        if self.with_part2:
            token = self.locks[i].fencing_token
            assert isinstance(token, int) and token > self.highest_fence, (
                f"lock {i} acquired with fencing_token {token!r}; expected an int above "
                f"every earlier one (highest so far {self.highest_fence})"
            )
            self.highest_fence = token
            self.fences[i] = token

    @rule(i=st.integers(0, INSTANCES - 1))
    def release(self, i: int) -> None:
        if self.holder == i:
            self.locks[i].release()
            self.holder = None
            self.fences[i] = None
        else:
            with pytest.raises(self.kata.LockNotOwnedError):
                self.locks[i].release()
            self.fences[i] = "?"

    def _lose_lease(self) -> None:
        # The contract pins fencing_token only right after acquire() and release().
        if isinstance(self.holder, int):
            self.fences[self.holder] = "?"

    @precondition(lambda self: self.holder is not None)
    @rule()
    def expire(self) -> None:
        self.admin.delete(lock_key(self.name))
        self._lose_lease()
        self.holder = None

    @rule()
    def take_over(self) -> None:
        self.admin.set(lock_key(self.name), "another-process-0123456789abcdef",
                       px=int(self.TTL * 1000))
        self._lose_lease()
        self.holder = FOREIGN

    @invariant()
    def observations_match_model(self) -> None:
        for i, lock in enumerate(self.locks):
            got = lock.owned()
            assert got is (self.holder == i), (
                f"lock {i}.owned() is {got!r} but the key is held by {self.holder!r}"
            )
        if self.locks:
            got = self.locks[0].locked()
            assert got is (self.holder is not None), (
                f"locked() is {got!r} but the key is held by {self.holder!r}"
            )
        if self.holder is not None:
            pttl = self.admin.pttl(lock_key(self.name))
            assert pttl > 0, f"the held key {{lock:<name>}} has pttl {pttl}: it must expire"

    @invariant()
    def fencing_tokens_match_model(self) -> None:
        if not self.with_part2:
            return
        for i, lock in enumerate(self.locks):
            if self.fences[i] != "?":
                got = lock.fencing_token
                assert got == self.fences[i], (
                    f"lock {i}.fencing_token is {got!r}, expected {self.fences[i]!r}"
                )


class LockMachinePart2(LockMachine):
    with_part2 = True

    @rule(i=st.integers(0, LockMachine.INSTANCES - 1), additional=st.integers(1, 20))
    def extend(self, i: int, additional: int) -> None:
        key = lock_key(self.name)
        before = self.admin.pttl(key)
        if self.holder == i:
            self.locks[i].extend(additional)
            after = self.admin.pttl(key)
            assert after > before + additional * 1000 - 1000, (
                f"lock {i}.extend({additional}) took pttl from {before} to {after} ms; "
                "extend adds to the remaining time"
            )
        else:
            with pytest.raises(self.kata.LockNotOwnedError):
                self.locks[i].extend(additional)
            after = self.admin.pttl(key)
            assert after <= before, (
                f"lock {i} does not hold the lock, yet its extend() moved pttl from {before} "
                f"to {after} ms"
            )


# Each step is several Redis round trips: a third of the profile's examples (dev 20 runs
# of 30 steps, thorough 133 of 80).
MACHINE_SETTINGS = settings(max_examples=max(10, settings().max_examples // 3))
TestPart1LockMachine = pytest.mark.part(1)(LockMachine.TestCase)
TestPart1LockMachine.settings = MACHINE_SETTINGS


# ---------------------------------------------------------------------------- Part 2


@pytest.mark.part(2)
class TestPart2Blocking:
    """Blocking with a time limit, on the fake clock (see FakeTime): exact, no sleeping."""

    @staticmethod
    def contenders(kata: Any, backend: RedisBackend, ft: FakeTime,
                   **options: Any) -> tuple[Any, Any]:
        """A holder with the lock, and a waiter (built with ``options``) whose SETs ft sees."""
        name = backend.key("job")
        holder = kata.RedisLock(backend.client(), name, ttl=30.0)
        client = backend.client()
        waiter = kata.RedisLock(client, name, **options)
        assert holder.acquire(blocking=False), "acquire() of a free lock returned False"
        ft.watch(client)
        return holder, waiter

    def test_non_blocking_tries_once(self, kata: Any, redis_backend: RedisBackend,
                                     fake_time: FakeTime) -> None:
        _, waiter = self.contenders(kata, redis_backend, fake_time, blocking_timeout=1.0)
        for call, acquire in [
            ("acquire(blocking=False)", lambda: waiter.acquire(blocking=False)),
            ("acquire(blocking=False, timeout=1)",
             lambda: waiter.acquire(blocking=False, timeout=1)),
        ]:
            fake_time.begin(call)
            got = acquire()
            assert got is False, f"{call} of a held lock returned {got!r}"
            assert len(fake_time.attempts) == 1 and not fake_time.pauses, (
                f"{call} with blocking_timeout=1.0 made attempts at "
                f"{fake_time.attempt_list()} and paused [{fake_time.pause_list()}]; "
                "expected one attempt and no pause: blocking=False never waits"
            )

    def test_zero_timeout_tries_once(self, kata: Any, redis_backend: RedisBackend,
                                     fake_time: FakeTime) -> None:
        holder, waiter = self.contenders(kata, redis_backend, fake_time)
        fake_time.begin("acquire(timeout=0)")
        got = waiter.acquire(timeout=0)
        assert got is False, f"acquire(timeout=0) of a held lock returned {got!r}"
        assert len(fake_time.attempts) == 1 and not fake_time.pauses, (
            f"acquire(timeout=0) made attempts at {fake_time.attempt_list()} and paused "
            f"[{fake_time.pause_list()}]; expected exactly one attempt and no pause"
        )
        holder.release()
        assert waiter.acquire(timeout=0) is True, "acquire(timeout=0) of a free lock failed"

    @pytest.mark.parametrize(("timeout", "interval"), [(0.4, 0.1), (0.4, 0.05), (0.25, 0.1)])
    def test_gives_up_at_the_deadline(self, kata: Any, redis_backend: RedisBackend,
                                      fake_time: FakeTime, timeout: float,
                                      interval: float) -> None:
        _, waiter = self.contenders(kata, redis_backend, fake_time, retry_interval=interval)
        call = f"acquire(timeout={timeout:g}) with retry_interval={interval:g}"
        fake_time.begin(call)
        got = waiter.acquire(timeout=timeout)
        check_gave_up_at_deadline(fake_time, timeout, interval)
        assert got is False, f"{call} of a lock held throughout returned {got!r}"

    def test_blocking_timeout_from_constructor(self, kata: Any, redis_backend: RedisBackend,
                                               fake_time: FakeTime) -> None:
        _, waiter = self.contenders(kata, redis_backend, fake_time, retry_interval=0.05,
                                    blocking_timeout=0.4)
        fake_time.begin("acquire() with blocking_timeout=0.4, retry_interval=0.05")
        assert waiter.acquire() is False
        check_gave_up_at_deadline(fake_time, 0.4, 0.05)
        fake_time.begin("acquire(timeout=0.3) with blocking_timeout=0.4 (timeout wins)")
        assert waiter.acquire(timeout=0.3) is False
        check_gave_up_at_deadline(fake_time, 0.3, 0.05)

    def test_acquires_within_timeout_when_released(self, kata: Any,
                                                   redis_backend: RedisBackend) -> None:
        """Real threads and real time: the lock is freed by another thread at 0.2 s."""
        name = redis_backend.key("job")
        holder = kata.RedisLock(redis_backend.client(), name)
        waiter = kata.RedisLock(redis_backend.client(), name, retry_interval=0.01)
        assert holder.acquire(blocking=False)
        releaser = release_later(holder, 0.2)
        got, elapsed = timed(lambda: waiter.acquire(timeout=5.0))
        releaser.join()
        assert got is True, "acquire(timeout=5) failed though the lock was released at 0.2 s"
        assert 0.15 <= elapsed < 3.0, f"acquired after {elapsed:.3f} s, expected about 0.2 s"

    def test_zero_blocking_timeout_tries_once(self, kata: Any, redis_backend: RedisBackend,
                                              fake_time: FakeTime) -> None:
        _, waiter = self.contenders(kata, redis_backend, fake_time, blocking_timeout=0)
        fake_time.begin("acquire() with blocking_timeout=0")
        got = waiter.acquire()
        assert got is False, f"acquire() with blocking_timeout=0 of a held lock returned {got!r}"
        assert len(fake_time.attempts) == 1 and not fake_time.pauses, (
            f"acquire() with blocking_timeout=0 made attempts at {fake_time.attempt_list()} "
            f"and paused [{fake_time.pause_list()}]; expected exactly one attempt and no "
            "pause, as acquire(timeout=0)"
        )


@pytest.mark.part(2)
class TestPart2Extend:
    def test_extend_adds_to_remaining_ttl(self, kata: Any, redis_client: redis.Redis,
                                          redis_backend: RedisBackend) -> None:
        name = redis_backend.key("job")
        lock = kata.RedisLock(redis_client, name, ttl=5.0)
        assert lock.acquire(blocking=False)
        before = redis_client.pttl(lock_key(name))
        lock.extend(3)
        after = redis_client.pttl(lock_key(name))
        assert before + 3000 - 1000 < after <= before + 3000, (
            f"extend(3) took pttl from {before} to {after} ms; it adds 3 s to the remaining "
            "time (it does not set the TTL to 3 s)"
        )
        lock.extend(0.5)
        again = redis_client.pttl(lock_key(name))
        assert after + 500 - 1000 < again <= after + 500, f"extend(0.5): {after} -> {again} ms"
        assert lock.owned()

    @pytest.mark.parametrize(("additional", "ms"), IN_MILLISECONDS)
    def test_extend_in_whole_milliseconds(self, kata: Any, redis_backend: RedisBackend,
                                          monkeypatch: pytest.MonkeyPatch,
                                          additional: float, ms: int) -> None:
        client = redis_backend.client()
        name = redis_backend.key("job")
        expires_at = expiry_in_ms(redis_backend, client, lock_key(name), monkeypatch)
        lock = kata.RedisLock(client, name, ttl=5.0)
        assert lock.acquire(blocking=False)
        before = expires_at()
        lock.extend(additional)
        added = expires_at() - before
        assert ms <= added <= ms + EXPIRY_SLACK_MS[redis_backend.kind], (
            f"extend({additional}) added {added} ms to the lock's time to live; expected "
            f"{ms} ms: additional goes to Redis as whole milliseconds, rounded to the "
            "nearest, and at least 1"
        )

    def test_extend_by_non_owner_raises_and_keeps_lock(
        self, kata: Any, redis_client: redis.Redis, redis_backend: RedisBackend
    ) -> None:
        name = redis_backend.key("job")
        owner = kata.RedisLock(redis_client, name, ttl=5.0)
        other = kata.RedisLock(redis_backend.client(), name)
        assert owner.acquire(blocking=False)
        token, before = raw(redis_client, lock_key(name)), redis_client.pttl(lock_key(name))
        with pytest.raises(kata.LockNotOwnedError):
            other.extend(10)
        assert other.acquire(blocking=False) is False
        with pytest.raises(kata.LockNotOwnedError):
            other.extend(10)
        after = redis_client.pttl(lock_key(name))
        assert before - 1500 < after <= before, (
            f"a non-owner's extend(10) moved the owner's pttl from {before} to {after} ms"
        )
        assert raw(redis_client, lock_key(name)) == token

    def test_extend_after_takeover_raises(self, kata: Any, redis_client: redis.Redis,
                                          redis_backend: RedisBackend) -> None:
        name = redis_backend.key("job")
        lock = kata.RedisLock(redis_client, name, ttl=5.0)
        assert lock.acquire(blocking=False)
        redis_client.set(lock_key(name), "someone-else-0123456789abcdef", px=2000)
        error = raised(lambda: lock.extend(10))
        pttl = redis_client.pttl(lock_key(name))
        assert pttl <= 2000, (
            f"extend(10) by a holder whose lock was taken over prolonged the new holder's "
            f"lease (2000 -> {pttl} ms): compare the token before extending, in the script"
        )
        assert isinstance(error, kata.LockNotOwnedError), (
            f"extend() of a lock taken over by someone else {described(error)}; expected "
            "LockNotOwnedError"
        )
        redis_client.delete(lock_key(name))
        with pytest.raises(kata.LockNotOwnedError):
            lock.extend(10)  # expired: extend must not bring it back
        assert not redis_client.exists(lock_key(name)), "extend() recreated an expired lock"

    def test_extend_is_one_script_call(self, kata: Any, redis_backend: RedisBackend) -> None:
        client = redis_backend.client()
        lock = kata.RedisLock(client, redis_backend.key("job"))
        assert lock.acquire(blocking=False)
        lock.extend(1)  # warm-up
        log = record(client)
        lock.extend(1)
        assert len(log.names()) == 1 and script_calls(log) == log.names(), (
            f"extend() sent {log}; expected one EVAL/EVALSHA (compare-and-extend in Lua)"
        )

    @pytest.mark.parametrize("additional", [0, -1.0, math.nan, math.inf])
    def test_extend_bad_additional(self, kata: Any, redis_backend: RedisBackend,
                                   additional: float) -> None:
        client = redis_backend.client()
        name = redis_backend.key("job")
        lock = kata.RedisLock(client, name, ttl=5.0)
        assert lock.acquire(blocking=False)
        before = client.pttl(lock_key(name))
        with pytest.raises(ValueError, match=r"\badditional\b"):
            lock.extend(additional)
        after = client.pttl(lock_key(name))
        assert lock.owned() and before - 1500 < after <= before, "a rejected extend() changed it"

    def test_extend_wrong_type(self, kata: Any, redis_backend: RedisBackend) -> None:
        lock = kata.RedisLock(redis_backend.client(), redis_backend.key("job"))
        assert lock.acquire(blocking=False)
        with pytest.raises(TypeError, match=r"\badditional\b"):
            lock.extend("5")
        assert lock.owned()


@pytest.mark.part(2)
class TestPart2Fencing:
    def test_acquire_keeps_its_keys_in_one_slot(self, kata: Any,
                                                redis_backend: RedisBackend) -> None:
        """Redis Cluster refuses a script whose keys are in different hash slots; fakeredis
        does not, so the keys each call names are checked here, slot by slot."""
        client = redis_backend.client()
        name = redis_backend.key("job")
        lock = kata.RedisLock(client, name)
        log = record(client)
        assert lock.acquire(blocking=False), "acquire() of a free lock returned False"
        named: list[str] = []
        for call in log.calls:
            command = words(call)[0].upper()
            if command in SCRIPT_CALLS:
                keys = words(keys_of(call))
                assert len({key_slot(k) for k in keys}) <= 1, (
                    f"acquire() ran one script on keys in different hash slots: "
                    f"{describe_slots(keys)}. Redis Cluster refuses that (CROSSSLOT); {KEY_NAMES}"
                )
                named += keys
            elif command in FENCE_INCR:
                assert words(call)[1] == fence_key(name), (
                    f"acquire() took the fencing token with {command} on {words(call)[1]!r}; "
                    f"expected {fence_key(name)!r}: {KEY_NAMES}")
                named.append(words(call)[1])
        assert fence_key(name) in named, (
            f"acquire() sent {log}, and no command or script names the fence counter "
            f"{fence_key(name)!r} among its keys: a script lists every key it touches in "
            "KEYS (Redis Cluster routes it by them)"
        )

    def test_fencing_token_lifecycle(self, kata: Any, redis_client: redis.Redis,
                                     redis_backend: RedisBackend) -> None:
        name = redis_backend.key("job")
        a = kata.RedisLock(redis_client, name)
        b = kata.RedisLock(redis_backend.client(), name)
        assert a.fencing_token is None, "fencing_token before any acquisition must be None"
        warm_up = kata.RedisLock(redis_client, name)  # loads any registered script
        assert warm_up.acquire(blocking=False)
        warm_up.release()
        seen: list[int] = []
        for lock in (a, a, b, a, b, b):
            log = record(redis_client) if lock is a else None
            assert lock.acquire(blocking=False)
            if log is not None:
                incrs = [n for n in log.names() if n in FENCE_INCR]
                scripts = script_calls(log)
                assert (len(incrs), len(scripts)) in ((1, 0), (0, 1)), (
                    f"acquire() sent {log}: expected one INCR on {{lock:<name>}}:fence (after "
                    "the SET, or in one script with it), the one counter every instance "
                    "draws its fencing tokens from")
            token = lock.fencing_token
            assert isinstance(token, int) and not isinstance(token, bool), (
                f"fencing_token after acquire() is {token!r}, expected an int"
            )
            assert not seen or token > seen[-1], (
                f"fencing tokens so far {seen}, then {token}: they must strictly increase "
                "across acquisitions by any instance"
            )
            seen.append(token)
            stored = raw(redis_client, fence_key(name))
            assert stored is not None and int(stored) == token, (
                f"fencing_token is {token} but {{lock:<name>}}:fence holds {stored!r}: take "
                "it with INCR on the fence key"
            )
            lock.release()
            assert lock.fencing_token is None, "fencing_token after release() must be None"

    def test_fencing_token_survives_expiry(self, kata: Any, redis_backend: RedisBackend) -> None:
        client = redis_backend.client()
        name = redis_backend.key("job")
        a = kata.RedisLock(client, name)
        b = kata.RedisLock(redis_backend.client(), name)
        assert a.acquire(blocking=False)
        first = a.fencing_token
        client.delete(lock_key(name))  # a's lease ran out while it was paused
        assert b.acquire(blocking=False)
        assert isinstance(first, int) and isinstance(b.fencing_token, int)
        assert b.fencing_token > first, (
            f"the new holder got fencing token {b.fencing_token}, not above the stale "
            f"holder's {first}: storage could not tell their writes apart"
        )

    def test_failed_acquire_keeps_none(self, kata: Any, redis_backend: RedisBackend) -> None:
        name = redis_backend.key("job")
        a = kata.RedisLock(redis_backend.client(), name)
        b = kata.RedisLock(redis_backend.client(), name)
        assert a.acquire(blocking=False)
        assert b.acquire(blocking=False) is False
        assert b.fencing_token is None, "b never acquired, yet has a fencing_token"


@pytest.mark.part(2)
class TestPart2ContextManager:
    def test_enter_raises_lock_error_when_not_acquired(self, kata: Any,
                                                       redis_backend: RedisBackend) -> None:
        name = redis_backend.key("job")
        holder = kata.RedisLock(redis_backend.client(), name, ttl=2.0)
        waiter = kata.RedisLock(redis_backend.client(), name, blocking_timeout=0.1,
                                retry_interval=0.02)
        assert holder.acquire(blocking=False)
        ran = []
        with pytest.raises(kata.LockError), waiter:
            ran.append(True)
        assert not ran, "the with-block ran without the lock"
        assert holder.owned(), "the waiter's failed `with` disturbed the holder's lock"
        assert issubclass(kata.LockNotOwnedError, kata.LockError), (
            "LockNotOwnedError must subclass LockError"
        )


@pytest.mark.part(2)
class TestPart2BadInput:
    @pytest.mark.parametrize("value", [-1.0, math.nan, math.inf])
    def test_blocking_timeout(self, kata: Any, redis_backend: RedisBackend, value: float) -> None:
        with pytest.raises(ValueError, match=r"\bblocking_timeout\b"):
            kata.RedisLock(redis_backend.client(), redis_backend.key("j"), blocking_timeout=value)

    @pytest.mark.parametrize("value", [-1.0, math.nan])
    def test_acquire_timeout(self, kata: Any, redis_backend: RedisBackend, value: float) -> None:
        client = redis_backend.client()
        name = redis_backend.key("j")
        lock = kata.RedisLock(client, name)
        with pytest.raises(ValueError, match=r"\btimeout\b"):
            lock.acquire(timeout=value)
        assert not client.exists(lock_key(name)), "a rejected acquire() took the lock"


# After the example-based tests of Part 2, which pin most bugs down faster.
TestPart2LockMachine = pytest.mark.part(2)(LockMachinePart2.TestCase)
TestPart2LockMachine.settings = MACHINE_SETTINGS


# ---------------------------------------------------------------------------- Part 3


def drift(ttl: float) -> float:
    return ttl * 0.01 + 0.002


@pytest.fixture
def servers() -> Iterator[list[RedisProcess]]:
    """Three throwaway redis-server processes (skipped where the binary is missing)."""
    yield from start_servers(3)


@pytest.fixture
def clients(servers: list[RedisProcess]) -> Iterator[list[redis.Redis]]:
    # RedisProcess clients do not retry: a stopped server answers "no" at once.
    made = [s.client() for s in servers]
    yield made
    for c in made:
        c.close()


@pytest.fixture
def name() -> str:
    """A fresh lock name: the throwaway servers are this test's alone, but names differ."""
    return f"kt{secrets.token_hex(4)}:redlock"


def holders(clients: list[redis.Redis], name: str) -> list[str | None]:
    """The value of {lock:<name>} on each server."""
    return [raw(c, lock_key(name)) for c in clients]


@pytest.mark.part(3)
class TestPart3Redlock:
    @pytest.mark.parametrize(("n", "quorum"), [(1, 1), (2, 2), (3, 2), (4, 3), (5, 3), (7, 4)])
    def test_quorum(self, kata: Any, redis_backend: RedisBackend, n: int, quorum: int) -> None:
        rl = kata.Redlock([redis_backend.client() for _ in range(n)], redis_backend.key("r"))
        assert rl.quorum == quorum, f"{n} servers: quorum {rl.quorum}, expected {quorum}"

    def test_acquire_and_release_on_all(self, kata: Any, clients: list[redis.Redis],
                                        name: str) -> None:
        rl = kata.Redlock(clients, name, ttl=10.0)
        assert rl.validity is None, "validity before acquire() must be None"
        assert rl.acquire(blocking=False) is True, "three free servers, yet acquire() failed"
        tokens = holders(clients, name)
        assert tokens[0] is not None and len(set(tokens)) == 1, (
            f"{{lock:<name>}} on the three servers: {tokens}; expected one token on all"
        )
        assert len(tokens[0]) >= TOKEN_MIN_CHARS
        for c in clients:
            assert 9000 < c.pttl(lock_key(name)) <= 10000, "each key must expire after ttl"
        validity = rl.validity
        assert validity is not None and 0 < validity <= 10.0 - drift(10.0), (
            f"validity {validity!r}, expected ttl - elapsed - drift, in (0, {10 - drift(10)}]"
        )
        rl.release()
        assert holders(clients, name) == [None] * 3, "release() must delete the key everywhere"
        assert rl.validity is None, "validity after release() must be None"
        assert rl.acquire(blocking=False)
        assert holders(clients, name)[0] != tokens[0], "each acquisition needs a fresh token"
        rl.release()

    def test_one_round_trip_per_server(self, kata: Any, clients: list[redis.Redis],
                                       name: str) -> None:
        rl = kata.Redlock(clients, name)
        assert rl.acquire(blocking=False), "three free servers, yet acquire() failed"
        rl.release()  # warm-up: a registered script is loaded on its first call
        logs = [record(c) for c in clients]
        assert rl.acquire(blocking=False), "three free servers, yet acquire() failed"
        sent = ", ".join(f"server {n + 1}: {log}" for n, log in enumerate(logs))
        assert all(log.names() == ["SET"] for log in logs), (
            f"acquire() sent {sent}; expected one SET NX PX to each server: one round trip "
            "per server"
        )
        for log in logs:
            log.clear()
        rl.release()
        sent = ", ".join(f"server {n + 1}: {log}" for n, log in enumerate(logs))
        assert all(len(log.names()) == 1 and script_calls(log) for log in logs), (
            f"release() sent {sent}; expected one script call (the compare-and-delete) to "
            "each server"
        )

    def test_minority_fails_and_releases(self, kata: Any, clients: list[redis.Redis],
                                         name: str) -> None:
        other = kata.Redlock(clients[:2], name)  # holds the name on servers 1 and 2
        assert other.acquire(blocking=False)
        before = holders(clients, name)
        rl = kata.Redlock(clients, name)
        assert rl.acquire(blocking=False) is False, (
            "Redlock acquired though only 1 of 3 servers agreed (quorum is 2)"
        )
        assert holders(clients, name) == before, (
            f"after a failed acquire the servers hold {holders(clients, name)}, expected "
            f"{before}: release what you took, and only that"
        )
        assert rl.validity is None
        other.release()

    def test_minority_against_redis_locks(self, kata: Any, clients: list[redis.Redis],
                                          name: str) -> None:
        others = [kata.RedisLock(c, name) for c in clients[1:]]
        for lock in others:
            assert lock.acquire(blocking=False)
        rl = kata.Redlock(clients, name)
        assert rl.acquire(blocking=False) is False, "only server 1 of 3 agreed"
        assert raw(clients[0], lock_key(name)) is None, "the failed acquire kept server 1's key"
        assert all(lock.owned() for lock in others), "a failed acquire freed others' locks"

    def test_one_held_server_still_acquires(self, kata: Any, clients: list[redis.Redis],
                                            name: str) -> None:
        other = kata.RedisLock(clients[0], name)
        assert other.acquire(blocking=False)
        rl = kata.Redlock(clients, name)
        assert rl.acquire(blocking=False) is True, "2 of 3 servers agreed: that is a quorum"
        rl.release()
        assert other.owned(), "Redlock's release() deleted another holder's key"

    def test_other_redlock_excludes(self, kata: Any, clients: list[redis.Redis],
                                    name: str) -> None:
        first = kata.Redlock(clients, name)
        second = kata.Redlock(clients, name)
        assert first.acquire(blocking=False)
        assert second.acquire(blocking=False) is False, "two Redlocks held the same name"
        first.release()
        assert second.acquire(blocking=False) is True
        second.release()

    def test_down_server_counts_as_no(self, kata: Any, servers: list[RedisProcess],
                                      clients: list[redis.Redis], name: str) -> None:
        servers[2].stop()
        rl = kata.Redlock(clients, name)
        try:
            got, elapsed = timed(lambda: rl.acquire(blocking=False))
        except redis.RedisError as exc:
            pytest.fail(f"acquire() with server 3 of 3 down raised {type(exc).__name__}: "
                        f"{exc}; a server that is down counts as a no")
        assert got is True, "2 of 3 servers up and free: acquire() must succeed"
        assert elapsed < 2.0
        assert rl.validity is not None and rl.validity > 0
        assert holders(clients[:2], name)[0] is not None
        rl.release()
        assert holders(clients[:2], name) == [None, None]

    def test_down_and_held_is_no_quorum(self, kata: Any, servers: list[RedisProcess],
                                        clients: list[redis.Redis], name: str) -> None:
        servers[2].stop()
        other = kata.RedisLock(clients[0], name)
        assert other.acquire(blocking=False)
        rl = kata.Redlock(clients, name)
        assert rl.acquire(blocking=False) is False, "only 1 of 3 servers agreed"
        assert raw(clients[1], lock_key(name)) is None, "the failed acquire kept server 2's key"
        assert other.owned()

    def test_release_raises_when_no_server_held(self, kata: Any, clients: list[redis.Redis],
                                                name: str) -> None:
        rl = kata.Redlock(clients, name)
        with pytest.raises(kata.LockNotOwnedError):
            rl.release()  # never acquired
        assert rl.acquire(blocking=False)
        for c in clients[:2]:
            c.delete(lock_key(name))
        rl.release()  # one server still held it: that is a release, not an error
        assert holders(clients, name) == [None] * 3
        assert rl.acquire(blocking=False)
        for c in clients:
            c.delete(lock_key(name))
        with pytest.raises(kata.LockNotOwnedError):
            rl.release()

    def test_release_spares_another_holder(self, kata: Any, clients: list[redis.Redis],
                                           name: str) -> None:
        rl = kata.Redlock(clients, name)
        assert rl.acquire(blocking=False)
        clients[0].set(lock_key(name), "someone-else-0123456789abcdef", px=5000)
        rl.release()
        assert raw(clients[0], lock_key(name)) == "someone-else-0123456789abcdef"

    def test_validity_too_short_fails(self, kata: Any, clients: list[redis.Redis],
                                      name: str) -> None:
        # ttl 2 ms: drift alone (1% of ttl + 2 ms) exceeds it, so validity is never positive.
        rl = kata.Redlock(clients, name, ttl=0.002)
        assert rl.acquire(blocking=False) is False, (
            "with ttl=0.002 the validity ttl - elapsed - drift is negative: the lock may "
            "already be gone, so acquire() must fail"
        )
        assert holders(clients, name) == [None] * 3
        assert rl.validity is None

    def test_blocking_makes_three_attempts(self, kata: Any, clients: list[redis.Redis],
                                           name: str, monkeypatch: pytest.MonkeyPatch) -> None:
        assert kata.Redlock(clients[1:], name).acquire(blocking=False)
        ft = FakeTime(monkeypatch, kata.Redlock)
        rl = kata.Redlock(clients, name)
        ft.watch(clients[0], scripts=False)
        ft.begin("blocking Redlock.acquire() without timeout")
        assert rl.acquire() is False, "1 of 3 servers free: no quorum, yet acquire() succeeded"
        assert len(ft.attempts) == 3, (
            f"blocking acquire() without timeout made attempts at {ft.attempt_list()}; "
            "expected 3 in all"
        )
        long = [pause for _, pause in ft.pauses if not 0 <= pause <= 0.2]
        assert len(ft.pauses) == 2 and not long, (
            f"blocking acquire() paused [{ft.pause_list()}] between its attempts; expected "
            "two random pauses of at most REDLOCK_MAX_PAUSE (0.2) s"
        )
        ft.begin("Redlock.acquire(blocking=False)")
        assert rl.acquire(blocking=False) is False
        assert len(ft.attempts) == 1 and not ft.pauses, (
            f"acquire(blocking=False) made attempts at {ft.attempt_list()} and paused "
            f"[{ft.pause_list()}]; expected one attempt and no pause"
        )

    def test_blocking_timeout_bounds_attempts(self, kata: Any, clients: list[redis.Redis],
                                              name: str, monkeypatch: pytest.MonkeyPatch) -> None:
        for c in clients[:2]:
            assert kata.RedisLock(c, name, ttl=3.0).acquire(blocking=False)
        ft = FakeTime(monkeypatch, kata.Redlock)
        rl = kata.Redlock(clients, name)
        ft.watch(clients[2], scripts=False)
        ft.begin("Redlock.acquire(timeout=0.5)")
        assert rl.acquire(timeout=0.5) is False, "1 of 3 servers free, yet acquire() succeeded"
        deadline = ft.start + 0.5
        late = [t for t in ft.attempts if t > deadline + ft.OVERRUN + 1e-9]
        assert len(ft.attempts) >= 2 and not late, (
            f"acquire(timeout=0.5) made attempts at {ft.attempt_list()}; expected retries "
            "until 0.5 s, and none after"
        )
        long = [pause for _, pause in ft.pauses if not 0 <= pause <= 0.2]
        assert not long, (
            f"acquire(timeout=0.5) paused [{ft.pause_list()}]; expected random pauses of at "
            "most REDLOCK_MAX_PAUSE (0.2) s"
        )

    def test_blocking_acquires_when_freed(self, kata: Any, clients: list[redis.Redis],
                                          name: str) -> None:
        others = [kata.RedisLock(c, name) for c in clients[:2]]
        for lock in others:
            assert lock.acquire(blocking=False)
        releaser = release_later(others[0], 0.1)
        rl = kata.Redlock(clients, name)
        got = rl.acquire(timeout=3.0)
        releaser.join()
        assert got is True, "a quorum became free at 0.1 s, yet acquire(timeout=3) failed"
        rl.release()

    def test_decoded_responses(self, kata: Any, servers: list[RedisProcess],
                               name: str) -> None:
        decoded = [s.client(decode_responses=True) for s in servers]
        try:
            rl = kata.Redlock(decoded, name)
            assert rl.acquire(blocking=False), "acquire() failed with decode_responses=True"
            assert None not in holders(decoded, name)
            rl.release()
            assert holders(decoded, name) == [None] * 3
        finally:
            for c in decoded:
                c.close()

    def test_context_manager(self, kata: Any, clients: list[redis.Redis], name: str) -> None:
        rl = kata.Redlock(clients, name)
        with rl:
            assert None not in holders(clients, name), "inside `with`: held on every server"
        assert holders(clients, name) == [None] * 3, "after `with`: released everywhere"
        with pytest.raises(kata.LockNotOwnedError), rl:
            for c in clients:
                c.delete(lock_key(name))
        with pytest.raises(KeyError), rl:
            for c in clients:
                c.delete(lock_key(name))
            raise KeyError("boom")
        for c in clients[:2]:
            assert kata.RedisLock(c, name).acquire(blocking=False)
        ran = []
        with pytest.raises(kata.LockError), rl:
            ran.append(True)
        assert not ran, "the with-block ran without the lock"

    @pytest.mark.parametrize("ttl", [0, -1.0, math.nan, math.inf])
    def test_bad_ttl(self, kata: Any, redis_backend: RedisBackend, ttl: float) -> None:
        with pytest.raises(ValueError, match=r"\bttl\b"):
            kata.Redlock([redis_backend.client()], redis_backend.key("r"), ttl=ttl)

    def test_bad_clients_and_name(self, kata: Any, redis_backend: RedisBackend) -> None:
        with pytest.raises(ValueError, match=r"\bclients\b"):
            kata.Redlock([], redis_backend.key("r"))
        with pytest.raises(ValueError, match=r"\bname\b"):
            kata.Redlock([redis_backend.client()], "")
        with pytest.raises(TypeError, match=r"\bname\b"):
            kata.Redlock([redis_backend.client()], 7)
        for clients in ("redis://localhost:6379", 42):
            with pytest.raises(TypeError, match=r"\bclients\b"):
                kata.Redlock(clients, redis_backend.key("r"))

    def test_defaults_to_a_10_s_lease(self, kata: Any, redis_backend: RedisBackend) -> None:
        client = redis_backend.client()
        name = redis_backend.key("r")
        rl = kata.Redlock([client], name)
        assert rl.acquire(blocking=False), "one free server, yet acquire() failed"
        pttl = client.pttl(lock_key(name))
        assert 9000 < pttl <= 10000, (
            f"Redlock([client], name).acquire() gave the key a PTTL of {pttl} ms; the default "
            "ttl is 10 s"
        )

    @pytest.mark.parametrize("ttl", [10.0, 0.5])
    def test_validity_is_ttl_minus_elapsed_minus_drift(
        self, kata: Any, redis_backend: RedisBackend, monkeypatch: pytest.MonkeyPatch,
        ttl: float
    ) -> None:
        FakeTime(monkeypatch, kata.Redlock)  # time.monotonic stands still: elapsed is 0
        rl = kata.Redlock([redis_backend.client()], redis_backend.key("r"), ttl=ttl)
        got = rl.acquire(blocking=False)
        want = ttl - drift(ttl)
        assert got is True and rl.validity == pytest.approx(want, abs=1e-9), (
            f"Redlock with ttl={ttl:g}, no time elapsed: acquire() returned {got!r} with "
            f"validity {rl.validity!r}; expected True and ttl - elapsed - drift = {want:g}, "
            "the drift being 1% of the ttl plus 2 ms"
        )

    def test_zero_validity_is_not_held(self, kata: Any, redis_backend: RedisBackend,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
        FakeTime(monkeypatch, kata.Redlock)  # time.monotonic stands still: elapsed is 0
        ttl = 0.00202020202020202  # ttl - (1% of ttl + 2 ms) is exactly 0.0 in floats
        client = redis_backend.client()
        name = redis_backend.key("r")
        rl = kata.Redlock([client], name, ttl=ttl)
        got = rl.acquire(blocking=False)
        assert got is False and rl.validity is None, (
            f"Redlock with ttl={ttl!r}: the drift allowance equals the ttl, so the validity "
            f"is 0, yet acquire() returned {got!r} (validity {rl.validity!r}): the lock is "
            "held only while validity > 0"
        )
        assert raw(client, lock_key(name)) is None, "the failed acquire() kept its key"

    def test_blocking_retries_until_the_timeout(self, kata: Any, redis_backend: RedisBackend,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
        client = redis_backend.client()
        name = redis_backend.key("r")
        assert kata.RedisLock(redis_backend.client(), name).acquire(blocking=False)
        ft = FakeTime(monkeypatch, kata.Redlock)
        rl = kata.Redlock([client], name)
        ft.watch(client, scripts=False)
        ft.begin("Redlock.acquire(timeout=2)")
        assert rl.acquire(timeout=2) is False, "the only server is held, yet acquire() succeeded"
        last = ft.attempts[-1] if ft.attempts else ft.start
        assert last >= ft.start + 2 - 0.2 - ft.OVERRUN, (
            f"acquire(timeout=2) made attempts at {ft.attempt_list()}: it gave up at "
            f"{ft.at(last)}, but it retries, with random pauses of at most 0.2 s, until 2 s "
            "have passed (REDLOCK_RETRIES bounds only an acquire without a timeout)"
        )

    def test_timeout_is_checked_and_zero_is_one_attempt(
        self, kata: Any, redis_backend: RedisBackend, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        client = redis_backend.client()
        name = redis_backend.key("r")
        rl = kata.Redlock([client], name)
        for value in (-1.0, math.nan, math.inf):
            with pytest.raises(ValueError, match=r"\btimeout\b"):
                rl.acquire(timeout=value)
        assert not client.exists(lock_key(name)), "a rejected acquire() took the lock"
        assert kata.RedisLock(redis_backend.client(), name).acquire(blocking=False)
        ft = FakeTime(monkeypatch, kata.Redlock)
        ft.watch(client, scripts=False)
        ft.begin("Redlock.acquire(timeout=0)")
        got = rl.acquire(timeout=0)
        assert got is False and len(ft.attempts) == 1 and not ft.pauses, (
            f"acquire(timeout=0) of a held lock returned {got!r} after attempts at "
            f"{ft.attempt_list()} and pauses [{ft.pause_list()}]; expected False after "
            "exactly one attempt and no pause"
        )

    def test_an_instance_that_never_acquired_owns_nothing(
        self, kata: Any, redis_backend: RedisBackend
    ) -> None:
        client = redis_backend.client()
        name = redis_backend.key("r")
        rl = kata.Redlock([client], name)
        client.set(lock_key(name), "", px=5000)  # another process's (odd) empty token
        error = raised(rl.release)
        assert raw(client, lock_key(name)) == "", (
            "release() by a Redlock that never acquired deleted a key holding an empty "
            "string: it has no token, so no key can be its own"
        )
        assert isinstance(error, kata.LockNotOwnedError), (
            f"release() by a Redlock that never acquired {described(error)}; expected "
            "LockNotOwnedError"
        )

    def test_release_succeeds_if_any_server_still_held_it(
        self, kata: Any, clients: list[redis.Redis], name: str
    ) -> None:
        rl = kata.Redlock(clients, name)
        assert rl.acquire(blocking=False), "three free servers, yet acquire() failed"
        for c in clients[1:]:
            c.delete(lock_key(name))  # expired on servers 2 and 3
        error = raised(rl.release)
        assert error is None, (
            f"release() when only server 1 of 3 still held the lock {described(error)}; "
            "LockNotOwnedError is for when no server held it: count every server's answer"
        )
        assert holders(clients, name) == [None] * 3
