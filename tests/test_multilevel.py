"""Suite for kata 5, ``multilevel``: an in-process L1 in front of Redis (L2), kept coherent
over pub/sub. See katas/multilevel.py for the specification.

Part 1: two levels (get/set/delete/get_or_load, promotion, L1 LRU bound and l1_ttl, stats,
        key layout and TTLs, serializer, bad input, threads).
Part 2: coherence between instances over pub/sub (process_invalidations, own messages,
        close).
Part 3: Redis going away (fakeredis taken down in place, and a throwaway redis-server
        killed, then restarted on the same port).

Pub/sub delivery is asynchronous on a real server, so every cross-instance expectation is
polled with a bound (``eventually``). fakeredis delivers a message before PUBLISH returns,
which the coherence window test and the stateful coherence test rely on: they run on
fakeredis only. Reads need only drain once a millisecond (the contract's window), so the
stateful test calls ``process_invalidations()`` before each read.

fakeredis does not enforce Redis Cluster's rules (one hash slot per script, no PUBLISH in
a pipeline), so the suite checks how each write is sent; ``make cluster`` runs the same
tests on a real cluster.
"""

from __future__ import annotations

import json
import logging
import math
import threading
import time
from collections import Counter, OrderedDict
from collections.abc import Callable, Iterator
from contextlib import suppress
from dataclasses import dataclass, field
from typing import Any

import pytest
import redis
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
)
from redis.cluster import RedisCluster

from tests.support.clock import FakeClock
from tests.support.linearizable import KeyValueModel, assert_linearizable, key_value_history
from tests.support.recording import CommandLog, record
from tests.support.redis_backends import (
    RedisBackend,
    describe_slots,
    key_slot,
    keys_of,
    no_retry,
    start_servers,
)
from tests.support.sentinels import MISSING
from tests.support.targets import load
from tests.support.threads import Background, run_together
from tests.support.waiting import eventually

KATA = "multilevel"

STAT_NAMES = ("l1_hits", "l2_hits", "misses")
POLL = 1.0  # seconds: bound for "the other instance sees it" (milliseconds in practice)
WINDOW = 0.001  # seconds: the contract's bound, from a message's arrival to the reads
SCRIPT_CALLS = ("EVAL", "EVALSHA", "EVAL_RO", "EVALSHA_RO", "FCALL")


# -- helpers ------------------------------------------------------------------------------


def stats_of(cache: Any) -> dict[str, int]:
    got = cache.stats()
    missing = [name for name in STAT_NAMES if name not in got]
    assert not missing, f"stats() lacks {missing}: {got!r}"
    return {name: got[name] for name in STAT_NAMES}


def assert_stats(cache: Any, reads: str, **want: int) -> None:
    """stats() must count each read of ``reads`` (what the test did) exactly as ``want``."""
    got = stats_of(cache)
    assert got == want, f"stats() is {got} after {reads}; expected {want}"


def raw(value: Any) -> str:
    return json.dumps(value)


class Caches:
    """Makes caches on one backend (namespace ``<token>:mlc``) and closes them at teardown."""

    def __init__(self, module: Any, backend: RedisBackend) -> None:
        self.module = module
        self.backend = backend
        self.namespace = backend.key("mlc")
        self.made: list[Any] = []

    def __call__(self, client: redis.Redis | None = None, **kwargs: Any) -> Any:
        if client is None:
            client = self.backend.client()
        kwargs.setdefault("namespace", self.namespace)
        cache = self.module.MultiLevelCache(client, **kwargs)
        self.made.append(cache)
        return cache

    def l2_key(self, key: str) -> str:
        return f"{self.namespace}:{key}"

    @property
    def channel(self) -> str:
        return f"{self.namespace}:invalidations"

    def write_behind(self, client: redis.Redis, key: str, value: Any) -> None:
        """Put a JSON value into L2 directly (with a TTL), as another writer would, without
        telling any instance."""
        client.set(self.l2_key(key), raw(value), px=60_000)

    def close_all(self) -> None:
        for cache in self.made:
            with suppress(Exception):
                cache.close()


@pytest.fixture
def mk(kata: Any, redis_backend: RedisBackend) -> Iterator[Caches]:
    caches = Caches(kata, redis_backend)
    yield caches
    caches.close_all()


def assert_every_key_expires(backend: RedisBackend, client: redis.Redis, ttl_ms: float) -> None:
    keys = backend.keys()
    for key in keys:
        pttl = client.pttl(key)
        assert 0 < pttl <= ttl_ms, (
            f"L2 key {key!r} has PTTL {pttl} ms, expected 0 < PTTL <= {ttl_ms:g} "
            "(every key needs a TTL, -1 means none)"
        )


class PausedRead:
    """Holds the first command that names ``l2_key`` (the cache's L2 read) after Redis has
    answered it, until ``go`` is set: a window in which a test can write or invalidate.

    It wraps ``client.execute_command`` the way ``record()`` does (do not use both on one
    client)."""

    def __init__(self, client: redis.Redis, l2_key: str) -> None:
        self.read_done = threading.Event()
        self.go = threading.Event()
        self.armed = True
        names = (l2_key, l2_key.encode())
        send = client.execute_command

        def execute_command(*args: Any, **options: Any) -> Any:
            result = send(*args, **options)
            if self.armed and any(arg in names for arg in args[1:]):
                self.armed = False
                self.read_done.set()
                self.go.wait(timeout=10)
            return result

        client.execute_command = execute_command  # type: ignore[method-assign]


class PausedWrite:
    """Holds the first command that names ``l2_key`` sent by the thread named ``thread``
    (a write's SET, DEL or script), before it is sent, until ``go`` is set: the window
    after the write began and before Redis has it. Wraps ``client.execute_command`` like
    ``PausedRead`` (make this one first when a test uses both)."""

    def __init__(self, client: redis.Redis, l2_key: str, thread: str) -> None:
        self.at_send = threading.Event()
        self.go = threading.Event()
        names = (l2_key, l2_key.encode())
        send = client.execute_command

        def execute_command(*args: Any, **options: Any) -> Any:
            if (not self.at_send.is_set() and threading.current_thread().name == thread
                    and any(arg in names for arg in args[1:])):
                self.at_send.set()
                self.go.wait(timeout=10)
            return send(*args, **options)

        client.execute_command = execute_command  # type: ignore[method-assign]


# -- Part 1: two levels ---------------------------------------------------------------------


JSON_VALUES = [
    {"name": "Ada", "langs": ["en", "fr"], "age": 36},
    [1, "two", None, [3]],
    "héllo, wörld",
    42,
    -7,
    None,
    0,
    "",
    [],
    {},
    True,
    False,
    {"nested": {"deep": [1, {"x": None}]}},
]


