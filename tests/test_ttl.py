"""The ``ttl`` kata: TTLCache (expiry, LRU eviction, reclamation) and the ttl_cache decorator.

Part 1: TTLCache basics: set/get/remaining/delete/clear/len/in, default and per-entry ttl,
        the expiry boundary, bad input. Examples first (each names one rule), then a state
        machine against a plain model (a cache that is never full).
Part 2: capacity and reclamation: LRU-among-live eviction, auto-expiry observed with
        weakref, expire(), a complexity guard on set, copies (deepcopy and pickle, at
        100,000 entries); then the same state machine on a cache of maxsize 1..3, with
        expire() and copies as steps.
Part 3: the ttl_cache decorator: examples (falsy results, exceptions, keys, arguments
        whose __eq__ or __hash__ call the function, one hash per call), a property test
        of cache_info() against the model, and a differential test against functools.

Times and ttls are multiples of 0.25 s (exact binary fractions) on a fake clock starting at
1000.0, so ``t + ttl`` is exact and the boundary is hit exactly: an entry set at ``t`` with
ttl ``d`` is live while ``clock() < t + d`` and expired from ``t + d`` on.

What the suite asks of ``expire()`` (the contract: "drop all expired entries now, return how
many it removed; entries already dropped by earlier operations are not counted again"). A
correct implementation may drop expired entries lazily (in ``get``, ``in``, ``len``, ...) or
not: that is its business. So the model bounds the count instead of predicting it:

- at most the number of entries that expired and were not certainly dropped since (every
  ``set``, ``expire()`` and ``clear()`` certainly drops all expired entries; a replaced,
  deleted or evicted entry is gone and never counts), so nothing is counted twice;
- at least the number of entries that expired after the last call into the cache: nobody
  touched the cache since they were live, so they must still be there to remove;
- right after ``expire()``, or after a ``set`` with no time passing, ``expire()`` returns 0.
"""

from __future__ import annotations

import copy
import functools
import gc
import itertools
import math
import pickle
import time
import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given, note
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, rule

from tests.support.clock import FakeClock
from tests.support.sentinels import MISSING
from tests.support.targets import load
from tests.support.threads import run_bounded
from tests.support.timing import no_gc

KATA = "ttl"

START = 1_000.0  # FakeClock's start
KEY_NAMES = ("a", "b", "c", "d")
KEYS = st.sampled_from(KEY_NAMES)
# Falsy values and None must be cached like any other value.
VALUES = st.sampled_from([None, 0, False, "", "x", 1, 2, 3])
TTLS = st.sampled_from([0.5, 1, 1.5, 2, 3.0])  # int or float, multiples of 0.25
ENTRY_TTLS = st.sampled_from([None, None, 0.25, 0.5, 1, 2.5, 4.0])  # None: the default
# How far the clock moves: seconds, or to the next expiry time of a live entry ("expiry"),
# or a quarter second before it ("before"), so that boundaries are hit exactly.
STEPS = st.sampled_from([0.25, 0.5, 0.25, 1.0, "expiry", 0.5, "before"])
BAD_TTLS = [
    (0, ValueError),
    (0.0, ValueError),
    (-1, ValueError),
    (-0.25, ValueError),
    (math.nan, ValueError),
    (math.inf, ValueError),
    (-math.inf, ValueError),
    (True, TypeError),
    (False, TypeError),
    ("1", TypeError),
    ([1], TypeError),
]
BAD_MAXSIZES = [
    (0, ValueError),
    (-1, ValueError),
    (True, TypeError),
    (False, TypeError),
    (None, TypeError),
    (1.0, TypeError),
    (2.5, TypeError),
    ("3", TypeError),
]


def same(got: object, want: object) -> bool:
    """Equal and of the same type: 0, False and None are different cached values."""
    return type(got) is type(want) and got == want


def make(kata: Any, clock: FakeClock, maxsize: int = 8, ttl: float = 1.0) -> Any:
    return kata.TTLCache(maxsize, ttl, clock=clock)


# --------------------------------------------------------------------------------------
# Copies. deepcopy and pickle copy the clock along with the cache; this clock comes back as
# itself, so a copy keeps reading the test's time and is observed at the same instants as
# the original.


class SharedClock(FakeClock):
    """A fake clock that every copy of a cache shares: it is deep-copied and unpickled as
    this very object."""

    def __init__(self) -> None:
        super().__init__()
        _CLOCKS[id(self)] = self

    def __deepcopy__(self, memo: dict[int, Any]) -> SharedClock:
        return self

    def __reduce__(self) -> tuple[Any, ...]:
        return _shared_clock, (id(self),)


_CLOCKS: weakref.WeakValueDictionary[int, SharedClock] = weakref.WeakValueDictionary()


def _shared_clock(ident: int) -> SharedClock:
    return _CLOCKS[ident]


def pickled(cache: Any) -> Any:
    return pickle.loads(pickle.dumps(cache, protocol=pickle.HIGHEST_PROTOCOL))


COPIES: dict[str, Callable[[Any], Any]] = {"deepcopy": copy.deepcopy, "pickle": pickled}


# --------------------------------------------------------------------------------------
# The model: a plain, obviously correct TTL + LRU cache (slow, readable).


@dataclass
class Entry:
    value: object
    expires: float


class Model:
    """Entries in use order (least recently used first), with their expiry times.

    An expired entry stays in ``entries`` until a ``set``, ``expire()`` or ``clear()``
    certainly drops it: until then the implementation may or may not still hold it.
    """

    def __init__(self, maxsize: int, ttl: float) -> None:
        self.maxsize = maxsize
        self.ttl = ttl
        self.entries: OrderedDict[Hashable, Entry] = OrderedDict()

    def live(self, key: Hashable, now: float) -> Entry | None:
        entry = self.entries.get(key)
        return entry if entry is not None and now < entry.expires else None

    def live_keys(self, now: float) -> list[Hashable]:
        return [k for k, e in self.entries.items() if now < e.expires]

    def expired(self, now: float) -> list[Hashable]:
        return [k for k, e in self.entries.items() if e.expires <= now]

    def drop_expired(self, now: float) -> list[Hashable]:
        gone = self.expired(now)
        for key in gone:
            del self.entries[key]
        return gone

    def set(self, key: Hashable, value: object, ttl: float | None, now: float) -> Hashable | None:
        """Store; return the key evicted to make room, if any."""
        self.drop_expired(now)  # every set drops all expired entries first
        evicted = None
        if key not in self.entries and len(self.entries) >= self.maxsize:
            evicted, _ = self.entries.popitem(last=False)  # all left are live: the LRU one
        self.entries[key] = Entry(value, now + (self.ttl if ttl is None else ttl))
        self.entries.move_to_end(key)
        return evicted

    def get(self, key: Hashable, now: float) -> Entry | None:
        entry = self.live(key, now)
        if entry is not None:
            self.entries.move_to_end(key)  # a hit is a use
        return entry

    def describe(self, now: float) -> str:
        if not self.entries:
            return f"model at clock {now:g}: empty"
        parts = [
            f"{k!r}={e.value!r} (expires {e.expires:g}, {'live' if now < e.expires else 'expired'})"
            for k, e in self.entries.items()
        ]
        return f"model at clock {now:g}, least recently used first: " + ", ".join(parts)


