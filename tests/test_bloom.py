"""The ``bloom`` suite: a Bloom filter against a model of its bits, a penetration guard
against a model on a fake clock, and the filter again in Redis.

Part 1: ``BloomFilter``. A state machine checks every answer against the bits the filter's
own ``positions()`` say it must have set (so false positives are predicted exactly, not
guessed); the sizing formulas, positions that agree across processes, no false
negatives, and a false-positive rate measured on thousands of items.

Part 2: ``ProtectedLoader``, driven next to an exact model: which lookups reach the
store, when a cached "not found" expires, what ``add`` drops; a storm of lookups counted
exactly; real threads for "a slow store delays nobody".

Part 3: ``RedisBloomFilter``. The Part 1 machine and properties again, on fakeredis and
on the REDIS_URL server, with ``decode_responses`` off and on; then what only Redis has:
round trips, the bit layout, hash slots, TTLs, recorded sizes, atomic adds from threads.
"""

from __future__ import annotations

import itertools
import json
import math
import os
import random
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import redis
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from tests.support import targets
from tests.support.clock import FakeClock
from tests.support.recording import record
from tests.support.redis_backends import describe_slots, key_slot
from tests.support.targets import load
from tests.support.threads import Background, run_bounded, run_together

KATA = "bloom"
ROOT = Path(__file__).resolve().parents[1]

Make = Callable[[int, float], Any]  # (capacity, error_rate) -> a filter


def show(item: object) -> str:
    return repr(item)


def canonical(item: str | bytes) -> bytes:
    """The item as the contract defines it: a str is its UTF-8 bytes."""
    return item.encode() if isinstance(item, str) else item


# Items that repeat, and pairs that are one item ("é" and its UTF-8 bytes).
ITEMS = st.one_of(
    st.sampled_from(["", "a", "b", "apple", "é", "é".encode(), b"a", b"\xff\x00", "k:1",
                     "k:2", "日本"]),
    st.text(max_size=3),
    st.binary(max_size=3),
)


# --- Part 1: the filter against a model of its bits -----------------------------------


class BitsModel:
    """The bits a filter must have set: the union of the positions of what was added.

    The positions come from the filter under test (they are its own business, checked
    elsewhere to be deterministic and in range); everything else is predicted here.
    """

    def __init__(self, bit_count: int, hash_count: int) -> None:
        self.bit_count = bit_count
        self.hash_count = hash_count
        self.bits: set[int] = set()
        self.count = 0
        self.positions: dict[bytes, tuple[str | bytes, list[int]]] = {}

    def add(self, positions: list[int]) -> bool:
        changed = not set(positions) <= self.bits
        self.bits |= set(positions)
        self.count += changed
        return changed

    def contains(self, positions: list[int]) -> bool:
        return set(positions) <= self.bits

    def clear(self) -> None:
        self.bits.clear()
        self.count = 0

    def __repr__(self) -> str:
        return (f"{self.bit_count} bits, {self.hash_count} hashes, bits set "
                f"{sorted(self.bits)}, len {self.count}")


class BloomMachine(RuleBasedStateMachine):
    """Tiny filters (a few dozen bits), so that false positives happen all the time."""

    def __init__(self) -> None:
        super().__init__()
        self.module = load(KATA)
        self.instances: list[Any] = []
        self.model = BitsModel(0, 0)

    def make(self, capacity: int, error_rate: float) -> list[Any]:
        """The instances under test: one filter (Part 3: two clients on one filter)."""
        return [self.module.BloomFilter(capacity, error_rate)]

    @initialize(capacity=st.integers(1, 6), error_rate=st.sampled_from([0.1, 0.2, 0.3, 0.5]))
    def create(self, capacity: int, error_rate: float) -> None:
        self.instances = self.make(capacity, error_rate)
        first = self.instances[0]
        self.model = BitsModel(first.bit_count, first.hash_count)

    def where(self, via: int) -> str:
        """Which instance ``via`` picks, for messages (Part 3: which client)."""
        return ""

    def call(self, via: int, what: str, op: Callable[[Any], Any]) -> Any:
        """``op(instance)``; an exception from it says which call raised it."""
        try:
            return op(self.instances[via % len(self.instances)])
        except Exception as exc:
            exc.add_note(f"raised by {what}{self.where(via)}")
            raise

    def positions(self, item: str | bytes, via: int) -> list[int]:
        """The item's positions, checked to be the same every time they are asked for."""
        got = self.call(via, f"positions({item!r})", lambda f: f.positions(item))
        assert isinstance(got, list) and all(type(p) is int for p in got), (
            f"positions({item!r}) returned {got!r}: a list of ints")
        first, seen = self.model.positions.setdefault(canonical(item), (item, got))
        if first != item or type(first) is not type(item):
            assert got == seen, (
                f"positions({item!r}) is {got}, but positions({first!r}) was {seen}: a str "
                "stands for its UTF-8 bytes, so they are one item, with one set of positions")
        assert got == seen, (
            f"positions({item!r}) is {got}, but earlier it was {seen}: an item's positions "
            "must never change")
        return got

    @rule(item=ITEMS, via=st.integers(0, 1))
    def add(self, item: str | bytes, via: int) -> None:
        positions = self.positions(item, via)
        unset = sorted(set(positions) - self.model.bits)
        want = self.model.add(positions)
        got = self.call(via, f"add({item!r})", lambda f: f.add(item))
        why = (f"its bits {unset} were still 0" if want else
               f"all its bits {sorted(set(positions))} were already set")
        assert got is want, (
            f"add({item!r}) returned {got!r}, expected {want!r}: {why} "
            f"(model before: {sorted(self.model.bits - set(unset))} set)")

    @rule(item=ITEMS, via=st.integers(0, 1))
    def contains(self, item: str | bytes, via: int) -> None:
        positions = self.positions(item, via)
        want = self.model.contains(positions)
        got = self.call(via, f"{item!r} in filter", lambda f: item in f)
        unset = sorted(set(positions) - self.model.bits)
        why = f"its bit(s) {unset} are 0" if unset else "all its bits are set"
        assert got is want, (
            f"{item!r} in filter is {got!r}, expected {want!r}: positions "
            f"{positions}, {why} (model: {self.model})")

    @precondition(lambda self: bool(self.model.bits))
    @rule(via=st.integers(0, 1))
    def clear(self, via: int) -> None:
        self.call(via, "clear()", lambda f: f.clear())
        self.model.clear()

    @invariant()
    def same_len_and_sizes(self) -> None:
        if not self.instances:
            return
        for f in self.instances:
            assert len(f) == self.model.count, (
                f"len() is {len(f)}, expected {self.model.count}: the adds that returned "
                f"True (model: {self.model})")
            assert (f.bit_count, f.hash_count) == (self.model.bit_count, self.model.hash_count)


TestBloomMachine = pytest.mark.part(1)(BloomMachine.TestCase)