@pytest.mark.part(1)
class TestPart1ReadThrough:
    def test_get_of_unknown_key_returns_default_and_counts_misses(self, mk: Caches) -> None:
        cache = mk()
        assert cache.get("nope") is None
        assert cache.get("nope", MISSING) == MISSING
        assert_stats(cache, "two get() of an unknown key", l1_hits=0, l2_hits=0, misses=2)

    @pytest.mark.parametrize("value", JSON_VALUES, ids=repr)
    def test_values_round_trip_through_both_levels(
        self, mk: Caches, redis_client: redis.Redis, value: Any
    ) -> None:
        writer = mk(redis_client)
        writer.set("k", value)
        got = writer.get("k", MISSING)
        assert got == value and type(got) is type(value), (
            f"set('k', {value!r}) then get('k') on the same instance returned {got!r}, "
            f"expected {value!r}"
        )
        reader = mk(redis_client)  # a fresh instance: its L1 is empty, the value is in L2
        got = reader.get("k", MISSING)
        assert got == value and type(got) is type(value), (
            f"a second instance's get('k') returned {got!r} (from L2), expected {value!r}"
        )

    def test_l1_hit_sends_no_redis_command(self, mk: Caches, redis_client: redis.Redis) -> None:
        cache = mk(redis_client)
        cache.set("k", {"v": 1})
        assert cache.get("k") == {"v": 1}  # now in L1 whatever set() did
        log = record(redis_client)
        for _ in range(3):
            assert cache.get("k") == {"v": 1}
            assert cache.get_or_load("k", lambda: pytest.fail("loader called on an L1 hit"))
        assert log.round_trips == 0, f"L1 hits sent Redis commands: {log}"

    def test_l2_hit_is_promoted_into_l1(self, mk: Caches, redis_client: redis.Redis) -> None:
        cache = mk(redis_client)
        mk.write_behind(redis_client, "k", {"from": "l2"})
        log = record(redis_client)
        assert cache.get("k") == {"from": "l2"}
        assert log.round_trips >= 1, "an L1 miss must read Redis"
        log.clear()
        assert cache.get("k") == {"from": "l2"}
        assert log.round_trips == 0, (
            f"the second get of a key just read from L2 sent {log}: the L2 hit was not "
            "promoted into L1"
        )
        assert_stats(cache, "get() of a key only in L2, then again", l1_hits=1, l2_hits=1,
                     misses=0)

    def test_get_or_load_on_a_miss_fills_l2_with_ttl_then_l1(
        self, mk: Caches, redis_client: redis.Redis, redis_backend: RedisBackend
    ) -> None:
        cache = mk(redis_client, l2_ttl=2.5)
        calls: list[int] = []

        def loader() -> dict[str, int]:
            calls.append(1)
            return {"n": 1}

        assert cache.get_or_load("k", loader) == {"n": 1}
        assert len(calls) == 1, f"loader called {len(calls)} times on one miss"
        stored = redis_client.get(mk.l2_key("k"))
        assert stored is not None, f"get_or_load did not fill L2 key {mk.l2_key('k')!r}"
        assert json.loads(stored) == {"n": 1}
        pttl = redis_client.pttl(mk.l2_key("k"))
        assert 0 < pttl <= 2500, (
            f"the L2 entry get_or_load stored has PTTL {pttl} ms, expected in (0, 2500] "
            "(-1: no TTL at all, it never expires)"
        )
        log = record(redis_client)
        assert cache.get_or_load("k", loader) == {"n": 1}
        assert len(calls) == 1, "loader called again on an L1 hit"
        assert log.round_trips == 0, f"get_or_load did not fill L1: the next call sent {log}"
        assert_stats(cache, "get_or_load() of an unknown key (a load), then again",
                     l1_hits=1, l2_hits=0, misses=1)
        assert_every_key_expires(redis_backend, redis_client, 2500)

    def test_get_or_load_on_an_l2_hit_does_not_call_loader(
        self, mk: Caches, redis_client: redis.Redis
    ) -> None:
        cache = mk(redis_client)
        mk.write_behind(redis_client, "k", [1, 2])
        assert cache.get_or_load("k", lambda: pytest.fail("loader called on an L2 hit")) == [1, 2]
        log = record(redis_client)
        assert cache.get_or_load("k", lambda: pytest.fail("loader called on an L1 hit")) == [1, 2]
        assert log.round_trips == 0, f"the L2 hit was not promoted: the next call sent {log}"
        assert_stats(cache, "get_or_load() of a key only in L2, then again", l1_hits=1,
                     l2_hits=1, misses=0)

    def test_get_or_load_caches_none(self, mk: Caches) -> None:
        cache = mk()
        calls: list[int] = []

        def loader() -> None:
            calls.append(1)

        assert cache.get_or_load("k", loader) is None
        assert cache.get_or_load("k", loader) is None
        assert mk().get_or_load("k", loader) is None  # another instance: from L2
        assert len(calls) == 1, f"a None result was not cached: loader called {len(calls)}x"

    def test_get_or_load_loader_error_propagates_and_caches_nothing(
        self, mk: Caches, redis_client: redis.Redis
    ) -> None:
        cache = mk(redis_client)

        def boom() -> Any:
            raise LookupError("database says no")

        with pytest.raises(LookupError, match="database says no"):
            cache.get_or_load("k", boom)
        assert redis_client.exists(mk.l2_key("k")) == 0, "a failed load wrote L2"
        assert cache.get("k", MISSING) == MISSING
        assert cache.get_or_load("k", lambda: "loaded") == "loaded"

    def test_data_the_serializer_cannot_decode_is_a_miss(
        self, mk: Caches, redis_client: redis.Redis
    ) -> None:
        cache = mk(redis_client)
        for key in ("g", "l"):
            redis_client.set(mk.l2_key(key), "{not json", px=60_000)
        got = cache.get("g", MISSING)
        assert got == MISSING, f"get('g') of L2 data JSON cannot decode returned {got!r}"
        assert cache.get_or_load("l", lambda: "fresh") == "fresh"
        assert_stats(cache, "get() and get_or_load() of undecodable L2 data", l1_hits=0,
                     l2_hits=0, misses=2)
        stored = redis_client.get(mk.l2_key("l"))
        assert stored is not None and json.loads(stored) == "fresh", (
            f"after get_or_load('l', loader) found L2 data it could not decode, L2 holds "
            f"{stored!r}: the loaded value replaces it (a miss stores the loaded value)")
        assert mk(redis_client).get("l") == "fresh"

    def test_l2_key_is_namespace_colon_key_and_every_key_expires(
        self, mk: Caches, redis_client: redis.Redis, redis_backend: RedisBackend
    ) -> None:
        cache = mk(redis_client, l2_ttl=7)
        entries = {"user:1": {"name": "Ada"}, "ü": [1], "": "empty key", "a b": None}
        for key, value in entries.items():
            cache.set(key, value)
        cache.get_or_load("loaded", lambda: 3)
        entries["loaded"] = 3
        for key, value in entries.items():
            stored = redis_client.get(mk.l2_key(key))
            assert stored is not None, f"no L2 entry at {mk.l2_key(key)!r} for key {key!r}"
            assert json.loads(stored) == value, f"L2 {mk.l2_key(key)!r} holds {stored!r}"
        assert_every_key_expires(redis_backend, redis_client, 7000)

    def test_fractional_l2_ttl(self, mk: Caches, redis_client: redis.Redis) -> None:
        cache = mk(redis_client, l2_ttl=1.5)
        cache.set("k", 1)
        pttl = redis_client.pttl(mk.l2_key("k"))
        assert 0 < pttl <= 1500, f"l2_ttl=1.5 gave PTTL {pttl} ms, expected in (0, 1500]"

    def test_set_overwrites_and_the_writer_reads_its_own_write(self, mk: Caches) -> None:
        cache = mk()
        cache.set("k", "old")
        assert cache.get("k") == "old"
        cache.set("k", "new")
        assert cache.get("k") == "new", "after set('k', 'new') the writer still read 'old'"
        assert mk().get("k") == "new", "L2 was not overwritten"

    def test_delete_removes_from_both_levels(self, mk: Caches, redis_client: redis.Redis) -> None:
        cache = mk(redis_client)
        cache.set("k", 1)
        assert cache.get("k") == 1
        deleted = cache.delete("k")
        assert deleted is True, f"delete('k') of a key L2 held returned {deleted!r}, not True"
        assert cache.get("k", MISSING) == MISSING, "a deleted key is still served"
        assert redis_client.exists(mk.l2_key("k")) == 0, "delete left the L2 entry"
        deleted = cache.delete("never-set")  # deleting an unknown key is no error
        assert deleted is False, (
            f"delete('never-set') returned {deleted!r}: L2 did not hold the key, so False")
        assert cache.get("never-set", MISSING) == MISSING

    def test_custom_serializer(self, mk: Caches, redis_client: redis.Redis) -> None:
        class Tagged:
            """Text with a version tag: ``v1|<json>``."""

            def dumps(self, obj: Any) -> str:
                return "v1|" + json.dumps(obj)

            def loads(self, data: str | bytes) -> Any:
                text = data.decode() if isinstance(data, bytes) else data
                tag, _, body = text.partition("|")
                assert tag == "v1", f"loads() was given {data!r}"
                return json.loads(body)

        cache = mk(redis_client, serializer=Tagged())
        cache.set("k", {"a": [1, 2]})
        stored = redis_client.get(mk.l2_key("k"))
        assert stored in ('v1|{"a": [1, 2]}', b'v1|{"a": [1, 2]}'), (
            f"L2 holds {stored!r}, expected exactly serializer.dumps(value)"
        )
        assert mk(redis_client, serializer=Tagged()).get("k") == {"a": [1, 2]}
        redis_client.set(mk.l2_key("other"), 'v1|["x"]', px=60_000)
        assert cache.get("other") == ["x"], "an L2 value was not decoded with serializer.loads"
        assert cache.get_or_load("third", lambda: 5) == 5
        assert redis_client.get(mk.l2_key("third")) in ("v1|5", b"v1|5")

    def test_namespaces_keep_caches_apart(self, mk: Caches) -> None:
        first = mk(namespace=mk.backend.key("one"))
        second = mk(namespace=mk.backend.key("two"))
        first.set("k", "first")
        second.set("k", "second")
        assert first.get("k") == "first"
        assert second.get("k") == "second"
        assert mk(namespace=mk.backend.key("one")).get("k") == "first"

    def test_stats_count_each_read_exactly_once(
        self, mk: Caches, redis_client: redis.Redis
    ) -> None:
        cache = mk(redis_client)
        cache.get("a")  # miss
        mk.write_behind(redis_client, "b", 2)
        cache.get("b")  # L2 hit
        cache.get("b")  # L1 hit
        cache.get_or_load("c", lambda: 3)  # miss
        cache.get_or_load("c", lambda: 3)  # L1 hit
        mk.write_behind(redis_client, "d", 4)
        cache.get_or_load("d", lambda: 0)  # L2 hit
        cache.get("a", MISSING)  # miss again
        assert_stats(cache, "the reads commented above", l1_hits=2, l2_hits=2, misses=3)