# --------------------------------------------------------------------------------------
# Part 1: examples, bad input, then the state machine without eviction.


@pytest.mark.part(1)
class TestPart1Basics:
    def test_set_then_get(self, kata: Any, clock: FakeClock) -> None:
        cache = make(kata, clock)
        cache.set("a", 1)
        cache.set("b", [2])
        assert cache.get("a") == 1
        assert cache.get("b") == [2]
        assert cache.get("zzz") is None, "get() of a missing key returns None by default"
        assert cache.get("zzz", "dflt") == "dflt", "get() of a missing key returns the default"

    def test_replacing_a_value(self, kata: Any, clock: FakeClock) -> None:
        cache = make(kata, clock)
        cache.set("a", 1)
        cache.set("a", 2)
        assert cache.get("a") == 2
        assert len(cache) == 1

    @pytest.mark.parametrize("value", [None, 0, False, "", (), []], ids=repr)
    def test_falsy_values_are_cached(self, kata: Any, clock: FakeClock, value: object) -> None:
        cache = make(kata, clock)
        cache.set("k", value)
        got = cache.get("k", MISSING)
        assert same(got, value), f"get('k', MISSING) after set('k', {value!r}) returned {got!r}"
        assert "k" in cache, f"'k' in cache is False after set('k', {value!r})"
        assert len(cache) == 1

    def test_an_expired_entry_is_never_returned(self, kata: Any, clock: FakeClock) -> None:
        # Two caches: one is read, one only counted (a read may drop the entry on the way).
        cache, unread = make(kata, clock, ttl=2.0), make(kata, clock, ttl=2.0)
        cache.set("a", "A")  # at 1000, ttl 2: expired from 1002 on
        unread.set("a", "A")
        clock.set(START + 3.0)
        got = cache.get("a", MISSING)
        assert got is MISSING, (
            f"get('a') returned {got!r} at 1003, a second after 'a' expired (set at 1000 with "
            "ttl 2): get() must check the expiry time, and miss")
        assert "a" not in cache, "'a' in cache is True at 1003, but 'a' expired at 1002"
        left = cache.remaining("a")
        assert left is None, f"remaining('a') is {left!r} at 1003, but 'a' expired at 1002"
        size = len(unread)
        assert size == 0, (
            f"len(cache) is {size} at 1003, but the only entry ('a') expired at 1002: len() "
            "counts live entries only")

    def test_expiry_boundary(self, kata: Any, clock: FakeClock) -> None:
        cache, unread = make(kata, clock, ttl=2.0), make(kata, clock, ttl=2.0)
        cache.set("a", "A")  # at 1000.0: live while clock < 1002.0
        unread.set("a", "A")
        clock.set(START + 1.75)
        assert cache.get("a") == "A", "an entry is live strictly before t + ttl"
        assert "a" in cache and len(cache) == 1
        clock.set(START + 2.0)
        rule = "an entry is expired from t + ttl on (`clock() >= t + ttl`, not `>`)"
        got = cache.get("a", MISSING)
        assert got is MISSING, (
            f"get('a') returned {got!r} at exactly t + ttl (set at 1000 with ttl 2, now 1002): "
            f"{rule}")
        assert "a" not in cache, f"'a' in cache is True at exactly t + ttl: {rule}"
        left = cache.remaining("a")
        assert left is None, f"remaining('a') is {left!r} at exactly t + ttl: {rule}"
        size = len(unread)
        assert size == 0, (
            f"len(cache) is {size} at exactly t + ttl (set at 1000 with ttl 2, now 1002), but "
            "the only entry has expired: len() counts live entries only, and an entry is "
            "expired from t + ttl on")

    def test_per_entry_ttl_overrides_the_default(self, kata: Any, clock: FakeClock) -> None:
        cache = make(kata, clock, ttl=1.0)
        cache.set("short", 1, ttl=0.5)
        cache.set("long", 2, ttl=3)
        cache.set("default", 3)
        clock.advance(0.75)  # times between the expiry times: the boundary is tested above
        got = cache.get("short")
        assert got is None, (
            f"get('short') returned {got!r} at 1000.75, but it was set at 1000 with ttl=0.5: "
            "a per-entry ttl replaces the default ttl (1.0)")
        assert cache.get("default") == 3
        clock.advance(0.5)
        assert cache.get("default") is None, "the default ttl (1.0) applies without ttl="
        assert cache.get("long") == 2, "set(..., ttl=3) outlives the default ttl"
        clock.advance(2.0)
        assert cache.get("long") is None

    def test_set_again_restarts_the_ttl(self, kata: Any, clock: FakeClock) -> None:
        cache = make(kata, clock, ttl=1.0)
        cache.set("a", 1)
        clock.advance(0.75)
        cache.set("a", 2)
        clock.advance(0.75)
        assert cache.get("a") == 2, "re-setting a key restarts its ttl"
        assert cache.remaining("a") == 0.25

    def test_remaining(self, kata: Any, clock: FakeClock) -> None:
        cache = make(kata, clock, ttl=2.0)
        assert cache.remaining("a") is None, "remaining() of a missing key is None"
        cache.set("a", None)
        assert cache.remaining("a") == 2.0
        clock.advance(1.25)
        assert cache.remaining("a") == 0.75
        clock.advance(1.0)
        assert cache.remaining("a") is None, "remaining() of an expired key is None"

    def test_delete(self, kata: Any, clock: FakeClock) -> None:
        cache = make(kata, clock)
        cache.set("a", 1)
        cache.set("b", 2, ttl=0.5)
        assert cache.delete("a") is True
        assert cache.get("a") is None and "a" not in cache
        assert cache.delete("a") is False, "deleting a missing key returns False"
        clock.advance(0.75)
        assert cache.delete("b") is False, "deleting an expired key returns False"
        assert len(cache) == 0

    def test_clear(self, kata: Any, clock: FakeClock) -> None:
        cache = make(kata, clock)
        for k in "abc":
            cache.set(k, k)
        cache.clear()
        assert len(cache) == 0
        assert all(cache.get(k) is None for k in "abc")
        cache.set("a", 1)
        assert cache.get("a") == 1, "the cache works after clear()"

    def test_default_ttl(self, kata: Any, clock: FakeClock) -> None:
        cache = kata.TTLCache(clock=clock)  # maxsize=128, ttl=60.0
        cache.set(1, 1)
        clock.advance(59.75)
        assert cache.get(1) == 1, "the default ttl is 60 s"
        clock.advance(0.5)
        assert cache.get(1) is None and len(cache) == 0, "the default ttl is 60 s"

    def test_default_clock_is_real_time(self, kata: Any) -> None:
        cache = kata.TTLCache(4, 60.0)
        cache.set("a", 1)
        left = cache.remaining("a")
        assert cache.get("a") == 1
        assert left is not None and 50.0 < left <= 60.0


