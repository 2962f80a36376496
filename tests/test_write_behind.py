"""The `write_behind` suite: write policies in front of a recording fake store.

Part 1: ``WriteThroughCache`` and ``WriteAroundCache`` (examples, and a state machine
against a model of both policies). Part 2: ``WriteBehindCache`` (examples on a fake clock,
the backoff schedule, ``close()``, real threads against a store that stalls, and a state
machine against a model of the buffer that predicts every batch). Part 3:
``StreamWriteBehind`` on fakeredis and, with REDIS_URL, a real server; a crashed flusher
is an instance (or a raw consumer) that read entries and never acknowledged them.

The store is :class:`FakeStore`: it records every call, and can be told to fail (before
or after applying a write) or to stall until the test lets it go.
"""

from __future__ import annotations

import json
import math
import re
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from types import ModuleType
from typing import Any

import pytest
import redis
from hypothesis import given, note, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from tests.support.clock import FakeClock
from tests.support.recording import record
from tests.support.redis_backends import RedisBackend, describe_slots, key_slot
from tests.support.targets import load
from tests.support.threads import Background, run_bounded, run_together
from tests.support.waiting import eventually, wait_until

KATA = "write_behind"

BOUND = 5.0  # seconds: the longest any test waits for anything
PROMPT = 1.0  # seconds allowed for what a correct implementation does at once


class StoreDown(Exception):
    """The fake store's failure, raised on purpose."""


class FakeStore:
    """A store in memory that records every call and fails or stalls when told to.

    ``calls``: ``("read", key)``, ``("write", key, value)``, ``("write_many", {..})`` in
    order. ``accepted[key]``: the values the store took for ``key``, in order. Writes
    follow ``plan`` (a list of "ok", "fail" (nothing applied) or "fail after" (applied,
    then an error, as a timeout after the write landed)), else fail while ``down``.
    ``gate``: when set to an Event, each write waits there (``entered`` is set first).
    ``read_gate`` and ``read_entered`` do the same for reads.
    """

    def __init__(self, data: Mapping[str, Any] | None = None) -> None:
        self.data: dict[str, Any] = dict(data or {})
        self.calls: list[tuple[Any, ...]] = []
        self.accepted: dict[str, list[Any]] = defaultdict(list)
        self.plan: list[str] = []
        self.down = False
        self.read_fails = False
        self.gate: threading.Event | None = None
        self.entered = threading.Event()
        self.read_gate: threading.Event | None = None
        self.read_entered = threading.Event()
        self.writing = 0
        self.most_writing = 0
        self.mutex = threading.Lock()

    def read(self, key: str) -> Any:
        with self.mutex:
            self.calls.append(("read", key))
        if self.read_gate is not None:
            self.read_entered.set()
            self.read_gate.wait(BOUND)
        if self.read_fails:
            raise StoreDown(f"read({key!r}): the store is down")
        return self.data[key]

    def write(self, key: str, value: Any) -> None:
        self._write(("write", key, value), {key: value})

    def write_many(self, items: Mapping[str, Any]) -> None:
        copy = dict(items)
        self._write(("write_many", copy), copy)

    def _write(self, call: tuple[Any, ...], items: dict[str, Any]) -> None:
        with self.mutex:
            self.calls.append(call)
            self.writing += 1
            self.most_writing = max(self.most_writing, self.writing)
        try:
            if self.gate is not None:
                self.entered.set()
                self.gate.wait(BOUND)
            with self.mutex:
                outcome = self.plan.pop(0) if self.plan else ("fail" if self.down else "ok")
                if outcome != "fail":
                    self.data.update(items)
                    for key, value in items.items():
                        self.accepted[key].append(value)
            if outcome != "ok":
                raise StoreDown(f"{call[0]}(): the store is down")
        finally:
            with self.mutex:
                self.writing -= 1

    def batches(self) -> list[dict[str, Any]]:
        """Every ``write_many`` argument so far, in order."""
        return [call[1] for call in self.calls if call[0] == "write_many"]

    def reads(self) -> list[str]:
        return [call[1] for call in self.calls if call[0] == "read"]


def raised(call: Callable[[], object]) -> Exception | None:
    """The exception ``call()`` raised, or None (a stub's NotImplementedError propagates)."""
    try:
        call()
    except NotImplementedError:
        raise
    except Exception as exc:
        return exc
    return None


FALSY = [None, 0, 0.0, "", False, [], {}]
KEY_NAMED = r"\bkey\b"  # the error names the argument ``key``, as a word
BAD_KEYS = [(42, TypeError), (True, TypeError), (b"k", TypeError), (None, TypeError),
            ("", ValueError)]

# --- Part 1 ---------------------------------------------------------------------------------

POLICIES = ["WriteThroughCache", "WriteAroundCache"]