# --- Part 1 properties, shared with Part 3 (run there on Redis) -----------------------


def check_no_false_negatives(make: Make, capacity: int, error_rate: float,
                             items: list[str | bytes]) -> None:
    f = make(capacity, error_rate)
    for item in items:
        f.add(item)
    lost = [item for item in items if item not in f]
    assert not lost, (
        f"{len(lost)} of {len(items)} added items are not found: {lost[:5]} (capacity "
        f"{capacity}, error_rate {error_rate}): a Bloom filter never forgets an item")


def fp_rate(f: Any, capacity: int, probes: int, seed: int) -> tuple[int, list[str]]:
    """Add ``capacity`` items, then count the positives among ``probes`` others."""
    rng = random.Random(seed)
    members = [f"member:{rng.getrandbits(64):016x}" for _ in range(capacity)]
    for item in members:
        f.add(item)
    lost = [item for item in members if item not in f]
    positives = sum(f"probe:{i}:{seed}" in f for i in range(probes))
    return positives, lost


def check_fp_rate(make: Make, capacity: int, error_rate: float, probes: int) -> None:
    f = make(capacity, error_rate)
    positives, lost = fp_rate(f, capacity, probes, seed=capacity)
    assert not lost, f"added items not found: {lost[:5]}"
    rate, bound = positives / probes, 2 * error_rate
    # At these sizes the measured rate of a sound filter is within a few percent of p:
    # twice p is more than 8 standard deviations away.
    assert rate <= bound, (
        f"false-positive rate {rate:.4f} ({positives} of {probes} items never added were "
        f"found) with {capacity} items in a filter for capacity {capacity} and error_rate "
        f"{error_rate}: above the bound 2 x {error_rate} = {bound:g} ({f.bit_count} bits, "
        f"{f.hash_count} hashes). Are the {f.hash_count} positions of an item independent "
        f"of one another?")


def check_past_capacity(make: Make) -> None:
    f = make(20, 0.1)
    items = [f"over:{i}" for i in range(200)]
    changed = 0
    for item in items:
        try:
            changed += f.add(item)
        except Exception as exc:
            pytest.fail(f"add() of item {len(items)} raised {exc!r} once the filter held "
                        f"more than its capacity 20: an overfull filter must keep working "
                        "(it only answers 'probably' more often)", pytrace=False)
    assert all(item in f for item in items), "items added past capacity were lost"
    assert len(f) == changed, f"len() is {len(f)}, but {changed} adds returned True"


def check_examples(make: Make) -> None:
    f = make(100, 0.01)
    assert len(f) == 0 and "apple" not in f, "a new filter is empty"
    assert f.add("apple") is True, "the first add of an item changes the filter"
    assert f.add("apple") is False, "adding it again changes nothing"
    assert f.add(b"apple") is False, "b'apple' is the same item as 'apple'"
    assert "apple" in f and b"apple" in f
    assert len(f) == 1, f"len() is {len(f)} after adding one item three times"
    assert f.add("banana") is True and len(f) == 2
    f.clear()
    assert len(f) == 0 and "apple" not in f and "banana" not in f, "clear() empties it"
    assert f.add("apple") is True, "after clear() the item is new again"
    assert (f.bit_count, f.hash_count) == (959, 7)


BAD_ITEMS = [1, 1.5, None, True, ["a"], bytearray(b"a"), ("a",)]


def check_bad_items(make: Make, before: Callable[[], object] = lambda: None) -> None:
    f = make(100, 0.01)
    f.add("kept")
    before()
    for item in BAD_ITEMS:
        for what, op in [("add", lambda x=item: f.add(x)), ("in", lambda x=item: x in f),
                         ("positions", lambda x=item: f.positions(x))]:
            with pytest.raises(TypeError, match="item"):
                op()
                pytest.fail(f"{what} of {item!r} did not raise TypeError: items are str "
                            "or bytes only (1 and '1' must not be one item)", pytrace=False)


# --- Part 1: sizing, positions, guarantees, bad input ---------------------------------


SIZES = [(1000, 0.01, 9586, 7), (1, 0.5, 2, 1), (100, 0.9, 22, 1), (10, 0.001, 144, 10),
         (50_000, 0.05, 311_762, 4), (7, 0.3, 18, 2)]


def stated_sizes(capacity: int, error_rate: float) -> tuple[float, int, float]:
    """The unrounded bit count, the bit count and the unrounded hash count."""
    exact_m = -capacity * math.log(error_rate) / math.log(2) ** 2
    m = math.ceil(exact_m)
    return exact_m, m, m / capacity * math.log(2)


@pytest.mark.part(1)
class TestPart1Sizing:
    @pytest.mark.parametrize(("capacity", "error_rate", "bits", "hashes"), SIZES)
    def test_sizes_follow_the_formulas(self, kata: ModuleType, capacity: int,
                                       error_rate: float, bits: int, hashes: int) -> None:
        f = kata.BloomFilter(capacity, error_rate)
        exact_m, _, exact_k = stated_sizes(capacity, error_rate)
        what = f"BloomFilter({capacity}, {error_rate})"
        assert f.bit_count == bits, (
            f"{what}: bit_count is {f.bit_count}, expected {bits}: "
            f"ceil(-{capacity} * ln({error_rate}) / ln(2)**2) = ceil({exact_m:.4f})")
        assert f.hash_count == hashes, (
            f"{what}: hash_count is {f.hash_count}, expected {hashes}: "
            f"max(1, round({bits} / {capacity} * ln 2)) = max(1, round({exact_k:.4f}))")

    @given(capacity=st.integers(1, 100_000),
           error_rate=st.floats(1e-6, 0.999, exclude_max=True))
    def test_sizes_for_any_capacity_and_rate(self, capacity: int, error_rate: float) -> None:
        exact_m, m, exact_k = stated_sizes(capacity, error_rate)
        # Away from rounding edges, where evaluation order could move a result by one.
        assume(abs(exact_m - round(exact_m)) > 1e-6 and abs(exact_k % 1 - 0.5) > 1e-6)
        f = load(KATA).BloomFilter(capacity, error_rate)
        want = (m, max(1, round(exact_k)))
        got = (f.bit_count, f.hash_count)
        assert got == want, (
            f"BloomFilter({capacity}, {error_rate!r}): (bit_count, hash_count) is {got}, "
            f"expected {want}: ceil({exact_m:.6f}) and max(1, round({exact_k:.6f}))")
        assert type(f.bit_count) is int and type(f.hash_count) is int

    def test_sizes_are_read_only(self, kata: ModuleType) -> None:
        f = kata.BloomFilter(10, 0.1)
        for name in ("bit_count", "hash_count"):
            with pytest.raises(AttributeError):
                setattr(f, name, 1)
        assert (f.bit_count, f.hash_count) == (48, 3)