@pytest.mark.part(1)
class TestPart1L1Bounds:
    def test_l1_evicts_the_least_recently_used_key(
        self, mk: Caches, redis_client: redis.Redis
    ) -> None:
        cache = mk(redis_client, l1_maxsize=2, l1_ttl=1000)
        for key in "abc":
            mk.write_behind(redis_client, key, key.upper())
        assert cache.get("a") == "A"  # L1: a
        assert cache.get("b") == "B"  # L1: a b
        assert cache.get("a") == "A"  # L1 hit, a becomes most recent: b a
        assert cache.get("c") == "C"  # promoting c evicts b: a c
        log = record(redis_client)
        assert cache.get("a") == "A"
        assert cache.get("c") == "C"
        assert log.round_trips == 0, f"a and c should be in L1 (maxsize 2), got {log}"
        assert cache.get("b") == "B"
        assert log.round_trips >= 1, (
            "b was the least recently used key when c was promoted into a full L1 "
            "(l1_maxsize=2): its next get must read Redis"
        )

    def test_l1_never_holds_more_than_l1_maxsize(
        self, mk: Caches, redis_client: redis.Redis
    ) -> None:
        cache = mk(redis_client, l1_maxsize=3, l1_ttl=1000)
        for i in range(10):
            mk.write_behind(redis_client, f"k{i}", i)
            assert cache.get(f"k{i}") == i
        log = record(redis_client)
        served_from_l1 = []
        for i in reversed(range(10)):
            log.clear()
            assert cache.get(f"k{i}") == i
            if log.round_trips == 0:
                served_from_l1.append(f"k{i}")
            else:
                break
        assert served_from_l1 == ["k9", "k8", "k7"], (
            f"after promoting k0..k9 with l1_maxsize=3, L1 served {served_from_l1} "
            "(expected exactly the 3 most recent)"
        )

    def test_l1_entry_is_not_served_from_l1_ttl_on(
        self, mk: Caches, redis_client: redis.Redis, clock: FakeClock
    ) -> None:
        cache = mk(redis_client, l1_ttl=5, clock=clock)
        for key in ("k", "young"):
            mk.write_behind(redis_client, key, "v1")
            assert cache.get(key) == "v1"  # promoted at t
            mk.write_behind(redis_client, key, "v2")  # changed behind the cache's back
        clock.advance(4.9)
        log = record(redis_client)
        assert cache.get("young") == "v1", "an L1 entry younger than l1_ttl was not served"
        assert log.round_trips == 0, f"an L1 entry younger than l1_ttl was not used: {log}"
        clock.advance(0.2)  # now t + 5.1; "k" was not read since it was stored
        assert cache.get("k") == "v2", (
            "an L1 entry older than l1_ttl was served: stored at t, read at t + 5.1 with "
            "l1_ttl=5, it must be read from L2 again (is its age measured on the clock given?)"
        )
        assert log.round_trips >= 1
        log.clear()
        assert cache.get("k") == "v2"
        assert log.round_trips == 0, "the value re-read from L2 was not promoted again"
        assert_stats(cache, "two L2 hits, an L1 hit, an expired L1 entry read again from L2, "
                     "an L1 hit", l1_hits=2, l2_hits=3, misses=0)

    def test_l1_entry_expires_exactly_at_l1_ttl(
        self, mk: Caches, redis_client: redis.Redis, clock: FakeClock
    ) -> None:
        cache = mk(redis_client, l1_ttl=5, clock=clock)
        stored_at = clock()
        mk.write_behind(redis_client, "k", "v1")
        assert cache.get("k") == "v1"  # promoted at t
        mk.write_behind(redis_client, "k", "v2")
        clock.set(stored_at + 5)
        got = cache.get("k")
        assert got == "v2", (
            f"get('k') at exactly t + l1_ttl returned {got!r} from L1: an entry stored at t "
            "is served while clock() < t + l1_ttl, and never from t + l1_ttl on"
        )

    def test_l1_hit_does_not_extend_the_entry_life(
        self, mk: Caches, redis_client: redis.Redis, clock: FakeClock
    ) -> None:
        cache = mk(redis_client, l1_ttl=5, clock=clock)
        mk.write_behind(redis_client, "k", "v1")
        cache.get("k")  # promoted at t
        clock.advance(4)
        assert cache.get("k") == "v1"  # L1 hit at t + 4
        mk.write_behind(redis_client, "k", "v2")
        clock.advance(1.5)  # t + 5.5: older than l1_ttl, whatever hits it had
        assert cache.get("k") == "v2", "an L1 hit made the entry live past l1_ttl"

    def test_l1_ttl_also_bounds_what_set_and_get_or_load_stored(
        self, mk: Caches, redis_client: redis.Redis, clock: FakeClock
    ) -> None:
        cache = mk(redis_client, l1_ttl=5, clock=clock)
        cache.set("s", "mine")
        cache.get_or_load("g", lambda: "loaded")
        mk.write_behind(redis_client, "s", "theirs")
        mk.write_behind(redis_client, "g", "theirs")
        clock.advance(5.5)
        assert cache.get("s") == "theirs", "a value kept by set() outlived l1_ttl in L1"
        assert cache.get("g") == "theirs", "a value kept by get_or_load() outlived l1_ttl"


@pytest.mark.part(1)
class TestPart1RacingWriters:
    """Another instance writes while this one loads."""

    def test_get_or_load_never_overwrites_a_write_made_while_loading(
        self, mk: Caches, redis_client: redis.Redis
    ) -> None:
        cache = mk(redis_client)
        writer = mk()

        def loader() -> str:
            writer.set("k", "written")  # another instance writes while the loader runs
            return "loaded"

        cache.get_or_load("k", loader)
        stored = redis_client.get(mk.l2_key("k"))
        assert stored is not None and json.loads(stored) == "written", (
            f"L2 holds {stored!r} after get_or_load('k') loaded 'loaded' while another "
            "instance's set('k', 'written') landed: the loaded value may be older than that "
            "write and must not overwrite it (SET ... NX)")
        assert mk(redis_client).get("k") == "written"
        assert eventually(lambda: cache.get("k") == "written"), (
            f"get('k') on the loading instance returned {cache.get('k')!r}, not the write "
            "that won in L2: the loaded value must not be kept in L1 either")


BAD_ARGUMENTS = [
    ({"l1_maxsize": 0}, ValueError, "l1_maxsize"),
    ({"l1_maxsize": -3}, ValueError, "l1_maxsize"),
    ({"l1_maxsize": True}, TypeError, "l1_maxsize"),
    ({"l1_maxsize": 2.0}, TypeError, "l1_maxsize"),
    ({"l1_maxsize": "10"}, TypeError, "l1_maxsize"),
    ({"l1_maxsize": None}, TypeError, "l1_maxsize"),
    ({"l1_ttl": 0}, ValueError, "l1_ttl"),
    ({"l1_ttl": -1.0}, ValueError, "l1_ttl"),
    ({"l1_ttl": math.nan}, ValueError, "l1_ttl"),
    ({"l1_ttl": math.inf}, ValueError, "l1_ttl"),
    ({"l1_ttl": "5"}, TypeError, "l1_ttl"),
    ({"l1_ttl": None}, TypeError, "l1_ttl"),
    ({"l2_ttl": 0}, ValueError, "l2_ttl"),
    ({"l2_ttl": -300}, ValueError, "l2_ttl"),
    ({"l2_ttl": math.nan}, ValueError, "l2_ttl"),
    ({"l2_ttl": math.inf}, ValueError, "l2_ttl"),
    ({"l2_ttl": "300"}, TypeError, "l2_ttl"),
    ({"namespace": ""}, ValueError, "namespace"),
    ({"namespace": 5}, TypeError, "namespace"),
    ({"namespace": b"mlc"}, TypeError, "namespace"),
    ({"namespace": None}, TypeError, "namespace"),
]