@pytest.fixture(params=POLICIES)
def policy(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.mark.part(1)
class TestPart1ReadThrough:
    """What both policies share: a miss reads the store once and is cached."""

    def test_a_miss_reads_the_store_once_then_hits(self, kata: ModuleType, policy: str) -> None:
        store = FakeStore({"a": "from the store"})
        cache = getattr(kata, policy)(store)
        assert cache.get("a") == "from the store"
        assert cache.get("a") == "from the store"
        assert store.reads() == ["a"], (
            f"{policy}: two get('a') called store.read {len(store.reads())} times; the first "
            "reads the store and caches the value, the second is a hit"
        )

    def test_falsy_values_are_cached(self, kata: ModuleType, policy: str) -> None:
        store = FakeStore({f"k{i}": v for i, v in enumerate(FALSY)})
        cache = getattr(kata, policy)(store)
        for i, value in enumerate(FALSY):
            assert cache.get(f"k{i}") == value
            assert cache.get(f"k{i}") == value
        again = [k for k in store.reads() if store.reads().count(k) > 1]
        assert not again, (
            f"{policy}: the values {[store.data[k] for k in sorted(set(again))]!r} were read "
            "from the store again on the next get: None, 0, '' and other falsy values are "
            "values, not misses (test `key in cache`, not the value)"
        )

    def test_a_missing_key_raises_keyerror_and_caches_nothing(
        self, kata: ModuleType, policy: str
    ) -> None:
        store = FakeStore()
        cache = getattr(kata, policy)(store)
        with pytest.raises(KeyError):
            cache.get("nope")
        store.data["nope"] = "arrived"
        got = raised(lambda: cache.get("nope"))
        assert got is None, (
            f"{policy}: get('nope') after the store gained it {got!r}: a miss in the store "
            "must not be cached"
        )
        assert cache.get("nope") == "arrived"
        assert store.reads() == ["nope", "nope"], f"store reads: {store.reads()}"

    def test_a_failed_read_propagates_and_caches_nothing(
        self, kata: ModuleType, policy: str
    ) -> None:
        store = FakeStore({"a": 1})
        store.read_fails = True
        cache = getattr(kata, policy)(store)
        with pytest.raises(StoreDown):
            cache.get("a")
        store.read_fails = False
        assert cache.get("a") == 1
        assert store.reads() == ["a", "a"]

    @pytest.mark.parametrize(("key", "error"), BAD_KEYS)
    def test_bad_keys_are_rejected_before_any_store_call(
        self, kata: ModuleType, policy: str, key: Any, error: type[Exception]
    ) -> None:
        store = FakeStore()
        cache = getattr(kata, policy)(store)
        with pytest.raises(error, match=KEY_NAMED):
            cache.put(key, 1)
        with pytest.raises(error, match=KEY_NAMED):
            cache.get(key)
        assert store.calls == [], f"{policy} called the store for a bad key: {store.calls}"


@pytest.mark.part(1)
class TestPart1WriteThrough:
    def test_put_writes_the_store_once_and_the_cache(self, kata: ModuleType) -> None:
        store = FakeStore()
        cache = kata.WriteThroughCache(store)
        assert cache.put("a", [1, 2]) is None
        assert store.calls == [("write", "a", [1, 2])], (
            f"put('a', [1, 2]) made the store calls {store.calls}; write-through is one "
            "store.write(key, value) before put returns"
        )
        assert cache.get("a") == [1, 2]
        assert store.reads() == [], (
            "get('a') right after put('a', ...) read the store: write-through caches the "
            "value it wrote (read-your-writes from the cache)"
        )

    def test_put_replaces_a_cached_value(self, kata: ModuleType) -> None:
        store = FakeStore({"a": "old"})
        cache = kata.WriteThroughCache(store)
        assert cache.get("a") == "old"
        cache.put("a", "new")
        assert cache.get("a") == "new", "after put('a', 'new') the cache still serves the old value"
        assert store.reads() == ["a"]

    @pytest.mark.parametrize("mode", ["fail", "fail after"])
    @pytest.mark.parametrize("cached_before", [False, True])
    def test_a_failed_write_drops_the_key(
        self, kata: ModuleType, mode: str, cached_before: bool
    ) -> None:
        store = FakeStore({"a": "old"})
        cache = kata.WriteThroughCache(store)
        if cached_before:
            cache.get("a")
        store.plan = [mode]
        with pytest.raises(StoreDown):
            cache.put("a", "new")
        reads = len(store.reads())
        got = cache.get("a")
        landed = "the write landed, then the store raised" if mode == "fail after" else (
            "the store applied nothing")
        assert len(store.reads()) == reads + 1, (
            f"after a failed put('a', 'new') ({landed}), get('a') returned {got!r} from the "
            "cache: a failed write must drop the key, since only the store knows whether "
            "the write landed"
        )
        assert got == store.data["a"], f"get('a') returned {got!r}, the store has {store.data}"


@pytest.mark.part(1)
class TestPart1WriteAround:
    def test_put_writes_the_store_and_the_next_get_reads_it(self, kata: ModuleType) -> None:
        store = FakeStore({"a": "old"})
        cache = kata.WriteAroundCache(store)
        assert cache.get("a") == "old"
        assert cache.put("a", "new") is None
        assert [c for c in store.calls if c[0] != "read"] == [("write", "a", "new")], (
            f"put('a', 'new') made the store calls {store.calls[1:]}; expected one "
            "store.write('a', 'new')"
        )
        got = cache.get("a")
        assert got == "new", (
            f"get('a') after put('a', 'new') returned {got!r}: write-around must drop the "
            "cached value, so that the next read loads the store's"
        )
        assert store.reads() == ["a", "a"], (
            f"get('a') after put('a', 'new') read the store {len(store.reads()) - 1} time(s): "
            "write-around does not cache the value it writes; the next read loads it from "
            "the store"
        )
        assert cache.get("a") == "new"
        assert store.reads() == ["a", "a"], "the value read after the put was not cached"

    def test_put_does_not_cache_the_value(self, kata: ModuleType) -> None:
        store = FakeStore()
        cache = kata.WriteAroundCache(store)
        cache.put("a", 1)
        store.data["a"] = 2  # another writer, straight to the store
        got = cache.get("a")
        assert store.reads() == ["a"] and got == 2, (
            f"get('a') after put('a', 1) returned {got!r} without reading the store: "
            "write-around writes around the cache; the next read loads the store's value"
        )

    @pytest.mark.parametrize("mode", ["fail", "fail after"])
    def test_a_failed_write_drops_the_key(self, kata: ModuleType, mode: str) -> None:
        store = FakeStore({"a": "old"})
        cache = kata.WriteAroundCache(store)
        cache.get("a")
        store.plan = [mode]
        with pytest.raises(StoreDown):
            cache.put("a", "new")
        got = cache.get("a")
        assert store.reads() == ["a", "a"] and got == store.data["a"], (
            f"after a failed put('a', 'new') ({mode}), get('a') returned {got!r} without "
            "reading the store: the key must be dropped whether or not the write succeeded"
        )


class PolicyMachine(RuleBasedStateMachine):
    """Puts (some failing, before or after the write lands), gets, and writes straight to
    the store by someone else, against a model: a dict of cached keys and the store."""

    def __init__(self) -> None:
        super().__init__()
        self.kata = load(KATA)
        self.store = FakeStore({"a": "a0", "b": "b0"})
        self.cached: dict[str, Any] = {}
        self.version = 0
        self.policy = ""

    @initialize(policy=st.sampled_from(POLICIES))
    def build(self, policy: str) -> None:
        self.policy = policy
        self.cache = getattr(self.kata, policy)(self.store)

    def fresh(self, key: str) -> str:
        self.version += 1
        return f"{key}{self.version}"

    @rule(key=st.sampled_from("abc"), outcome=st.sampled_from(["ok", "ok", "fail",
                                                                "fail after"]))
    def put(self, key: str, outcome: str) -> None:
        value = self.fresh(key)
        self.store.plan = [outcome]
        error = raised(lambda: self.cache.put(key, value))
        self.store.plan = []
        if outcome == "ok":
            assert error is None, f"put({key!r}, {value!r}) raised {error!r}"
        else:
            assert isinstance(error, StoreDown), (
                f"put({key!r}, {value!r}) returned {error!r} though store.write raised "
                "StoreDown: the store's error must propagate"
            )
        if outcome == "ok" and self.policy == "WriteThroughCache":
            self.cached[key] = value
        else:
            self.cached.pop(key, None)

    @rule(key=st.sampled_from("abc"))
    def someone_else_writes_the_store(self, key: str) -> None:
        self.store.data[key] = self.fresh(key)

    @rule(key=st.sampled_from("abc"))
    def get(self, key: str) -> None:
        reads = len(self.store.reads())
        hit = key in self.cached
        if hit:
            want: Any = self.cached[key]
        elif key in self.store.data:
            want = self.store.data[key]
        else:
            want = KeyError
        box: list[Any] = []
        error = raised(lambda: box.append(self.cache.get(key)))
        new_reads = len(self.store.reads()) - reads
        if want is KeyError:
            assert isinstance(error, KeyError), (
                f"get({key!r}) of a key neither cached nor in the store gave "
                f"{box or error!r}, expected KeyError"
            )
            return
        assert error is None, f"{self.policy}.get({key!r}) raised {error!r}; want {want!r}"
        assert box[0] == want, (
            f"{self.policy}.get({key!r}) returned {box[0]!r}, expected {want!r} "
            f"(model: cached {self.cached}, store {self.store.data})"
        )
        assert new_reads == (0 if hit else 1), (
            f"{self.policy}.get({key!r}) read the store {new_reads} time(s), expected "
            f"{0 if hit else 1} ({'a hit: the model has it cached' if hit else 'a miss'}; "
            f"model: cached {self.cached})"
        )
        self.cached[key] = want


TestPart1PolicyMachine = pytest.mark.part(1)(PolicyMachine.TestCase)


# --- Part 2: WriteBehindCache ------------------------------------------------------------------


def behind(kata: ModuleType, store: FakeStore, clock: FakeClock, **options: Any) -> Any:
    options.setdefault("max_batch", 100)
    options.setdefault("flush_interval", 1.0)
    return kata.WriteBehindCache(store, clock=clock, **options)


class Sleeps:
    """A fake ``sleep`` that records each pause and moves the fake clock."""

    def __init__(self, clock: FakeClock) -> None:
        self.clock = clock
        self.pauses: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.pauses.append(seconds)
        assert len(self.pauses) <= 50, f"close() paused {len(self.pauses)} times: {self.pauses}"
        self.clock.advance(seconds)


@pytest.mark.part(2)
class TestPart2Buffering:
    def test_put_is_acknowledged_without_a_store_call_and_readable(
        self, kata: ModuleType, clock: FakeClock
    ) -> None:
        store = FakeStore()
        cache = behind(kata, store, clock)
        cache.put("a", 1)
        cache.put("a", 2)
        cache.put("b", None)
        assert store.calls == [], (
            f"put() called the store ({store.calls}) with 2 keys pending, max_batch=100 and "
            "no time passed: a write-behind put is acknowledged at once, from memory"
        )
        assert (cache.get("a"), cache.get("b")) == (2, None), "get() must see the last put"
        assert store.calls == [], f"get() of a key just written called the store: {store.calls}"
        assert cache.pending() == 2, f"pending() is {cache.pending()} with keys a and b pending"

    def test_the_put_that_fills_a_batch_flushes_it(
        self, kata: ModuleType, clock: FakeClock
    ) -> None:
        store = FakeStore()
        cache = behind(kata, store, clock, max_batch=3)
        for step, (key, value) in enumerate([("a", 1), ("a", 2), ("b", 1), ("a", 3)]):
            cache.put(key, value)
            assert store.batches() == [], (
                f"after put #{step + 1}, only {len({'a', 'b'} if step >= 2 else {'a'})} "
                f"distinct key(s) are pending, yet the store got {store.batches()}: max_batch=3 "
                "counts keys, not writes"
            )
        cache.put("c", 1)
        assert store.batches() == [{"a": 3, "b": 1, "c": 1}], (
            f"the put that made 3 keys pending (max_batch=3) sent {store.batches()}; expected "
            "one write_many with each key's last value"
        )
        assert [c[0] for c in store.calls] == ["write_many"], f"store calls: {store.calls}"
        assert cache.pending() == 0

    def test_flush_due_waits_exactly_flush_interval(
        self, kata: ModuleType, clock: FakeClock
    ) -> None:
        store = FakeStore()
        cache = behind(kata, store, clock, flush_interval=2.0)
        start = clock.now
        cache.put("a", 1)
        clock.set(start + 2.0 - 1e-6)
        assert cache.flush_due() == 0 and store.calls == [], (
            f"flush_due() {2.0 - 1e-6:.6f} s after the only write (flush_interval=2.0) wrote "
            f"{store.batches()}: not due yet"
        )
        clock.set(start + 2.0)
        got = cache.flush_due()
        assert store.batches() == [{"a": 1}], (
            f"flush_due() exactly flush_interval=2.0 s after the first write sent "
            f"{store.batches()}: a write is due when clock() - first >= flush_interval"
        )
        assert got == 1, f"flush_due() returned {got!r}, not the number of keys written (1)"
        assert cache.flush_due() == 0 and len(store.batches()) == 1

    def test_a_rewritten_key_keeps_its_first_time(
        self, kata: ModuleType, clock: FakeClock
    ) -> None:
        store = FakeStore()
        cache = behind(kata, store, clock, flush_interval=1.0)
        start = clock.now
        for i in range(10):  # a hot key, written every 0.1 s
            clock.set(start + i * 0.1)
            cache.put("hot", i)
            cache.flush_due()
        clock.set(start + 1.0)
        cache.flush_due()
        assert store.batches() == [{"hot": 9}], (
            f"a key written at +0.0, +0.1, ... +0.9 s was not flushed at +1.0 s "
            f"(flush_interval=1.0); the store got {store.batches()}. Rewriting a pending key "
            "changes its value, never its time: otherwise a hot key is never written"
        )

    def test_by_default_100_keys_fill_a_batch_and_a_write_waits_one_second(
        self, kata: ModuleType, clock: FakeClock
    ) -> None:
        store = FakeStore()
        cache = kata.WriteBehindCache(store, clock=clock)
        for i in range(99):
            cache.put(f"k{i}", i)
        assert store.batches() == [], (
            f"99 keys pending and no time passed, yet the store got {len(store.batches())} "
            "write_many call(s): max_batch defaults to 100"
        )
        cache.put("k99", 99)
        sizes = [len(b) for b in store.batches()]
        assert sizes == [100], (
            f"the put that made 100 keys pending sent batches of {sizes} keys; expected one "
            "of 100: max_batch defaults to 100"
        )
        cache.put("late", 1)
        clock.advance(1.0 - 1 / 64)
        assert cache.flush_due() == 0 and len(store.batches()) == 1, (
            f"flush_due() {1.0 - 1 / 64} s after the write of 'late' sent "
            f"{store.batches()[1:]}: flush_interval defaults to 1 s"
        )
        clock.advance(1 / 64)
        assert cache.flush_due() == 1 and store.batches()[1:] == [{"late": 1}], (
            f"flush_due() 1 s after the write of 'late' sent {store.batches()[1:]}: "
            "flush_interval defaults to 1 s"
        )

    def test_flush_writes_now_and_returns_the_count(
        self, kata: ModuleType, clock: FakeClock
    ) -> None:
        store = FakeStore()
        cache = behind(kata, store, clock)
        assert cache.flush() == 0 and store.calls == [], "flush() with nothing pending"
        cache.put("a", 1)
        cache.put("b", 2)
        assert cache.flush() == 2
        assert store.batches() == [{"a": 1, "b": 2}]
        assert cache.pending() == 0 and cache.flush() == 0

    def test_get_reads_through_and_caches(self, kata: ModuleType, clock: FakeClock) -> None:
        store = FakeStore({"x": 0, "y": None})
        cache = behind(kata, store, clock)
        assert [cache.get(k) for k in "xyxy"] == [0, None, 0, None]
        assert store.reads() == ["x", "y"], f"store reads: {store.reads()}"
        with pytest.raises(KeyError):
            cache.get("nope")
        assert cache.pending() == 0, "a value read from the store is not a pending write"
        clock.advance(10)
        assert cache.flush_due() == 0 and store.batches() == [], (
            f"values read from the store were written back: {store.batches()}"
        )

    @pytest.mark.parametrize(("key", "error"), BAD_KEYS)
    def test_bad_keys_are_rejected(self, kata: ModuleType, clock: FakeClock, key: Any,
                                   error: type[Exception]) -> None:
        store = FakeStore()
        cache = behind(kata, store, clock)
        with pytest.raises(error, match=KEY_NAMED):
            cache.put(key, 1)
        with pytest.raises(error, match=KEY_NAMED):
            cache.get(key)
        assert cache.pending() == 0 and store.calls == []

    @pytest.mark.parametrize(
        ("option", "value", "error"),
        [
            ("max_batch", 0, ValueError), ("max_batch", True, TypeError),
            ("max_batch", 1.5, TypeError), ("max_batch", "10", TypeError),
            ("flush_interval", 0, ValueError), ("flush_interval", -1.0, ValueError),
            ("flush_interval", math.nan, ValueError), ("flush_interval", math.inf, ValueError),
            ("flush_interval", True, TypeError), ("flush_interval", "1", TypeError),
            ("retry_base", 0, ValueError), ("retry_base", math.nan, ValueError),
            ("retry_max", 0.05, ValueError), ("retry_max", math.inf, ValueError),
            ("close_retries", -1, ValueError), ("close_retries", True, TypeError),
            ("close_retries", 2.0, TypeError), ("clock", 5, TypeError),
            ("sleep", "no", TypeError),
        ],
    )
    def test_bad_options_are_rejected(self, kata: ModuleType, option: str, value: Any,
                                      error: type[Exception]) -> None:
        options: dict[str, Any] = {"retry_base": 0.1, option: value}
        with pytest.raises(error, match=rf"\b{option}\b"):
            kata.WriteBehindCache(FakeStore(), **options)


@pytest.mark.part(2)
class TestPart2Failures:
    def test_backoff_doubles_from_retry_base_up_to_retry_max(
        self, kata: ModuleType, clock: FakeClock
    ) -> None:
        store = FakeStore()
        store.down = True
        cache = behind(kata, store, clock, retry_base=0.125, retry_max=0.5)
        cache.put("a", 1)
        clock.advance(1.0)
        start = clock.now
        attempts: list[float] = []
        step = 1 / 32  # binary fractions: the clock adds up exactly
        for _ in range(96):  # flush_due() every 1/32 s for 3 s
            before = len(store.batches())
            cache.flush_due()
            if len(store.batches()) > before:
                attempts.append(clock.now - start)
            assert cache.pending() == 1, (
                f"the store refused the only write, 'a', at +{attempts} s, and now pending() "
                f"is {cache.pending()}: a batch the store refused goes back to the buffer"
            )
            clock.advance(step)
        want = [0.0, 0.125, 0.375, 0.875, 1.375, 1.875, 2.375, 2.875]
        assert attempts == want, (
            f"with the store down, flush_due() every 1/32 s wrote at +{attempts} s; expected "
            f"+{want} s: after the n-th failure wait retry_base * 2 ** (n - 1) (0.125, "
            "0.25, 0.5, ...), capped at retry_max=0.5"
        )
        assert cache.pending() == 1 and cache.get("a") == 1, (
            f"after the failures, pending() is {cache.pending()}: a write the store refused "
            "is still pending"
        )

    def test_backoff_also_holds_back_a_full_batch(
        self, kata: ModuleType, clock: FakeClock
    ) -> None:
        store = FakeStore()
        store.plan = ["fail"]
        cache = behind(kata, store, clock, max_batch=2, retry_base=1.0, retry_max=1.0)
        cache.put("a", 1)
        cache.put("b", 1)
        for i in range(6):
            cache.put(f"k{i}", i)
        assert len(store.batches()) == 1, (
            f"during the 1 s backoff after a failed flush, puts of a full batch sent "
            f"{store.batches()[1:]}: a failing store is not hammered"
        )
        clock.advance(1.0)
        cache.put("z", 0)
        assert len(store.batches()) == 6, (
            f"the first put after the backoff, with 9 keys pending, flushed "
            f"{store.batches()[1:]}; expected all 9 keys in 5 batches of at most 2"
        )

    def test_a_due_flush_writes_every_pending_key_oldest_first(
        self, kata: ModuleType, clock: FakeClock
    ) -> None:
        store = FakeStore()
        cache = behind(kata, store, clock, max_batch=2, flush_interval=1.0)
        store.plan = ["fail"]
        cache.put("a", 1)
        cache.put("b", 1)  # fills a batch; the store fails: backoff of 0.1 s
        for key in "cdae":
            cache.put(key, 2)
        assert len(store.batches()) == 1, (
            f"puts during the backoff sent {store.batches()[1:]}: no write is attempted "
            "until the retry is due"
        )
        clock.advance(0.1)
        written = cache.flush_due()
        assert store.batches()[1:] == [{"a": 2, "b": 1}, {"c": 2, "d": 2}, {"e": 2}], (
            f"the retry wrote {store.batches()[1:]}; expected every pending key, oldest "
            "first, in batches of max_batch=2, each key with its last value: "
            "[{a: 2, b: 1}, {c: 2, d: 2}, {e: 2}]"
        )
        assert [list(b) for b in store.batches()[1:]] == [["a", "b"], ["c", "d"], ["e"]]
        assert written == 5, f"flush_due() returned {written!r}, not the 5 keys it wrote"

    def test_a_success_resets_the_backoff(self, kata: ModuleType, clock: FakeClock) -> None:
        store = FakeStore()
        store.plan = ["fail", "fail", "ok", "fail"]
        cache = behind(kata, store, clock, retry_base=0.1, retry_max=10.0)
        cache.put("a", 1)
        clock.advance(1.0)
        cache.flush_due()  # failure 1: retry after 0.1
        clock.advance(0.1)
        cache.flush_due()  # failure 2: retry after 0.2
        clock.advance(0.2)
        assert cache.flush_due() == 1, "the retry due 0.2 s after the 2nd failure must write"
        cache.put("b", 1)
        clock.advance(1.0)
        cache.flush_due()  # a new first failure: retry after 0.1, not 0.4
        clock.advance(0.1)
        assert cache.flush_due() == 1 and store.batches()[-1] == {"b": 1}, (
            f"after a successful flush, the next failure must wait retry_base=0.1 s again "
            f"(the count of consecutive failures starts over); writes: {store.batches()}"
        )

    def test_after_a_success_a_full_batch_flushes_at_once_again(
        self, kata: ModuleType, clock: FakeClock
    ) -> None:
        store = FakeStore()
        store.plan = ["fail"]
        cache = behind(kata, store, clock, max_batch=2, retry_base=5.0, retry_max=5.0)
        cache.put("a", 1)
        cache.put("b", 1)  # fills a batch; the store fails: no retry for 5 s
        assert cache.flush() == 2, "flush() writes now, whatever the backoff"
        cache.put("c", 1)
        cache.put("d", 1)
        assert store.batches()[2:] == [{"c": 1, "d": 1}], (
            f"the put that filled a batch right after a successful flush() sent "
            f"{store.batches()[2:]}: a success ends the backoff (no retry is waited for), "
            "so a full buffer is flushed at once again"
        )

    def test_the_default_backoff_doubles_from_a_tenth_up_to_ten_seconds(
        self, kata: ModuleType, clock: FakeClock
    ) -> None:
        store = FakeStore()
        store.down = True
        cache = kata.WriteBehindCache(store, clock=clock)
        cache.put("a", 1)
        for _ in range(8):  # the 8th failure: 0.1 * 2 ** 7 = 12.8 s, capped at 10 s
            with pytest.raises(StoreDown):
                cache.flush()
        attempts = len(store.batches())
        clock.advance(10.0 - 1 / 64)
        cache.flush_due()
        assert len(store.batches()) == attempts, (
            f"flush_due() {10.0 - 1 / 64} s after the 8th consecutive failure tried the store "
            "again: with the defaults (retry_base 0.1, retry_max 10) that retry waits "
            "min(0.1 * 2 ** 7, 10) = 10 s"
        )
        clock.advance(1 / 64)
        cache.flush_due()
        assert len(store.batches()) == attempts + 1, (
            "flush_due() 10 s after the 8th consecutive failure did not try the store: "
            "retry_max defaults to 10 s, and at that moment the retry is due"
        )

    def test_a_failed_batch_goes_back_to_the_front_with_its_newer_values(
        self, kata: ModuleType, clock: FakeClock
    ) -> None:
        store = FakeStore()
        cache = behind(kata, store, clock, max_batch=2)
        store.plan = ["ok", "fail"]
        for key in "abcde":
            cache.put(key, 1)  # [a, b] written, [c, d] fails, e pending
        assert store.batches() == [{"a": 1, "b": 1}, {"c": 1, "d": 1}]
        assert cache.pending() == 3, (
            f"pending() is {cache.pending()} after the batch [c, d] failed with e still "
            "pending: nothing of a failed batch is lost"
        )
        cache.put("d", 2)
        cache.put("f", 1)
        assert cache.flush() == 4
        assert store.batches()[2:] == [{"c": 1, "d": 2}, {"e": 1, "f": 1}], (
            f"after the failed batch [c, d], flush() wrote {store.batches()[2:]}; expected "
            "[{c: 1, d: 2}, {e: 1, f: 1}]: the failed keys go back to the front, in their "
            "order, with their latest values"
        )

    def test_flush_raises_and_keeps_every_write(
        self, kata: ModuleType, clock: FakeClock
    ) -> None:
        store = FakeStore()
        cache = behind(kata, store, clock)
        cache.put("a", 1)
        cache.put("b", 2)
        store.down = True
        with pytest.raises(StoreDown):
            cache.flush()
        assert cache.pending() == 2 and (cache.get("a"), cache.get("b")) == (1, 2)
        calls = len(store.batches())
        with pytest.raises(StoreDown):
            cache.flush()  # flush() ignores the backoff
        assert len(store.batches()) == calls + 1, "flush() must write now, whatever the backoff"
        store.down = False
        assert cache.flush() == 2 and store.data == {"a": 1, "b": 2}

    def test_flush_due_never_raises(self, kata: ModuleType, clock: FakeClock) -> None:
        store = FakeStore()
        store.down = True
        cache = behind(kata, store, clock, max_batch=1)
        error = raised(lambda: cache.put("a", 1))
        assert error is None, (
            f"put() raised {error!r} when the flush it started failed: the write was "
            "acknowledged, the failure only starts the backoff"
        )
        clock.advance(1.0)
        error = raised(cache.flush_due)
        assert error is None, f"flush_due() raised {error!r}; it must never raise the store's error"
        assert cache.pending() == 1


@pytest.mark.part(2)
class TestPart2Close:
    def test_close_flushes_everything_and_refuses_writes(
        self, kata: ModuleType, clock: FakeClock
    ) -> None:
        store = FakeStore()
        cache = behind(kata, store, clock, max_batch=2)
        for key in "abc":
            cache.put(key, key.upper())
        cache.close()
        assert store.data == {"a": "A", "b": "B", "c": "C"}, (
            f"after close() the store holds {store.data}: close() writes every pending key"
        )
        with pytest.raises(RuntimeError, match="closed"):
            cache.put("d", 1)
        assert cache.get("a") == "A", "get() after close() still answers"
        cache.close()  # nothing pending: nothing to do
        assert len(store.batches()) == 2

    def test_close_ignores_the_backoff(self, kata: ModuleType, clock: FakeClock) -> None:
        store = FakeStore()
        store.plan = ["fail"]
        cache = behind(kata, store, clock, retry_base=5.0, retry_max=5.0,
                       sleep=Sleeps(clock))
        cache.put("a", 1)
        clock.advance(1.0)
        cache.flush_due()  # fails: no retry for 5 s
        cache.close()
        assert store.data == {"a": 1}, "close() must flush at once, whatever the backoff"

    def test_close_retries_then_raises_with_every_unwritten_write(
        self, kata: ModuleType, clock: FakeClock
    ) -> None:
        store = FakeStore()
        sleeps = Sleeps(clock)
        cache = behind(kata, store, clock, max_batch=10, retry_base=0.1, retry_max=0.25,
                       close_retries=3, sleep=sleeps)
        cache.put("b", 1)
        cache.put("a", {"x": 1})
        cache.put("b", 2)
        store.down = True
        with pytest.raises(kata.FlushError) as caught:
            cache.close()
        attempts = len(store.batches())
        assert attempts == 4, (
            f"close() tried {attempts} time(s) with the store down; expected 1 + "
            "close_retries=3"
        )
        assert sleeps.pauses == pytest.approx([0.1, 0.2, 0.25]), (
            f"close() paused {sleeps.pauses} between its attempts; expected [0.1, 0.2, 0.25] "
            "(retry_base * 2 ** (i - 1), capped at retry_max)"
        )
        error = caught.value
        assert error.unwritten == {"b": 2, "a": {"x": 1}} and error.keys == ["b", "a"], (
            f"FlushError.unwritten is {error.unwritten!r}, keys {error.keys!r}; expected every "
            "pending key with its latest value, oldest first: the caller's last chance to "
            "save acknowledged writes"
        )
        assert "'b'" in str(error) and "'a'" in str(error), f"the message: {error}"
        store.down = False
        cache.close()  # a second close() tries again
        assert store.data == {"b": 2, "a": {"x": 1}}

    def test_by_default_close_tries_three_more_times(
        self, kata: ModuleType, clock: FakeClock
    ) -> None:
        store = FakeStore()
        store.down = True
        sleeps = Sleeps(clock)
        cache = kata.WriteBehindCache(store, clock=clock, sleep=sleeps)
        cache.put("a", 1)
        with pytest.raises(kata.FlushError):
            cache.close()
        assert len(store.batches()) == 4 and sleeps.pauses == pytest.approx([0.1, 0.2, 0.4]), (
            f"with the defaults, close() tried the store {len(store.batches())} times and "
            f"paused {sleeps.pauses}; expected 4 tries (close_retries defaults to 3) and "
            "pauses [0.1, 0.2, 0.4]"
        )

    def test_with_close_retries_0_close_tries_once(
        self, kata: ModuleType, clock: FakeClock
    ) -> None:
        store = FakeStore()
        store.down = True
        sleeps = Sleeps(clock)
        cache = behind(kata, store, clock, close_retries=0, sleep=sleeps)
        cache.put("a", 1)
        with pytest.raises(kata.FlushError):
            cache.close()
        assert len(store.batches()) == 1 and sleeps.pauses == [], (
            f"with close_retries=0 (no retry: allowed, it is >= 0), close() tried the store "
            f"{len(store.batches())} times and paused {sleeps.pauses}; expected one try "
            "and no pause"
        )

    def test_close_succeeds_on_a_retry(self, kata: ModuleType, clock: FakeClock) -> None:
        store = FakeStore()
        store.plan = ["fail", "fail", "ok"]
        sleeps = Sleeps(clock)
        cache = behind(kata, store, clock, retry_base=0.1, close_retries=3, sleep=sleeps)
        cache.put("a", 1)
        cache.close()
        assert sleeps.pauses == pytest.approx([0.1, 0.2]) and store.data == {"a": 1}, (
            f"close() paused {sleeps.pauses} and the store holds {store.data}"
        )

    def test_context_manager_closes(self, kata: ModuleType, clock: FakeClock) -> None:
        store = FakeStore()
        with behind(kata, store, clock) as cache:
            cache.put("a", 1)
        assert store.data == {"a": 1}, "leaving the with block must close() the cache"


@contextmanager
def stalled_flush(cache: Any, store: FakeStore, what: str = "flush()") -> Iterator[Background]:
    """``cache.flush()`` in a thread, with the store stalled: the ``with`` body runs once the
    write is waiting at the store's gate, and the gate opens when the body ends (however it
    ends). Join the flusher it yields after the block."""
    store.gate = threading.Event()
    store.entered.clear()
    flusher = Background(cache.flush, name=what)
    wait_until(store.entered.is_set, BOUND, f"{what} to call the store")
    try:
        yield flusher
    finally:
        store.gate.set()


@pytest.mark.part(2)
class TestPart2Threads:
    def test_put_and_get_do_not_wait_for_a_stalled_flush(
        self, kata: ModuleType, clock: FakeClock
    ) -> None:
        store = FakeStore()
        cache = behind(kata, store, clock)
        cache.put("a", 1)
        with stalled_flush(cache, store) as flusher:
            run_bounded(lambda: cache.put("b", 2), "put() while a flush waits for the store",
                        PROMPT)
            got = run_bounded(lambda: (cache.get("a"), cache.get("b")),
                              "get() while a flush waits for the store", PROMPT)
            assert got == (1, 2)
        flusher.join(BOUND)
        cache.flush()
        assert store.data == {"a": 1, "b": 2}, f"the store holds {store.data}"

    def test_a_write_during_a_flush_is_neither_lost_nor_reordered(
        self, kata: ModuleType, clock: FakeClock
    ) -> None:
        store = FakeStore()
        cache = behind(kata, store, clock)
        cache.put("a", 1)
        with stalled_flush(cache, store) as flusher:
            run_bounded(lambda: cache.put("a", 2), "put() during a flush", PROMPT)
        flusher.join(BOUND)
        cache.flush()
        assert store.accepted["a"] == [1, 2] and cache.get("a") == 2, (
            f"the store took {store.accepted['a']} for 'a' (written 1, then 2 during the "
            "flush of 1); expected [1, 2]"
        )

    def test_a_failed_flight_does_not_undo_a_newer_write(
        self, kata: ModuleType, clock: FakeClock
    ) -> None:
        store = FakeStore()
        cache = behind(kata, store, clock)
        cache.put("a", 1)
        cache.put("b", 1)
        store.plan = ["fail"]
        with stalled_flush(cache, store) as flusher:
            run_bounded(lambda: cache.put("a", 2), "put() during a flush", PROMPT)
        with pytest.raises(StoreDown):
            flusher.join(BOUND)
        store.gate = None
        got = cache.get("a")
        assert got == 2, (
            f"get('a') returned {got!r}: 'a' was written 2 while its older value 1 was "
            "being flushed, and that flush failed; the failure must not bring back 1"
        )
        cache.flush()
        assert store.data == {"a": 2, "b": 1}, (
            f"after the retry the store holds {store.data}; expected a: 2, b: 1"
        )

    def test_during_the_backoff_a_full_put_does_not_wait_for_a_flush(
        self, kata: ModuleType, clock: FakeClock
    ) -> None:
        store = FakeStore()
        store.plan = ["fail"]
        cache = behind(kata, store, clock, max_batch=2, retry_base=5.0, retry_max=5.0)
        cache.put("a", 1)
        cache.put("b", 1)  # fills a batch; the store fails: no retry for 5 s
        with stalled_flush(cache, store) as flusher:  # flush() ignores the backoff
            run_bounded(lambda: (cache.put("c", 1), cache.put("d", 1)),
                        "put('c'), put('d') (a full batch, but a retry is being waited "
                        "for, so no flush) while another thread's flush() waits for the store",
                        PROMPT)
        flusher.join(BOUND)
        assert store.data == {"a": 1, "b": 1, "c": 1, "d": 1}, f"the store holds {store.data}"

    def test_one_flush_at_a_time(self, kata: ModuleType, clock: FakeClock) -> None:
        store = FakeStore()
        cache = behind(kata, store, clock)
        cache.put("a", 1)
        with stalled_flush(cache, store, "the first flush()") as first:
            cache.put("a", 2)
            second = Background(cache.flush, name="the second flush()")
            # A correct second flush waits for the first: give a wrong one time to call.
            eventually(lambda: len(store.batches()) > 1, timeout=0.5)
            calls = len(store.batches())
        errors = [raised(lambda t=t: t.join(BOUND)) for t in (first, second)]
        assert calls == 1 and store.most_writing == 1, (
            f"a second flush() called the store while the first was still writing "
            f"({store.most_writing} write_many calls at once): one flush at a time, or a "
            "newer batch can land before an older one"
        )
        assert errors == [None, None], f"the flushes raised {errors}"
        assert store.accepted["a"] == [1, 2], f"the store took {store.accepted['a']} for 'a'"

    def test_a_slow_read_does_not_undo_a_newer_write(
        self, kata: ModuleType, clock: FakeClock
    ) -> None:
        store = FakeStore({"a": "old"})
        cache = behind(kata, store, clock)
        store.read_gate = threading.Event()
        reader = Background(lambda: cache.get("a"), name="get('a')")
        wait_until(store.read_entered.is_set, BOUND, "get('a') to read the store")
        try:
            run_bounded(lambda: cache.put("a", "new"),
                        "put('a') while a get('a') waits for the store", PROMPT)
        finally:
            store.read_gate.set()
        reader.join(BOUND)
        got = cache.get("a")
        assert got == "new", (
            f"get('a') returned {got!r}: a read of the store that began before put('a', "
            "'new') and ended after it replaced the newer write with the old value"
        )
        cache.flush()
        assert store.data["a"] == "new", f"the store was left with {store.data['a']!r}"

    def test_many_threads_writing_lose_nothing(self, kata: ModuleType) -> None:
        store = FakeStore()
        cache = kata.WriteBehindCache(store, max_batch=16, flush_interval=0.01)
        n, writes = 6, 300

        def writer(i: int) -> None:
            for j in range(writes):
                cache.put(f"t{i}-{j % 40}", j)
                if j % 50 == 0:
                    cache.flush_due()

        run_together(writer, n, timeout=BOUND * 4, switch_interval=1e-5)
        cache.close()
        want = {f"t{i}-{k}": max(j for j in range(writes) if j % 40 == k)
                for i in range(n) for k in range(40)}
        assert store.data == want, (
            f"after close() the store differs from the last writes on "
            f"{sum(store.data.get(k) != v for k, v in want.items())} keys"
        )
        too_big = [len(b) for b in store.batches() if len(b) > 16]
        assert not too_big, f"write_many calls with more than max_batch=16 keys: {too_big}"
        backwards = [k for k, vs in store.accepted.items() if vs != sorted(vs)]
        assert not backwards, f"keys whose values reached the store out of order: {backwards}"


@pytest.mark.part(2)
class TestPart2LongOutages:
    """A store down for a very long time."""

    def test_a_store_down_for_hours_keeps_the_backoff_capped(
        self, kata: ModuleType, clock: FakeClock
    ) -> None:
        store = FakeStore()
        store.down = True
        cache = behind(kata, store, clock, retry_base=0.1, retry_max=10.0)
        cache.put("a", 1)
        for n in range(1, 1101):  # a thousand failures: three hours of 10 s retries
            error = raised(cache.flush)
            assert isinstance(error, StoreDown), (
                f"flush() number {n} with the store down raised {error!r}, not the store's "
                f"error: after {n - 1} consecutive failures the pause is still "
                "retry_base * 2 ** (n - 1) capped at retry_max, and computing it must not "
                "overflow"
            )
        clock.advance(10.0)
        assert cache.flush_due() == 0 and len(store.batches()) == 1101, (
            "flush_due() 10 s (retry_max) after the 1100th failure did not try the store"
        )


@pytest.mark.part(2)
class TestPart2FlushErrors:
    """What close() says when the store never came back."""

    def test_flush_error_names_ten_keys_how_many_more_and_the_stores_error(
        self, kata: ModuleType, clock: FakeClock
    ) -> None:
        store = FakeStore()
        store.down = True
        cache = behind(kata, store, clock, close_retries=0, sleep=Sleeps(clock))
        keys = [f"user-{c}" for c in "abcdefghijk"]
        for key in keys:
            cache.put(key, 1)
        with pytest.raises(kata.FlushError) as caught:
            cache.close()
        message = str(caught.value)
        assert caught.value.keys == keys, f"FlushError.keys is {caught.value.keys}"
        unnamed = [key for key in keys[:10] if key not in message]
        assert not unnamed and keys[10] not in message, (
            f"the FlushError message {message!r} for 11 unwritten keys names "
            f"{[key for key in keys if key in message]}; expected the first ten, oldest "
            "first, and not the eleventh"
        )
        assert re.search(r"\b1\b", message), (
            f"the FlushError message {message!r} names ten of 11 unwritten keys but not how "
            "many more there are (1)"
        )
        assert "the store is down" in message, (
            f"the FlushError message {message!r} does not give the store's last error, "
            "StoreDown('write_many(): the store is down')"
        )


class BufferModel:
    """The contract's buffer, step by step: what the store must receive, and when."""

    def __init__(self, max_batch: int, interval: float, base: float, cap: float) -> None:
        self.max_batch, self.interval, self.base, self.cap = max_batch, interval, base, cap
        self.values: dict[str, int] = {}
        self.waiting: dict[str, float] = {}
        self.failures = 0
        self.retry_at = 0.0

    def flush(self, now: float, down: bool) -> list[dict[str, int]]:
        """Every batch a flush sends, the last failing if the store is down."""
        sent = []
        while self.waiting:
            keys = list(self.waiting)[: self.max_batch]
            sent.append({k: self.values[k] for k in keys})
            if down:
                self.failures += 1
                self.retry_at = now + min(self.base * 2 ** (self.failures - 1), self.cap)
                return sent
            for key in keys:
                del self.waiting[key]
        self.failures = 0
        return sent

    def waiting_for_retry(self, now: float) -> bool:
        return self.failures > 0 and now < self.retry_at

    def due(self, now: float) -> bool:
        if not self.waiting:
            return False
        if self.failures:
            return now >= self.retry_at
        oldest = next(iter(self.waiting.values()))
        return len(self.waiting) >= self.max_batch or now - oldest >= self.interval

    def put(self, key: str, value: int, now: float, down: bool) -> list[dict[str, int]]:
        self.values[key] = value
        self.waiting.setdefault(key, now)
        if len(self.waiting) >= self.max_batch and not self.waiting_for_retry(now):
            return self.flush(now, down)
        return []


class WriteBehindMachine(RuleBasedStateMachine):
    """Puts, gets, time, flush_due() and flush() with the store going up and down, against
    :class:`BufferModel`: every write_many must be the batch the model predicts."""

    def __init__(self) -> None:
        super().__init__()
        self.kata = load(KATA)
        self.clock = FakeClock()
        self.store = FakeStore({"s": "in the store"})
        self.version = 0
        self.seen = 0
        self.model = BufferModel(1, 1.0, 0.1, 0.1)

    @initialize(max_batch=st.integers(1, 4), interval=st.sampled_from([0.5, 1.0, 2.0]),
                cap=st.sampled_from([0.1, 0.3, 1.0]))
    def build(self, max_batch: int, interval: float, cap: float) -> None:
        self.model = BufferModel(max_batch, interval, 0.1, cap)
        self.cache = self.kata.WriteBehindCache(
            self.store, max_batch=max_batch, flush_interval=interval, retry_base=0.1,
            retry_max=cap, clock=self.clock, sleep=Sleeps(self.clock))

    def expect(self, what: str, batches: list[dict[str, int]]) -> None:
        got = self.store.batches()[self.seen:]
        self.seen = len(self.store.batches())
        assert got == batches, (
            f"{what} at t=+{self.clock.now - 1000:g} sent {got or 'nothing'} to the store; "
            f"expected {batches or 'nothing'} (pending before: {self.before}, consecutive "
            f"failures: {self.failures_before}, store {'down' if self.store.down else 'up'})"
        )

    def remember(self) -> None:
        self.before = {k: self.model.values[k] for k in self.model.waiting}
        self.failures_before = self.model.failures

    @rule(key=st.sampled_from("abcde"))
    def put(self, key: str) -> None:
        self.version += 1
        self.remember()
        want = self.model.put(key, self.version, self.clock(), self.store.down)
        error = raised(lambda: self.cache.put(key, self.version))
        assert error is None, f"put({key!r}, {self.version}) raised {error!r}"
        self.expect(f"put({key!r}, {self.version})", want)

    @rule(key=st.sampled_from("abcs"))
    def get(self, key: str) -> None:
        want = self.model.values.get(key, self.store.data.get(key, "KeyError"))
        box: list[Any] = []
        error = raised(lambda: box.append(self.cache.get(key)))
        got = repr(error) if error is not None else box[0]
        if want == "KeyError":
            assert isinstance(error, KeyError), f"get({key!r}) of an unknown key gave {got}"
            return
        assert got == want, f"get({key!r}) returned {got!r}, the last write was {want!r}"
        self.model.values.setdefault(key, want)

    @rule(seconds=st.sampled_from([0.05, 0.1, 0.3, 0.5, 1.0, 2.0]))
    def advance(self, seconds: float) -> None:
        self.clock.advance(seconds)

    @rule()
    def flush_due(self) -> None:
        self.remember()
        now = self.clock()
        want = self.model.flush(now, self.store.down) if self.model.due(now) else []
        error = raised(self.cache.flush_due)
        assert error is None, f"flush_due() raised {error!r}"
        self.expect("flush_due()", want)

    @rule()
    def flush(self) -> None:
        self.remember()
        want = self.model.flush(self.clock(), self.store.down)
        error = raised(self.cache.flush)
        failed = bool(want) and self.store.down
        assert (error is not None) == failed, (
            f"flush() {'raised ' + repr(error) if error else 'returned'} with the store "
            f"{'down' if self.store.down else 'up'} and {len(self.before)} key(s) pending"
        )
        self.expect("flush()", want)

    @rule(down=st.booleans())
    def store_goes(self, down: bool) -> None:
        self.store.down = down

    @invariant()
    def pending_matches(self) -> None:
        if not hasattr(self, "cache"):
            return
        got = self.cache.pending()
        assert got == len(self.model.waiting), (
            f"pending() is {got}, expected {len(self.model.waiting)}: "
            f"{sorted(self.model.waiting)}"
        )

    def teardown(self) -> None:
        if not hasattr(self, "cache"):
            return
        self.store.down = False
        self.cache.close()
        want = {**{"s": "in the store"}, **{k: v for k, v in self.model.values.items()
                                            if not isinstance(v, str)}}
        assert self.store.data == want, (
            f"after close() the store holds {self.store.data}, expected {want}"
        )
        backwards = {k: vs for k, vs in self.store.accepted.items() if vs != sorted(vs)}
        assert not backwards, f"values that reached the store out of order: {backwards}"


TestPart2WriteBehindMachine = pytest.mark.part(2)(WriteBehindMachine.TestCase)


# --- Part 3: StreamWriteBehind ---------------------------------------------------------------


def streamer(kata: ModuleType, backend: RedisBackend, store: FakeStore, *,
             client: redis.Redis | None = None, **options: Any) -> Any:
    options.setdefault("name", backend.key("wb"))
    return kata.StreamWriteBehind(client or backend.client(), store, **options)


def stream_key(backend: RedisBackend, name: str = "wb") -> str:
    return f"wb:{{{backend.key(name)}}}:stream"


def flushed_key(backend: RedisBackend, name: str = "wb") -> str:
    return f"wb:{{{backend.key(name)}}}:flushed"


def as_text(value: Any) -> Any:
    return value.decode() if isinstance(value, bytes) else value


def drain(flusher: Any, limit: int = 100) -> int:
    total = 0
    for _ in range(limit):
        got = flusher.flush()
        if not got:
            return total
        total += got
    raise AssertionError(f"flush() still returned entries after {limit} calls")


def crashed_flusher(kata: ModuleType, backend: RedisBackend, **puts: Any) -> Any:
    """A flusher (consumer "crashed") that put ``puts`` and read them in a ``flush()`` its
    store refused: its entries are pending in the group, never acknowledged, as if its
    process had died mid-write."""
    dead_store = FakeStore()
    dead_store.down = True
    crashed = streamer(kata, backend, dead_store, consumer="crashed")
    for key, value in puts.items():
        crashed.put(key, value)
    with pytest.raises(StoreDown):
        crashed.flush()  # read, never acknowledged: then the process died
    return crashed


class Crash(Exception):
    """The flusher's process dies in the middle of the store write."""


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-2**53, 2**53) | st.text(max_size=5)
    | st.floats(allow_nan=False, allow_infinity=False),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner,
                                                                 max_size=3),
    max_leaves=6,
)