# Positions asked for in two fresh interpreters with different hash seeds.
POSITIONS_SCRIPT = """
import json, sys
sys.path.insert(0, sys.argv[1])
from tests.support import targets
targets.configure(sys.argv[2], stub_parts_from=json.loads(sys.argv[3]))
module = targets.load("bloom")
f = module.BloomFilter(1000, 0.01)
items = [bytes.fromhex(h) if kind == "b" else h for kind, h in json.loads(sys.argv[4])]
print(json.dumps([list(f.positions(item)) for item in items]))
"""
PROBE_ITEMS: list[str | bytes] = ["apple", "é", "", "user:42", b"\x00\xff", b"apple"]


def positions_in_new_processes(*hash_seeds: str) -> list[list[list[int]]]:
    """The positions of PROBE_ITEMS computed by new interpreters, one per hash seed."""
    target = targets.current()
    encoded = [("b", i.hex()) if isinstance(i, bytes) else ("s", i) for i in PROBE_ITEMS]
    argv = [sys.executable, "-c", POSITIONS_SCRIPT, str(ROOT), str(target.path),
            json.dumps(target.stub_parts_from), json.dumps(encoded)]
    running = [subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True, cwd=ROOT, env={**os.environ, "PYTHONHASHSEED": seed})
               for seed in hash_seeds]
    results = []
    for proc in running:
        out, err = proc.communicate(timeout=60)
        if proc.returncode != 0:
            pytest.fail(f"a new process could not compute positions:\n{err[-2000:]}",
                        pytrace=False)
        results.append(json.loads(out.strip().splitlines()[-1]))
    return results


@pytest.mark.part(1)
class TestPart1Positions:
    @given(capacity=st.integers(1, 5000), error_rate=st.sampled_from([0.5, 0.1, 0.01, 1e-4]),
           item=ITEMS)
    def test_positions_are_hash_count_ints_in_range(self, capacity: int, error_rate: float,
                                                    item: str | bytes) -> None:
        f = load(KATA).BloomFilter(capacity, error_rate)
        got = f.positions(item)
        assert isinstance(got, list) and len(got) == f.hash_count, (
            f"positions({item!r}) is {got!r}: expected a list of hash_count = "
            f"{f.hash_count} ints")
        outside = [p for p in got if type(p) is not int or not 0 <= p < f.bit_count]
        assert not outside, (
            f"positions({item!r}) has {outside}, not ints in range({f.bit_count})")
        twin = load(KATA).BloomFilter(capacity, error_rate)
        assert twin.positions(item) == got, "two filters of the same sizes disagree"

    def test_positions_are_the_same_in_every_process(self, kata: ModuleType) -> None:
        here = [kata.BloomFilter(1000, 0.01).positions(item) for item in PROBE_ITEMS]
        one, two = positions_in_new_processes("1", "2")
        for item, mine, a, b in zip(PROBE_ITEMS, here, one, two, strict=True):
            assert a == b == list(mine), (
                f"positions({item!r}) is {a} in a process started with PYTHONHASHSEED=1, "
                f"{b} with PYTHONHASHSEED=2 and {list(mine)} here: they must be the same in "
                "every process (the builtin hash() of str and bytes is salted per "
                "process; derive positions from a fixed digest, such as hashlib's)")

    def test_a_str_is_its_utf8_bytes(self, kata: ModuleType) -> None:
        f = kata.BloomFilter(1000, 0.01)
        for text in ["é", "apple", "日本", ""]:
            assert f.positions(text) == f.positions(text.encode()), (
                f"positions({text!r}) != positions({text.encode()!r}): a str stands for its "
                "UTF-8 bytes, so they are one item")
        f.add("é")
        assert "é".encode() in f
        assert f.add("é".encode()) is False and len(f) == 1
        assert f.positions("1") != f.positions(b"b'1'"), "str(item) is not the encoding"


@pytest.mark.part(1)
class TestPart1Guarantees:
    @given(capacity=st.integers(1, 50), error_rate=st.sampled_from([0.5, 0.1, 0.01]),
           items=st.lists(ITEMS, max_size=120))
    def test_no_false_negatives(self, capacity: int, error_rate: float,
                                items: list[str | bytes]) -> None:
        mod = load(KATA)
        check_no_false_negatives(mod.BloomFilter, capacity, error_rate, items)

    @pytest.mark.parametrize(("capacity", "error_rate"), [(2000, 0.01), (2000, 0.05),
                                                          (500, 0.2)])
    def test_false_positive_rate_at_capacity(self, kata: ModuleType, capacity: int,
                                             error_rate: float) -> None:
        check_fp_rate(kata.BloomFilter, capacity, error_rate, probes=20_000)

    def test_past_capacity_it_keeps_working(self, kata: ModuleType) -> None:
        check_past_capacity(kata.BloomFilter)

    def test_add_returns_whether_it_changed_and_len_counts_those(self, kata: ModuleType) -> None:
        check_examples(kata.BloomFilter)

    def test_threads_lose_no_bit_and_no_count(self, kata: ModuleType) -> None:
        f = kata.BloomFilter(8000, 0.01)
        threads, per_thread = 4, 2000
        changed = [0] * threads

        def worker(n: int) -> None:
            for i in range(per_thread):
                changed[n] += f.add(f"t{n}:{i}")

        run_together(worker, threads, switch_interval=1e-6)
        lost = [f"t{n}:{i}" for n in range(threads) for i in range(per_thread)
                if f"t{n}:{i}" not in f]
        assert not lost, f"{len(lost)} items added by threads are not found: {lost[:5]}"
        assert len(f) == sum(changed), (
            f"len() is {len(f)}, but the threads' adds returned True {sum(changed)} times")

    def test_in_reads_exactly_the_items_bits(self, kata: ModuleType) -> None:
        """22 bits and one hash: an item for every bit, each added alone to a new filter;
        every item must then be found exactly when its one bit is the bit that was set."""
        probe = kata.BloomFilter(100, 0.9)
        assert (probe.bit_count, probe.hash_count) == (22, 1)
        by_bit: dict[int, str] = {}
        for i in range(10_000):
            item = f"bit:{i}"
            (bit,) = probe.positions(item)
            by_bit.setdefault(bit, item)
            if len(by_bit) == 22:
                break
        assert len(by_bit) == 22, (
            f"the positions of 10,000 items in a filter of 22 bits never include the bits "
            f"{sorted(set(range(22)) - set(by_bit))}")
        for bit, added in sorted(by_bit.items()):
            f = kata.BloomFilter(100, 0.9)
            f.add(added)
            for other_bit, item in sorted(by_bit.items()):
                got = item in f
                assert got is (other_bit == bit), (
                    f"after add({added!r}) to a new filter, which sets bit {bit} only, "
                    f"{item!r} in filter is {got!r}: its one bit, {other_bit}, is "
                    f"{'set' if other_bit == bit else 'still 0'}")