@pytest.mark.part(1)
class TestPart1BadInput:
    @pytest.mark.parametrize(("maxsize", "error"), BAD_MAXSIZES, ids=repr)
    def test_bad_maxsize(self, kata: Any, clock: FakeClock, maxsize: object, error: type) -> None:
        with pytest.raises(error, match="maxsize"):
            kata.TTLCache(maxsize, 1.0, clock=clock)

    @pytest.mark.parametrize(("ttl", "error"), [*BAD_TTLS, (None, TypeError)], ids=repr)
    def test_bad_default_ttl(self, kata: Any, clock: FakeClock, ttl: object, error: type) -> None:
        with pytest.raises(error, match="ttl"):
            kata.TTLCache(4, ttl, clock=clock)

    def test_small_positive_ttls_are_fine(self, kata: Any, clock: FakeClock) -> None:
        cache = kata.TTLCache(1, 1, clock=clock)  # an int ttl
        cache.set("a", 1, ttl=0.25)
        cache.set("b", 2, ttl=3)
        assert cache.get("b") == 2

    @pytest.mark.parametrize(("ttl", "error"), BAD_TTLS, ids=repr)
    def test_bad_entry_ttl_loses_nothing(
        self, kata: Any, clock: FakeClock, ttl: object, error: type
    ) -> None:
        cache = make(kata, clock, maxsize=2)
        cache.set("a", 1)
        cache.set("b", 2)
        with pytest.raises(error, match="ttl"):
            cache.set("c", 3, ttl=ttl)  # would evict "a" if it were accepted
        with pytest.raises(error, match="ttl"):
            cache.set("a", 10, ttl=ttl)  # would replace "a"
        assert "c" not in cache
        assert cache.get("a") == 1 and cache.get("b") == 2, "a rejected set changed the cache"
        assert cache.remaining("a") == 1.0

    def test_unhashable_key(self, kata: Any, clock: FakeClock) -> None:
        cache = make(kata, clock, maxsize=1)
        cache.set("a", 1)
        with pytest.raises(TypeError):
            cache.set(["x"], 2)
        for call in (cache.get, cache.delete, cache.remaining):
            with pytest.raises(TypeError):
                call(["x"])
        with pytest.raises(TypeError):
            _ = ["x"] in cache
        assert cache.get("a") == 1, "a rejected set must not evict anything"
        assert len(cache) == 1


class TTLMachine(RuleBasedStateMachine):
    """TTLCache against the model. This base is never full (maxsize > number of keys)."""

    def __init__(self) -> None:
        super().__init__()
        self.kata = load(KATA)
        self.clock = SharedClock()
        self.last_call = self.clock()

    def start(self, maxsize: int, ttl: float) -> None:
        self.cache = self.kata.TTLCache(maxsize, ttl, clock=self.clock)
        self.model = Model(maxsize, ttl)
        note(f"TTLCache(maxsize={maxsize}, ttl={ttl!r}, clock=FakeClock(now={self.clock()}))")

    @property
    def now(self) -> float:
        return self.clock()

    def called(self) -> None:
        self.last_call = self.clock()

    def describe(self) -> str:
        return self.model.describe(self.now)

    @initialize(ttl=TTLS)
    def make(self, ttl: float) -> None:
        self.start(64, ttl)

    @rule(key=KEYS, value=VALUES, ttl=ENTRY_TTLS)
    def set(self, key: str, value: object, ttl: float | None) -> None:
        self.cache.set(key, value, ttl)  # positionally: the contract's parameter order
        self.called()
        evicted = self.model.set(key, value, ttl, self.now)
        if evicted is not None:
            note(f"set({key!r}) evicted {evicted!r} (least recently used live entry)")
        self.observe()

    @rule(key=KEYS)
    def get(self, key: str) -> None:
        got = self.cache.get(key, MISSING)
        self.called()
        entry = self.model.get(key, self.now)
        want = MISSING if entry is None else entry.value
        assert same(got, want), (
            f"get({key!r}, MISSING) returned {got!r}, expected {want!r}\n{self.describe()}"
        )
        self.observe()

    @rule()
    def get_expired(self) -> None:
        """get() every key whose entry has expired: each must miss (a miss is not a use)."""
        for key in self.model.expired(self.now):
            got = self.cache.get(key, MISSING)
            self.called()
            assert got is MISSING, (
                f"get({key!r}, MISSING) returned {got!r}, but {key!r} expired at "
                f"{self.model.entries[key].expires:g}\n{self.describe()}"
            )

    def observe(self) -> None:
        """After each operation: len(), then remaining() and `in` for every key (not uses).

        They run at the same clock time as the operation, so they change nothing the model
        tracks (an implementation may drop expired entries here: that is allowed).
        """
        now = self.now
        got_len = len(self.cache)  # first: reading a key may drop it on the way
        want_len = len(self.model.live_keys(now))
        assert got_len == want_len, (
            f"len(cache) is {got_len}, expected {want_len} live entries\n{self.describe()}"
        )
        for key in KEY_NAMES:
            entry = self.model.live(key, now)
            got_left = self.cache.remaining(key)
            want_left = None if entry is None else entry.expires - now
            assert got_left == want_left and (got_left is None) == (want_left is None), (
                f"remaining({key!r}) returned {got_left!r}, expected {want_left!r}\n"
                f"{self.describe()}"
            )
            got_in = key in self.cache
            assert got_in is (entry is not None), (
                f"{key!r} in cache gave {got_in!r}, expected {entry is not None!r}\n"
                f"{self.describe()}"
            )
        self.called()

    @rule(key=KEYS)
    def delete(self, key: str) -> None:
        got = self.cache.delete(key)
        self.called()
        want = self.model.live(key, self.now) is not None
        assert got is want, (
            f"delete({key!r}) returned {got!r}, expected {want!r} (True only for a live "
            f"entry)\n{self.describe()}"
        )
        if want:
            del self.model.entries[key]
        self.observe()

    @rule(step=STEPS)
    def advance(self, step: float | str) -> None:
        if not isinstance(step, str):
            self.clock.advance(step)
            return
        upcoming = [e.expires for e in self.model.entries.values() if e.expires > self.now]
        target = min(upcoming, default=self.now + 1.0) - (0.25 if step == "before" else 0.0)
        if target > self.now:
            self.clock.set(target)
            note(f"clock moved to {target:g}")


TestPart1Machine = pytest.mark.part(1)(TTLMachine.TestCase)


# --------------------------------------------------------------------------------------
# Part 2: eviction, auto-expiry, expire(), complexity, copies; then the state machine.