@pytest.mark.part(3)
class TestPart3Stream:
    def test_put_is_one_xadd_of_json(self, kata: ModuleType, redis_backend: RedisBackend,
                                     redis_client: redis.Redis) -> None:
        store = FakeStore()
        buffer = streamer(kata, redis_backend, store, client=redis_client)
        log = record(redis_client)
        buffer.put("a", {"x": [1, 2.5, None]})
        assert log.names() == ["XADD"], (
            f"put() sent {log}; expected exactly one XADD (one round trip)")
        sent = [as_text(w) for w in log.calls[0]]
        assert sent[1] == stream_key(redis_backend), (
            f"XADD went to {sent[1]!r}; expected the stream wb:{{<name>}}:stream")
        assert "MAXLEN" not in [str(w).upper() for w in sent], (
            f"put() sent {sent}: MAXLEN trims the oldest entries, flushed or not; those are "
            "acknowledged writes"
        )
        admin = redis_backend.client(decode_responses=True)
        entries = admin.xrange(stream_key(redis_backend))
        assert len(entries) == 1, f"the stream holds {entries}"
        fields = entries[0][1]
        assert fields.get("k") == "a", f"the entry's fields are {fields}; expected k=<key>"
        try:
            decoded = json.loads(fields.get("v", ""))
        except ValueError:
            decoded = "not JSON"
        assert decoded == {"x": [1, 2.5, None]}, (
            f"the entry's v field is {fields.get('v')!r}, {decoded!r} as JSON; expected the "
            "value as JSON text (another process, in any language, reads it back; never "
            "pickle or repr)"
        )
        assert store.calls == [], "put() must not call the store"

    @pytest.mark.parametrize("value", [{1, 2}, object(), math.nan, math.inf, b"bytes"])
    def test_a_value_json_cannot_hold_is_rejected_and_nothing_sent(
        self, kata: ModuleType, redis_backend: RedisBackend, value: Any
    ) -> None:
        client = redis_backend.client()
        buffer = streamer(kata, redis_backend, FakeStore(), client=client)
        log = record(client)
        with pytest.raises((TypeError, ValueError), match="value"):
            buffer.put("a", value)
        assert log.calls == [], f"a rejected put() sent {log}"
        with pytest.raises(TypeError, match=KEY_NAMED):
            buffer.put(7, 1)

    def test_flush_writes_the_last_value_per_key_then_acks_and_deletes(
        self, kata: ModuleType, redis_backend: RedisBackend, redis_client: redis.Redis
    ) -> None:
        store = FakeStore()
        buffer = streamer(kata, redis_backend, store, client=redis_client)
        for key, value in [("a", 1), ("b", "x"), ("a", 2), ("c", None)]:
            buffer.put(key, value)
        assert buffer.pending() == 4
        got = buffer.flush()
        assert store.batches() == [{"a": 2, "b": "x", "c": None}], (
            f"flush() wrote {store.batches()}; expected one write_many with the last value "
            "of each key"
        )
        assert got == 4, f"flush() returned {got!r}, not the 4 entries it acknowledged"
        admin = redis_backend.client()
        left = admin.xlen(stream_key(redis_backend))
        summary = admin.xpending(stream_key(redis_backend), "wb")
        assert left == 0 and summary["pending"] == 0, (
            f"after a successful flush the stream holds {left} entries, {summary['pending']} "
            "unacknowledged: written entries are acknowledged (XACK) and deleted (XDEL)"
        )
        assert buffer.flush() == 0 and len(store.batches()) == 1

    def test_flush_reads_at_most_max_batch_entries(
        self, kata: ModuleType, redis_backend: RedisBackend
    ) -> None:
        store = FakeStore()
        buffer = streamer(kata, redis_backend, store, max_batch=2)
        for key in "abc":
            buffer.put(key, key)
        assert buffer.flush() == 2 and buffer.flush() == 1 and buffer.flush() == 0
        assert store.batches() == [{"a": "a", "b": "b"}, {"c": "c"}], (
            f"with max_batch=2, flushes wrote {store.batches()}"
        )

    def test_by_default_a_flush_reads_at_most_100_entries(
        self, kata: ModuleType, redis_backend: RedisBackend
    ) -> None:
        store = FakeStore()
        buffer = kata.StreamWriteBehind(redis_backend.client(), store, name=redis_backend.key("wb"))
        for i in range(101):
            buffer.put(f"k{i}", i)
        got = [buffer.flush(), buffer.flush()]
        assert got == [100, 1], (
            f"two flushes of 101 entries returned {got}; expected [100, 1]: max_batch "
            "defaults to 100"
        )

    def test_entries_older_than_the_group_are_written(
        self, kata: ModuleType, redis_backend: RedisBackend
    ) -> None:
        admin = redis_backend.client()
        admin.xadd(stream_key(redis_backend), {"k": "a", "v": json.dumps([1])})
        store = FakeStore()
        buffer = streamer(kata, redis_backend, store)
        got = buffer.flush()
        assert got == 1 and store.data == {"a": [1]}, (
            f"an entry XADDed (by another producer) before the first StreamWriteBehind "
            f"created the group was not written (flush() returned {got!r}, the store holds "
            f"{store.data}): the group reads the stream from the start, XGROUP CREATE "
            "... 0 MKSTREAM, not from its end ($)"
        )

    def test_entry_ids_order_the_writes_as_numbers(
        self, kata: ModuleType, redis_backend: RedisBackend
    ) -> None:
        """Ids "9-10" and "10-0" come after "9-9": as text they would not. (A burst of
        puts in one millisecond gets sequence numbers past 9; explicit ids make it sure.)"""
        store = FakeStore()
        buffer = streamer(kata, redis_backend, store)
        admin = redis_backend.client()
        entries = [("9-8", "a", 8), ("9-9", "a", 9), ("9-10", "a", 10), ("9-11", "b", "old"),
                   ("10-0", "b", "new")]
        for entry_id, key, value in entries:
            admin.xadd(stream_key(redis_backend), {"k": key, "v": json.dumps(value)},
                       id=entry_id)
        assert buffer.flush() == 5
        assert store.batches() == [{"a": 10, "b": "new"}], (
            f"the entries {entries} (id, key, value) were flushed as {store.batches()}; "
            "expected each key's last entry in id order, {'a': 10, 'b': 'new'}: ids are "
            "compared as (milliseconds, sequence) numbers, not as text"
        )

    def test_a_failed_store_write_acks_nothing_and_is_retried(
        self, kata: ModuleType, redis_backend: RedisBackend
    ) -> None:
        store = FakeStore()
        buffer = streamer(kata, redis_backend, store)
        buffer.put("a", 1)
        buffer.put("b", 2)
        store.down = True
        with pytest.raises(StoreDown):
            buffer.flush()
        admin = redis_backend.client()
        summary = admin.xpending(stream_key(redis_backend), "wb")
        assert summary["pending"] == 2 and admin.xlen(stream_key(redis_backend)) == 2, (
            f"after store.write_many failed, {summary['pending']} entries are unacknowledged "
            f"and the stream holds {admin.xlen(stream_key(redis_backend))}; both must stay: "
            "acknowledge only after the store accepted the batch"
        )
        buffer.put("c", 3)
        store.down = False
        drain(buffer)
        assert store.batches()[1] == {"a": 1, "b": 2}, (
            f"the flush after a failure wrote {store.batches()[1]}; it must first retry this "
            "consumer's own unacknowledged entries (XREADGROUP ... 0)"
        )
        assert store.data == {"a": 1, "b": 2, "c": 3} and buffer.pending() == 0

    def test_a_crashed_flushers_entries_are_claimed_after_claim_idle(
        self, kata: ModuleType, redis_backend: RedisBackend, redis_client: redis.Redis
    ) -> None:
        store = FakeStore()
        crashed_flusher(kata, redis_backend, a=1, b=2)
        patient = streamer(kata, redis_backend, store, client=redis_client,
                           consumer="patient", claim_idle=60.0)
        assert patient.flush() == 0 and store.calls == [], (
            f"a flusher with claim_idle=60 s wrote {store.batches()}: entries another "
            "consumer read a moment ago are its to write until they idle claim_idle"
        )
        survivor = streamer(kata, redis_backend, store, client=redis_client,
                            consumer="survivor", claim_idle=0.1)
        time.sleep(0.15)
        got = survivor.flush()
        assert store.batches() == [{"a": 1, "b": 2}] and got == 2, (
            f"0.15 s after a crashed flusher read 2 entries, a flusher with claim_idle=0.1 "
            f"wrote {store.batches()} (returned {got!r}): it must claim them (XAUTOCLAIM) "
            "and write them"
        )
        assert survivor.pending() == 0

    def test_entries_a_raw_consumer_read_and_never_acked_are_claimed(
        self, kata: ModuleType, redis_backend: RedisBackend
    ) -> None:
        store = FakeStore()
        buffer = streamer(kata, redis_backend, store, claim_idle=0.1)
        for i in range(3):
            buffer.put(f"k{i}", i)
        admin = redis_backend.client()
        admin.xreadgroup("wb", "dead", {stream_key(redis_backend): ">"}, count=10)
        time.sleep(0.15)
        drain(buffer)
        assert store.data == {"k0": 0, "k1": 1, "k2": 2}, (
            f"entries read by consumer 'dead' of group 'wb' and never acknowledged were not "
            f"written: the store holds {store.data}"
        )

    def test_a_late_claim_does_not_put_back_an_old_value(
        self, kata: ModuleType, redis_backend: RedisBackend
    ) -> None:
        store = FakeStore()
        crashed_flusher(kata, redis_backend, a="old")
        survivor = streamer(kata, redis_backend, store, consumer="survivor", claim_idle=60.0)
        survivor.put("a", "new")
        assert survivor.flush() == 1 and store.data == {"a": "new"}, (
            f"a flusher with claim_idle=60 s, the crashed flusher's entry fresh, flushed "
            f"{store.batches()}; expected only the new entry {{'a': 'new'}}"
        )
        claimer = streamer(kata, redis_backend, store, consumer="claimer", claim_idle=0.1)
        time.sleep(0.15)
        drain(claimer)
        assert store.accepted["a"] == ["new"], (
            f"the store took {store.accepted['a']} for 'a': the crashed flusher's entry "
            "'old' was claimed after the newer 'new' had been written, and put back the old "
            "value; an entry older than the last one written for its key is acknowledged "
            "without being written"
        )
        assert claimer.pending() == 0

    def test_many_entries_are_all_kept_until_written(
        self, kata: ModuleType, redis_backend: RedisBackend
    ) -> None:
        store = FakeStore()
        buffer = streamer(kata, redis_backend, store, max_batch=500)
        client = redis_backend.client()
        n = 1500
        for i in range(n):
            buffer.put(f"k{i}", i)
        left = client.xlen(stream_key(redis_backend))
        assert left == n, (
            f"after {n} puts and no flush the stream holds {left} entries: entries must stay "
            "until written (no MAXLEN trimming of unwritten writes)"
        )
        drain(buffer)
        assert len(store.data) == n and buffer.pending() == 0

    def test_instances_with_one_name_share_the_stream(
        self, kata: ModuleType, redis_backend: RedisBackend
    ) -> None:
        store = FakeStore()
        writer = streamer(kata, redis_backend, FakeStore())
        writer.put("a", 1)
        other = streamer(kata, redis_backend, FakeStore(), name=redis_backend.key("other"))
        other.put("a", "other")
        flusher = streamer(kata, redis_backend, store)
        assert flusher.flush() == 1 and store.data == {"a": 1}, (
            f"a second instance with the same name flushed {store.batches()}"
        )

    def test_keys_share_a_hash_slot_for_cluster(
        self, kata: ModuleType, redis_backend: RedisBackend
    ) -> None:
        store = FakeStore()
        crashed_flusher(kata, redis_backend, a=1)
        buffer = streamer(kata, redis_backend, store, claim_idle=30.0)
        buffer.put("b", 2)
        assert buffer.flush() == 1  # 'a' still pending: the flushed hash stays
        keys = redis_backend.keys()
        assert stream_key(redis_backend) in keys, f"keys written: {keys}"
        assert len({key_slot(k) for k in keys}) == 1, (
            f"the keys of one buffer are in different cluster slots, {describe_slots(keys)}; "
            "a script that "
            "uses two of them fails on Redis Cluster (use the hash tag wb:{<name>}:...)"
        )

    def test_no_key_lives_on_but_the_drained_stream(
        self, kata: ModuleType, redis_backend: RedisBackend
    ) -> None:
        store = FakeStore()
        crashed_flusher(kata, redis_backend, a=1)
        buffer = streamer(kata, redis_backend, store, claim_idle=0.1)
        buffer.put("b", 2)
        buffer.flush()
        admin = redis_backend.client()
        allowed = {stream_key(redis_backend), flushed_key(redis_backend)}
        forever = [k for k in list(redis_backend.keys()) if k not in allowed and admin.pttl(k) < 0]
        assert not forever, f"keys without a TTL besides the stream and the flushed hash: {forever}"
        time.sleep(0.15)
        drain(buffer)
        keys = redis_backend.keys()
        assert keys == [stream_key(redis_backend)], (
            f"with every entry written, these keys remain: {keys}; only the empty stream "
            "(it holds the consumer group) may: delete the flushed hash once the stream is "
            "empty"
        )
        assert admin.xlen(stream_key(redis_backend)) == 0

    @settings(max_examples=max(10, settings().max_examples // 3))
    @given(puts=st.lists(st.tuples(st.sampled_from("abcd"), json_values), max_size=12),
           max_batch=st.integers(1, 5))
    def test_every_put_reaches_the_store_in_order(
        self, kata: ModuleType, redis_backend: RedisBackend, puts: list[tuple[str, Any]],
        max_batch: int
    ) -> None:
        store = FakeStore()
        name = redis_backend.key(f"p{time.monotonic_ns()}")
        buffer = streamer(kata, redis_backend, store, name=name, max_batch=max_batch)
        numbered = [(key, [n, value]) for n, (key, value) in enumerate(puts)]
        for key, value in numbered:
            buffer.put(key, value)
        drain(buffer)
        want = dict(numbered)
        assert store.data == want, f"after draining, the store holds {store.data}, want {want}"
        for key, values in store.accepted.items():
            order = [n for n, _ in values]
            note(f"{key}: written {values}")
            assert order == sorted(order), (
                f"the values of {key!r} reached the store as {values}, out of the order of "
                f"the puts (each value is [put number, value])"
            )
        too_big = [b for b in store.batches() if len(b) > max_batch]
        assert not too_big, f"batches of more than max_batch={max_batch} keys: {too_big}"

    @pytest.mark.parametrize(
        ("option", "value", "error"),
        [
            ("name", "", ValueError), ("name", 42, TypeError),
            ("consumer", "", ValueError), ("consumer", 5, TypeError),
            ("max_batch", 0, ValueError), ("max_batch", True, TypeError),
            ("claim_idle", 0, ValueError), ("claim_idle", math.nan, ValueError),
            ("claim_idle", "30", TypeError), ("claim_idle", True, TypeError),
        ],
    )
    def test_bad_options_are_rejected(self, kata: ModuleType, redis_backend: RedisBackend,
                                      option: str, value: Any, error: type[Exception]) -> None:
        with pytest.raises(error, match=rf"\b{option}\b"):
            streamer(kata, redis_backend, FakeStore(), **{option: value})

    def test_a_flush_that_claims_writes_only_what_it_claimed(
        self, kata: ModuleType, redis_backend: RedisBackend
    ) -> None:
        store = FakeStore()
        crashed_flusher(kata, redis_backend, a=1)
        patient = streamer(kata, redis_backend, store, consumer="f", claim_idle=60.0)
        patient.put("b", 2)
        time.sleep(0.35)  # the crashed flusher's 'a' idles; 'b' is not read yet
        store.down = True
        with pytest.raises(StoreDown):
            patient.flush()  # reads 'b' now: f's own, unacknowledged
        store.down = False
        quick = streamer(kata, redis_backend, store, consumer="f", claim_idle=0.25)
        got = quick.flush()
        assert got == 1 and store.batches()[1:] == [{"a": 1}], (
            f"consumer f, holding its own unacknowledged 'b', flushed {store.batches()[1:]} "
            f"(returned {got!r}) when the crashed flusher's 'a' had idled past claim_idle: "
            "a flush's batch comes from the first source that has entries, claimed ones "
            "first, so it writes only 'a'; its own 'b' is the next flush's"
        )
        assert quick.flush() == 1 and store.batches()[2:] == [{"b": 2}]

    @pytest.mark.parametrize(("options", "idle_ms", "count"), [
        ({}, 30_000, 100), ({"claim_idle": 0.25, "max_batch": 7}, 250, 7),
        ({"claim_idle": 0.0004}, 1, 100)])
    def test_flush_claims_with_the_documented_xautoclaim(
        self, kata: ModuleType, redis_backend: RedisBackend, options: dict[str, Any],
        idle_ms: int, count: int
    ) -> None:
        crashed_flusher(kata, redis_backend, a=1)
        client = redis_backend.client()
        buffer = streamer(kata, redis_backend, FakeStore(), client=client,
                          consumer="survivor", **options)
        log = record(client)
        buffer.flush()
        claims = [[str(as_text(word)) for word in call] for call in log.calls
                  if str(as_text(call[0])).upper() == "XAUTOCLAIM"]
        want = ["XAUTOCLAIM", stream_key(redis_backend), "wb", "survivor", str(idle_ms), "0-0",
                "COUNT", str(count)]
        assert claims[:1] == [want], (
            f"with {options or 'the default options'}, and entries of a crashed flusher "
            f"pending, flush() sent {claims[0] if claims else 'no XAUTOCLAIM'}; expected "
            f"{' '.join(want)}: claim_idle in whole milliseconds (at least 1), from the "
            "start of the pending list, at most max_batch entries"
        )