@pytest.mark.part(1)
class TestPart1BadInput:
    @pytest.mark.parametrize(("capacity", "error"), [("10", TypeError), (10.0, TypeError),
                                                     (None, TypeError), (True, TypeError),
                                                     (0, ValueError), (-5, ValueError)])
    def test_capacity_rejected(self, kata: ModuleType, capacity: Any, error: Any) -> None:
        with pytest.raises(error, match="capacity"):
            kata.BloomFilter(capacity, 0.01)

    @pytest.mark.parametrize(("error_rate", "error"), [
        ("0.01", TypeError), (None, TypeError), (True, TypeError), (False, TypeError),
        (0, ValueError), (1, ValueError), (0.0, ValueError), (1.0, ValueError),
        (1.5, ValueError), (-0.01, ValueError), (math.nan, ValueError), (math.inf, ValueError)])
    def test_error_rate_rejected(self, kata: ModuleType, error_rate: Any, error: Any) -> None:
        with pytest.raises(error, match="error_rate"):
            kata.BloomFilter(100, error_rate)

    def test_items_that_are_not_str_or_bytes(self, kata: ModuleType) -> None:
        check_bad_items(kata.BloomFilter)
        f = kata.BloomFilter(100, 0.01)
        with pytest.raises(TypeError):
            f.add(7)
        assert len(f) == 0 and "7" not in f, "a rejected add changed the filter"


# --- Part 2: ProtectedLoader ----------------------------------------------------------


class FakeFilter:
    """A filter double: exactly the keys added, plus keys it wrongly lets through."""

    def __init__(self, false_positives: Iterable[str] = ()) -> None:
        self.keys: set[str] = set()
        self.false_positives = set(false_positives)
        self.checked: list[str] = []

    def __contains__(self, key: object) -> bool:
        self.checked.append(key)  # type: ignore[arg-type]
        return key in self.keys or key in self.false_positives

    def add(self, key: str) -> None:
        self.keys.add(key)

    def __repr__(self) -> str:
        return f"filter {sorted(self.keys)} + false positives {sorted(self.false_positives)}"


class Store:
    """The store behind ``load``: rows, and a log of every read."""

    def __init__(self) -> None:
        self.rows: dict[str, Any] = {}
        self.reads: list[str] = []
        self.fail: set[str] = set()

    def load(self, key: str) -> Any:
        self.reads.append(key)
        if key in self.fail:
            raise ConnectionError(f"store down for {key!r}")
        return self.rows.get(key)


class LoaderModel:
    """The contract, spelled out: what get() and add() do, with times as given."""

    def __init__(self, ttl: float, filter_: FakeFilter) -> None:
        self.ttl = ttl
        self.filter = filter_
        self.expires: dict[str, float] = {}
        self.stats = [0, 0, 0]

    def reclaim(self, now: float) -> None:
        self.expires = {k: t for k, t in self.expires.items() if now < t}

    def get(self, key: str, now: float, rows: dict[str, Any]) -> tuple[Any, bool, str]:
        """(result, whether the store is read, why)."""
        self.reclaim(now)
        if key not in self.filter.keys | self.filter.false_positives:
            self.stats[0] += 1
            return None, False, "the filter says it cannot exist"
        if key in self.expires:
            self.stats[1] += 1
            return None, False, f"'not found' is cached until t={self.expires[key]}"
        self.stats[2] += 1
        value = rows.get(key)
        if value is None:
            self.expires[key] = now + self.ttl
            return None, True, "it passes the filter, nothing cached: the store says not found"
        return value, True, "it passes the filter, nothing cached: the store has it"

    def add(self, key: str, now: float) -> None:
        self.filter.keys.add(key)
        self.expires.pop(key, None)
        self.reclaim(now)

    def __repr__(self) -> str:
        return f"'not found' cached until {self.expires}; stats {tuple(self.stats)}"


LOADER_KEYS = st.sampled_from(["a", "b", "c", "ghost", "fp"])


class LoaderMachine(RuleBasedStateMachine):
    """Lookups, new rows, deleted rows and time, in quarters of a second."""

    def __init__(self) -> None:
        super().__init__()
        self.module = load(KATA)
        self.clock = FakeClock()
        self.store = Store()

    @initialize(ttl=st.sampled_from([0.5, 1.0, 2.0]))
    def create(self, ttl: float) -> None:
        self.filter = FakeFilter(false_positives=["fp", "ghost"])
        self.loader = self.module.ProtectedLoader(self.store.load, bloom=self.filter,
                                                  negative_ttl=ttl, clock=self.clock)
        self.model = LoaderModel(ttl, FakeFilter(false_positives=["fp", "ghost"]))

    @rule(quarters=st.integers(1, 9))
    def advance(self, quarters: int) -> None:
        self.clock.advance(quarters / 4)

    @rule(key=LOADER_KEYS)
    def get(self, key: str) -> None:
        before = repr(self.model)
        reads = len(self.store.reads)
        want, reads_store, why = self.model.get(key, self.clock(), self.store.rows)
        got = self.loader.get(key)
        what = f"at t={self.clock()}: get({key!r})"
        assert got == want, (f"{what} returned {got!r}, expected {want!r}: {why} "
                             f"(model before: {before})")
        read = self.store.reads[reads:]
        assert read == ([key] if reads_store else []), (
            f"{what} read {read or 'nothing'} from the store, expected "
            f"{[key] if reads_store else 'nothing'}: {why} (model before: {before})")
        self.check_counts(what, why)

    @rule(key=LOADER_KEYS, value=st.integers(0, 9))
    def create_row(self, key: str, value: int) -> None:
        self.store.rows[key] = value
        self.model.reclaim(self.clock())
        was_cached = key in self.model.expires
        self.loader.add(key)
        self.model.add(key, self.clock())
        self.check_counts(f"at t={self.clock()}: add({key!r})",
                          f"add() must drop the cached 'not found' of {key!r} at once"
                          if was_cached else "add() changes no counter")

    @rule(key=LOADER_KEYS)
    def delete_row(self, key: str) -> None:
        self.store.rows.pop(key, None)  # a filter cannot forget: the key stays in it

    def check_counts(self, what: str, why: str) -> None:
        stats = tuple(self.loader.stats())
        assert stats == tuple(self.model.stats), (
            f"{what}, then stats() is {stats}, expected {tuple(self.model.stats)} "
            f"(filtered, negative_hits, loads): {why}")
        live = len(self.model.expires)
        held = self.loader.negative_count
        if held != live:
            if held > live:
                cause = (why if why.startswith("add() must") else
                         "expired answers must be dropped by every get() and add()")
            else:
                cause = (f"{why}, and that is cached for negative_ttl"
                         if "store says not" in why else why)
            raise AssertionError(
                f"{what}, then negative_count is {held}, expected {live}: {cause} "
                f"(model: {self.model})")


TestLoaderMachine = pytest.mark.part(2)(LoaderMachine.TestCase)