@pytest.mark.part(2)
class TestPart2Eviction:
    def test_lru_is_evicted(self, kata: Any, clock: FakeClock) -> None:
        cache = make(kata, clock, maxsize=3, ttl=10)
        for k in "abc":
            cache.set(k, k)
        cache.set("d", "d")
        assert "a" not in cache, "a new key in a full cache evicts the least recently used"
        assert [k in cache for k in "bcd"] == [True, True, True]
        assert len(cache) == 3

    def test_get_counts_as_use(self, kata: Any, clock: FakeClock) -> None:
        cache = make(kata, clock, maxsize=3, ttl=10)
        for k in "abc":
            cache.set(k, k)
        assert cache.get("a") == "a"  # "a" becomes the most recently used: "b" is LRU
        cache.set("d", "d")
        assert "a" in cache, (
            "set('d') into the full cache evicted 'a', but get('a') had just used it: get() "
            "on a hit makes the key the most recently used, so 'b' was the one to evict")
        assert "b" not in cache, "'b' was the least recently used and must be evicted"

    def test_set_counts_as_use(self, kata: Any, clock: FakeClock) -> None:
        cache = make(kata, clock, maxsize=3, ttl=10)
        for k in "abc":
            cache.set(k, k)
        cache.set("a", "A")  # replacing evicts nothing and makes "a" the most recent
        assert len(cache) == 3
        cache.set("d", "d")
        assert cache.get("a") == "A" and "b" not in cache

    def test_contains_and_remaining_are_not_uses(self, kata: Any, clock: FakeClock) -> None:
        cache = make(kata, clock, maxsize=2, ttl=10)
        cache.set("a", 1)
        cache.set("b", 2)
        assert "a" in cache and cache.remaining("a") == 10
        cache.set("c", 3)
        assert "a" not in cache, "`in` and remaining() must not refresh recency"

    def test_expired_entries_are_dropped_before_evicting(
        self, kata: Any, clock: FakeClock
    ) -> None:
        cache = make(kata, clock, maxsize=2, ttl=10)
        cache.set("old", 1)  # least recently used, but live
        cache.set("brief", 2, ttl=1)
        clock.advance(1.25)  # "brief" expired
        cache.set("new", 3)
        assert cache.get("old") == 1, (
            "set('new') evicted the live 'old' while the full cache held the expired "
            "'brief': a set drops the expired entries first, and evicts only if still full")
        assert cache.get("new") == 3 and len(cache) == 2

    def test_default_maxsize(self, kata: Any, clock: FakeClock) -> None:
        cache = kata.TTLCache(clock=clock)  # maxsize=128, ttl=60.0
        for i in range(128):
            cache.set(i, i)
        assert len(cache) == 128, "the default maxsize is 128"
        cache.set(128, 128)
        assert len(cache) == 128 and 0 not in cache, "the 129th key evicts the LRU one"


def still_referenced(refs: dict[str, weakref.ref[Blob]]) -> list[str]:
    """The names whose value is still alive (collecting cycles only when there is doubt)."""
    alive = sorted(name for name, ref in refs.items() if ref() is not None)
    if alive:
        gc.collect()
        alive = sorted(name for name, ref in refs.items() if ref() is not None)
    return alive