@pytest.mark.part(1)
class TestPart1BadInput:
    @pytest.mark.parametrize(("kwargs", "error", "name"), BAD_ARGUMENTS, ids=repr)
    def test_bad_constructor_argument(
        self, kata: Any, redis_backend: RedisBackend, kwargs: dict[str, Any],
        error: type[Exception], name: str,
    ) -> None:
        kwargs = {"namespace": redis_backend.key("mlc"), **kwargs}
        with pytest.raises(error, match=name):
            kata.MultiLevelCache(redis_backend.client(), **kwargs)

    @pytest.mark.parametrize("bad_key", [1, b"k", None, ("k",), 1.5], ids=repr)
    @pytest.mark.parametrize("method", ["get", "set", "delete", "get_or_load"])
    def test_non_str_key_is_a_type_error_and_changes_nothing(
        self, mk: Caches, redis_client: redis.Redis, method: str, bad_key: Any
    ) -> None:
        cache = mk(redis_client)
        cache.set("k", "kept")
        cache.get("k")
        before = stats_of(cache)
        args = {
            "get": (),
            "set": ("value",),
            "delete": (),
            "get_or_load": (lambda: pytest.fail("loader called for a bad key"),),
        }[method]
        log = record(redis_client)
        call = f"{method}({bad_key!r})"
        try:
            getattr(cache, method)(bad_key, *args)
        except TypeError as exc:
            assert "key" in str(exc), (
                f"{call} raised TypeError({str(exc)!r}), which does not name the argument "
                "'key': check the key first, before using it"
            )
        else:
            pytest.fail(f"{call} did not raise TypeError: a key must be a str", pytrace=False)
        assert log.round_trips == 0, f"{call} sent {log} before failing"
        assert stats_of(cache) == before, f"{call} changed the stats"
        assert cache.get("k") == "kept"


@pytest.mark.part(1)
def test_threads_share_one_instance(mk: Caches) -> None:
    """Threads each own a few keys; every read returns what that thread last wrote."""
    cache = mk(l1_maxsize=8, l1_ttl=1000)

    def worker(n: int) -> None:
        last: dict[str, int] = {}
        for i in range(150):
            key = f"t{n}:{i % 4}"
            if i % 3 == 0:
                cache.set(key, i)
                last[key] = i
            elif i % 3 == 1:
                got = cache.get(key, MISSING)
                assert got == last.get(key, MISSING), f"thread {n} get({key!r}) -> {got!r}"
            else:
                got = cache.get_or_load(key, lambda i=i: i)
                last.setdefault(key, i)
                assert got == last[key], f"thread {n} get_or_load({key!r}) -> {got!r}"

    run_together(worker, 6)
    assert sum(stats_of(cache).values()) == 6 * 100, "stats lost updates under threads"


class HeldKey(str):
    """A key that holds the thread named ``holder`` inside a dict operation on it: from
    its second hash in that thread on (an L1 hit looks the key up, then updates it), or
    from its next hash once ``armed``, the hash waits until ``resume`` is set, or 0.3 s at
    most, so a cache that locks L1 is only slowed down. An explicit pause point."""

    holder = "the racing L1 hit"

    def __new__(cls, value: str, *, pause_from: int = 2) -> HeldKey:
        key = super().__new__(cls, value)
        key.hashes = 0
        key.pause_from = pause_from
        key.armed = False
        key.paused = threading.Event()
        key.resume = threading.Event()
        return key

    def __hash__(self) -> int:
        if threading.current_thread().name == self.holder and not self.resume.is_set():
            self.hashes += 1
            if self.armed or self.hashes >= self.pause_from:
                self.paused.set()
                self.resume.wait(0.3)
        return str.__hash__(self)

    def __eq__(self, other: object) -> bool:
        return str.__eq__(self, other)


@pytest.mark.part(1)
def test_an_l1_hit_racing_an_eviction_by_another_thread(mk: Caches) -> None:
    """L1 holds a (least recent) and b, l1_maxsize=2. One thread's get('a') is paused in
    the middle of its hit; another thread's get('c') promotes c, which evicts a. With L1
    under a lock the second thread waits for the first; without one, the hit finds its
    entry gone halfway through."""
    cache = mk(l1_maxsize=2, l1_ttl=1000)
    a = HeldKey("a")
    for key in (a, "b", "c"):
        mk.write_behind(mk.backend.client(), key, key.upper())
    assert cache.get(a) == "A" and cache.get("b") == "B"  # L1: a (least recent), b
    got: list[Any] = []

    def racing_hit() -> None:
        try:
            got.append(cache.get(a, MISSING))
        except Exception as exc:
            raise AssertionError(
                f"get('a'), an L1 hit, raised {exc!r} while another thread's get('c') "
                "evicted 'a' from the full L1: is L1 guarded by a lock (held for the whole "
                "read-then-update of a hit)?"
            ) from exc

    hit = Background(racing_hit, HeldKey.holder)
    a.paused.wait(timeout=2)  # a cache that hashes the key once on a hit is never held
    evicting = Background(lambda: cache.get("c"), "get('c')")
    evicting.thread.join(timeout=1)  # under a lock, it waits for the held hit
    a.resume.set()
    hit.join(timeout=5)
    evicting.join(timeout=5)
    assert got == ["A"], f"get('a') returned {got[0]!r} while 'c' was being promoted"
    assert cache.get("c") == "C"


class YieldingKey(str):
    """A str key whose hash lets other threads run: a switch point inside every dict
    operation on it (L1's lookups, updates and evictions), wherever the cache does them."""

    def __hash__(self) -> int:
        time.sleep(0)
        return str.__hash__(self)

    def __eq__(self, other: object) -> bool:
        return str.__eq__(self, other)




# -- Part 2: coherence ----------------------------------------------------------------------


def other_decoding(client: redis.Redis) -> bool:
    return not client.get_encoder().decode_responses