def make_loader(kata: ModuleType, clock: FakeClock, ttl: float = 5.0,
                false_positives: Iterable[str] = ("ghost",)) -> tuple[Any, FakeFilter, Store]:
    store, filter_ = Store(), FakeFilter(false_positives)
    loader = kata.ProtectedLoader(store.load, bloom=filter_, negative_ttl=ttl, clock=clock)
    return loader, filter_, store


@pytest.mark.part(2)
class TestPart2Protection:
    def test_a_storm_reaches_the_store_once_per_negative_ttl(self, kata: ModuleType,
                                                             clock: FakeClock) -> None:
        loader, _, store = make_loader(kata, clock, ttl=5.0)
        for i in range(100):  # one lookup every quarter second for 25 s
            assert loader.get("ghost") is None
            if i < 99:
                clock.advance(0.25)
        assert len(store.reads) == 5, (
            f"100 lookups of a missing key over 25 s with negative_ttl 5 read the store "
            f"{len(store.reads)} times, expected 5 (at 0, 5, 10, 15 and 20 s)")
        assert tuple(loader.stats()) == (0, 95, 5)

    def test_keys_the_filter_rules_out_never_reach_the_store(self, kata: ModuleType,
                                                             clock: FakeClock) -> None:
        loader, filter_, store = make_loader(kata, clock)
        for _ in range(3):
            assert loader.get("nobody") is None
        assert store.reads == [], (
            f"keys the filter rules out reached the store {len(store.reads)} times: the "
            "filter is asked first")
        assert filter_.checked == ["nobody"] * 3
        assert tuple(loader.stats()) == (3, 0, 0)
        assert loader.negative_count == 0, "a filtered key is not cached as 'not found'"

    def test_not_found_expires_exactly_after_negative_ttl(self, kata: ModuleType,
                                                          clock: FakeClock) -> None:
        loader, _, store = make_loader(kata, clock, ttl=2.0)
        loader.get("ghost")
        clock.advance(1.875)
        assert loader.get("ghost") is None
        assert store.reads == ["ghost"], (
            "1.875 s after 'not found' was cached with negative_ttl 2, the store was read "
            "again: it is live until t0 + 2")
        clock.advance(0.125)
        assert loader.get("ghost") is None
        assert store.reads == ["ghost", "ghost"], (
            "exactly negative_ttl after it was cached, 'not found' has expired: the store "
            "must be read again")

    def test_add_drops_a_cached_not_found_at_once(self, kata: ModuleType,
                                                  clock: FakeClock) -> None:
        loader, filter_, store = make_loader(kata, clock, ttl=60.0)
        assert loader.get("ghost") is None  # passes the filter, cached as not found
        store.rows["ghost"] = "born"
        loader.add("ghost")
        assert "ghost" in filter_.keys, "add() puts the key in the filter"
        assert loader.get("ghost") == "born", (
            "a key added to the store right after a lookup missed it still reads as "
            "missing: add() must drop the cached 'not found'")
        store.rows["new"] = "fresh"
        assert loader.get("new") is None, "not in the filter yet"
        loader.add("new")
        assert loader.get("new") == "fresh"

    def test_values_are_returned_not_cached(self, kata: ModuleType, clock: FakeClock) -> None:
        loader, _, store = make_loader(kata, clock)
        store.rows["a"] = 1
        loader.add("a")
        assert loader.get("a") == 1
        store.rows["a"] = 2
        assert loader.get("a") == 2, "values are not cached here: each get() reads the store"
        for falsy in (0, "", [], False):
            store.rows["a"] = falsy
            assert loader.get("a") == falsy and loader.get("a") is not None
        assert loader.negative_count == 0, "a falsy value is a value, not 'not found'"
        assert tuple(loader.stats()) == (0, 0, 10)

    def test_a_failing_store_read_propagates_and_caches_nothing(self, kata: ModuleType,
                                                                clock: FakeClock) -> None:
        loader, _, store = make_loader(kata, clock)
        store.fail.add("ghost")
        with pytest.raises(ConnectionError):
            loader.get("ghost")
        store.fail.clear()
        assert loader.get("ghost") is None
        assert store.reads == ["ghost", "ghost"], "an error is not 'not found'"
        assert tuple(loader.stats()) == (0, 0, 2)

    def test_expired_not_found_answers_are_dropped(self, kata: ModuleType,
                                                   clock: FakeClock) -> None:
        misses = [f"miss:{i}" for i in range(1000)]
        loader, _, _ = make_loader(kata, clock, ttl=1.0, false_positives=misses)
        for key in misses:
            loader.get(key)
        assert loader.negative_count == 1000
        clock.advance(0.5)
        loader.get(misses[0])
        assert loader.negative_count == 1000, "nothing has expired yet"
        clock.advance(0.5)
        loader.get("nobody")  # any call, even a filtered one
        assert loader.negative_count == 0, (
            f"negative_count is {loader.negative_count} after every 'not found' expired and "
            "another get(): expired entries must be dropped, not kept until read again")
        loader.get(misses[1])
        clock.advance(1.0)
        loader.add("someone")
        assert loader.negative_count == 0, "add() drops expired entries too"

    def test_dropping_expired_answers_scans_no_live_ones(self, kata: ModuleType) -> None:
        """The time per get() with 100 live 'not found' answers, then as 6,000 pile up."""
        clock = FakeClock()
        every = [f"k{i}" for i in range(10_000)]
        keys = iter(every)
        loader, _, _ = make_loader(kata, clock, ttl=1e9, false_positives=every)  # all pass
        get = loader.get

        def per_lookup() -> float:
            """The best of three runs of 100 lookups of new keys (CPU time, so that the
            neighbours on a shared machine count less)."""
            best = float("inf")
            for _ in range(3):
                chunk = [next(keys) for _ in range(100)]
                began = time.process_time()
                for key in chunk:
                    get(key)
                best = min(best, (time.process_time() - began) / len(chunk))
            return best

        for _ in range(100):
            get(next(keys))
        small = per_lookup()
        live, slowest, limit = 400, small, 10
        while live < 6000 and slowest < limit * small:
            for _ in range(700):
                get(next(keys))
            slowest = per_lookup()
            live += 1000
        assert slowest < limit * small, (
            f"a get() takes {slowest / small:.0f}x longer with {live:,} live 'not found' "
            f"answers than with 100 ({slowest * 1e6:.1f} us vs {small * 1e6:.1f} us): "
            f"dropping the expired ones must not scan the live ones (limit {limit}x)")

    def test_with_the_modules_bloom_filter(self, kata: ModuleType, clock: FakeClock) -> None:
        bloom = kata.BloomFilter(500, 0.01)
        store = Store()
        loader = kata.ProtectedLoader(store.load, bloom=bloom, negative_ttl=30, clock=clock)
        for i in range(500):
            store.rows[f"user:{i}"] = i
            loader.add(f"user:{i}")
        assert all(loader.get(f"user:{i}") == i for i in range(500))
        store.reads.clear()
        probes = [f"attacker:{i}" for i in range(5000)]
        passing = [key for key in probes if key in bloom]
        for key in probes * 2:
            assert loader.get(key) is None
        assert sorted(store.reads) == sorted(passing), (
            f"10,000 lookups of 5,000 missing keys read the store {len(store.reads)} times, "
            f"expected {len(passing)}: once for each key the filter lets through")