class Blob:
    """A value that can be watched with weakref."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return f"Blob({self.name!r})"



# Keys of types that do not order: a cache needs only their hash and ==, so nothing may sort
# or heap-compare them (on a tie of expiry times, a record (expires_at, key) compares keys).
UNORDERED_KEYS = (1, "a", (2,), None, 2.5)


def set_all(cache: Any, keys: tuple[Any, ...], ttl: float) -> None:
    """set(key, repr(key), ttl) for each key; a TypeError is the cache comparing keys."""
    for key in keys:
        try:
            cache.set(key, repr(key), ttl=ttl)
        except TypeError as exc:
            pytest.fail(
                f"set({key!r}, ..., ttl={ttl!r}) raised TypeError({exc}) after set() of "
                f"{list(keys[:keys.index(key)])!r} with the same expiry time: keys need only "
                "be hashable, and records of equal expiry times must not compare their keys "
                "(put a counter between the time and the key)", pytrace=False)


@pytest.mark.part(2)
class TestPart2AutoExpiry:
    def _set_blob(self, cache: Any, key: str, ttl: float | None = None) -> weakref.ref[Blob]:
        blob = Blob(key)
        cache.set(key, blob, ttl)
        return weakref.ref(blob)

    def test_next_set_releases_an_expired_value(self, kata: Any, clock: FakeClock) -> None:
        cache = make(kata, clock, maxsize=100, ttl=1)
        ref = self._set_blob(cache, "a")
        clock.advance(1.25)
        cache.set("b", "B")
        assert not still_referenced({"a": ref}), (
            "the cache still holds the value of 'a', expired before the last set(): every "
            "set must drop all expired entries, not only when the cache is full or on get()"
        )

    @pytest.mark.parametrize("order", ["in expiry order", "out of expiry order"])
    def test_a_set_at_the_instant_of_expiry_releases_the_value(
        self, kata: Any, clock: FakeClock, order: str
    ) -> None:
        cache = make(kata, clock, maxsize=100, ttl=1)
        if order == "out of expiry order":
            cache.set("long", "L", ttl=5)  # set before 'a', expires after it
        ref = self._set_blob(cache, "a")  # at 1000 with ttl 1: expired from 1001 on
        clock.advance(1.0)
        cache.set("b", "B")
        assert not still_referenced({"a": ref}), (
            f"({order}) the cache still holds the value of 'a' after a set() at 1001, the very "
            "instant 'a' expired (set at 1000 with ttl 1): an entry is expired from t + ttl "
            "on, so that set must drop it (`<=`, not `<`, when it looks for what is due)")

    def test_write_only_cache_holds_only_live_values(self, kata: Any, clock: FakeClock) -> None:
        cache = make(kata, clock, maxsize=1000, ttl=2)
        refs: dict[str, weakref.ref[Blob]] = {}
        expiry: dict[str, float] = {}
        ttls = itertools.cycle([None, 0.25, 1, 3.5, 0.75, None, 5])
        for i in range(60):
            ttl = next(ttls)
            key = f"k{i}"
            expiry[key] = clock() + (2 if ttl is None else ttl)
            refs[key] = self._set_blob(cache, key, ttl)
            clock.advance(0.25)
            if i % 7 == 6:
                cache.set(f"probe{i}", None)  # one more write: everything expired must go
                now = clock()
                expired = {k: r for k, r in refs.items() if expiry[k] <= now}
                kept = still_referenced(expired)
                assert not kept, f"at {now:g}, after a set, expired values still held: {kept}"
                lost = sorted(k for k, r in refs.items() if expiry[k] > now and r() is None)
                assert not lost, f"at {now:g}, live values were released: {lost}"

    def test_keys_that_do_not_order_expire_together(self, kata: Any, clock: FakeClock) -> None:
        cache = make(kata, clock, maxsize=8, ttl=1)
        cache.set("long", "L", ttl=5)  # later keys expire before it: out of expiry order
        set_all(cache, UNORDERED_KEYS, ttl=1)
        assert [cache.get(k) for k in UNORDERED_KEYS] == [repr(k) for k in UNORDERED_KEYS]
        clock.advance(1.0)
        cache.set("x", "X")
        left = sorted(map(repr, (k for k in (*UNORDERED_KEYS, "long", "x") if k in cache)))
        assert left == ["'long'", "'x'"], (
            f"at 1001, after set('x'), the cache holds {left}: the entries set at 1000 with "
            "ttl 1 expired at 1001, 'long' and 'x' are live")
        assert len(cache) == 2

    def test_only_expired_values_are_released(self, kata: Any, clock: FakeClock) -> None:
        cache = make(kata, clock, maxsize=100, ttl=1)
        gone = self._set_blob(cache, "gone", ttl=0.5)
        kept = self._set_blob(cache, "kept", ttl=2)
        clock.advance(0.75)
        cache.set("x", 1)
        assert not still_referenced({"gone": gone}), (
            "the value of an entry that expired before the set is still held"
        )
        assert kept() is not None and cache.get("kept") is kept()


@pytest.mark.part(2)
class TestPart2Expire:
    def test_expire_counts_what_it_removes(self, kata: Any, clock: FakeClock) -> None:
        cache = make(kata, clock, maxsize=8, ttl=1)
        cache.set("a", 1)
        cache.set("b", 2)
        cache.set("c", 3, ttl=5)
        assert cache.expire() == 0, "nothing has expired yet"
        clock.advance(1)
        assert cache.expire() == 2, "'a' and 'b' expired at exactly t + ttl"
        assert cache.expire() == 0, "a second expire() has nothing left to remove"
        assert len(cache) == 1 and cache.get("c") == 3

    def test_expire_does_not_count_replaced_entries(self, kata: Any, clock: FakeClock) -> None:
        cache = make(kata, clock, maxsize=8, ttl=1)
        cache.set("a", 1)
        cache.set("a", 2)
        cache.set("a", 3)
        clock.advance(1.25)
        got = cache.expire()
        assert got == 1, (
            f"expire() returned {got}, but one entry expired: 'a', set three times (the two "
            "entries it replaced were gone already and must not be counted)")

    def test_expire_does_not_count_deleted_or_evicted(self, kata: Any, clock: FakeClock) -> None:
        cache = make(kata, clock, maxsize=2, ttl=1)
        cache.set("a", 1)
        cache.set("b", 2)
        cache.set("c", 3)  # evicts "a"
        assert cache.delete("b") is True
        clock.advance(1.25)
        got = cache.expire()
        assert got == 1, f"expire() returned {got}: only 'c' expired; 'a' was evicted, 'b' deleted"

    def test_expire_does_not_count_what_set_dropped(self, kata: Any, clock: FakeClock) -> None:
        cache = make(kata, clock, maxsize=8, ttl=1)
        cache.set("a", 1)
        cache.set("b", 2, ttl=3)
        clock.advance(1.25)
        cache.set("c", 3)  # drops the expired "a"
        got = cache.expire()
        assert got == 0, (
            f"expire() returned {got} right after set('c'), but that set had to drop the "
            "expired 'a' already (every set drops all expired entries): nothing is left")
        clock.advance(2)
        assert cache.expire() == 2


# How the time of one set grows from a small cache to a large one. An O(log n) set (a heap
# or an expiry-ordered structure) barely changes (about 1.1-1.6x on a loaded 2-core machine);
# a set that scans every entry costs about BIG / SMALL = 512 times as much. The bound sits
# far from both. The garbage collector is off while timing, as in timeit.
SMALL, BIG = 64, 32_768
GROWTH_LIMIT = 12.0
FILL_BUDGET = 3.0  # seconds to fill the big cache (the reference needs well under 0.1 s)


class _Sets:
    """Sets of new keys into a cache of one size, timed, in one of two steady states."""

    def __init__(self, kata: Any, size: int, *, expiring: bool) -> None:
        self.clock = FakeClock()
        self.expiring = expiring
        # Evicting: entries never expire, every new key evicts one. Expiring: the clock moves
        # 1 s per set and entries live `size` s, so each set drops one expired entry instead.
        ttl = float(size) if expiring else 1e9
        self.cache = kata.TTLCache(size, ttl, clock=self.clock)
        self.keys = itertools.count()

    def run(self, count: int) -> float:
        """Seconds for ``count`` sets of new keys."""
        cache, clock, keys = self.cache, self.clock, self.keys
        start = time.perf_counter()
        if self.expiring:
            for _ in range(count):
                clock.advance(1.0)
                cache.set(next(keys), None)
        else:
            for _ in range(count):
                cache.set(next(keys), None)
        return time.perf_counter() - start

    def per_set(self, batch: int, repeat: int) -> float:
        """The best time per set over ``repeat`` batches (the least disturbed one)."""
        return min(self.run(batch) for _ in range(repeat)) / batch


@pytest.fixture(name="no_gc")
def no_gc_fixture() -> Any:
    with no_gc():
        yield


@pytest.mark.part(2)
class TestPart2Complexity:
    @pytest.mark.parametrize("expiring", [False, True], ids=["evicting", "expiring"])
    def test_set_does_not_scan_every_entry(self, kata: Any, no_gc: None, expiring: bool) -> None:
        small = _Sets(kata, SMALL, expiring=expiring)
        small.run(SMALL)  # fill
        base = small.per_set(200, repeat=5)

        big = _Sets(kata, BIG, expiring=expiring)
        spent, filled = 0.0, 0
        while filled < BIG:
            spent += big.run(1024)
            filled += 1024
            assert spent <= FILL_BUDGET, (
                f"the first {filled} sets into an empty cache of maxsize {BIG} took "
                f"{spent:.2f}s (over {FILL_BUDGET:g}s): set() must not scan all entries"
            )
        per_set = big.per_set(100, repeat=3)
        what = "drops one expired entry" if expiring else "evicts one entry"
        assert per_set <= GROWTH_LIMIT * base, (
            f"a set that {what} takes {per_set * 1e6:.1f} us with {BIG} entries but "
            f"{base * 1e6:.1f} us with {SMALL}: over {GROWTH_LIMIT:g}x slower, so set() "
            "scans the entries (O(n)); use a heap or an expiry-ordered structure"
        )


# A copy of a big cache: 100,000 entries, per-entry ttls (expiry order is not use order),
# a few expired, and a use order shuffled by get(). The copy must match it: the same live
# entries, values (copies of them), remaining() and eviction order.
COPY_SIZE = 100_000


def big_cache(kata: Any, clock: FakeClock) -> tuple[Any, list[int]]:
    """The cache, and its live keys in use order (least recently used first)."""
    cache = kata.TTLCache(COPY_SIZE, 60, clock=clock)
    for i in range(COPY_SIZE):
        value = [i] if i % 100 == 0 else i  # some mutable: a copy holds copies of them
        cache.set(i, value, ttl=None if i % 3 else 0.25 * (1 + i % 40))
        if i % 10_000 == 9_999:
            clock.advance(0.25)  # by the end, the shortest per-entry ttls have run out
    used = list(range(COPY_SIZE - 1, -1, -7))  # read, newest first: a new use order
    for key in used:
        cache.get(key)
    order = [k for k in range(COPY_SIZE) if k % 7 != (COPY_SIZE - 1) % 7] + used
    return cache, [k for k in order if cache.remaining(k) is not None]


@pytest.mark.part(2)
class TestPart2Copies:
    @pytest.mark.parametrize("how", list(COPIES))
    def test_a_copy_keeps_entries_expiry_times_and_use_order(self, kata: Any, how: str) -> None:
        cache, order = big_cache(kata, SharedClock())
        try:
            twin = COPIES[how](cache)
        except RecursionError:
            twin = None  # reported below, without the 1,000 frames of the recursion
        if twin is None:
            pytest.fail(
                f"{how} of a TTLCache of {COPY_SIZE:,} entries raised RecursionError: the "
                "cache must copy without recursing once per entry (a linked list pickled "
                "node by node does; give the cache a flat state: __getstate__ and "
                "__setstate__)", pytrace=False)
        assert twin is not cache and len(twin) == len(order), (
            f"{how}: the copy has {len(twin)} live entries, the cache {len(order)}")
        wrong = [(k, twin.remaining(k), cache.remaining(k)) for k in range(COPY_SIZE)
                 if twin.remaining(k) != cache.remaining(k)]
        assert not wrong, (
            f"{how}: {len(wrong)} keys have another remaining() in the copy than in the cache "
            f"(key, copy's, cache's): {wrong[:3]}")
        # Reading the newer half in use order leaves the use order as it was; then new keys
        # fill the copy's free room and evict its entries, in the cache's use order.
        for key in order[len(order) // 2:]:
            got, want = twin.get(key, MISSING), cache.get(key, MISSING)
            assert got == want and (got is not want or not isinstance(want, list)), (
                f"{how}: the copy's get({key}) is {got!r}, the cache's {want!r} (a copy holds "
                "copies of the values)")
        for n in range(COPY_SIZE - len(order)):
            twin.set(-1 - n, None)
        self.check_evictions(twin, order, how)
        assert len(cache) == len(order), f"{how}: filling the copy changed the cache"

    @pytest.mark.parametrize("how", list(COPIES))
    def test_a_copy_of_keys_that_do_not_order(self, kata: Any, how: str) -> None:
        clock = SharedClock()
        cache = make(kata, clock, maxsize=8, ttl=1)
        set_all(cache, UNORDERED_KEYS, ttl=1)  # all expire at 1001
        error = ""
        try:
            twin = COPIES[how](cache)
        except TypeError as exc:
            error = f"{type(exc).__name__}({exc})"
        if error:
            pytest.fail(f"{how} of a cache whose keys {UNORDERED_KEYS!r} all expire at 1001 "
                        f"raised {error}: keys need only be hashable, and a copy must not "
                        "compare them (sort the records by expiry time alone)", pytrace=False)
        got = [twin.get(k, MISSING) for k in UNORDERED_KEYS]
        assert got == [repr(k) for k in UNORDERED_KEYS], f"{how}: the copy's values are {got}"
        clock.advance(1.0)
        assert len(twin) == 0, f"{how}: the copy's entries outlived 1001, their expiry time"

    @staticmethod
    def check_evictions(twin: Any, order: list[int], how: str) -> None:
        """Each new key into the full copy evicts the next key of ``order``."""
        for n in range(len(order)):
            twin.set(COPY_SIZE + n, None)
            victim = order[n]
            if victim in twin:
                gone = [k for k in order[:n + 1] if k not in twin]
                pytest.fail(
                    f"{how}: the copy evicts in another order than the cache: new key "
                    f"#{n + 1} into the full copy should evict {victim} (the least recently "
                    f"used left), but the copy dropped {gone[:3]} so far", pytrace=False)


@pytest.mark.part(1)
class TestPart1HugeTTL:
    """A ttl too large for a float (after Part 2's copies, whose failures read better first)."""

    def test_an_int_ttl_too_large_for_a_float_is_infinite(self, kata: Any,
                                                          clock: FakeClock) -> None:
        huge = 10**400  # float(huge) raises OverflowError
        with pytest.raises(ValueError, match="ttl"):
            kata.TTLCache(4, huge, clock=clock)
        cache = make(kata, clock)
        with pytest.raises(ValueError, match="ttl"):
            cache.set("a", 1, ttl=huge)
        assert "a" not in cache, "a rejected set changed the cache"


class TTLEvictionMachine(TTLMachine):
    """The same rules on a small cache (maxsize 1..4, five keys), plus expire() and copies."""

    @initialize(maxsize=st.integers(1, 3), ttl=st.sampled_from([2, 4.0, 8]))
    def make(self, maxsize: int, ttl: float) -> None:
        self.start(maxsize, ttl)

    @rule(value=VALUES, ttl=ENTRY_TTLS)
    def set_new(self, value: object, ttl: float | None) -> None:
        """set() a key that has no live entry (into a full cache, this evicts)."""
        key = next(k for k in KEY_NAMES if self.model.live(k, self.now) is None)
        note(f"set_new: set({key!r}, {value!r}, {ttl!r})")
        self.set(key, value, ttl)

    @rule()
    def get_lru(self) -> None:
        """get() the least recently used live key: it becomes the most recently used."""
        live = self.model.live_keys(self.now)
        if live:
            note(f"get_lru: get({live[0]!r})")
            self.get(live[0])

    @rule()
    def expire(self) -> None:
        since = self.last_call
        got = self.cache.expire()
        self.called()
        now = self.now
        expired = self.model.expired(now)
        surely = [k for k in expired if self.model.entries[k].expires > since]
        assert len(surely) <= got <= len(expired), (
            f"expire() returned {got!r}; expected between {len(surely)} (entries that expired "
            f"since the last call: {surely}) and {len(expired)} (expired entries not yet "
            f"certainly dropped: {expired}); a replaced, deleted, evicted or already dropped "
            f"entry must not be counted\n{self.describe()}"
        )
        self.model.drop_expired(now)
        self.observe()

    @rule(how=st.sampled_from(list(COPIES)))
    def replace_by_a_copy(self, how: str) -> None:
        """Go on with a copy of the cache: it must behave exactly as the cache would."""
        self.cache = COPIES[how](self.cache)
        note(f"the cache replaced by its {how}")
        self.observe()


TestPart2Machine = pytest.mark.part(2)(TTLEvictionMachine.TestCase)


# --------------------------------------------------------------------------------------
# Part 3: the ttl_cache decorator.


def counted(kata: Any, clock: FakeClock, **options: Any) -> tuple[Any, list[tuple[Any, ...]]]:
    """A decorated function that records every real call and returns its argument's repr."""
    calls: list[tuple[Any, ...]] = []
    options.setdefault("maxsize", 8)
    options.setdefault("ttl", 1.0)

    @kata.ttl_cache(clock=clock, **options)
    def describe(*args: Any, **kwargs: Any) -> str:
        calls.append((args, kwargs))
        return repr((args, sorted(kwargs.items())))

    return describe, calls


class Counted:
    """An argument that counts the calls of its ``__hash__``."""

    def __init__(self, n: int) -> None:
        self.n = n
        self.hashes = 0

    def __hash__(self) -> int:
        self.hashes += 1
        return hash(self.n)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Counted) and other.n == self.n

    def __repr__(self) -> str:
        return f"Counted({self.n})"