@pytest.mark.part(2)
class TestPart2Coherence:
    def test_set_by_one_instance_is_seen_by_another(
        self, mk: Caches, redis_client: redis.Redis
    ) -> None:
        reader = mk(redis_client, l1_ttl=1000)  # expiry cannot hide a missing invalidation
        writer = mk(mk.backend.client(decode_responses=other_decoding(redis_client)))
        # Behind the caches' backs: no message in flight (on a cluster, one may take a
        # while to reach the node the reader listens on) that could empty the reader's L1.
        mk.write_behind(mk.backend.client(), "k", "old")
        assert reader.get("k") == "old"
        log = record(redis_client)
        assert reader.get("k") == "old"
        assert log.round_trips == 0, "the reader did not hold 'old' in L1"
        writer.set("k", "new")
        got = eventually(lambda: reader.get("k") == "new", POLL)
        assert got, (
            f"after another instance's set('k', 'new') the reader still returns "
            f"{reader.get('k')!r} after {POLL}s: the invalidation never arrived or was not applied"
        )
        log.clear()
        assert reader.get("k") == "new"

    def test_delete_by_one_instance_is_seen_by_another(
        self, mk: Caches, redis_client: redis.Redis
    ) -> None:
        reader = mk(redis_client, l1_ttl=1000)
        writer = mk(mk.backend.client(decode_responses=other_decoding(redis_client)))
        writer.set("k", "old")
        assert reader.get("k") == "old"
        writer.delete("k")
        assert eventually(lambda: reader.get("k", MISSING) == MISSING), (
            f"after another instance's delete('k') the reader still returns "
            f"{reader.get('k', MISSING)!r} after {POLL}s"
        )

    def test_get_or_load_sees_another_instances_write(self, mk: Caches) -> None:
        reader = mk(l1_ttl=1000)
        writer = mk()
        assert reader.get_or_load("k", lambda: "loaded") == "loaded"
        writer.set("k", "written")
        never = lambda: pytest.fail("loader called though L2 holds the key")  # noqa: E731
        assert eventually(lambda: reader.get_or_load("k", never) == "written"), (
            "get_or_load kept serving its L1 copy after another instance's set"
        )

    def test_process_invalidations_counts_messages_from_others(self, mk: Caches) -> None:
        reader = mk(l1_ttl=1000)
        writer = mk()
        for key in ("a", "b"):
            mk.write_behind(mk.backend.client(), key, key)
            assert reader.get(key) == key  # in the reader's L1, no message pending
        writer.set("a", "A")
        writer.delete("b")
        total = 0

        def drained_both() -> bool:
            nonlocal total
            total += reader.process_invalidations()
            return total >= 2

        eventually(drained_both)
        total += reader.process_invalidations()
        assert total == 2, (
            f"two messages from another instance (set 'a', delete 'b'), "
            f"process_invalidations() applied {total}"
        )
        assert reader.get("a") == "A" and reader.get("b", MISSING) == MISSING

    def test_own_messages_are_ignored(self, mk: Caches) -> None:
        cache = mk(l1_ttl=1000)
        other = mk()
        mk.write_behind(mk.backend.client(), "marker", 0)
        assert cache.get("marker") == 0  # in L1, nothing pending
        cache.set("mine", 1)  # its own message comes first...
        other.set("marker", 1)  # ...then one from another instance
        total = 0

        def drained() -> bool:
            nonlocal total
            total += cache.process_invalidations()
            return total >= 1

        assert eventually(drained), "the other instance's message was never applied"
        total += cache.process_invalidations()
        assert total == 1, (
            f"process_invalidations() counted {total} messages after its own set and one "
            "set by another instance: an instance must ignore its own messages"
        )
        assert cache.get("mine") == 1
        assert cache.get("marker") == 1

    def test_a_read_racing_an_invalidation_does_not_promote_the_old_value(
        self, mk: Caches, redis_client: redis.Redis
    ) -> None:
        reader = mk(redis_client, l1_ttl=1000)
        writer = mk()
        mk.write_behind(mk.backend.client(), "k", "old")
        pause = PausedRead(redis_client, mk.l2_key("k"))
        got: list[Any] = []
        read = Background(lambda: got.append(reader.get("k")), "the racing get('k')")
        assert pause.read_done.wait(timeout=5), "get('k') on an empty L1 never read Redis"
        # The reader has fetched 'old' from L2 but not yet used it. Now the key changes
        # and the reader applies the invalidation (unless its read holds a lock: then the
        # message is applied after the read, which is just as good).
        writer.set("k", "new")
        applying = Background(
            lambda: eventually(lambda: reader.process_invalidations() >= 1, timeout=3),
            "process_invalidations()",
        )
        applying.thread.join(timeout=1)
        pause.go.set()
        read.join(timeout=10)
        applying.join(timeout=10)
        assert got in (["old"], ["new"]), f"the racing get returned {got}"
        assert reader.get("k") == "new", (
            "a get() that read 'old' from L2 just before another instance's set('k', 'new') "
            "put 'old' into L1 after the invalidation had been applied: it is now stale until "
            "l1_ttl (remember a version before reading L2, promote only if it is unchanged)"
        )

    def test_a_read_racing_an_own_write_does_not_promote_the_old_value(
        self, mk: Caches, redis_client: redis.Redis
    ) -> None:
        cache = mk(redis_client, l1_ttl=1000)
        mk.write_behind(mk.backend.client(), "k", "old")
        pause = PausedRead(redis_client, mk.l2_key("k"))
        read = Background(lambda: cache.get("k"), "the racing get('k')")
        assert pause.read_done.wait(timeout=5), "get('k') on an empty L1 never read Redis"
        writing = Background(lambda: cache.set("k", "new"), "set('k', 'new')")
        writing.thread.join(timeout=1)  # a cache that locks around its reads finishes it later
        pause.go.set()
        read.join(timeout=10)
        writing.join(timeout=10)
        assert cache.get("k") == "new", (
            "a get() that read 'old' from L2 while another thread ran set('k', 'new') put "
            "'old' into L1 after the write: the writer's own instance now reads it back"
        )

    @pytest.mark.parametrize("promotes", ["during the write", "after the write"])
    @pytest.mark.parametrize("write", ["set", "delete"])
    def test_a_read_starting_during_an_own_write_does_not_promote_the_old_value(
        self, mk: Caches, redis_client: redis.Redis, write: str, promotes: str
    ) -> None:
        """set('k', 'new') (or delete('k')) has begun but its command has not reached Redis
        when get('k') starts and reads 'old' from L2. The get then puts what it read into
        L1 either at once (while the write is still held) or only after the write has
        returned. Either way the old value must not outlive the write in L1: a write drops
        the key from L1 and starts a new version once its command is done, too."""
        cache = mk(redis_client, l1_ttl=1000)
        mk.write_behind(mk.backend.client(), "k", "old")
        paused_write = PausedWrite(redis_client, mk.l2_key("k"), f"{write}('k')")
        paused_read = PausedRead(redis_client, mk.l2_key("k"))
        paused_read.armed = False  # until the write is held
        do_write = (lambda: cache.set("k", "new")) if write == "set" else (
            lambda: cache.delete("k"))
        writing = Background(do_write, f"{write}('k')")
        deadline = time.monotonic() + 5
        while not paused_write.at_send.wait(0.01):
            if not writing.is_alive():  # it wrote in a pipeline, where no pause point is:
                writing.join()  # other tests say that a write must be one script call
                return
            assert time.monotonic() < deadline, f"{write}('k') still running after 5 s"
        hold_the_read = paused_read.armed = promotes == "after the write"
        reading = Background(lambda: cache.get("k"), "the racing get('k')")
        if hold_the_read:
            assert paused_read.read_done.wait(timeout=5), (
                f"get('k') did not read Redis while {write}('k') was under way (does a write "
                "hold a lock while it talks to Redis?)")
        else:
            reading.join(timeout=5, what=(
                f"get('k') while {write}('k') was under way (does a write hold a lock while "
                "it talks to Redis?)"))
        paused_write.go.set()
        writing.join(timeout=10)  # the write has returned ...
        paused_read.go.set()  # ... before a paused get goes on with what it read
        reading.join(timeout=10)
        want = "new" if write == "set" else None
        got = cache.get("k")
        assert got == want, (
            f"get('k') returned {got!r} after {write}('k') had returned: a get() that started "
            f"during the {write} read 'old' from L2 before the {write} reached Redis, and put "
            f"it into L1 {promotes}, where it outlived the {write}. Once its Redis command is "
            "done, a write must drop the key from L1 and start a new version, so that no "
            "read that began before then keeps or promotes the old value"
        )

    def test_a_promotion_racing_an_invalidation_is_atomic(
        self, mk: Caches, redis_client: redis.Redis
    ) -> None:
        """A get() has read 'old' from L2 and is putting it into L1 (paused inside that
        dict operation) when another instance's invalidation of the key is applied. With
        the check "nothing invalidated since" and the put under one lock, the invalidation
        waits and then drops what was put; without it, it comes in between, and the old
        value lands in L1 after the invalidation."""
        reader = mk(redis_client, l1_ttl=1000)
        writer = mk()
        mk.write_behind(mk.backend.client(), "k", "old")
        key = HeldKey("k", pause_from=1_000)  # paused only once armed
        pause = PausedRead(redis_client, mk.l2_key("k"))
        read = Background(lambda: reader.get(key), HeldKey.holder)
        assert pause.read_done.wait(timeout=5), "get('k') on an empty L1 never read Redis"
        key.armed = True  # the next dict operation on the key: the promotion
        pause.go.set()
        key.paused.wait(timeout=2)  # a cache that promotes without hashing is never held
        writer.set("k", "new")
        applying = Background(
            lambda: eventually(lambda: reader.process_invalidations() >= 1, timeout=3),
            "process_invalidations()",
        )
        applying.thread.join(timeout=0.3)  # under a lock, it waits for the promotion
        key.resume.set()
        read.join(timeout=10)
        applying.join(timeout=10)
        got = reader.get("k")
        assert got == "new", (
            f"get('k') returned {got!r}: a get() that read 'old' from L2 put it into L1 after "
            "another instance's set('k', 'new') had been applied, while it was promoting; "
            "check that nothing was invalidated and put the value into L1 under one lock, "
            "the lock that applying an invalidation takes"
        )

    def test_process_invalidations_does_not_block(self, mk: Caches) -> None:
        cache = mk()
        result: list[Any] = []
        thread = threading.Thread(
            target=lambda: result.append(cache.process_invalidations()), daemon=True
        )
        thread.start()
        thread.join(timeout=2)
        assert not thread.is_alive(), "process_invalidations() blocked with nothing pending"
        assert result == [0], f"nothing was pending, process_invalidations() returned {result}"

    def test_set_and_delete_publish_on_the_invalidations_channel(
        self, mk: Caches, redis_client: redis.Redis
    ) -> None:
        listener = mk.backend.client().pubsub(ignore_subscribe_messages=True)
        try:
            listener.subscribe(mk.channel)
            assert listener.get_message(timeout=1) is None  # the confirmation, ignored
            cache = mk(redis_client)

            def next_message() -> Any:
                deadline = time.monotonic() + POLL
                while time.monotonic() < deadline:
                    message = listener.get_message(timeout=0.05)
                    if message is not None:
                        return message
                return None

            cache.set("k", 1)
            assert next_message() is not None, f"set() published nothing on {mk.channel!r}"
            while listener.get_message(timeout=0.05) is not None:
                pass
            cache.delete("k")
            assert next_message() is not None, f"delete() published nothing on {mk.channel!r}"
        finally:
            listener.close()

    def test_a_write_and_its_announcement_are_one_script_call(
        self, mk: Caches, redis_client: redis.Redis
    ) -> None:
        """One round trip per write, atomic, and one that a Redis Cluster client accepts:
        redis-py refuses a PUBLISH in a pipeline there, and a cluster refuses a script
        whose keys are in different hash slots."""
        cache = mk(redis_client)
        cache.set("k", 1)  # warm-up: a registered script is loaded on its first call
        cache.delete("k")
        log = record(redis_client)
        for call, write in (("set('k', 2)", lambda: cache.set("k", 2)),
                            ("delete('k')", lambda: cache.delete("k"))):
            log.clear()
            write()
            check_one_script(call, log, mk)

    def test_close_releases_the_subscription(self, mk: Caches) -> None:
        admin = mk.backend.client()

        def subscribers() -> int:
            if isinstance(admin, RedisCluster):  # each node counts its own subscribers
                reply = admin.pubsub_numsub(mk.channel, target_nodes=RedisCluster.ALL_NODES)
            else:
                reply = admin.pubsub_numsub(mk.channel)
            return int(reply[0][1])

        cache = mk()
        cache.get("k")  # a read: subscribed by now however lazily it subscribes
        assert eventually(lambda: subscribers() >= 1), (
            f"a live instance is not subscribed to {mk.channel!r}"
        )
        cache.close()
        assert eventually(lambda: subscribers() == 0), (
            f"close() left {subscribers()} subscriber(s) on {mk.channel!r}"
        )
        cache.close()  # idempotent