@pytest.mark.part(2)
class TestPart2Threads:
    def test_a_slow_store_read_delays_no_other_lookup(self, kata: ModuleType,
                                                      clock: FakeClock) -> None:
        release = threading.Event()
        entered = threading.Event()

        def load(key: str) -> Any:
            if key == "slow":
                entered.set()
                release.wait(10)
                return "finally"
            return None

        loader = kata.ProtectedLoader(load, bloom=FakeFilter(["slow", "ghost", "other"]),
                                      negative_ttl=30, clock=clock)
        loader.get("ghost")  # cached as not found
        slow = Background(lambda: loader.get("slow"), name="slow get")
        try:
            assert entered.wait(5), "the slow load never started"
            run_bounded(lambda: loader.get("ghost"), "get('ghost') (a cached 'not found') "
                        "while another thread's load() was still running", timeout=2)
            run_bounded(lambda: loader.get("other"), "get('other') (another missing key) "
                        "while another thread's load() was still running", timeout=2)
            run_bounded(lambda: loader.get("nobody"), "get('nobody') (filtered) while "
                        "another thread's load() was still running", timeout=2)
        finally:
            release.set()
            slow.join()
        assert tuple(loader.stats()) == (1, 1, 3)

    def test_counts_add_up_under_threads(self, kata: ModuleType) -> None:
        clock = FakeClock()
        keys = [f"k{i}" for i in range(20)]
        store = Store()
        for key in keys[:5]:
            store.rows[key] = key
        loader = kata.ProtectedLoader(store.load, bloom=FakeFilter(keys[:15]),
                                      negative_ttl=0.5, clock=clock)
        threads, calls = 4, 1500

        def worker(n: int) -> None:
            rng = random.Random(n)
            for i in range(calls):
                key = rng.choice(keys)
                got = loader.get(key)
                assert got == store.rows.get(key), f"get({key!r}) returned {got!r}"
                if n == 0 and i % 50 == 0:
                    clock.advance(0.125)

        run_together(worker, threads, switch_interval=1e-6)
        stats = loader.stats()
        assert sum(stats) == threads * calls, (
            f"stats() {tuple(stats)} add up to {sum(stats)}, but there were "
            f"{threads * calls} calls of get(): counters lost updates")
        assert stats.loads == len(store.reads)


@pytest.mark.part(2)
class TestPart2API:
    def test_stats_is_a_named_tuple(self, kata: ModuleType, clock: FakeClock) -> None:
        loader, _, _ = make_loader(kata, clock)
        assert kata.LoaderStats._fields == ("filtered", "negative_hits", "loads")
        loader.get("nobody")
        stats = loader.stats()
        assert isinstance(stats, kata.LoaderStats) and stats == (1, 0, 0)
        assert (stats.filtered, stats.negative_hits, stats.loads) == (1, 0, 0)
        loader.get("nobody")
        assert stats == (1, 0, 0), "stats() returns a new tuple each time"

    def test_default_clock_is_monotonic_seconds(self, kata: ModuleType) -> None:
        store = Store()
        loader = kata.ProtectedLoader(store.load, bloom=FakeFilter(["ghost"]), negative_ttl=60)
        loader.get("ghost")
        loader.get("ghost")
        assert store.reads == ["ghost"], "within 60 s the 'not found' answer is reused"

    @pytest.mark.parametrize(("kwargs", "name", "error"), [
        ({"load": None}, "load", TypeError),
        ({"load": "store"}, "load", TypeError),
        ({"bloom": None}, "bloom", TypeError),
        ({"bloom": {"a": 1}}, "bloom", TypeError),
        ({"bloom": ["a"]}, "bloom", TypeError),
        ({"negative_ttl": "5"}, "negative_ttl", TypeError),
        ({"negative_ttl": True}, "negative_ttl", TypeError),
        ({"negative_ttl": None}, "negative_ttl", TypeError),
        ({"negative_ttl": 0}, "negative_ttl", ValueError),
        ({"negative_ttl": -1.5}, "negative_ttl", ValueError),
        ({"negative_ttl": math.nan}, "negative_ttl", ValueError),
        ({"negative_ttl": math.inf}, "negative_ttl", ValueError),
        ({"clock": 5}, "clock", TypeError),
    ])
    def test_constructor_rejects(self, kata: ModuleType, kwargs: dict[str, Any], name: str,
                                 error: Any) -> None:
        args: dict[str, Any] = {"load": Store().load, "bloom": FakeFilter(),
                                "negative_ttl": 5.0, "clock": FakeClock(), **kwargs}
        with pytest.raises(error, match=name):
            kata.ProtectedLoader(args.pop("load"), **args)

    def test_keys_that_are_not_str(self, kata: ModuleType, clock: FakeClock) -> None:
        loader, filter_, store = make_loader(kata, clock)
        for key in [b"ghost", 1, None, ("ghost",)]:
            with pytest.raises(TypeError, match="key"):
                loader.get(key)
            with pytest.raises(TypeError, match="key"):
                loader.add(key)
        assert filter_.checked == [] and filter_.keys == set() and store.reads == [], (
            "a rejected key reached the filter or the store")
        assert tuple(loader.stats()) == (0, 0, 0)


# --- Part 3: RedisBloomFilter ---------------------------------------------------------

_names = itertools.count()


def redis_maker(backend: Any, client: redis.Redis, **kwargs: Any) -> Make:
    """A ``make(capacity, error_rate)`` giving Redis filters under new names each time."""
    mod = load(KATA)

    def make(capacity: int, error_rate: float) -> Any:
        name = backend.key(f"bf{next(_names)}")
        return mod.RedisBloomFilter(client, name, capacity, error_rate, **kwargs)

    return make