def show_args(args: tuple[Any, ...], kwargs: dict[str, Any]) -> str:
    return "(" + ", ".join([*map(repr, args), *(f"{k}={v!r}" for k, v in kwargs.items())]) + ")"


def lookup_size(f: Any) -> int:
    size: int = f.cache_info().currsize
    return size


@pytest.mark.part(3)
class TestPart3Decorator:
    def test_caches_results(self, kata: Any, clock: FakeClock) -> None:
        f, calls = counted(kata, clock, maxsize=8)
        assert f(1) == f(1) == repr(((1,), []))
        assert len(calls) == 1, "the second call must come from the cache"
        assert tuple(f.cache_info()) == (1, 1, 8, 1), "(hits, misses, maxsize, currsize)"
        info = f.cache_info()
        assert (info.hits, info.misses, info.maxsize, info.currsize) == (1, 1, 8, 1)

    @pytest.mark.parametrize("result", [0, "", False, ()], ids=repr)
    def test_falsy_results_are_cached(self, kata: Any, clock: FakeClock, result: object) -> None:
        calls = []

        @kata.ttl_cache(maxsize=4, ttl=1.0, clock=clock)
        def lookup(x: int) -> object:
            calls.append(x)
            return result

        first, second = lookup(1), lookup(1)
        assert same(first, result) and same(second, result), (
            f"lookup(1) returned {first!r}, then {second!r}; the function returns {result!r}")
        assert calls == [1], (
            f"lookup(1) returns {result!r}, and two calls ran it {len(calls)} times: a cached "
            f"{result!r} is a hit like any other result (a falsy result is not a miss)")
        assert tuple(lookup.cache_info()) == (1, 1, 4, 1)

    def test_none_results_are_cached(self, kata: Any, clock: FakeClock) -> None:
        calls = []

        @kata.ttl_cache(maxsize=4, ttl=1.0, clock=clock)
        def lookup(x: int) -> None:
            calls.append(x)
            return None

        assert lookup(1) is None
        assert lookup(1) is None
        assert calls == [1], (
            f"lookup(1) returns None, and two calls ran it {len(calls)} times: a cached None "
            "is a hit like any other result (tell a miss by a sentinel, not by None)")
        assert tuple(lookup.cache_info()) == (1, 1, 4, 1)

    def test_exceptions_are_not_cached(self, kata: Any, clock: FakeClock) -> None:
        attempts = []

        @kata.ttl_cache(maxsize=4, ttl=1.0, clock=clock)
        def flaky(x: int) -> int:
            attempts.append(x)
            if len(attempts) == 1:
                raise RuntimeError("first call fails")
            return x * 10

        with pytest.raises(RuntimeError):
            flaky(3)
        try:
            again = flaky(3)
        except RuntimeError as exc:
            ran = "ran flaky again" if len(attempts) > 1 else "did not even run flaky"
            pytest.fail(
                f"the second flaky(3) raised the first call's {exc!r} again ({ran}): an "
                "exception propagates and nothing is cached, so the next call runs the "
                "function again", pytrace=False)
        assert again == 30
        assert flaky(3) == 30
        assert attempts == [3, 3]
        assert lookup_size(flaky) == 1

    def test_expiry_follows_the_clock(self, kata: Any, clock: FakeClock) -> None:
        f, calls = counted(kata, clock, ttl=2.0)
        f("x")
        clock.advance(1.75)
        f("x")
        assert len(calls) == 1, "a result is cached while clock < t + ttl"
        clock.advance(0.25)
        assert lookup_size(f) == 0, "cache_info().currsize counts live entries only"
        f("x")
        assert len(calls) == 2, "a result expires at exactly t + ttl and is computed again"
        assert f.cache_info()[:2] == (1, 2)

    def test_lru_eviction(self, kata: Any, clock: FakeClock) -> None:
        f, calls = counted(kata, clock, maxsize=2, ttl=100)
        f(1)
        f(2)
        f(1)  # a hit: 2 becomes the least recently used
        f(3)  # evicts 2
        f(1)
        assert len(calls) == 3
        f(2)
        assert len(calls) == 4, "2 was evicted as the least recently used"
        assert lookup_size(f) == 2

    def test_typed(self, kata: Any, clock: FakeClock) -> None:
        f, calls = counted(kata, clock, typed=True)
        assert f(3) == repr(((3,), []))
        assert f(3.0) == repr(((3.0,), [])), "typed=True caches 3 and 3.0 apart"
        assert f(x=3) != f(x=3.0)
        assert len(calls) == 4

    def test_untyped_equal_arguments_share_an_entry(self, kata: Any, clock: FakeClock) -> None:
        f, calls = counted(kata, clock, typed=False)
        first = f(0.5)
        assert f(Fraction(1, 2)) == first, (
            "typed=False: 0.5 and Fraction(1, 2) are equal arguments and share an entry, "
            "as in functools.lru_cache"
        )
        assert len(calls) == 1

    def test_arguments_of_different_types_do_not_collide(
        self, kata: Any, clock: FakeClock
    ) -> None:
        f, _ = counted(kata, clock)
        assert f(1) == repr(((1,), []))
        assert f("1") == repr((("1",), [])), "f(1) and f('1') must not share a cache entry"
        assert f((1, 2)) != f("(1, 2)")

    def test_keyword_arguments(self, kata: Any, clock: FakeClock) -> None:
        f, calls = counted(kata, clock)
        assert f(1, b=2) == repr(((1,), [("b", 2)]))
        assert f(1, b=3) == repr(((1,), [("b", 3)])), "different keyword values are new calls"
        assert f(1, c=2) == repr(((1,), [("c", 2)])), "different keyword names are new calls"
        assert f(1, b=2) == repr(((1,), [("b", 2)]))
        assert len(calls) == 3, "f(1, b=2) a second time must be a hit"
        assert f(1) == repr(((1,), [])) and len(calls) == 4

    @pytest.mark.parametrize("typed", [False, True])
    def test_every_argument_is_part_of_the_key(self, kata: Any, clock: FakeClock,
                                               typed: bool) -> None:
        f, calls = counted(kata, clock, maxsize=16, typed=typed)
        distinct: list[tuple[tuple[Any, ...], dict[str, Any]]] = [
            ((1, 2), {}), ((1, 3), {}), ((2,), {"b": 2}), ((1,), {"b": 2}),
            ((), {"a": 1, "b": 2}), ((), {"a": 3, "b": 2}), ((), {"x": 3}), ((), {"x": 4}),
        ]
        for args, kwargs in distinct * 2:  # the second round: every call a hit
            got = f(*args, **kwargs)
            want = repr((args, sorted(kwargs.items())))
            assert got == want, (
                f"typed={typed}: f{show_args(args, kwargs)} returned {got}, the result of "
                "another call: every positional and keyword argument (name and value) is "
                f"part of the key; calls so far: {calls}")
        assert len(calls) == len(distinct), (
            f"typed={typed}: {len(distinct)} different calls, each made twice, ran the "
            f"function {len(calls)} times: the second round must hit")

    def test_unhashable_argument(self, kata: Any, clock: FakeClock) -> None:
        f, _ = counted(kata, clock)
        with pytest.raises(TypeError):
            f([1, 2])
        with pytest.raises(TypeError):
            f(1, k={})
        assert f(1) == repr(((1,), [])), "the wrapper still works"

    def test_an_argument_whose_hash_calls_the_function(self, kata: Any, clock: FakeClock) -> None:
        @kata.ttl_cache(maxsize=8, ttl=60, clock=clock)
        def f(x: Any) -> Any:
            return ("key", x.n) if isinstance(x, Key) else x * 10

        class Key:
            def __init__(self, n: int) -> None:
                self.n = n

            def __hash__(self) -> int:
                return hash(f(self.n))  # the cache hashes the key: f is called inside f

            def __eq__(self, other: object) -> bool:
                return isinstance(other, Key) and other.n == self.n

        what = "f(Key(1)), where Key.__hash__ calls f itself"
        assert run_bounded(lambda: f(Key(1)), what, timeout=2.0) == ("key", 1)
        assert run_bounded(lambda: f(Key(1)), f"{what}, a second time", timeout=2.0) == (
            "key", 1)
        assert f(1) == 10

    def test_an_argument_whose_eq_calls_the_function(self, kata: Any, clock: FakeClock) -> None:
        @kata.ttl_cache(maxsize=8, ttl=60, clock=clock)
        def f(x: Any) -> Any:
            return ("key", x.n) if isinstance(x, Key) else x * 10

        class Key:
            def __init__(self, n: int) -> None:
                self.n = n

            def __hash__(self) -> int:
                return hash(self.n)

            def __eq__(self, other: object) -> bool:  # the cache compares keys: f inside f
                return isinstance(other, Key) and f(other.n) == f(self.n)

        assert f(Key(1)) == ("key", 1)
        what = ("f(Key(1)) a second time (looking it up compares the new Key(1) with the "
                "cached one, and Key.__eq__ calls f: a lock that f holds there must be "
                "reentrant)")
        assert run_bounded(lambda: f(Key(1)), what, timeout=2.0) == ("key", 1)
        assert f(1) == 10 and f(2) == 20

    def test_each_argument_is_hashed_once_per_call(self, kata: Any, clock: FakeClock) -> None:
        f, calls = counted(kata, clock)
        for n, what in [(1, "a miss"), (1, "a hit")]:
            arg = Counted(n)
            f(arg)
            assert arg.hashes == 1, (
                f"f(Counted({n})), {what}, called Counted.__hash__ {arg.hashes} times: build "
                "the call's key once and hash it once (functools keeps the hash with the key), "
                "however many times the cache looks it up")
        keyword = Counted(2)
        f(Counted(3), k=keyword)
        assert keyword.hashes == 1, (
            f"f(Counted(3), k=Counted(2)) called Counted.__hash__ {keyword.hashes} times on the "
            "keyword argument: once per call")
        assert len(calls) == 2

    def test_cache_clear(self, kata: Any, clock: FakeClock) -> None:
        f, calls = counted(kata, clock, maxsize=5)
        f(1)
        f(1)
        f(2)
        f.cache_clear()
        assert tuple(f.cache_info()) == (0, 0, 5, 0), "cache_clear() empties and resets stats"
        f(1)
        assert len(calls) == 3, "after cache_clear() every call is a miss"

    def test_wraps_metadata(self, kata: Any, clock: FakeClock) -> None:
        def area(w: int, h: int = 1) -> int:
            """Width times height."""
            return w * h

        wrapped = kata.ttl_cache(maxsize=4, ttl=1.0, clock=clock)(area)
        assert wrapped.__name__ == "area"
        assert wrapped.__qualname__ == area.__qualname__
        assert wrapped.__doc__ == "Width times height."
        assert wrapped.__module__ == area.__module__
        assert wrapped.__wrapped__ is area
        assert wrapped(3, h=4) == 12

    def test_defaults(self, kata: Any, clock: FakeClock) -> None:
        calls = []

        @kata.ttl_cache(clock=clock)  # maxsize=128, ttl=60.0, typed=False
        def half(x: Any) -> Any:
            calls.append(x)
            return x / 2

        assert half.cache_info().maxsize == 128, (
            f"ttl_cache(clock=clock): cache_info() is {half.cache_info()}, but the default "
            "maxsize is 128")
        half(0.5)
        half(Fraction(1, 2))
        assert len(calls) == 1, (
            "half(0.5), then half(Fraction(1, 2)) ran the function twice: typed is False by "
            "default, so equal arguments of different types share an entry")
        clock.advance(59.75)
        half(0.5)
        clock.advance(0.25)
        half(0.5)
        assert len(calls) == 2, (
            f"half(0.5) at 1000, 1059.75 and 1060 ran the function {len(calls)} times: the "
            "default ttl is 60 s (a hit at 1059.75, expired at 1060)")

    def test_a_decorated_method(self, kata: Any, clock: FakeClock) -> None:
        class Scaler:
            def __init__(self, factor: int) -> None:
                self.factor = factor

            @kata.ttl_cache(maxsize=8, ttl=1.0, clock=clock)
            def scale(self, x: int) -> int:
                return x * self.factor

            def __hash__(self) -> int:
                return self.factor

        two, three = Scaler(2), Scaler(3)
        got = (two.scale(5), three.scale(5), two.scale(5))
        assert got == (10, 15, 10), (
            f"two.scale(5), three.scale(5), two.scale(5) returned {got}: a decorated method "
            "binds to its instance like a function, and self is part of the key")
        info = tuple(Scaler.scale.cache_info())
        assert info == (1, 2, 8, 2), (
            f"Scaler.scale.cache_info() is {info}, expected 1 hit, 2 misses: the class "
            "attribute is the wrapper itself")

    def test_each_function_has_its_own_cache(self, kata: Any, clock: FakeClock) -> None:
        decorate = kata.ttl_cache(maxsize=4, ttl=1.0, clock=clock)
        double = decorate(lambda x: 2 * x)
        triple = decorate(lambda x: 3 * x)
        assert (double(5), triple(5)) == (10, 15)
        assert double.cache_info()[:2] == triple.cache_info()[:2] == (0, 1)

    @pytest.mark.parametrize(("maxsize", "error"), BAD_MAXSIZES, ids=repr)
    def test_bad_maxsize(self, kata: Any, clock: FakeClock, maxsize: object, error: type) -> None:
        with pytest.raises(error, match="maxsize"):
            kata.ttl_cache(maxsize=maxsize, ttl=1.0, clock=clock)(abs)

    @pytest.mark.parametrize(("ttl", "error"), [*BAD_TTLS, (None, TypeError)], ids=repr)
    def test_bad_ttl(self, kata: Any, clock: FakeClock, ttl: object, error: type) -> None:
        with pytest.raises(error, match="ttl"):
            kata.ttl_cache(maxsize=4, ttl=ttl, clock=clock)(abs)