def check_one_script(call: str, log: CommandLog, mk: Caches) -> None:
    """``log`` is one script call that writes ``k``'s L2 entry and publishes on the channel
    given in ARGV: no pipeline, and no channel among the KEYS."""
    pipelined = [name for name in log.names() if name.startswith("PIPELINE")]
    assert not pipelined, (
        f"{call} sent {log}: a PUBLISH in a pipeline (MULTI/EXEC) is refused by redis-py's "
        "Redis Cluster client; write and announce in one script call (SET ... PX, or DEL, "
        "then PUBLISH, in Lua): one round trip, atomic, and accepted by both clients"
    )
    assert len(log.calls) == 1 and log.names()[0] in SCRIPT_CALLS, (
        f"{call} sent {log}; expected one script call that writes L2 and publishes the "
        "invalidation: one round trip, so that no write is ever left unannounced"
    )
    keys = [k.decode() if isinstance(k, bytes) else str(k) for k in keys_of(log.calls[0])]
    slots = describe_slots(keys)
    assert mk.channel not in keys, (
        f"{call}'s script was given the channel as a key: {slots}. Keys in different hash "
        "slots: Redis Cluster refuses that (CROSSSLOT). A channel is not a key: pass it in "
        "ARGV (a PUBLISH reaches every node of a cluster)"
    )
    assert mk.l2_key("k") in keys and len({key_slot(k) for k in keys}) == 1, (
        f"{call}'s script was given the keys {slots}; expected {mk.l2_key('k')!r}: a script "
        "lists the keys it touches in KEYS (a cluster routes it by them, all in one slot)"
    )


@pytest.mark.part(2)
def test_a_message_is_applied_within_the_window(kata: Any) -> None:
    """The coherence rule, on fakeredis (which delivers a message before PUBLISH returns):
    a read that starts after the window, and well after, reads another instance's write."""
    backend = RedisBackend.fake()
    make = Caches(kata, backend)
    try:
        reader = make(l1_ttl=1000)  # expiry cannot hide a message left unapplied
        writer = make()
        writer.set("k", "old")
        assert reader.get("k") == "old"
        assert reader.get("k") == "old"  # an L1 hit
        writer.set("k", "new")
        time.sleep(50 * WINDOW)
        got = reader.get("k")
        assert got == "new", (
            f"get('k') {50 * WINDOW:g} s after another instance's set('k', 'new') returned "
            f"{got!r} from L1: a message that has arrived is applied before any read that "
            f"starts {WINDOW * 1000:g} ms after it (drain what has arrived at the start of "
            "reads, at least once a millisecond)"
        )
    finally:
        make.close_all()
        backend.cleanup()


# -- Part 3: Redis going away ---------------------------------------------------------------


@dataclass
class Outage:
    """A Redis that a test takes down and brings back: fakeredis in place, or a throwaway
    redis-server killed and restarted on the same port (losing its data, as a real one
    without persistence would)."""

    kind: str
    make_client: Callable[..., redis.Redis]
    namespace: str
    take_down: Callable[[], None]
    bring_back: Callable[[], None]
    closers: list[Callable[[], None]] = field(default_factory=list)

    def close_all(self) -> None:
        for close in self.closers:
            with suppress(Exception):
                close()


@pytest.fixture(params=["fakeredis", "redis-server"])
def outage(request: pytest.FixtureRequest) -> Iterator[Outage]:
    if request.param == "fakeredis":
        backend = RedisBackend.fake()
        fake = Outage("fakeredis", backend.client, backend.key("mlc"), backend.set_down,
                      lambda: backend.set_down(False))
        try:
            yield fake
        finally:
            fake.close_all()
            backend.cleanup()
        return
    servers = start_servers(1)
    server = next(servers)[0]
    clients: list[redis.Redis] = []

    def make_client(**kwargs: Any) -> redis.Redis:
        # No retries: a dead server fails at once instead of after redis-py's backoff.
        client = server.client(retry=no_retry(), socket_timeout=0.5, **kwargs)
        clients.append(client)
        return client

    real = Outage("redis-server", make_client, "kt:mlc", server.stop, server.restart)
    try:
        yield real
    finally:
        real.close_all()
        for client in clients:
            with suppress(Exception):
                client.close()
        servers.close()


def cached_then_down(kata: Any, outage: Outage) -> Any:
    """A cache whose L1 holds k='cached' (l1_ttl long), on a Redis that is then taken down."""
    cache = kata.MultiLevelCache(outage.make_client(), namespace=outage.namespace, l1_ttl=1000)
    outage.closers.append(cache.close)
    cache.set("k", "cached")
    assert cache.get("k") == "cached"
    outage.take_down()
    return cache


@pytest.mark.part(3)
class TestPart3RedisDown:
    def test_l1_hits_are_still_served(self, kata: Any, outage: Outage) -> None:
        down_cache = cached_then_down(kata, outage)
        before = stats_of(down_cache)
        for _ in range(3):
            time.sleep(5 * WINDOW)  # past the window: the read drains pub/sub, which is down
            assert down_cache.get("k") == "cached", "an L1 hit failed while Redis was down"
        loaded = down_cache.get_or_load("k", lambda: pytest.fail("loader called on an L1 hit"))
        assert loaded == "cached"
        after = stats_of(down_cache)
        assert after["l1_hits"] == before["l1_hits"] + 4, f"stats {before} -> {after}"

    def test_the_subscription_is_retried_at_most_every_100_ms(
        self, kata: Any, outage: Outage, caplog: pytest.LogCaptureFixture
    ) -> None:
        down_cache = cached_then_down(kata, outage)
        with caplog.at_level(logging.WARNING):
            began = time.monotonic()
            for _ in range(30):
                time.sleep(2 * WINDOW)  # past the window: every read drains pub/sub, or tries
                assert down_cache.get("k") == "cached", "an L1 hit failed while Redis was down"
            elapsed = time.monotonic() - began
        logged = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
        allowed = 2 + int(elapsed / 0.1)
        assert len(logged) <= allowed, (
            f"30 L1 hits in {elapsed:.3f} s with Redis down logged {len(logged)} warnings, one "
            f"per failed retry of the subscription (at most {allowed} expected): retry it at "
            "most every 0.1 s, so that the L1 hits of an outage do not each pay for a failed "
            f"reconnect (nor flood the log). First ones: {logged[:3]}")

    def test_get_on_an_l1_miss_returns_the_default(self, kata: Any, outage: Outage) -> None:
        down_cache = cached_then_down(kata, outage)
        assert down_cache.get("unknown") is None
        assert down_cache.get("unknown", MISSING) == MISSING

    def test_get_or_load_falls_back_to_the_loader(self, kata: Any, outage: Outage) -> None:
        down_cache = cached_then_down(kata, outage)
        calls: list[int] = []

        def loader() -> dict[str, int]:
            calls.append(1)
            return {"fresh": len(calls)}

        before = stats_of(down_cache)
        assert down_cache.get_or_load("unknown", loader) == {"fresh": 1}
        assert len(calls) == 1
        after = stats_of(down_cache)
        assert after == {**before, "misses": before["misses"] + 1}, (
            f"stats went from {before} to {after} for a get_or_load() that could not reach "
            "Redis: that is one miss")
        assert down_cache.get_or_load("unknown", loader) == {"fresh": 2}, (
            "the second get_or_load('unknown') with Redis down did not call the loader: a "
            "value loaded while Redis is down is cached nowhere (it could not be announced)")

    def test_set_drops_the_local_copy_and_raises(self, kata: Any, outage: Outage) -> None:
        down_cache = cached_then_down(kata, outage)
        with pytest.raises(redis.exceptions.ConnectionError):
            down_cache.set("k", "new")
        got = down_cache.get("k", MISSING)
        assert got == MISSING, (
            f"after a set() that could not reach Redis, get('k') returned {got!r}: the local "
            "copy must be dropped (neither the old value nor the unwritten one)"
        )

    def test_delete_drops_the_local_copy_and_raises(self, kata: Any, outage: Outage) -> None:
        down_cache = cached_then_down(kata, outage)
        with pytest.raises(redis.exceptions.ConnectionError):
            down_cache.delete("k")
        got = down_cache.get("k", MISSING)
        assert got == MISSING, f"after a failed delete('k'), get('k') still returned {got!r}"

    def test_an_instance_can_be_created_while_redis_is_down(
        self, kata: Any, outage: Outage
    ) -> None:
        client = outage.make_client()
        client.ping()  # connected before the outage
        outage.take_down()
        cache = kata.MultiLevelCache(client, namespace=outage.namespace)
        try:
            assert cache.get("k", MISSING) == MISSING
            assert cache.get_or_load("k", lambda: "loaded") == "loaded"
            with pytest.raises(redis.exceptions.ConnectionError):
                cache.set("k", 1)
        finally:
            cache.close()


