"""The ``lfu`` suite: LFUCache and its aging against a plain model, then W-TinyLFU.

Part 1: ``LFUCache`` (a state machine against a sort-based model, examples, bad input, an
O(1) guard). Part 2: aging (the same machine with ``decay_every``, examples). Part 3:
``FrequencySketch`` (exact on a lone key, never undercounting on many) and
``TinyLFUCache`` (a state machine for what any W-TinyLFU guarantees whatever its sketch's
collisions, admission scenarios whose outcome does not depend on them, an O(1) guard).
The hit rates themselves are measured by ``make bench KATA=lfu``, not asserted here.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Hashable
from types import ModuleType
from typing import Any

import pytest
from hypothesis import given, note
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from tests.support.sentinels import MISSING
from tests.support.targets import load
from tests.support.timing import no_gc, time_mix

KATA = "lfu"

# 1 and 1.0 are one key (equal and same hash), as in a dict.
ALL_KEYS = [0, 1, 2, 3, 4, 1.0, "a", (1, 2), None]
KEYS = st.sampled_from(ALL_KEYS)
VALUES = st.one_of(st.none(), st.integers(0, 99))
UNHASHABLE = st.sampled_from([[1], {"a": 1}, {2}])
OPERATIONS_SHOWN = 6  # how many recent operations a failure message lists


# --- Parts 1 and 2: the model ---------------------------------------------------------------


class LFUModel:
    """The obvious, slow LFU: a dict of [value, frequency, last use], sorted when asked."""

    def __init__(self, capacity: int, decay_every: int | None = None) -> None:
        self.capacity = capacity
        self.decay_every = decay_every
        self.entries: dict[Hashable, list[Any]] = {}
        self.clock = 0
        self.operations = 0  # since the last decay
        self.decayed = False  # did the last operation end with a decay?
        self.recent: list[str] = []

    def order(self) -> list[Hashable]:
        return sorted(self.entries, key=lambda k: (self.entries[k][1], self.entries[k][2]))

    def frequency(self, key: Hashable) -> int:
        entry = self.entries.get(key)
        return 0 if entry is None else int(entry[1])

    def _use(self, entry: list[Any]) -> None:
        self.clock += 1
        entry[1] += 1
        entry[2] = self.clock

    def get(self, key: Hashable, default: Any) -> Any:
        entry = self.entries.get(key)
        if entry is None:
            self._operation(f"get({key!r}) (a miss)")
            return default
        self._use(entry)
        self._operation(f"get({key!r})")
        return entry[0]

    def put(self, key: Hashable, value: Any) -> Any:
        """Insert or replace; return the evicted key, or MISSING (a key may be None)."""
        evicted: Any = MISSING
        entry = self.entries.get(key)
        if entry is not None:
            entry[0] = value
            self._use(entry)
        else:
            if len(self.entries) == self.capacity:
                evicted = self.order()[0]
                del self.entries[evicted]
            self.clock += 1
            self.entries[key] = [value, 1, self.clock]
        self._operation(f"put({key!r}, {value!r})")
        return evicted

    def delete(self, key: Hashable) -> bool:
        self.decayed = False
        return self.entries.pop(key, MISSING) is not MISSING

    def clear(self) -> None:
        self.entries.clear()
        self.operations = 0
        self.decayed = False
        self.recent.append("clear()")

    def _operation(self, shown: str) -> None:
        self.decayed = False
        self.recent.append(shown)
        if self.decay_every is None:
            return
        self.operations += 1
        if self.operations == self.decay_every:
            for entry in self.entries.values():
                entry[1] = max(entry[1] // 2, 1)
            self.operations = 0
            self.decayed = True

    def context(self) -> str:
        """Where the operation count stands, for a failure message (Part 2)."""
        if self.decay_every is None:
            return ""
        shown = ", ".join(self.recent[-OPERATIONS_SHOWN:])
        if self.decayed:
            where = (f"that was operation {self.decay_every} of decay_every="
                     f"{self.decay_every}, so every frequency was just halved, rounding down "
                     "but never below 1")
        else:
            where = (f"operation {self.operations} of decay_every={self.decay_every} since "
                     "the last decay: none is due")
        return f" ({where}; gets, hit or miss, and puts count; last operations: {shown})"

    def __repr__(self) -> str:
        inside = ", ".join(f"{k!r}: {self.entries[k][0]!r} x{self.entries[k][1]}"
                           for k in self.order())
        return f"capacity {self.capacity}, in eviction order {{{inside}}}"


class LFUMachineBase(RuleBasedStateMachine):
    """Random operations on a small cache: it evicts all the time."""

    def __init__(self) -> None:
        super().__init__()
        self.module = load(KATA)
        self.cache: Any = None
        self.model = LFUModel(1)

    def check_frequency(self, key: Hashable, reason: str) -> None:
        got, want = self.cache.frequency(key), self.model.frequency(key)
        if got == want:
            return
        if self.model.decayed:
            raise AssertionError(
                f"frequency({key!r}) is {got}, expected {want}{self.model.context()}")
        raise AssertionError(f"{reason}: frequency({key!r}) should be {want}, it is "
                             f"{got}{self.model.context()}")

    def check_decay(self) -> None:
        """Right after a decay, every frequency (the decay is the cause to name first)."""
        if self.model.decayed:
            for key in self.model.order():
                self.check_frequency(key, "")

    @rule(pick=st.integers(0, 20), value=VALUES)
    def put_new(self, pick: int, value: Any) -> None:
        """A key not cached: into a full cache, an eviction."""
        absent = [k for k in ALL_KEYS if k not in self.model.entries]
        self.put(absent[pick % len(absent)], value)

    @rule(key=KEYS, value=VALUES)
    def put(self, key: Hashable, value: Any) -> None:
        before = self.model.order()
        frequencies = {k: self.model.frequency(k) for k in before}
        present = key in self.model.entries
        evicted = self.model.put(key, value)
        self.cache.put(key, value)
        if evicted is not MISSING:
            note(f"put({key!r}) evicted {evicted!r}")
        after = self.cache.keys()
        shown = f"put({key!r}, {value!r})"
        if key not in after:
            detail = (" into a full cache: it evicts another key first, and the new key is "
                      "never the one evicted" if evicted is not MISSING else "")
            raise AssertionError(f"{shown}{detail}; but {key!r} is not cached afterwards "
                                 f"(keys() is {after!r}; model: {self.model})")
        gone = [k for k in before if k not in after]
        if evicted is not MISSING and evicted not in gone:
            raise AssertionError(self._wrong_victim(shown, evicted, gone, frequencies))
        if evicted is MISSING and gone:
            what = "replacing a cached key" if present else "inserting into a cache with room"
            raise AssertionError(f"{shown} removed {gone!r}, but {what} evicts nothing "
                                 f"(model: {self.model})")
        self.check_decay()
        if present:
            self.check_frequency(key, f"{shown} replaced the value of a cached key, which "
                                      "counts as a use")
        else:
            self.check_frequency(key, f"{shown} inserted a new key, which starts at 1")

    def _wrong_victim(self, shown: str, evicted: Hashable, gone: list[Hashable],
                      frequencies: dict[Hashable, int]) -> str:
        want = frequencies[evicted]
        if not gone:
            return f"{shown} into a full cache should evict {evicted!r}, but nothing left"
        wrong = gone[0]
        if frequencies[wrong] > want:
            why = (f"{wrong!r} had frequency {frequencies[wrong]}, higher than {evicted!r}'s "
                   f"{want}: the least frequently used key goes first")
        else:
            why = (f"{wrong!r} and {evicted!r} both had frequency {want}, and {wrong!r} was "
                   "used more recently: among equal frequencies the least recently used "
                   "goes first")
        return f"{shown} into a full cache evicted {wrong!r} instead of {evicted!r}: {why}" + (
            f"{self.model.context()}")

    @precondition(lambda self: len(self.model.entries) > 0)
    @rule(pick=st.integers(0, 20), value=VALUES)
    def use_all_then_put_new(self, pick: int, value: Any) -> None:
        """Read every cached key once, the next victim last, then put a new key: now the
        least recently used key is the most frequent one, and the new key the least."""
        for key in reversed(self.model.order()):
            self.get(key, default=True)
        self.put_new(pick, value)

    @precondition(lambda self: len(self.model.entries) > 0)
    @rule(pick=st.integers(0, 20), default=st.booleans())
    def get_cached(self, pick: int, default: bool) -> None:
        """A hit: one more use."""
        cached = list(self.model.entries)
        self.get(cached[pick % len(cached)], default)

    @rule(key=KEYS, default=st.booleans())
    def get(self, key: Hashable, default: bool) -> None:
        hit = key in self.model.entries
        if default:
            want, got = self.model.get(key, MISSING), self.cache.get(key, MISSING)
            shown = f"get({key!r}, default)"
        else:
            want, got = self.model.get(key, None), self.cache.get(key)
            shown = f"get({key!r})"
        assert got == want, f"{shown} returned {got!r}, expected {want!r} (model: {self.model})"
        self.check_decay()
        if hit:
            self.check_frequency(key, f"get({key!r}) was a hit, which counts as a use")

    @rule(key=KEYS, pick=st.integers(0, 20), cached=st.booleans())
    def contains(self, key: Hashable, pick: int, cached: bool) -> None:
        if cached and self.model.entries:
            key = list(self.model.entries)[pick % len(self.model.entries)]
        want = key in self.model.entries
        got = key in self.cache
        assert got is want, f"{key!r} in cache is {got!r}, expected {want!r} ({self.model})"
        after = self.cache.frequency(key)
        assert after == self.model.frequency(key), (
            f"`{key!r} in cache` is not a use, but frequency({key!r}) went from "
            f"{self.model.frequency(key)} to {after}")

    @rule(key=KEYS)
    def delete(self, key: Hashable) -> None:
        want = self.model.delete(key)
        got = self.cache.delete(key)
        assert got is want, f"delete({key!r}) returned {got!r}, expected {want!r}"
        assert self.cache.frequency(key) == 0, (
            f"after delete({key!r}), frequency({key!r}) is {self.cache.frequency(key)}, "
            "expected 0: a key that is not cached has no count")

    @precondition(lambda self: len(self.model.entries) > 0)
    @rule()
    def clear(self) -> None:
        self.model.clear()
        self.cache.clear()

    @rule(key=UNHASHABLE, value=VALUES,
          op=st.sampled_from(["put", "get", "delete", "frequency", "in"]))
    def unhashable_key(self, key: Any, value: Any, op: str) -> None:
        with pytest.raises(TypeError):
            if op == "put":
                self.cache.put(key, value)
            elif op == "get":
                self.cache.get(key)
            elif op == "delete":
                self.cache.delete(key)
            elif op == "frequency":
                self.cache.frequency(key)
            else:
                _ = key in self.cache
        # The invariant then checks that nothing changed, nothing was evicted.

    @invariant()
    def same_keys_in_eviction_order(self) -> None:
        got = self.cache.keys()
        want = self.model.order()
        assert isinstance(got, list), f"keys() returned a {type(got).__name__}, not a list"
        for key in want:
            self.check_frequency(key, "no operation since the last check used this key")
        if got != want:
            merged = (" keys whose frequencies became equal in the decay keep the tie rule: "
                      "least recently used first;" if self.model.decayed else "")
            raise AssertionError(
                f"keys() is {got!r}, expected {want!r} (eviction order: lowest frequency "
                f"first, least recently used first among equal frequencies;{merged} "
                f"model: {self.model}){self.model.context()}")
        assert len(self.cache) == len(want), f"len() is {len(self.cache)}, expected {len(want)}"
        assert self.cache.capacity == self.model.capacity


class LFUMachine(LFUMachineBase):
    @initialize(capacity=st.sampled_from([1, 2, 3, 1, 2, 3, 4, 5]))
    def create(self, capacity: int) -> None:
        self.cache = self.module.LFUCache(capacity)
        self.model = LFUModel(capacity)


TestLFUMachine = pytest.mark.part(1)(LFUMachine.TestCase)


def filled(kata: ModuleType, capacity: int, keys: list[Any], **options: Any) -> Any:
    cache = kata.LFUCache(capacity, **options)
    for key in keys:
        cache.put(key, f"v{key}")
    return cache


def frequencies(cache: Any) -> dict[Any, int]:
    return {key: cache.frequency(key) for key in cache.keys()}  # noqa: SIM118 (not iterable)


@pytest.mark.part(1)
class TestPart1LFUCache:
    def test_leetcode_460_example(self, kata: ModuleType) -> None:
        cache = kata.LFUCache(2)
        cache.put(1, 1)
        cache.put(2, 2)
        assert cache.get(1) == 1
        cache.put(3, 3)
        assert cache.get(2) is None, "2 was used once, 1 twice: put(3) evicts 2"
        assert cache.get(3) == 3
        cache.put(4, 4)
        assert cache.get(1) is None, "1 and 3 were both used twice, 1 less recently: evicted"
        assert cache.get(3) == 3
        assert cache.get(4) == 4
        assert cache.keys() == [4, 3], "4 was used twice, 3 three times"

    def test_evicts_the_least_frequently_used_key(self, kata: ModuleType) -> None:
        cache = filled(kata, 3, ["a", "b", "c"])
        cache.get("a")
        cache.get("a")
        cache.get("c")
        assert frequencies(cache) == {"b": 1, "c": 2, "a": 3}
        assert cache.keys() == ["b", "c", "a"]
        cache.put("d", "vd")
        assert "b" not in cache, "'b' was used once: it goes first"
        assert cache.keys() == ["d", "c", "a"]

    def test_ties_go_to_the_least_recently_used(self, kata: ModuleType) -> None:
        cache = filled(kata, 3, ["a", "b", "c"])
        for key in ("c", "a", "b"):
            cache.get(key)
        assert cache.keys() == ["c", "a", "b"], "all used twice: least recently used first"
        cache.put("d", "vd")
        assert cache.keys() == ["d", "a", "b"], "'c' was the least recently used of the three"

    def test_put_of_a_present_key_counts_a_use(self, kata: ModuleType) -> None:
        cache = filled(kata, 2, ["a", "b"])
        cache.put("a", "new")
        assert cache.frequency("a") == 2, "replacing a value counts as a use (LeetCode 460)"
        cache.put("c", "vc")
        assert cache.keys() == ["c", "a"], "'b' (used once) is evicted, not 'a' (twice)"
        assert cache.get("a") == "new"

    def test_the_new_key_is_never_the_one_evicted(self, kata: ModuleType) -> None:
        cache = filled(kata, 2, ["a", "b"])
        for _ in range(3):
            cache.get("a")
            cache.get("b")
        cache.put("c", "vc")
        assert "c" in cache, "the new key has the lowest frequency, but it was not there yet"
        assert cache.keys() == ["c", "b"], "'a' and 'b' were tied: 'a' less recently used"
        cache.put("d", "vd")
        assert cache.keys() == ["d", "b"], "now 'c' (frequency 1) goes, not the new 'd'"

    def test_in_and_frequency_are_not_uses(self, kata: ModuleType) -> None:
        cache = filled(kata, 2, ["a", "b"])
        assert "a" in cache
        assert "zz" not in cache
        assert cache.frequency("a") == 1
        assert cache.frequency("zz") == 0
        assert cache.keys() == ["a", "b"], "'in' and frequency() change nothing"
        cache.put("c", "vc")
        assert cache.keys() == ["b", "c"], "'a' and 'b' used once each: 'a' is older, it goes"

    def test_get_default_and_falsy_values(self, kata: ModuleType) -> None:
        cache = kata.LFUCache(2)
        assert cache.get("nope") is None
        assert cache.get("nope", 0) == 0
        assert cache.frequency("nope") == 0, "a miss creates nothing"
        cache.put("none", None)
        cache.put("zero", 0)
        assert cache.get("none", "default") is None, "a cached None is a hit"
        assert cache.get("zero", "default") == 0
        assert frequencies(cache) == {"none": 2, "zero": 2}

    def test_delete_forgets_the_count(self, kata: ModuleType) -> None:
        cache = filled(kata, 3, ["a", "b"])
        cache.get("a")
        cache.get("a")
        assert cache.delete("a") is True
        assert cache.delete("a") is False
        assert cache.frequency("a") == 0
        cache.put("a", "again")
        assert cache.frequency("a") == 1, "a deleted key starts again at 1"
        assert cache.keys() == ["b", "a"]

    def test_deleting_every_least_frequent_key(self, kata: ModuleType) -> None:
        """The lowest frequency present changes when its last key is deleted."""
        cache = filled(kata, 3, ["a", "b", "c"])
        cache.get("b")
        cache.get("c")
        cache.get("c")
        assert cache.delete("a") is True
        cache.put("d", "vd")
        assert cache.keys() == ["d", "b", "c"]
        assert cache.delete("d") is True
        cache.put("e", "ve")
        cache.put("f", "vf")
        assert cache.keys() == ["f", "b", "c"], "full: 'e' (1) goes before 'b' (2)"
        cache.delete("f")
        cache.get("b")
        cache.get("b")
        cache.put("g", "vg")
        cache.put("h", "vh")
        assert cache.keys() == ["h", "c", "b"], "'g' goes; then 'c' (3) before 'b' (4)"

    def test_replacing_the_last_key_of_a_frequency(self, kata: ModuleType) -> None:
        """A replace that leaves no key at the lowest frequency, then deletes down to empty."""
        cache = filled(kata, 3, ["a", "b"])
        cache.get("b")
        cache.put("a", "new")  # a joins b at frequency 2: no key is left at 1
        assert frequencies(cache) == {"b": 2, "a": 2}
        assert cache.keys() == ["b", "a"], "'b' was used before 'a' at frequency 2"
        assert cache.delete("b") is True
        assert cache.delete("a") is True
        assert cache.keys() == [] and len(cache) == 0
        cache.put("c", "vc")
        assert cache.keys() == ["c"] and cache.frequency("c") == 1, (
            "the cache works after its keys of every frequency were deleted")

    def test_clear_len(self, kata: ModuleType) -> None:
        cache = filled(kata, 3, [1, 2, 3])
        cache.get(1)
        assert len(cache) == 3
        cache.clear()
        assert len(cache) == 0
        assert cache.keys() == []
        assert cache.get(1) is None
        assert cache.frequency(1) == 0
        cache.put(5, "v5")
        assert cache.keys() == [5] and cache.frequency(5) == 1, "a cleared cache works anew"

    def test_capacity_one(self, kata: ModuleType) -> None:
        cache = filled(kata, 1, ["a"])
        cache.get("a")
        cache.put("b", "vb")
        assert cache.keys() == ["b"], "with room for one, every new key evicts the old one"
        cache.put("b", "again")
        assert cache.get("b") == "again"
        assert cache.frequency("b") == 3, "put, put (a use), get (a use)"
        assert len(cache) == 1

    def test_equal_keys_are_one_key(self, kata: ModuleType) -> None:
        cache = kata.LFUCache(3)
        cache.put(1, "int")
        cache.put(1.0, "float")
        assert len(cache) == 1
        assert cache.get(True) == "float"
        assert cache.frequency(1) == 3, "1, 1.0 and True are one key: put, put, get"
        assert type(cache.keys()[0]) is int, "replacing keeps the key object stored first"

    def test_capacity_is_a_read_only_property(self, kata: ModuleType) -> None:
        cache = kata.LFUCache(7)
        assert cache.capacity == 7
        with pytest.raises(AttributeError):
            cache.capacity = 8
        assert cache.capacity == 7

    @pytest.mark.parametrize("capacity", ["3", 3.0, None, True, False, [3]])
    def test_capacity_of_the_wrong_type(self, kata: ModuleType, capacity: Any) -> None:
        with pytest.raises(TypeError, match="capacity"):
            kata.LFUCache(capacity)

    @pytest.mark.parametrize("capacity", [0, -1, -100])
    def test_capacity_below_one(self, kata: ModuleType, capacity: int) -> None:
        with pytest.raises(ValueError, match="capacity"):
            kata.LFUCache(capacity)

    def test_unhashable_key_changes_nothing(self, kata: ModuleType) -> None:
        for cache in (kata.LFUCache(2), filled(kata, 2, ["a", "b"])):
            before = cache.keys()
            for op in (
                lambda c: c.put(["x"], 1),
                lambda c: c.get(["x"]),
                lambda c: c.delete({"x": 1}),
                lambda c: c.frequency({"x"}),
                lambda c: {"x"} in c,
            ):
                with pytest.raises(TypeError):
                    op(cache)
            assert cache.keys() == before, "a failed call must not evict or reorder anything"
            assert all(cache.frequency(k) == 1 for k in before)


def constant_time_ratio(make: Callable[[int], Any], limit: float, small_n: int = 1_000,
                        large_n: int = 200_000) -> tuple[float, str]:
    """How much slower an operation is on a cache of ``large_n`` keys than of ``small_n``
    (best of five rounds each), and a description of the two timings.

    An O(1) cache is 1.5x to 3x slower on the large one (memory caches), more on a loaded
    machine; one that scans its keys is about 200x slower (the sizes' ratio): ``limit``
    sits between, and a large round that runs past ``limit`` times the small one ends the
    measurement.
    """
    steps, rounds = 1_000, 5
    rng = random.Random(5)
    with no_gc():
        small, large = make(small_n), make(large_n)
        for cache, n in ((small, small_n), (large, large_n)):
            for key in range(n):
                cache.put(key, key)
            for key in range(0, n, 3):  # a spread of frequencies, not one bucket
                cache.get(key)
        best_small = best_large = float("inf")
        for r in range(rounds):
            fresh = -1 - r * steps  # new keys: negative, never used before
            small_keys = [rng.randrange(small_n) for _ in range(steps)]
            large_keys = [rng.randrange(large_n) for _ in range(steps)]
            best_small = min(best_small, time_mix(small, small_keys, fresh, 0.25)[0])
            # Enough time for an O(1) cache on a loaded machine, capped: a cache whose
            # small round was already slow must not make the test slow too.
            budget = min(limit * 2 * best_small * 4 * steps, 1.0)
            per_op, ran_out = time_mix(large, large_keys, fresh, budget)
            best_large = min(best_large, per_op)
            if ran_out:
                break
    shown = (f"{best_large * 1e6:.2f} us with {large_n:,} keys vs {best_small * 1e6:.2f} us "
             f"with {small_n:,}")
    return best_large / best_small, shown


@pytest.mark.part(1)
def test_operations_stay_constant_time_as_the_cache_grows(kata: ModuleType) -> None:
    limit = 40.0
    ratio, shown = constant_time_ratio(kata.LFUCache, limit)
    assert ratio < limit, (
        f"an operation takes {ratio:.0f}x longer on the larger cache ({shown}): every "
        f"operation must be O(1), but something scans the keys or the frequencies "
        f"(limit {limit:.0f}x)")


# --- Part 2: aging ----------------------------------------------------------------------------


class DecayMachine(LFUMachineBase):
    """The Part 1 machine with aging: decays every few operations."""

    @initialize(capacity=st.integers(1, 4), extra=st.integers(0, 4))
    def create(self, capacity: int, extra: int) -> None:
        self.cache = self.module.LFUCache(capacity, decay_every=capacity + extra)
        self.model = LFUModel(capacity, decay_every=capacity + extra)


TestDecayMachine = pytest.mark.part(2)(DecayMachine.TestCase)


@pytest.mark.part(2)
class TestPart2Aging:
    def test_frequencies_halve_after_every_decay_every_operations(
            self, kata: ModuleType) -> None:
        cache = kata.LFUCache(2, decay_every=8)
        cache.put("a", 1)  # operation 1
        for _ in range(6):  # operations 2 to 7
            cache.get("a")
        assert cache.frequency("a") == 7, "no decay before the 8th operation"
        cache.put("b", 2)  # operation 8: then a halves, 7 -> 3, and b stays at 1
        assert frequencies(cache) == {"b": 1, "a": 3}
        for _ in range(7):  # operations 1 to 7 of the next round
            cache.get("b")
        assert frequencies(cache) == {"a": 3, "b": 8}
        cache.get("b")  # operation 8: b 9 -> 4, a 3 -> 1
        assert frequencies(cache) == {"a": 1, "b": 4}

    def test_halving_never_goes_below_one(self, kata: ModuleType) -> None:
        cache = filled(kata, 3, ["a", "b", "c"], decay_every=3)  # decays after the puts
        assert frequencies(cache) == {"a": 1, "b": 1, "c": 1}, "1 // 2 is 0: but at least 1"
        assert cache.keys() == ["a", "b", "c"]

    def test_misses_count_as_operations(self, kata: ModuleType) -> None:
        cache = kata.LFUCache(2, decay_every=4)
        cache.put("a", 1)
        cache.get("a")
        cache.get("a")
        assert cache.frequency("a") == 3
        cache.get("nope")  # operation 4, a miss: the decay happens all the same
        assert cache.frequency("a") == 1, "the 4th operation was a miss: it counts, 3 -> 1"

    def test_other_methods_are_not_operations(self, kata: ModuleType) -> None:
        cache = kata.LFUCache(2, decay_every=3)
        cache.put("a", 1)
        cache.get("a")
        for _ in range(5):
            _ = "a" in cache
            cache.frequency("a")
            cache.keys()
            len(cache)
            cache.delete("zz")
        assert cache.frequency("a") == 2, "only get and put are operations"
        cache.get("a")  # operation 3
        assert cache.frequency("a") == 1, "put, get, get: the 3rd operation decays, 3 -> 1"

    def test_clear_restarts_the_count(self, kata: ModuleType) -> None:
        cache = kata.LFUCache(2, decay_every=3)
        cache.put("a", 1)
        cache.get("a")
        cache.clear()
        cache.put("b", 1)
        cache.get("b")
        assert cache.frequency("b") == 2, "operations before clear() do not count"
        cache.get("b")
        assert cache.frequency("b") == 1, "put, get, get since clear(): a decay, 3 -> 1"

    def test_ties_after_a_decay_follow_recency(self, kata: ModuleType) -> None:
        cache = kata.LFUCache(3, decay_every=10)
        cache.put("a", 1)  # 1
        cache.put("b", 1)  # 2
        cache.get("a")  # 3: a 2
        cache.get("b")  # 4: b 2
        cache.get("b")  # 5: b 3
        cache.put("c", 1)  # 6: c 1
        cache.get("c")  # 7: c 2
        cache.get("a")  # 8: a 3
        assert cache.keys() == ["c", "b", "a"]
        cache.get("c")  # 9: c 3
        cache.get("zz")  # 10: decay: a, b and c all 3 -> 1
        assert frequencies(cache) == {"b": 1, "a": 1, "c": 1}
        assert cache.keys() == ["b", "a", "c"], (
            "all three became 1: least recently used first (b last used at 5, a at 8, c at 9)")
        cache.put("d", 1)
        assert cache.keys() == ["a", "c", "d"], "the eviction takes 'b', first in that order"

    def test_a_once_hot_key_gives_way(self, kata: ModuleType) -> None:
        """Without aging, a key used 100 times long ago is never evicted again."""
        caches = {"plain": kata.LFUCache(2), "aging": kata.LFUCache(2, decay_every=4)}
        for cache in caches.values():
            cache.put("old", 0)
            for _ in range(100):
                cache.get("old")
            for i in range(60):  # two new keys take turns, each fetched on a miss
                if cache.get(i % 2, MISSING) is MISSING:
                    cache.put(i % 2, i)
        assert "old" in caches["plain"], "a plain LFU keeps the once-hot key forever"
        aging = caches["aging"]
        assert "old" not in aging, (
            f"with decay_every=4, the key used 100 times long ago should have been halved "
            f"down and evicted by now; frequencies: {frequencies(aging)}")

    def test_decay_every_is_a_read_only_property(self, kata: ModuleType) -> None:
        assert kata.LFUCache(3).decay_every is None
        cache = kata.LFUCache(3, decay_every=30)
        assert cache.decay_every == 30
        with pytest.raises(AttributeError):
            cache.decay_every = 5

    @pytest.mark.parametrize("decay_every", ["10", 10.0, True, [10]])
    def test_decay_every_of_the_wrong_type(self, kata: ModuleType, decay_every: Any) -> None:
        with pytest.raises(TypeError, match="decay_every"):
            kata.LFUCache(1, decay_every=decay_every)

    @pytest.mark.parametrize("decay_every", [4, 1, 0, -5])
    def test_decay_every_below_capacity(self, kata: ModuleType, decay_every: int) -> None:
        with pytest.raises(ValueError, match="decay_every"):
            kata.LFUCache(5, decay_every=decay_every)
        assert kata.LFUCache(5, decay_every=5).decay_every == 5, "capacity itself is fine"


# --- Part 3: the sketch ---------------------------------------------------------------------

LONE_KEY = 424_242  # an int: its hash, and so any sketch's collisions, is the same every run


class LoneKeyModel:
    """One key in a sketch: the doorkeeper bit, the (collision-free) counter, the records."""

    def __init__(self, sample_size: int) -> None:
        self.sample_size = sample_size
        self.doorkeeper = 0
        self.counter = 0
        self.records = 0
        self.halved_from = 0

    def record(self) -> bool:
        """Record the key; True if that record made the sketch reset."""
        if self.doorkeeper:
            self.counter = min(self.counter + 1, 15)
        self.doorkeeper = 1
        self.records += 1
        if self.records == self.sample_size:
            self.reset()
            return True
        return False

    def reset(self) -> None:
        self.halved_from = self.counter
        self.counter //= 2
        self.doorkeeper = 0
        self.records = 0

    def estimate(self) -> int:
        return self.counter + self.doorkeeper


@pytest.mark.part(3)
class TestPart3Sketch:
    @given(capacity=st.integers(1, 4),
           ops=st.lists(st.sampled_from(["record"] * 6 + ["reset"]), max_size=80))
    def test_a_lone_key_is_counted_exactly(self, capacity: int, ops: list[str]) -> None:
        sketch = load(KATA).FrequencySketch(capacity)
        model = LoneKeyModel(10 * capacity)
        history: list[str] = []
        assert sketch.estimate(LONE_KEY) == 0, "a new sketch has seen nothing"
        for op in ops:
            if op == "record":
                sketch.record(LONE_KEY)
                automatic = model.record()
                history.append("record" + (" (the sample's last: reset)" if automatic else ""))
            else:
                sketch.reset()
                model.reset()
                automatic = True
                history.append("reset()")
            got, want = sketch.estimate(LONE_KEY), model.estimate()
            if got == want:
                continue
            shown = ", ".join(history[-8:])
            if automatic:
                how = "too high" if got > want else "too low"
                rule = ("reset() halves every counter, rounding down, and empties the "
                        f"doorkeeper: the key's counter stood at {model.halved_from}")
                raise AssertionError(
                    f"estimate is {got}, {how} after a reset: expected {want}. {rule}; "
                    f"sample_size {model.sample_size}; recent: {shown}")
            raise AssertionError(
                f"estimate is {got} after {model.records} records of one key since the last "
                f"reset, expected {want}: the first record sets the doorkeeper only (1), "
                f"the others add to the counters, which stop at 15 (so at most 16); "
                f"recent: {shown}")

    @given(keys=st.lists(st.integers(0, 40), max_size=300))
    def test_estimates_never_undercount(self, keys: list[int]) -> None:
        sketch = load(KATA).FrequencySketch(64)  # sample_size 640: no reset here
        counts: dict[int, int] = {}
        for key in keys:
            sketch.record(key)
            counts[key] = counts.get(key, 0) + 1
        for key in range(45):
            got, true = sketch.estimate(key), counts.get(key, 0)
            assert min(true, 16) <= got <= 16, (
                f"estimate({key}) is {got}, but {key} was recorded {true} times: a count-min "
                f"sketch never counts less (collisions only add), and says at most 16 "
                f"(doorkeeper 1 + a 4-bit counter's 15)")

    def test_keys_seen_once_are_never_forgotten(self, kata: ModuleType) -> None:
        sketch = kata.FrequencySketch(64)  # sample_size 640: no reset here
        for key in range(600):
            sketch.record(key)
        forgotten = [key for key in range(600) if sketch.estimate(key) < 1]
        assert not forgotten, (
            f"600 keys recorded once each, then estimate() is 0 for {len(forgotten)} of them, "
            f"e.g. {forgotten[:5]}: a key recorded since the last reset is estimated at 1 or "
            "more (setting a doorkeeper bit must keep the bits already set)")

    def test_saturates_at_sixteen(self, kata: ModuleType) -> None:
        sketch = kata.FrequencySketch(100)
        for n in range(1, 41):
            sketch.record(LONE_KEY)
            assert sketch.estimate(LONE_KEY) == min(n, 16), (
                f"after {n} records: the counters are 4 bits, they stop at 15 and never wrap")

    def test_the_sample_size_th_record_resets(self, kata: ModuleType) -> None:
        sketch = kata.FrequencySketch(3)
        assert sketch.sample_size == 30
        for _ in range(29):
            sketch.record(LONE_KEY)
        assert sketch.estimate(LONE_KEY) == 16, "29 records: no reset yet, saturated"
        sketch.record(LONE_KEY)
        assert sketch.estimate(LONE_KEY) == 7, "the 30th record resets: counter 15 -> 7"
        for _ in range(29):
            sketch.record(LONE_KEY)
        assert sketch.estimate(LONE_KEY) == 16
        sketch.record(LONE_KEY)
        assert sketch.estimate(LONE_KEY) == 7, "the count of records restarts at each reset"

    @pytest.mark.parametrize("capacity", [1, 10, 1000])
    def test_sample_size(self, kata: ModuleType, capacity: int) -> None:
        assert kata.FrequencySketch(capacity).sample_size == 10 * capacity

    @pytest.mark.parametrize(("capacity", "error"),
                             [("3", TypeError), (True, TypeError), (2.0, TypeError),
                              (0, ValueError), (-3, ValueError)])
    def test_bad_capacity(self, kata: ModuleType, capacity: Any,
                          error: type[Exception]) -> None:
        with pytest.raises(error, match="capacity"):
            kata.FrequencySketch(capacity)

    def test_unhashable_key(self, kata: ModuleType) -> None:
        sketch = kata.FrequencySketch(10)
        sketch.record(LONE_KEY)
        with pytest.raises(TypeError):
            sketch.record([1])
        with pytest.raises(TypeError):
            sketch.estimate({"a": 1})
        sketch.record(LONE_KEY)
        assert sketch.estimate(LONE_KEY) == 2, "the failed calls changed nothing"


# --- Part 3: W-TinyLFU ----------------------------------------------------------------------


class TinyLFUMachine(RuleBasedStateMachine):
    """What any W-TinyLFU guarantees, whatever its sketch says: the model learns which key
    an eviction chose from the cache, and checks everything else."""

    def __init__(self) -> None:
        super().__init__()
        self.module = load(KATA)
        self.cache: Any = None
        self.capacity = 1
        self.live: dict[Hashable, Any] = {}

    @initialize(capacity=st.sampled_from([1, 2, 3, 4, 6]))
    def create(self, capacity: int) -> None:
        self.cache = self.module.TinyLFUCache(capacity)
        self.capacity = capacity

    def cached(self) -> list[Hashable]:
        keys = self.cache.keys()
        assert isinstance(keys, list), f"keys() returned a {type(keys).__name__}, not a list"
        return keys

    @rule(key=KEYS, value=VALUES)
    def put(self, key: Hashable, value: Any) -> None:
        present = key in self.live
        full = len(self.live) == self.capacity
        self.cache.put(key, value)
        after = self.cached()
        shown = f"put({key!r}, {value!r})"
        assert key in after, (
            f"{shown}: {key!r} is not cached afterwards, but the key just put is always "
            f"cached (a new key enters the window; keys() is {after!r})")
        gone = [k for k in self.live if k not in after]
        if present or not full:
            assert not gone, (
                f"{shown} removed {gone!r}, but "
                + ("replacing a cached key evicts nothing" if present else
                   f"the cache held {len(self.live)} of {self.capacity} keys: with room, "
                   "nothing is evicted"))
        else:
            assert len(gone) == 1, (
                f"{shown} into a full cache removed {gone!r}: exactly one key must go (the "
                f"window's candidate or main's victim) to make room for the new one")
            note(f"{shown} evicted {gone[0]!r}")
            del self.live[gone[0]]
        self.live[key] = value

    @precondition(lambda self: any(k not in self.live for k in ALL_KEYS))
    @rule(pick=st.integers(0, 20), value=VALUES)
    def put_new(self, pick: int, value: Any) -> None:
        absent = [k for k in ALL_KEYS if k not in self.live]
        self.put(absent[pick % len(absent)], value)

    @precondition(lambda self: len(self.live) > 0)
    @rule(pick=st.integers(0, 20))
    def get_cached(self, pick: int) -> None:
        cached = list(self.live)
        self.get(cached[pick % len(cached)])

    @rule(key=KEYS)
    def get(self, key: Hashable) -> None:
        got = self.cache.get(key, MISSING)
        want = self.live.get(key, MISSING)
        assert got == want, (
            f"get({key!r}, default) returned {got!r}, expected {want!r}: "
            + ("the value last put" if want is not MISSING else "the default, for a key that "
               "is not cached"))
        self.check_keys(f"get({key!r})", "only put and delete may change which keys are "
                                          "cached")

    def check_keys(self, after_what: str, rule: str) -> None:
        after = self.cached()
        missing = [k for k in self.live if k not in after]
        extra = [k for k in after if k not in self.live]
        assert not missing and not extra and len(after) == len(self.live), (
            f"after {after_what}, keys() is {after!r}, expected the keys {list(self.live)!r}: "
            f"{rule}")
        assert sorted(map(repr, after)) == sorted(map(repr, self.live)), (
            f"after {after_what}, keys() is {after!r}, but the key objects first stored are "
            f"{list(self.live)!r}: an equal key (1.0 for 1) does not replace the key object "
            "stored first, as in a dict")

    @rule(key=KEYS)
    def contains(self, key: Hashable) -> None:
        got = key in self.cache
        assert got is (key in self.live), f"{key!r} in cache is {got!r}"

    @rule(key=KEYS)
    def delete(self, key: Hashable) -> None:
        want = self.live.pop(key, MISSING) is not MISSING
        got = self.cache.delete(key)
        assert got is want, f"delete({key!r}) returned {got!r}, expected {want!r}"

    @precondition(lambda self: len(self.live) > 0)
    @rule()
    def clear(self) -> None:
        self.live.clear()
        self.cache.clear()

    @rule(key=UNHASHABLE, value=VALUES, op=st.sampled_from(["put", "get", "delete", "in"]))
    def unhashable_key(self, key: Any, value: Any, op: str) -> None:
        with pytest.raises(TypeError):
            if op == "put":
                self.cache.put(key, value)
            elif op == "get":
                self.cache.get(key)
            elif op == "delete":
                self.cache.delete(key)
            else:
                _ = key in self.cache

    @invariant()
    def same_keys(self) -> None:
        after = self.cached()
        assert len(after) == len(set(map(repr, after))), f"keys() repeats a key: {after!r}"
        self.check_keys("the last step", "keys leave only by a put into a full cache, "
                                         "delete or clear")
        assert len(self.cache) == len(self.live) <= self.capacity, (
            f"len() is {len(self.cache)}, expected {len(self.live)} (capacity {self.capacity})")
        assert self.cache.capacity == self.capacity


TestTinyLFUMachine = pytest.mark.part(3)(TinyLFUMachine.TestCase)


def hot_pair_clear_of_collisions(kata: ModuleType) -> tuple[str, str]:
    """Two names for the hot keys of the protected-segment test whose estimates, in a
    sketch fed what that test's cache records, beat the keys they must evict. A sketch
    may overestimate (keys share counters), and str hashes change from run to run: a pair
    whose counters happened to cover key 9's or key 0's would make the test's admission
    contests ties, and its expectation wrong."""
    for n, m in (("N", "M"), ("P", "Q"), ("R", "S"), ("T", "U"), ("V", "W")):
        sketch = kata.FrequencySketch(11)
        for key in [*range(11), *range(9), *[n] * 17, *[m] * 17, "Z"]:
            sketch.record(key)
        if sketch.estimate(n) > sketch.estimate(9) and sketch.estimate(m) > sketch.estimate(0):
            return n, m
    raise AssertionError("in every sketch tried, key 0 or 9 looks as hot as a key recorded "
                         "17 times: does estimate() add more than collisions do?")


@pytest.mark.part(3)
class TestPart3TinyLFU:
    def test_a_tie_keeps_the_victim(self, kata: ModuleType) -> None:
        cache = kata.TinyLFUCache(10)  # window 1, main 9
        for key in range(10):  # each recorded once: every estimate is 1 (the doorkeeper)
            cache.put(key, key)
        assert sorted(cache.keys()) == list(range(10)), "with room, nothing is evicted"
        cache.put(100, 100)
        assert 100 in cache, "the key just put is in the window"
        assert 0 in cache and 9 not in cache, (
            "put(100) pushed 9 out of the window; main was full, so 9 had to beat main's "
            "victim 0 (probation's least recently used): both were seen once, and a "
            "candidate is admitted only if its estimate is strictly greater. 0 should stay "
            f"and 9 go; cached: {sorted(cache.keys())}")

    def test_a_frequent_key_gets_in_and_a_scan_does_not_push_it_out(
            self, kata: ModuleType) -> None:
        cache = kata.TinyLFUCache(10)
        for key in range(10):
            cache.put(key, key)
        for _ in range(5):
            assert cache.get(1000) is None  # misses: recorded all the same
        cache.put(1000, "hot")  # to the window; 9 loses its contest against 0
        cache.put(2000, "next")  # 1000 leaves the window: estimate 6 against 0's 1
        assert 1000 in cache, (
            "1000 was requested 6 times (5 misses, then put), the victim 0 once: when the "
            "next put pushed 1000 out of the window, it should have been admitted to main "
            f"(every get and put records its key, hits or not); cached: {sorted(cache.keys())}")
        for key in range(3000, 3040):  # a scan: each key seen once
            cache.put(key, key)
        assert cache.get(1000) == "hot", (
            "a scan of 40 keys seen once each pushed out 1000 (requested 7 times): a "
            "candidate enters main only if its estimate beats the victim's")

    def test_a_scan_does_not_flush_the_hot_keys(self, kata: ModuleType) -> None:
        cache = kata.TinyLFUCache(100)
        hot = list(range(50))
        for key in hot:
            cache.put(key, key)
        for _ in range(8):
            for key in hot:
                assert cache.get(key) == key
        for key in range(10_000, 10_300):  # three times the capacity, each key seen once
            cache.put(key, key)
        lost = [key for key in hot if key not in cache]
        assert not lost, (
            f"a one-pass scan of 300 new keys evicted {len(lost)} of the 50 hot keys (each "
            f"requested 9 times), e.g. {lost[:5]}: an LRU would lose them all; W-TinyLFU "
            "keeps them")

    def test_protected_gives_its_oldest_back_to_probation(self, kata: ModuleType) -> None:
        """Capacity 11: a window of 1, main 10, protected at most 10 * 8 // 10 = 8 keys.

        Two hot keys (17 requests each, as much as a sketch counts) then enter main: each
        beats any victim requested once or twice, so which key goes shows main's victim:
        probation's least recently used key."""
        n, m = hot_pair_clear_of_collisions(kata)
        cache = kata.TinyLFUCache(11)
        for key in range(11):
            cache.put(key, key)  # 10 in the window; 0 to 9 in probation
        assert cache.delete(10) is True  # an empty window: no contest but the hot keys'
        for key in range(9):
            assert cache.get(key) == key  # 0 to 8 to protected: at 8 over, 0 back to probation
        for hot in (n, m):
            for _ in range(16):
                cache.get(hot)
            cache.put(hot, hot)  # N enters the window; M pushes it out, and N beats 9
        cache.put("Z", "Z")  # M leaves the window: it beats probation's oldest, 0
        gone = [key for key in range(10) if key not in cache]
        assert gone == [0, 9], (
            f"keys 0 to 9 gone: {gone}, expected [0, 9]. Protected holds up to "
            "main * 8 // 10 = 8 keys: the 9th get (of 8) put it over, and its least "
            "recently used key, 0, went back to probation's most recent end, behind 9. N "
            "then beat 9 and entered probation after 0, so M's victim was 0")
        assert all(key in cache for key in (n, m, "Z")), (
            f"the hot keys N and M and the new Z should be cached; cached: {cache.keys()!r}")

    def test_puts_are_recorded_too(self, kata: ModuleType) -> None:
        cache = kata.TinyLFUCache(10)  # window 1, main 9
        for key in range(10):
            cache.put(key, key)
        for _ in range(5):  # put, then delete: requested 5 times, never cached for long
            cache.put(1000, "hot")
            assert cache.delete(1000) is True
        cache.put(1000, "hot")  # the 6th put
        cache.put(2000, "next")  # 1000 leaves the window: estimate 6 against 0's 1
        assert 1000 in cache, (
            "1000 was put 6 times (deleted after each of the first 5), the victim 0 once: "
            "when the next put pushed 1000 out of the window, it should have been admitted "
            f"to main (every put records its key, as every get does); cached: "
            f"{sorted(cache.keys())}")

    def test_a_full_protected_segment_demotes_its_oldest(self, kata: ModuleType) -> None:
        """Capacity 6: a window of 1, main 5, protected at most 5 * 8 // 10 = 4 keys.

        Every contest here is one a candidate cannot win (its estimate is at most the
        victim's), so what stays shows which key main gave up as its victim."""
        cache = kata.TinyLFUCache(6)
        for key in range(6):
            cache.put(key, key)  # 5 in the window; 0 to 4 in probation
        for key in range(4):
            assert cache.get(key) == key  # 0 to 3 to protected: it is full, not over
        for _ in range(16):
            cache.get("C")  # C: 17 requests with its put, the most a sketch counts (16)
        cache.put("C", "C")  # 5 leaves the window, and loses its tie against 4
        cache.put("D", "D")  # C leaves the window, and beats 4: C is in probation
        for _ in range(3):
            assert cache.get("D") == "D"  # D: 4 requests, in the window
        cache.put("E", "E")  # D leaves the window; main's victim is C, which D cannot beat
        cached = sorted(map(str, cache.keys()))
        assert cached == ["0", "1", "2", "3", "C", "E"], (
            f"cached: {cached}, expected 0 to 3 (protected), C (probation) and E (the "
            "window). Protected holds up to main * 8 // 10 = 4 keys: the gets of 0 to 3 "
            "filled it without demoting any, so probation held only 4, then C; D (requested "
            "4 times) cannot beat C (17) and goes")
        for key in (0, 1, 2, 3, "C", "E"):
            assert cache.get(key) == key, (
                f"get({key!r}) after the puts, of a cached key: the value last put")
        cache.get("C")  # C to protected, which is then over: its oldest, 0, back to probation
        assert sorted(map(str, cache.keys())) == cached, "a hit evicts nothing"
        for key in (0, 1, 2, 3, "C", "E"):
            assert cache.get(key) == key, (
                f"get({key!r}) after a demotion from protected to probation: every key "
                "stays cached, with its value")

    def test_the_window_holds_one_key_in_a_hundred(self, kata: ModuleType) -> None:
        cache = kata.TinyLFUCache(200)  # window 2, main 198
        for key in range(200):  # each recorded once: every estimate is 1 (the doorkeeper)
            cache.put(key, key)
        cache.put(200, 200)
        gone = [key for key in range(200) if key not in cache]
        assert gone == [198], (
            f"put(200) into the full cache evicted {gone}, expected [198]: with capacity "
            "200 the window holds max(1, 200 // 100) = 2 keys, 198 and 199, so put(200) "
            "pushes 198 out, and it loses its tie against main's victim 0")

    def test_capacity_one(self, kata: ModuleType) -> None:
        cache = kata.TinyLFUCache(1)
        cache.put("a", 1)
        for _ in range(5):
            cache.get("a")
        cache.put("b", 2)
        assert cache.keys() == ["b"], "a window of one and no main: the new key stays"
        cache.put("b", 3)
        assert cache.get("b") == 3 and len(cache) == 1

    def test_delete_clear_len(self, kata: ModuleType) -> None:
        cache = kata.TinyLFUCache(5)
        for key in range(5):
            cache.put(key, key)
        cache.get(0)  # to protected
        assert cache.delete(0) is True and cache.delete(4) is True  # protected, window
        assert cache.delete(0) is False
        assert len(cache) == 3 and sorted(cache.keys()) == [1, 2, 3]
        cache.put(7, 7)
        cache.put(8, 8)
        assert sorted(cache.keys()) == [1, 2, 3, 7, 8], "after deletes there is room"
        cache.clear()
        assert len(cache) == 0 and cache.keys() == [] and cache.get(1) is None
        cache.put(9, None)
        assert cache.get(9, "default") is None, "a cached None is a hit"

    def test_capacity_is_a_read_only_property(self, kata: ModuleType) -> None:
        cache = kata.TinyLFUCache(7)
        assert cache.capacity == 7
        with pytest.raises(AttributeError):
            cache.capacity = 8

    @pytest.mark.parametrize(("capacity", "error"),
                             [("3", TypeError), (True, TypeError), (None, TypeError),
                              (0, ValueError), (-1, ValueError)])
    def test_bad_capacity(self, kata: ModuleType, capacity: Any,
                          error: type[Exception]) -> None:
        with pytest.raises(error, match="capacity"):
            kata.TinyLFUCache(capacity)

    def test_unhashable_key_changes_nothing(self, kata: ModuleType) -> None:
        cache = kata.TinyLFUCache(3)
        for key in range(3):
            cache.put(key, key)
        for op in (lambda: cache.put(["x"], 1), lambda: cache.get(["x"]),
                   lambda: cache.delete({"x": 1}), lambda: {"x"} in cache):
            with pytest.raises(TypeError):
                op()
        assert sorted(cache.keys()) == [0, 1, 2]


@pytest.mark.part(3)
def test_tinylfu_operations_stay_constant_time(kata: ModuleType) -> None:
    limit = 40.0
    ratio, shown = constant_time_ratio(kata.TinyLFUCache, limit)
    assert ratio < limit, (
        f"an operation takes {ratio:.0f}x longer on the larger cache ({shown}): every "
        f"operation must be O(1) (limit {limit:.0f}x)")