CALLS = st.lists(
    st.tuples(st.integers(0, 5), st.sampled_from([0.0, 0.0, 0.25, 0.5, 1.0])), max_size=40
)


@pytest.mark.part(3)
@given(maxsize=st.integers(1, 4), ttl=TTLS, calls=CALLS)
def test_cache_info_matches_the_model(maxsize: int, ttl: float, calls: list[Any]) -> None:
    """For any calls and clock moves, results and cache_info() are what a model predicts."""
    kata = load(KATA)
    clock = FakeClock()
    model = Model(maxsize, ttl)
    hits = misses = 0
    computed: list[int] = []

    @kata.ttl_cache(maxsize=maxsize, ttl=ttl, clock=clock)
    def square(n: int) -> int:
        computed.append(n)
        return n * n

    for n, step in calls:
        clock.advance(step)
        note(f"clock {clock():g}: square({n})")
        if model.get(n, clock()) is not None:
            hits += 1
        else:
            misses += 1
            model.set(n, n * n, None, clock())
        assert square(n) == n * n
        want = (hits, misses, maxsize, len(model.live_keys(clock())))
        got = tuple(square.cache_info())
        assert got == want, (
            f"after square({n}) at clock {clock():g}: cache_info() is {got}, expected {want} "
            f"(hits, misses, maxsize, currsize)\n{model.describe(clock())}"
        )
    assert len(computed) == misses


@pytest.mark.part(3)
def test_functools_agrees_without_expiry() -> None:
    """With a ttl nothing reaches, ttl_cache counts exactly like functools.lru_cache."""
    kata = load(KATA)
    clock = FakeClock()
    ours = kata.ttl_cache(maxsize=3, ttl=1e6, clock=clock)(lambda n: n + 1)
    theirs = functools.lru_cache(maxsize=3)(lambda n: n + 1)
    for n in [1, 2, 1, 3, 4, 2, 2, 5, 1, 3, 3, 4]:
        assert ours(n) == theirs(n)
        assert tuple(ours.cache_info()) == tuple(theirs.cache_info())