@pytest.mark.part(3)
class TestPart3RedisBack:
    def test_coherence_resumes_after_an_outage(self, kata: Any, outage: Outage) -> None:
        def make(**kwargs: Any) -> Any:
            return kata.MultiLevelCache(outage.make_client(), namespace=outage.namespace,
                                        **kwargs)

        reader = make(l1_ttl=1000)
        try:
            # Behind the caches' backs: on a real server a set()'s message may reach the
            # reader only after its get() promoted 'old', and drop it from L1 at the next read.
            outage.make_client().set(f"{outage.namespace}:k", raw("old"), px=60_000)
            assert reader.get("k") == "old"
            outage.take_down()
            assert reader.get("k") == "old"
            outage.bring_back()
            writer = make()

            def written_and_seen() -> bool:
                # Written again on every try: messages sent before the reader has
                # resubscribed are lost (pub/sub is at most once), later ones must arrive.
                writer.set("k", "new")
                return bool(reader.get("k") == "new")

            assert eventually(written_and_seen, timeout=3), (
                "after Redis came back, another instance's set('k', 'new') never reached the "
                f"reader (still {reader.get('k')!r}): its subscription did not recover"
            )
        finally:
            reader.close()

    # Only on a real server: with fakeredis (and redis-py 8), a PubSub whose first SUBSCRIBE
    # failed while the fake server was down never receives anything once it is back, even
    # though the same code works against Redis.
    @pytest.mark.parametrize("outage", ["redis-server"], indirect=True)
    def test_instance_created_while_down_becomes_coherent(
        self, kata: Any, outage: Outage
    ) -> None:
        client = outage.make_client()
        client.ping()  # connected before the outage
        outage.take_down()
        reader = kata.MultiLevelCache(client, namespace=outage.namespace, l1_ttl=1000)
        try:
            assert reader.get("k", MISSING) == MISSING
            outage.bring_back()
            writer = kata.MultiLevelCache(outage.make_client(), namespace=outage.namespace)
            writer.set("k", "v1")
            assert eventually(lambda: reader.get("k", MISSING) == "v1", timeout=3)

            def written_and_seen() -> bool:
                writer.set("k", "v2")  # again on every try, see the test above
                return bool(reader.get("k") == "v2")

            assert eventually(written_and_seen, timeout=3), (
                "an instance created while Redis was down never heard another instance's "
                "set after Redis came back: retry the subscription on later reads"
            )
        finally:
            reader.close()


# -- Part 1 stateful: one instance against a model ------------------------------------------

KEYS = st.sampled_from(["a", "b", "c", "d:e", "ü"])
VALUES = (
    st.none()
    | st.integers(-1000, 1000)
    | st.text(max_size=4)
    | st.lists(st.integers(0, 9), max_size=3)
    | st.dictionaries(st.text(max_size=2), st.integers(0, 9), max_size=2)
)


class OneInstanceMachine(RuleBasedStateMachine):
    """One cache on fakeredis, against a model of both levels.

    The model: L2 is a dict; L1 an LRU (OrderedDict, least recent first) of
    ``key -> (value, expires_at)``. Reads say which level must answer, and an L1 hit must
    send no Redis command. ``write_behind`` changes L2 directly (another writer that does
    not announce), so a too-old L1 entry shows as a stale value.
    """

    MAXSIZE = 3
    L1_TTL = 1e6
    ADVANCES = False

    def __init__(self) -> None:
        super().__init__()
        module = load(KATA)
        self.backend = RedisBackend.fake()
        self.client = self.backend.client()
        self.clock = FakeClock()
        self.namespace = self.backend.key("mlc")
        self.cache = module.MultiLevelCache(
            self.client, namespace=self.namespace, l1_maxsize=self.MAXSIZE,
            l1_ttl=self.L1_TTL, clock=self.clock,
        )
        self.log = record(self.client)
        self.l2: dict[str, Any] = {}
        self.l1: OrderedDict[str, tuple[Any, float]] = OrderedDict()
        self.stats: Counter[str] = Counter({name: 0 for name in STAT_NAMES})

    def __repr__(self) -> str:
        return f"model(L1 least->most recent={dict(self.l1)}, L2={self.l2})"

    def _l1_put(self, key: str, value: Any) -> None:
        self.l1[key] = (value, self.clock() + self.L1_TTL)
        self.l1.move_to_end(key)
        while len(self.l1) > self.MAXSIZE:
            self.l1.popitem(last=False)

    def _expect_read(self, key: str) -> tuple[str, Any]:
        """Which level answers a read of ``key`` now, and what; updates the model."""
        entry = self.l1.get(key)
        if entry is not None and self.clock() < entry[1]:
            self.l1.move_to_end(key)
            return "l1_hits", entry[0]
        self.l1.pop(key, None)
        if key in self.l2:
            self._l1_put(key, self.l2[key])
            return "l2_hits", self.l2[key]
        return "misses", MISSING

    def _check(self, op: str, level: str, got: Any, want: Any) -> None:
        self.stats[level] += 1
        source = {"l1_hits": "from L1", "l2_hits": "from L2", "misses": "a miss"}[level]
        assert got == want and type(got) is type(want), (
            f"{op} returned {got!r}, expected {want!r} ({source}); {self!r}"
        )
        if level == "l1_hits":
            assert self.log.round_trips == 0, f"{op} was an L1 hit but sent {self.log}"
        else:
            assert self.log.round_trips >= 1, f"{op} must read Redis (L1 miss); {self!r}"

    @rule(key=KEYS)
    def get(self, key: str) -> None:
        level, want = self._expect_read(key)
        self.log.clear()
        got = self.cache.get(key, MISSING)
        self._check(f"get({key!r})", level, got, want)

    @rule(key=KEYS, value=VALUES)
    def get_or_load(self, key: str, value: Any) -> None:
        level, want = self._expect_read(key)
        calls: list[int] = []

        def loader() -> Any:
            calls.append(1)
            return value

        if level == "misses":
            want = value
            self.l2[key] = value
            self._l1_put(key, value)
        self.log.clear()
        got = self.cache.get_or_load(key, loader)
        self._check(f"get_or_load({key!r})", level, got, want)
        expected_calls = 1 if level == "misses" else 0
        assert len(calls) == expected_calls, (
            f"get_or_load({key!r}) called the loader {len(calls)}x, expected {expected_calls}x "
            f"({ {'l1_hits': 'an L1 hit', 'l2_hits': 'an L2 hit', 'misses': 'a miss'}[level] }); "
            f"{self!r}"
        )

    @rule(key=KEYS, value=VALUES)
    def set(self, key: str, value: Any) -> None:
        self.cache.set(key, value)
        self.l2[key] = value
        self._l1_put(key, value)

    @rule(key=KEYS)
    def delete(self, key: str) -> None:
        self.cache.delete(key)
        self.l2.pop(key, None)
        self.l1.pop(key, None)

    @rule(key=KEYS, value=VALUES)
    def write_behind(self, key: str, value: Any) -> None:
        self.client.set(f"{self.namespace}:{key}", raw(value), px=60_000)
        self.l2[key] = value

    @precondition(lambda self: self.ADVANCES)
    @rule(half_seconds=st.integers(1, 4))
    def advance(self, half_seconds: int) -> None:
        # Multiples of 0.5 s against an l1_ttl of x.25: never exactly on an expiry instant.
        self.clock.advance(half_seconds / 2)

    @invariant()
    def stats_match(self) -> None:
        got = stats_of(self.cache)
        assert got == dict(self.stats), f"stats() {got} != expected {dict(self.stats)}"

    def teardown(self) -> None:
        try:
            assert_every_key_expires(self.backend, self.client, 300_000)
        finally:
            with suppress(Exception):
                self.cache.close()
            self.backend.cleanup()