def redis_settings(divisor: int = 6) -> settings:
    """Fewer, shorter runs on Redis: each step there is a round trip (or a Lua call)."""
    current = settings()
    return settings(current, max_examples=max(5, current.max_examples // divisor),
                    stateful_step_count=min(30, current.stateful_step_count))


def keys_of(name: str) -> tuple[str, str]:
    return f"bloom:{{{name}}}:bits", f"bloom:{{{name}}}:meta"


@pytest.mark.part(3)
@pytest.mark.redis
class TestPart3Properties:
    """The Part 1 machine and properties, on Redis (two clients on each filter)."""

    def test_redis_filter_against_the_model(self, redis_backend: Any,
                                            redis_client: redis.Redis) -> None:
        other = redis_backend.client(decode_responses=True)

        clients = (redis_client, other)

        class RedisBloomMachine(BloomMachine):
            def where(self, via: int) -> str:
                decoded = clients[via % 2].get_encoder().decode_responses
                return f" through a client with decode_responses={decoded}"

            def make(self, capacity: int, error_rate: float) -> list[Any]:
                name = redis_backend.key(f"m{next(_names)}")
                return [self.module.RedisBloomFilter(c, name, capacity, error_rate)
                        for c in clients]

        run_state_machine_as_test(RedisBloomMachine, settings=redis_settings())

    def test_examples(self, redis_backend: Any, redis_client: redis.Redis) -> None:
        check_examples(redis_maker(redis_backend, redis_client))

    def test_no_false_negatives(self, redis_backend: Any, redis_client: redis.Redis) -> None:
        make = redis_maker(redis_backend, redis_client)

        @settings(redis_settings())
        @given(capacity=st.integers(1, 50), error_rate=st.sampled_from([0.5, 0.1, 0.01]),
               items=st.lists(ITEMS, max_size=60))
        def no_false_negatives(capacity: int, error_rate: float,
                               items: list[str | bytes]) -> None:
            check_no_false_negatives(make, capacity, error_rate, items)

        no_false_negatives()

    def test_false_positive_rate_at_capacity(self, redis_backend: Any) -> None:
        client = redis_backend.client()
        check_fp_rate(redis_maker(redis_backend, client), 200, 0.05, probes=2000)

    def test_past_capacity_it_keeps_working(self, redis_backend: Any,
                                            redis_client: redis.Redis) -> None:
        check_past_capacity(redis_maker(redis_backend, redis_client))

    def test_same_sizes_and_positions_as_bloom_filter(self, kata: ModuleType,
                                                      redis_backend: Any,
                                                      redis_client: redis.Redis) -> None:
        for capacity, error_rate, bits, hashes in SIZES[:5]:
            f = kata.RedisBloomFilter(redis_client, redis_backend.key("s"), capacity,
                                      error_rate)
            local = kata.BloomFilter(capacity, error_rate)
            assert (f.bit_count, f.hash_count) == (bits, hashes)
            for item in PROBE_ITEMS:
                assert f.positions(item) == local.positions(item), (
                    f"RedisBloomFilter.positions({item!r}) differs from BloomFilter's")

    def test_bad_items_send_nothing(self, redis_backend: Any,
                                    redis_client: redis.Redis) -> None:
        log = record(redis_client)
        check_bad_items(redis_maker(redis_backend, redis_client), before=log.clear)
        assert log.round_trips == 0, f"rejected items still sent {log}"


def bits_set(client: redis.Redis, key: str) -> set[int]:
    raw = client.get(key) or b""
    data = raw.encode("latin-1") if isinstance(raw, str) else raw
    return {i * 8 + b for i, byte in enumerate(data) for b in range(8) if byte & (0x80 >> b)}


@pytest.mark.part(3)
@pytest.mark.redis
class TestPart3Redis:
    def test_each_operation_is_one_round_trip(self, kata: ModuleType, redis_backend: Any,
                                              redis_client: redis.Redis) -> None:
        f = kata.RedisBloomFilter(redis_client, redis_backend.key("rt"), 1000, 0.01)
        f.add("warm-up")  # may load the scripts first
        _ = "warm-up" in f
        log = record(redis_client)
        for what, op in [("add('a')", lambda: f.add("a")), ("add('a') again", lambda: f.add("a")),
                         ("'a' in f", lambda: "a" in f), ("'b' in f", lambda: "b" in f),
                         ("len(f)", lambda: len(f)), ("clear()", f.clear),
                         ("add('b') after clear()", lambda: f.add("b"))]:
            log.clear()
            op()
            assert log.round_trips == 1, (
                f"{what} took {log.round_trips} round trips ({log}): each add, check, len() "
                "and clear() is exactly one (a script, or one pipeline)")
        assert f.positions("x") and f.bit_count and f.hash_count
        log.clear()
        kata.RedisBloomFilter(redis_client, redis_backend.key("rt2"), 10, 0.1)
        assert log.round_trips == 0, f"the constructor sent {log}"

    def test_add_is_one_script_call(self, kata: ModuleType, redis_backend: Any,
                                    redis_client: redis.Redis) -> None:
        f = kata.RedisBloomFilter(redis_client, redis_backend.key("sc"), 1000, 0.01)
        f.add("warm-up")
        log = record(redis_client)
        f.add("a")
        assert log.names() in (["EVALSHA"], ["EVAL"]), (
            f"add() sent {log}: it must be one atomic script call (a pipeline of SETBITs "
            "cannot count the add only when a bit changed)")

    def test_both_keys_in_one_hash_slot(self, kata: ModuleType, redis_backend: Any,
                                        redis_client: redis.Redis) -> None:
        name = redis_backend.key("slot")
        f = kata.RedisBloomFilter(redis_client, name, 100, 0.01)
        f.add("a")
        written = redis_backend.keys()
        assert sorted(written) == sorted(keys_of(name)), (
            f"the filter wrote {written}, expected the documented {list(keys_of(name))}")
        assert len({key_slot(key.encode()) for key in written}) == 1, (
            f"the filter's keys are in different hash slots, {describe_slots(written)}: one "
            "script touching keys of two "
            "slots fails on Redis Cluster (CROSSSLOT); the hash tag {name} keeps them together")
        admin = redis_backend.client()
        meta = {k.decode(): v.decode() for k, v in admin.hgetall(keys_of(name)[1]).items()}
        assert meta == {"bit_count": str(f.bit_count), "hash_count": str(f.hash_count),
                        "count": "1"}, f"the meta hash is {meta}"

    def test_bits_are_the_positions_in_redis_bit_order(self, kata: ModuleType,
                                                       redis_backend: Any,
                                                       redis_client: redis.Redis) -> None:
        name = redis_backend.key("layout")
        f = kata.RedisBloomFilter(redis_client, name, 200, 0.01)
        expected: set[int] = set()
        for item in ["apple", "é", b"\x00", "user:42"]:
            f.add(item)
            expected |= set(kata.BloomFilter(200, 0.01).positions(item))
        bits_key = keys_of(name)[0]
        admin = redis_backend.client()
        got = bits_set(admin, bits_key)
        assert got == expected, (
            f"the bits set in {bits_key} are {sorted(got)}, expected {sorted(expected)}: "
            "bit i of the filter is bit i of the Redis string (GETBIT i)")
        assert admin.strlen(bits_key) <= (f.bit_count + 7) // 8

    def test_with_a_ttl_every_add_sets_both_keys_to_expire(self, kata: ModuleType,
                                                           redis_backend: Any,
                                                           redis_client: redis.Redis) -> None:
        name = redis_backend.key("ttl")
        f = kata.RedisBloomFilter(redis_client, name, 100, 0.01, ttl=60)
        f.add("a")
        admin = redis_backend.client()
        for key in keys_of(name):
            ttl = admin.pttl(key)
            assert 55_000 < ttl <= 60_000, (
                f"{key} has a TTL of {ttl} ms after add() with ttl=60: expected 60,000 ms")
            admin.pexpire(key, 5_000)
        f.add("a")  # no bit changes, and the TTL is set again all the same
        for key in keys_of(name):
            assert admin.pttl(key) > 55_000, (
                f"{key}'s TTL was not set again by add(): every add sets both keys to expire "
                "ttl seconds later")

    def test_without_a_ttl_the_keys_never_expire(self, kata: ModuleType, redis_backend: Any,
                                                 redis_client: redis.Redis) -> None:
        name = redis_backend.key("forever")
        f = kata.RedisBloomFilter(redis_client, name, 100, 0.01)
        f.add("a")
        admin = redis_backend.client()
        for key in keys_of(name):
            assert admin.pttl(key) == -1, (
                f"{key} has a TTL of {admin.pttl(key)} ms, but ttl=None: a filter that "
                "expires answers 'certainly not' for items it held")

    def test_sizes_are_checked(self, kata: ModuleType, redis_backend: Any,
                               redis_client: redis.Redis) -> None:
        name = redis_backend.key("sizes")
        small = kata.RedisBloomFilter(redis_client, name, 1000, 0.01)
        assert small.add("a") is True
        for capacity, error_rate in [(2000, 0.01), (1000, 0.001)]:
            big = kata.RedisBloomFilter(redis_client, name, capacity, error_rate)
            for what, op in [("add('b')", lambda f=big: f.add("b")),
                             ("'a' in f", lambda f=big: "a" in f)]:
                with pytest.raises(ValueError, match=r"capacity.*error_rate|error_rate.*capacity"):
                    op()
                    pytest.fail(
                        f"{what} through an instance made for capacity {capacity}, error_rate "
                        f"{error_rate} did not raise ValueError, though the filter in Redis was "
                        "made for 1000 and 0.01: its positions are other bits", pytrace=False)
        assert len(small) == 1 and "a" in small and "b" not in small, (
            "a rejected add changed the filter")
        small.clear()
        again = kata.RedisBloomFilter(redis_client, name, 2000, 0.01)
        assert again.add("b") is True, "after clear() the sizes are no longer recorded"

    def test_instances_on_other_clients_share_the_filter(self, kata: ModuleType,
                                                         redis_backend: Any) -> None:
        name = redis_backend.key("shared")
        one = kata.RedisBloomFilter(redis_backend.client(), name, 1000, 0.01)
        two = kata.RedisBloomFilter(redis_backend.client(decode_responses=True), name,
                                    1000, 0.01)
        assert one.add("a") is True
        assert "a" in two and two.add("a") is False and len(two) == 1
        assert two.add("b") is True and len(one) == 2 and "b" in one
        one.clear()
        assert len(two) == 0 and "a" not in two

    def test_adds_from_threads_are_atomic(self, kata: ModuleType, redis_backend: Any) -> None:
        name = redis_backend.key("threads")
        threads, items = 4, [f"item:{i}" for i in range(150)]
        filters = [kata.RedisBloomFilter(redis_backend.client(), name, 2000, 0.01)
                   for _ in range(threads)]
        changed = [0] * threads

        def worker(n: int) -> None:
            for item in items[n::2] + items:  # every item added by several threads
                changed[n] += filters[n].add(item)

        run_together(worker, threads)
        f = filters[0]
        assert all(item in f for item in items), "an item added by threads is not found"
        assert len(f) == sum(changed), (
            f"len() is {len(f)}, but adds returned True {sum(changed)} times: adds from "
            "several processes must set the bits and count in one atomic step")
        assert sum(changed) <= len(items), (
            f"{sum(changed)} adds returned True for {len(items)} distinct items: two adds of "
            "one item both claimed to change the filter")

    def test_clear_and_an_absent_filter(self, kata: ModuleType, redis_backend: Any,
                                        redis_client: redis.Redis) -> None:
        f = kata.RedisBloomFilter(redis_client, redis_backend.key("absent"), 100, 0.01)
        assert len(f) == 0 and "a" not in f, "an absent filter is an empty one"
        f.add("a")
        f.clear()
        assert redis_backend.keys() == [], "clear() deletes both keys"
        assert len(f) == 0 and "a" not in f and f.add("a") is True


@pytest.mark.part(3)
@pytest.mark.redis
class TestPart3BadInput:
    @pytest.mark.parametrize(("name", "error"), [(None, TypeError), (b"f", TypeError),
                                                 ("", ValueError), ("a{b", ValueError),
                                                 ("a}b", ValueError)])
    def test_name_rejected(self, kata: ModuleType, redis_backend: Any, name: Any,
                           error: Any) -> None:
        with pytest.raises(error, match="name"):
            kata.RedisBloomFilter(redis_backend.client(), name, 100, 0.01)

    @pytest.mark.parametrize(("ttl", "error"), [("60", TypeError), (True, TypeError),
                                                (0, ValueError), (-1, ValueError),
                                                (math.nan, ValueError), (math.inf, ValueError)])
    def test_ttl_rejected(self, kata: ModuleType, redis_backend: Any, ttl: Any,
                          error: Any) -> None:
        with pytest.raises(error, match=r"\bttl\b"):
            kata.RedisBloomFilter(redis_backend.client(), redis_backend.key("f"), 100, 0.01,
                                  ttl=ttl)

    @pytest.mark.parametrize(("capacity", "error_rate", "name", "error"), [
        (True, 0.01, "capacity", TypeError), (0, 0.01, "capacity", ValueError),
        (100, 1.0, "error_rate", ValueError), (100, "0.1", "error_rate", TypeError),
        (10**9, 1e-6, "capacity", ValueError)])
    def test_sizes_rejected(self, kata: ModuleType, redis_backend: Any, capacity: Any,
                            error_rate: Any, name: str, error: Any) -> None:
        with pytest.raises(error, match=rf"\b{name}\b"):
            kata.RedisBloomFilter(redis_backend.client(), redis_backend.key("f"), capacity,
                                  error_rate)

    def test_a_filter_of_exactly_2_to_the_32_bits_fits(self, kata: ModuleType,
                                                       redis_backend: Any) -> None:
        """capacity 2,252,047,205 at error_rate 0.4 needs ceil(4294967295.25) = 2**32 bits,
        all a Redis string holds; one item more needs 2**32 + 2."""
        client = redis_backend.client()
        try:
            f = kata.RedisBloomFilter(client, redis_backend.key("f"), 2_252_047_205, 0.4)
        except ValueError as exc:
            pytest.fail(f"RedisBloomFilter(..., 2252047205, 0.4) raised {exc!r}, but its "
                        "bit_count is exactly 2**32, which a Redis string holds: only a larger "
                        "bit_count is refused", pytrace=False)
        assert f.bit_count == 2**32
        with pytest.raises(ValueError, match=r"\bcapacity\b"):
            kata.RedisBloomFilter(client, redis_backend.key("f"), 2_252_047_206, 0.4)