class LRUMachine(OneInstanceMachine):
    """Small L1 (maxsize 2, five keys): eviction order; nothing expires."""

    MAXSIZE = 2


class L1TTLMachine(OneInstanceMachine):
    """Roomy L1 (nothing evicted); the clock moves by 0.5 to 2 s, l1_ttl = 2.25 s."""

    MAXSIZE = 100
    L1_TTL = 2.25
    ADVANCES = True


# Every step talks to fakeredis (about 0.1 ms of wall time per command), so the machines run
# fewer examples than pure in-memory tests (25 in dev, 100 in the thorough run).
MACHINE_SETTINGS = settings(max_examples=max(25, settings().max_examples // 4))
LRUMachine.TestCase.settings = MACHINE_SETTINGS
L1TTLMachine.TestCase.settings = MACHINE_SETTINGS
TestLRUMachine = pytest.mark.part(1)(LRUMachine.TestCase)
TestL1TTLMachine = pytest.mark.part(1)(L1TTLMachine.TestCase)


# -- Part 2 stateful: two instances against a model ---------------------------------------


class CoherenceMachine(RuleBasedStateMachine):
    """Two instances (bytes and str clients) on one fakeredis, which delivers at once.

    Model: L2 is a dict; each instance has a set of keys in its L1 and a list of messages
    from the other instance not yet drained. A read may drain only once a millisecond
    (the contract's window, tested by ``test_a_message_is_applied_within_the_window``),
    so each read here is preceded by ``process_invalidations()``; every read must then
    return the L2 value: with immediate delivery, nothing may be stale.
    """

    NAMES = ("A", "B")

    def __init__(self) -> None:
        super().__init__()
        module = load(KATA)
        self.backend = RedisBackend.fake()
        self.clients = {
            "A": self.backend.client(decode_responses=False),
            "B": self.backend.client(decode_responses=True),
        }
        self.caches = {
            name: module.MultiLevelCache(
                self.clients[name], namespace=self.backend.key("mlc"), l1_maxsize=100,
                l1_ttl=1e6, clock=FakeClock(),
            )
            for name in self.NAMES
        }
        self.logs = {name: record(self.clients[name]) for name in self.NAMES}
        self.l2: dict[str, Any] = {}
        self.l1: dict[str, set[str]] = {name: set() for name in self.NAMES}
        # Keys whose L1 state depends on whether the instance drains on writes too.
        self.unsure: dict[str, set[str]] = {name: set() for name in self.NAMES}
        self.pending: dict[str, list[str]] = {name: [] for name in self.NAMES}
        self.wrote_since_drain: dict[str, bool] = {name: False for name in self.NAMES}
        # Messages an instance that drains on writes too may already have applied.
        self.maybe_drained: dict[str, int] = {name: 0 for name in self.NAMES}
        self.stats = {name: Counter({s: 0 for s in STAT_NAMES}) for name in self.NAMES}

    def __repr__(self) -> str:
        return (f"model(L2={self.l2}, L1 A={sorted(self.l1['A'])} B={sorted(self.l1['B'])}, "
                f"undrained A={self.pending['A']} B={self.pending['B']})")

    def _drain(self, name: str) -> tuple[int, int]:
        """Apply ``name``'s undrained messages; (least, most) it may report applying."""
        keys = self.pending[name]
        most = len(keys) + self.maybe_drained[name]
        least = 0 if self.wrote_since_drain[name] else len(set(keys) & self.l1[name])
        for key in keys:
            self.l1[name].discard(key)
            self.unsure[name].discard(key)
        self.pending[name] = []
        self.maybe_drained[name] = 0
        self.wrote_since_drain[name] = False
        return least, most

    def _announce(self, writer: str, key: str) -> None:
        for name in self.NAMES:
            if name != writer:
                self.pending[name].append(key)

    def _read(self, name: str, key: str) -> tuple[set[str], Any]:
        """The levels that may answer ``name``'s read of ``key``, and the value."""
        self._drain(name)
        if key in self.unsure[name]:
            self.unsure[name].discard(key)
            self.l1[name].add(key)
            return {"l1_hits", "l2_hits"}, self.l2[key]
        if key in self.l1[name]:
            return {"l1_hits"}, self.l2[key]
        if key in self.l2:
            self.l1[name].add(key)
            return {"l2_hits"}, self.l2[key]
        return {"misses"}, MISSING

    def _check(self, name: str, op: str, levels: set[str], got: Any, want: Any) -> None:
        assert got == want and type(got) is type(want), (
            f"{name}.{op} returned {got!r}, expected {want!r}: a stale read; {self!r}"
        )
        before = self.stats[name]
        now = stats_of(self.caches[name])
        level = next((s for s in STAT_NAMES if now[s] == before[s] + 1), None)
        assert level in levels and sum(now.values()) == sum(before.values()) + 1, (
            f"{name}.{op}: expected one of {sorted(levels)} counted, stats went from "
            f"{dict(before)} to {now}; {self!r}"
        )
        self.stats[name] = Counter(now)
        if level == "l1_hits":
            assert self.logs[name].round_trips == 0, f"{name}.{op}: L1 hit sent {self.logs[name]}"

    @rule(name=st.sampled_from(NAMES), key=KEYS)
    def get(self, name: str, key: str) -> None:
        self.process_invalidations(name)
        levels, want = self._read(name, key)
        self.logs[name].clear()
        got = self.caches[name].get(key, MISSING)
        self._check(name, f"get({key!r})", levels, got, want)

    @rule(name=st.sampled_from(NAMES), key=KEYS, value=VALUES)
    def get_or_load(self, name: str, key: str, value: Any) -> None:
        self.process_invalidations(name)
        levels, want = self._read(name, key)
        if levels == {"misses"}:
            want = value
            self.l2[key] = value
            self.l1[name].add(key)
        self.logs[name].clear()
        got = self.caches[name].get_or_load(key, lambda: value)
        self._check(name, f"get_or_load({key!r})", levels, got, want)

    @rule(name=st.sampled_from(NAMES), key=KEYS, value=VALUES)
    def set(self, name: str, key: str, value: Any) -> None:
        self.caches[name].set(key, value)
        self.l2[key] = value
        if key in self.pending[name]:
            # An instance that drains only on reads drops its fresh copy at its next read;
            # one that also drains on writes keeps it. Either is fine: accept both.
            self.unsure[name].add(key)
            self.l1[name].discard(key)
            self.maybe_drained[name] += self.pending[name].count(key)
            self.pending[name] = [k for k in self.pending[name] if k != key]
        else:
            self.l1[name].add(key)
        self.wrote_since_drain[name] = True
        self._announce(name, key)

    @rule(name=st.sampled_from(NAMES), key=KEYS)
    def delete(self, name: str, key: str) -> None:
        self.caches[name].delete(key)
        self.l2.pop(key, None)
        self.l1[name].discard(key)
        self.unsure[name].discard(key)
        self.wrote_since_drain[name] = True
        self._announce(name, key)

    @rule(name=st.sampled_from(NAMES))
    def process_invalidations(self, name: str) -> None:
        pending = list(self.pending[name])
        least, most = self._drain(name)
        got = self.caches[name].process_invalidations()
        assert least <= got <= most, (
            f"{name}.process_invalidations() returned {got}; messages from the other "
            f"instance not yet drained: {pending} (own messages never count); {self!r}"
        )

    def teardown(self) -> None:
        for cache in self.caches.values():
            with suppress(Exception):
                cache.close()
        self.backend.cleanup()


CoherenceMachine.TestCase.settings = MACHINE_SETTINGS
TestCoherenceMachine = pytest.mark.part(2)(CoherenceMachine.TestCase)


# -- Linearizability -------------------------------------------------------------------------
# Last in the file: the tests above name each race; this one finds any race, and a learner
# whose code has one should read the named one first.


@pytest.mark.part(1)
def test_concurrent_calls_are_linearizable(mk: Caches) -> None:
    """Three threads get, set and delete three keys of one instance at once (L1 holds
    two, so promotions evict): some order of the calls, one at a time, explains every
    result. A read racing a write never leaves the old value in L1 for later reads."""
    initial = {"k0": 0, "k1": 0, "k2": 0}
    for seed in range(12):
        cache = mk(l1_maxsize=2, l1_ttl=1000, clock=FakeClock())
        keys = {name: YieldingKey(name) for name in initial}
        for name, value in initial.items():
            cache.set(keys[name], value)
        history = key_value_history(cache.get, cache.set, cache.delete, keys, seed)
        assert_linearizable(history.operations, KeyValueModel(initial, delete_tells=True),
                            "one MultiLevelCache shared by 3 threads")
