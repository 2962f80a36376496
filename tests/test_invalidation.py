"""Tests for kata 4, ``invalidation``: dependency graph, tag generations, cache-aside.

Each part has readable example tests first, then a hypothesis state machine that runs
random operation sequences against a plain model and reports the shortest failing one.
"""

from __future__ import annotations

import gc
import itertools
import math
import random
import re
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from hypothesis import note
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)

from tests.support.clock import FakeClock
from tests.support.linearizable import KeyValueModel, assert_linearizable, key_value_history
from tests.support.sentinels import MISSING
from tests.support.targets import load
from tests.support.threads import Background, run_bounded, run_together

KATA = "invalidation"

WAIT = 5.0  # seconds: a bound on every wait in example tests (things take microseconds)
WALK = 2.0  # seconds: a bound on one graph walk (microseconds; only an endless loop nears it)
CALL = 2.0  # seconds: a bound on one call that must not wait for another thread


def rejects(call: Callable[[], object], what: str, error: type[Exception], name: str,
            why: str) -> None:
    """``call()`` must raise ``error`` naming ``name`` (the argument, as a word) in its
    message."""
    try:
        call()
    except error as exc:
        assert names(str(exc), name), (
            f"{what} raised {error.__name__}({str(exc)!r}), which does not name the argument "
            f"{name!r}")
        return
    pytest.fail(f"{what} did not raise {error.__name__}: {why}", pytrace=False)


def names(message: str, name: str) -> bool:
    """Whether ``message`` names the argument ``name``: as a word, not inside another one."""
    return re.search(rf"\b{re.escape(name)}\b", message) is not None


BARE_STR = "a bare str is not an iterable of names: 'users' would mean 'u', 's', 'e', 'r'"


# ======================================================================================
# Part 1: DependencyCache
# ======================================================================================


def model_closure(deps: dict[str, frozenset[str]], name: str) -> set[str]:
    """What invalidate(name) must remove: the cached keys reachable from ``name`` by
    following "depends on" edges backwards, ``name`` itself included if cached.

    ``deps`` maps every cached key to its dependencies. Computed by growing the reached
    set until nothing changes: slow, obviously right.
    """
    reached = {name}
    grown = True
    while grown:
        grown = False
        for key, key_deps in deps.items():
            if key not in reached and key_deps & reached:
                reached.add(key)
                grown = True
    return {key for key in reached if key in deps}


@pytest.mark.part(1)
class TestPart1Examples:
    def test_get_set_len_contains(self, kata: Any) -> None:
        dep_cache = kata.DependencyCache()
        assert len(dep_cache) == 0
        assert dep_cache.get("a") is None
        assert dep_cache.get("a", "dflt") == "dflt"
        dep_cache.set("a", 1)
        dep_cache.set("n", None)
        assert "a" in dep_cache and "n" in dep_cache and "zz" not in dep_cache
        assert dep_cache.get("a") == 1
        assert dep_cache.get("n", "dflt") is None, "a cached None must be returned, not default"
        assert len(dep_cache) == 2

    def test_invalidate_is_transitive(self, kata: Any) -> None:
        dep_cache = kata.DependencyCache()
        # A cache that removes only direct dependents leaves "feed" stale.
        dep_cache.set("user:1", {"name": "Alice"}, depends_on=["users"])
        dep_cache.set("user:1:posts", ["p1"], depends_on=["user:1"])
        dep_cache.set("user:1:followers", ["u2"], depends_on=["user:1"])
        dep_cache.set("feed", "...", depends_on=["user:1:posts"])
        dep_cache.set("other", 0, depends_on=["orders"])
        want = {"user:1", "user:1:posts", "user:1:followers", "feed"}
        got = dep_cache.dependents("users")
        assert got == want, (
            f"dependents('users') returned {sorted(got)}, expected {sorted(want)}: 'feed' "
            "depends on 'user:1:posts', which depends on 'user:1', which depends on 'users' "
            "(dependents are transitive)")
        removed = dep_cache.invalidate("users")
        assert removed == {"user:1", "user:1:posts", "user:1:followers", "feed"}, (
            "invalidate('users') must remove every entry depending on it, directly or "
            f"through other entries; it removed {removed!r}"
        )
        assert "feed" not in dep_cache and dep_cache.get("other") == 0
        assert len(dep_cache) == 1

    def test_invalidate_removes_the_name_itself_if_cached(self, kata: Any) -> None:
        dep_cache = kata.DependencyCache()
        dep_cache.set("a", 1)
        dep_cache.set("b", 2, depends_on=["a"])
        assert dep_cache.invalidate("a") == {"a", "b"}
        again = dep_cache.invalidate("a")
        assert again == set(), (
            f"a second invalidate('a') returned {sorted(again)}, but those keys were removed "
            "by the first one: nothing is left to remove (are a removed key's dependency "
            "edges left behind?)")
        assert dep_cache.invalidate("never-seen") == set()

    def test_dependents_excludes_name_and_changes_nothing(self, kata: Any) -> None:
        dep_cache = kata.DependencyCache()
        dep_cache.set("a", 1, depends_on=["b"])
        dep_cache.set("b", 2, depends_on=["a"])
        dep_cache.set("c", 3, depends_on=["b"])
        got = run_bounded(lambda: dep_cache.dependents("a"), "dependents('a') on a cycle", WALK)
        assert got == {"b", "c"}, f"dependents('a') returned {got!r}"
        assert run_bounded(lambda: dep_cache.dependents("c"), "dependents('c')", WALK) == set()
        stats = dep_cache.stats()
        assert len(dep_cache) == 3 and (stats["entries"], stats["edges"]) == (3, 3)

    def test_set_replaces_dependencies(self, kata: Any) -> None:
        dep_cache = kata.DependencyCache()
        dep_cache.set("a", 1, depends_on=["x", "y"])
        dep_cache.set("a", 2, depends_on=["z"])
        got = dep_cache.invalidate("x")
        assert got == set(), (
            f"invalidate('x') removed {sorted(got)}, but set('a', 2, depends_on=['z']) "
            "replaced a's dependencies ['x', 'y'] with ['z']: set replaces them, never adds"
        )
        assert dep_cache.get("a") == 2
        assert dep_cache.stats()["edges"] == 1
        assert dep_cache.invalidate("z") == {"a"}

    def test_set_never_invalidates(self, kata: Any) -> None:
        dep_cache = kata.DependencyCache()
        dep_cache.set("a", 1)
        dep_cache.set("b", 2, depends_on=["a"])
        dep_cache.set("a", 10)
        dep_cache.set("a", 11, depends_on=["b"])
        assert dep_cache.get("b") == 2, (
            "set('a', ...) removed 'b', which depends on 'a': set() never invalidates anything "
            "(the caller calls invalidate() when the data changes)")
        assert len(dep_cache) == 2

    def test_set_keeps_other_entries_edges(self, kata: Any) -> None:
        dep_cache = kata.DependencyCache()
        dep_cache.set("a", 1)
        dep_cache.set("b", 2, depends_on=["a"])
        dep_cache.set("a", 3, depends_on=["x"])
        assert "b" in dep_cache, "set('a', ...) removed 'b', which depends on 'a': set() never "\
            "invalidates anything"
        got = dep_cache.invalidate("x")
        assert got == {"a", "b"}, (
            f"invalidate('x') returned {sorted(got)}: 'b' still depends on 'a' after "
            "set('a', 3, depends_on=['x']) (set replaces a's own dependencies, not the edges "
            "of the entries depending on a)")

    def test_cycles_terminate(self, kata: Any) -> None:
        dep_cache = kata.DependencyCache()
        dep_cache.set("a", 1, depends_on=["b", "users"])
        dep_cache.set("b", 2, depends_on=["a"])
        dep_cache.set("self", 3, depends_on=["self"])
        dep_cache.set("c", 4, depends_on=["self"])
        got = run_bounded(lambda: dep_cache.dependents("a"), "dependents('a') on a cycle", WALK)
        assert got == {"b"}, f"dependents('a') returned {got!r}"
        got = run_bounded(lambda: dep_cache.invalidate("users"), "invalidate on a cycle", WALK)
        assert got == {"a", "b"}, f"invalidate('users') returned {got!r}"
        got = run_bounded(lambda: dep_cache.invalidate("self"), "invalidate on a self-loop", WALK)
        assert got == {"self", "c"}, f"invalidate('self') returned {got!r}"
        stats = dep_cache.stats()
        assert (stats["entries"], stats["edges"]) == (0, 0), (
            f"bookkeeping leak: stats() == {stats} once nothing is cached"
        )

    def test_long_chain_needs_no_recursion(self, kata: Any) -> None:
        dep_cache = kata.DependencyCache()
        n = 5_000  # longer than Python's default recursion limit
        dep_cache.set("k0", 0, depends_on=["root"])
        for i in range(1, n):
            dep_cache.set(f"k{i}", i, depends_on=[f"k{i - 1}"])
        try:
            removed = run_bounded(
                lambda: dep_cache.invalidate("root"), "invalidate on a long chain", WALK)
        except RecursionError:
            removed = None  # failed below, outside the except: the traceback is all recursion
        if removed is None:
            pytest.fail(
                f"invalidate('root') on a chain of {n:,} dependents raised RecursionError: "
                "walk the graph with an explicit stack (a list), not with recursion",
                pytrace=False)
        assert len(removed) == n and len(dep_cache) == 0

    def test_callbacks_once_per_key_after_removal(self, kata: Any) -> None:
        dep_cache = kata.DependencyCache()
        # A diamond: d is reachable through b and through c.
        dep_cache.set("a", 1)
        dep_cache.set("b", 2, depends_on=["a"])
        dep_cache.set("c", 3, depends_on=["a"])
        dep_cache.set("d", 4, depends_on=["b", "c"])
        # For each callback: the key, and which keys of this invalidation were still cached.
        seen: list[tuple[str, list[str]]] = []
        dep_cache.on_invalidate(
            lambda key: seen.append((key, [k for k in "abcd" if k in dep_cache])))
        calls: list[str] = []
        dep_cache.on_invalidate(calls.append)
        dep_cache.invalidate("a")
        keys = [key for key, _ in seen]
        assert Counter(keys) == Counter("abcd"), (
            f"the callback must run once per removed key (a, b, c, d); it ran for "
            f"{sorted(keys)} (in a diamond, d is reached through b and through c)"
        )
        assert Counter(calls) == Counter("abcd"), "every registered callback runs"
        for key, cached in seen:
            assert not cached, (
                f"the callback for {key!r} ran while {cached} were still cached: callbacks "
                "run after the whole invalidation is done (remove every key, then notify)")

    def test_no_callback_without_removal(self, kata: Any) -> None:
        dep_cache = kata.DependencyCache()
        calls: list[str] = []
        dep_cache.on_invalidate(calls.append)
        dep_cache.set("a", 1, depends_on=["x"])
        dep_cache.set("a", 2, depends_on=["y"])
        dep_cache.invalidate("x")
        dep_cache.dependents("y")
        assert calls == []

    def test_stats_back_to_zero(self, kata: Any) -> None:
        dep_cache = kata.DependencyCache()
        dep_cache.set("a", 1, depends_on=["users", "orders", "users"])
        dep_cache.set("b", 2, depends_on=["a", "b"])
        dep_cache.set("b", 2, depends_on=["a"])
        stats = dep_cache.stats()
        assert (stats["entries"], stats["edges"]) == (2, 3), (
            f"edges counts distinct (key, dependency) pairs of cached keys: got {stats}"
        )
        dep_cache.invalidate("orders")
        stats = dep_cache.stats()
        assert (stats["entries"], stats["edges"]) == (0, 0), f"bookkeeping leak: {stats}"

    def test_bare_str_depends_on_is_rejected(self, kata: Any) -> None:
        dep_cache = kata.DependencyCache()
        dep_cache.set("a", 1, depends_on=["x"])
        for key in ("a", "new"):
            rejects(lambda key=key: dep_cache.set(key, 2, depends_on="users"),
                    f"set({key!r}, 2, depends_on='users')", TypeError, "depends_on", BARE_STR)
        assert dep_cache.get("a") == 1 and "new" not in dep_cache, "a rejected set changes nothing"
        assert dep_cache.invalidate("x") == {"a"}, "a rejected set keeps the old dependencies"
        assert dep_cache.stats()["edges"] == 0

    @pytest.mark.parametrize("key", [1, None, b"a", ("a",)], ids=repr)
    def test_non_str_key_is_rejected(self, kata: Any, key: Any) -> None:
        dep_cache = kata.DependencyCache()
        rejects(lambda: dep_cache.set(key, 1), f"set({key!r}, 1)", TypeError, "key",
                "keys are str")
        assert len(dep_cache) == 0

    def test_non_str_dependency_is_rejected_and_changes_nothing(self, kata: Any) -> None:
        dep_cache = kata.DependencyCache()
        dep_cache.set("a", 1, depends_on=["x"])
        for key, deps in (("a", ["y", 1]), ("new", ("y", None)), ("a", [b"y"])):
            rejects(lambda key=key, deps=deps: dep_cache.set(key, 2, depends_on=deps),
                    f"set({key!r}, 2, depends_on={deps!r})", TypeError, "depends_on",
                    "dependency names are str")
        got = (dep_cache.get("a"), "new" in dep_cache)
        assert got == (1, False), (
            f"after the rejected sets, get('a') is {got[0]!r} and 'new' in cache is {got[1]}, "
            "expected 1 and False: a rejected set changes nothing (check every dependency "
            "before changing anything)")
        got = dep_cache.invalidate("y")
        assert got == set(), (
            f"invalidate('y') removed {sorted(got)}: a rejected set added its edges anyway "
            "(check every dependency before changing anything)")
        assert dep_cache.invalidate("x") == {"a"}, "a rejected set keeps the old dependencies"
        assert dep_cache.stats() == {"entries": 0, "edges": 0}

    def test_depends_on_may_be_a_generator(self, kata: Any) -> None:
        dep_cache = kata.DependencyCache()
        dep_cache.set("a", 1, depends_on=(name for name in ["x", "y", "x"]))
        stats = dep_cache.stats()
        assert (stats["entries"], stats["edges"]) == (1, 2), (
            f"after set('a', 1, depends_on=<a generator of 'x', 'y', 'x'>), stats() is "
            f"{stats}, expected 1 entry and 2 edges: a generator can be iterated only once "
            "(make a set of it first, then check and use that)")
        got = dep_cache.invalidate("y")
        assert got == {"a"}, (
            f"invalidate('y') returned {sorted(got)}, but 'a' was set depending on a generator "
            "yielding 'x', 'y', 'x' (a generator can be iterated only once)")

    @pytest.mark.parametrize("name", [1, None, b"users", ("users",)], ids=repr)
    def test_non_str_name_is_rejected(self, kata: Any, name: Any) -> None:
        dep_cache = kata.DependencyCache()
        dep_cache.set("a", 1, depends_on=["users"])
        for what, call in (("invalidate", dep_cache.invalidate),
                           ("dependents", dep_cache.dependents)):
            rejects(lambda call=call: call(name), f"{what}({name!r})", TypeError, "name",
                    "names are str")
        assert dep_cache.get("a") == 1, "a rejected invalidate changes nothing"

    @pytest.mark.parametrize("thing", [1, None, b"a", ("a",), frozenset("a")], ids=repr)
    def test_contains_accepts_any_hashable(self, kata: Any, thing: Any) -> None:
        dep_cache = kata.DependencyCache()
        dep_cache.set("a", 1)
        try:
            found = thing in dep_cache
        except Exception as exc:
            pytest.fail(f"{thing!r} in cache raised {type(exc).__name__}: {exc} (any hashable "
                        "may be asked about; a non-str is simply not cached)", pytrace=False)
        assert found is False, f"{thing!r} in cache is {found!r}: only str keys are cached"

    def test_on_invalidate_returns_the_callback(self, kata: Any) -> None:
        dep_cache = kata.DependencyCache()
        removed: list[str] = []

        @dep_cache.on_invalidate
        def remember(key: str) -> None:
            removed.append(key)

        assert callable(remember), (
            f"on_invalidate(callback) returned {remember!r}: it returns the callback, so that "
            "@cache.on_invalidate keeps the decorated function's name bound to it")
        dep_cache.set("a", 1)
        dep_cache.invalidate("a")
        remember("by hand")
        assert removed == ["a", "by hand"]

    @pytest.mark.parametrize("callback", [None, "print", 1], ids=repr)
    def test_non_callable_callback_is_rejected(self, kata: Any, callback: Any) -> None:
        dep_cache = kata.DependencyCache()
        rejects(lambda: dep_cache.on_invalidate(callback), f"on_invalidate({callback!r})",
                TypeError, "callback",
                "a callback that is not callable would fail later, inside invalidate()")
        dep_cache.set("a", 1)
        try:
            got = dep_cache.invalidate("a")
        except TypeError as exc:
            pytest.fail(f"invalidate('a') raised TypeError({exc}) after on_invalidate("
                        f"{callback!r}) was rejected: a rejected callback is not registered",
                        pytrace=False)
        assert got == {"a"}

    def test_callbacks_run_in_registration_order(self, kata: Any) -> None:
        dep_cache = kata.DependencyCache()
        log: list[tuple[str, str]] = []
        for name in ("first", "second", "third"):
            dep_cache.on_invalidate(lambda key, name=name: log.append((key, name)))
        dep_cache.set("a", 1)
        dep_cache.set("b", 2, depends_on=["a"])
        dep_cache.invalidate("a")
        for key in ("a", "b"):
            order = [name for k, name in log if k == key]
            assert order == ["first", "second", "third"], (
                f"the callbacks for {key!r} ran in the order {order}: they run in the order "
                "they were registered (first, second, third)")

    def test_a_callback_error_propagates_after_the_removal(self, kata: Any) -> None:
        class CallbackError(Exception):
            pass

        def fail(key: str) -> None:
            raise CallbackError(key)

        dep_cache = kata.DependencyCache()
        dep_cache.on_invalidate(fail)
        dep_cache.set("a", 1)
        dep_cache.set("b", 2, depends_on=["a"])
        dep_cache.set("c", 3, depends_on=["b"])
        dep_cache.set("other", 4)
        try:
            dep_cache.invalidate("a")
        except CallbackError:
            pass
        else:
            pytest.fail("invalidate('a') returned although its callback raised: an exception "
                        "from a callback propagates to the caller", pytrace=False)
        left = [key for key in "abc" if key in dep_cache]
        assert not left, (
            f"{left} still cached after invalidate('a') raised from a callback: the entries are "
            "removed before any callback runs")
        stats = dep_cache.stats()
        assert (stats["entries"], stats["edges"]) == (1, 0), (
            f"stats() is {stats} after the invalidation: only 'other' is left, with no edges")


KEYS = ["a", "b", "c", "d", "e"]
NAMES = [*KEYS, "users", "orders"]  # table names: sometimes cached, usually not


class DependencyMachine(RuleBasedStateMachine):
    """DependencyCache against a dict model: ``values`` and ``deps`` of the cached keys."""

    def __init__(self) -> None:
        super().__init__()
        self.cache = load(KATA).DependencyCache()
        self.values: dict[str, Any] = {}
        self.deps: dict[str, frozenset[str]] = {}
        self.calls: list[tuple[str, bool]] = []  # (key, was it still cached?)
        self.cache.on_invalidate(lambda key: self.calls.append((key, key in self.cache)))

    def __repr__(self) -> str:
        return f"model(values={self.values}, deps={ {k: sorted(v) for k, v in self.deps.items()} })"

    @rule(
        key=st.sampled_from([*KEYS, "users"]),
        value=st.integers(0, 9) | st.none(),
        depends_on=st.lists(st.sampled_from(NAMES), max_size=3),
    )
    def set(self, key: str, value: Any, depends_on: list[str]) -> None:
        self.cache.set(key, value, depends_on=depends_on)
        self.values[key] = value
        self.deps[key] = frozenset(depends_on)
        assert not self.calls, f"set({key!r}, ...) invalidated {self.calls}: set never does"

    @rule(name=st.sampled_from(NAMES))
    def invalidate(self, name: str) -> None:
        want = model_closure(self.deps, name)
        got = self.cache.invalidate(name)
        note(f"invalidate({name!r}) -> {got!r}")
        assert isinstance(got, (set, frozenset)), f"invalidate() returned {got!r}, not a set"
        assert set(got) == want, (
            f"invalidate({name!r}) returned {sorted(got)}, expected {sorted(want)} ({self})"
        )
        counts = Counter(key for key, _ in self.calls)
        assert counts == Counter(want), (
            f"callback calls {sorted(counts.elements())}, expected once for each of "
            f"{sorted(want)}"
        )
        early = sorted(key for key, cached in self.calls if cached)
        assert not early, f"callback for {early} ran while the key was still cached"
        self.calls.clear()
        for key in want:
            del self.values[key], self.deps[key]

    @rule(name=st.sampled_from(NAMES))
    def dependents(self, name: str) -> None:
        want = model_closure(self.deps, name) - {name}
        got = self.cache.dependents(name)
        assert set(got) == want, (
            f"dependents({name!r}) returned {sorted(got)}, expected {sorted(want)} ({self})"
        )

    @rule(key=st.sampled_from(KEYS), name=st.sampled_from(NAMES))
    def set_bare_str_depends_on(self, key: str, name: str) -> None:
        with pytest.raises(TypeError, match="depends_on"):
            self.cache.set(key, "rejected", depends_on=name)

    @rule(key=st.sampled_from([1, None, b"a"]))
    def set_non_str_key(self, key: Any) -> None:
        with pytest.raises(TypeError, match="key"):
            self.cache.set(key, "rejected")

    @invariant()
    def matches_model(self) -> None:
        assert len(self.cache) == len(self.values), (
            f"len(cache) == {len(self.cache)}, expected {len(self.values)} ({self})"
        )
        for key in NAMES:
            got = self.cache.get(key, MISSING)
            want = self.values.get(key, MISSING)
            assert got == want, f"get({key!r}) returned {got!r}, expected {want!r} ({self})"
            assert (key in self.cache) == (key in self.values), f"{key!r} in cache is wrong"
        stats = self.cache.stats()
        want_stats = {"entries": len(self.values), "edges": sum(map(len, self.deps.values()))}
        got_stats = {k: stats.get(k) for k in want_stats}
        assert got_stats == want_stats, (
            f"stats() gave {got_stats}, expected {want_stats} (edges: distinct (key, "
            f"dependency) pairs of cached keys) ({self})"
        )


TestPart1Machine = pytest.mark.part(1)(DependencyMachine.TestCase)


# ======================================================================================
# Part 2: TaggedCache
# ======================================================================================


@pytest.mark.part(2)
class TestPart2Examples:
    def test_get_set_and_none(self, kata: Any, clock: FakeClock) -> None:
        tagged = kata.TaggedCache(clock=clock)
        assert tagged.get("a") is None and tagged.get("a", "dflt") == "dflt"
        tagged.set("a", 1)
        tagged.set("n", None, tags=["t"])
        assert tagged.get("a") == 1
        assert tagged.get("n", "dflt") is None, "a cached None must be returned, not default"
        tagged.set("a", 2)
        assert tagged.get("a") == 2

    def test_invalidate_tag_removes_tagged_entries_only(self, kata: Any, clock: FakeClock) -> None:
        tagged = kata.TaggedCache(clock=clock)
        tagged.set("u1", "alice", tags=["users"])
        tagged.set("u2", "bob", tags=("users", "team:1"))
        tagged.set("o1", "order", tags={"orders"})
        tagged.set("plain", 0)
        tagged.invalidate_tag("users")
        for key in ("u1", "u2"):
            got = tagged.get(key, MISSING)
            assert got is MISSING, (
                f"get({key!r}) returned {got!r} after invalidate_tag('users'): an entry set "
                "with a tag before the tag's invalidation is gone (on its first one too)")
        assert tagged.get("o1") == "order" and tagged.get("plain") == 0
        tagged.invalidate_tag("nobody-has-this-tag")
        assert tagged.get("o1") == "order"

    def test_entries_set_before_first_invalidation_die(self, kata: Any, clock: FakeClock) -> None:
        tagged = kata.TaggedCache(clock=clock)
        tagged.set("a", 1, tags=["fresh-tag"])
        tagged.invalidate_tag("fresh-tag")
        assert tagged.get("a", MISSING) is MISSING, (
            "an entry set before invalidate_tag must be gone, even on the tag's first "
            "invalidation"
        )

    def test_entries_set_after_an_invalidation_are_live(self, kata: Any, clock: FakeClock) -> None:
        tagged = kata.TaggedCache(clock=clock)
        tagged.set("a", 1, tags=["t"])
        tagged.invalidate_tag("t")
        tagged.set("a", 2, tags=["t"])
        tagged.set("b", 3, tags=["t", "u"])
        got = tagged.get("a", MISSING)
        assert got == 2, (
            f"get('a') returned {got!r} for an entry set after invalidate_tag('t'): only "
            "entries set before an invalidation are gone (the tag is not poisoned)")
        assert tagged.get("b") == 3
        tagged.invalidate_tag("t")
        tagged.invalidate_tag("t")
        tagged.set("c", 4, tags=["t"])
        assert tagged.get("c") == 4 and tagged.get("a", MISSING) is MISSING

    def test_reset_replaces_tags(self, kata: Any, clock: FakeClock) -> None:
        tagged = kata.TaggedCache(clock=clock)
        tagged.set("a", 1, tags=["t1"])
        tagged.set("a", 2, tags=["t2"])
        tagged.invalidate_tag("t1")
        assert tagged.get("a") == 2, "after set('a', 2, tags=['t2']), 'a' no longer has t1"
        tagged.set("a", 3)
        tagged.invalidate_tag("t2")
        assert tagged.get("a") == 3

    def test_any_tag_kills_a_multi_tag_entry(self, kata: Any, clock: FakeClock) -> None:
        tagged = kata.TaggedCache(clock=clock)
        tagged.set("x", 1, tags=["t1", "t2", "t3"])
        tagged.set("y", 2, tags=["t1", "t2"])
        tagged.invalidate_tag("t3")
        assert tagged.get("x", MISSING) is MISSING
        assert tagged.get("y") == 2

    def test_ttl_boundary(self, kata: Any, clock: FakeClock) -> None:
        clock.set(1_000.0)
        tagged = kata.TaggedCache(clock=clock)
        tagged.set("a", 1, ttl=10)
        tagged.set("b", 2, tags=["t"], ttl=10)
        tagged.set("forever", 3, tags=["t2"])
        clock.advance(9.75)
        assert tagged.get("a") == 1 and tagged.get("b") == 2
        clock.set(1_010.0)  # exactly set time + ttl: expired
        for key, what in (("a", "an entry"), ("b", "a tagged entry")):
            got = tagged.get(key, MISSING)
            assert got is MISSING, (
                f"get({key!r}) returned {got!r} at exactly set time + ttl: {what} is live "
                "only while clock() < set time + ttl")
        clock.advance(1e6)
        assert tagged.get("forever") == 3

    def test_reset_restarts_ttl(self, kata: Any, clock: FakeClock) -> None:
        tagged = kata.TaggedCache(clock=clock)
        tagged.set("a", 1, ttl=5)
        clock.advance(4)
        tagged.set("a", 2, ttl=5)
        clock.advance(4)
        assert tagged.get("a") == 2
        tagged.set("a", 3)
        clock.advance(100)
        assert tagged.get("a") == 3, "set without ttl replaces the old expiry"

    def test_bare_str_tags_rejected(self, kata: Any, clock: FakeClock) -> None:
        tagged = kata.TaggedCache(clock=clock)
        tagged.set("a", 1, tags=["t"])
        for key in ("a", "b"):
            rejects(lambda key=key: tagged.set(key, 2, tags="users"),
                    f"set({key!r}, 2, tags='users')", TypeError, "tags", BARE_STR)
        assert tagged.get("a") == 1 and tagged.get("b", MISSING) is MISSING
        tagged.invalidate_tag("u")
        assert tagged.get("a") == 1

    @pytest.mark.parametrize("clock", [1_000.0, None, "monotonic"], ids=repr)
    def test_non_callable_clock_rejected(self, kata: Any, clock: Any) -> None:
        rejects(lambda: kata.TaggedCache(clock=clock), f"TaggedCache(clock={clock!r})",
                TypeError, "clock",
                "clock is a zero-argument callable returning seconds; anything else would "
                "only fail later, inside a set() with a ttl")

    @pytest.mark.parametrize("ttl", [0, -1, 0.0, -0.5, math.nan, math.inf, -math.inf], ids=repr)
    def test_bad_ttl_rejected(self, kata: Any, clock: FakeClock, ttl: float) -> None:
        tagged = kata.TaggedCache(clock=clock)
        tagged.set("a", 1)
        with pytest.raises(ValueError, match="ttl"):
            tagged.set("a", 2, ttl=ttl)
        assert tagged.get("a") == 1, "a rejected set changes nothing"

    @pytest.mark.parametrize("ttl", [True, False, "5", b"5", [5], object()], ids=repr)
    def test_non_number_ttl_rejected(self, kata: Any, clock: FakeClock, ttl: Any) -> None:
        tagged = kata.TaggedCache(clock=clock)
        tagged.set("a", 1)
        why = ("a bool is not a duration (True == 1, but ttl=True is a mistake)"
               if isinstance(ttl, bool) else "ttl is None or a number of seconds")
        rejects(lambda: tagged.set("a", 2, ttl=ttl), f"set('a', 2, ttl={ttl!r})", TypeError,
                "ttl", why)
        assert tagged.get("a") == 1, "a rejected set changes nothing"

    @pytest.mark.parametrize("tag", [1, None, b"t", ("t",)], ids=repr)
    def test_non_str_tag_rejected(self, kata: Any, clock: FakeClock, tag: Any) -> None:
        tagged = kata.TaggedCache(clock=clock)
        tagged.set("a", 1, tags=["t"])
        rejects(lambda: tagged.invalidate_tag(tag), f"invalidate_tag({tag!r})", TypeError,
                "tag", "tags are str")
        rejects(lambda: tagged.set("a", 2, tags=["u", tag]), f"set('a', 2, tags=['u', {tag!r}])",
                TypeError, "tags", "tags are str")
        assert tagged.get("a") == 1, "a rejected call changes nothing"
        tagged.invalidate_tag("u")
        assert tagged.get("a") == 1, "a rejected set keeps the old tags"

    def test_tags_may_be_a_generator(self, kata: Any, clock: FakeClock) -> None:
        tagged = kata.TaggedCache(clock=clock)
        tagged.set("a", 1, tags=(tag for tag in ["t1", "t2"]))
        tagged.invalidate_tag("t2")
        got = tagged.get("a", MISSING)
        assert got is MISSING, (
            f"get('a') returned {got!r} after invalidate_tag('t2'), but 'a' was set with tags "
            "from a generator yielding 't1', 't2' (a generator can be iterated only once)")

    def test_keys_are_any_hashable(self, kata: Any, clock: FakeClock) -> None:
        tagged = kata.TaggedCache(clock=clock)
        keys = [("user", 1), 0, None, frozenset({"x"}), 2.5]
        for n, key in enumerate(keys):
            tagged.set(key, f"v{n}", tags=["t"] if n % 2 else ())
        for n, key in enumerate(keys):
            got = tagged.get(key, MISSING)
            assert got == f"v{n}", f"get({key!r}) returned {got!r}: keys are any hashable"
        tagged.invalidate_tag("t")
        got = [tagged.get(key, MISSING) for key in keys]
        assert got == ["v0", MISSING, "v2", MISSING, "v4"], (
            f"after invalidate_tag('t'), the values are {got}")


def _time_invalidations(kata: Any, per_tag: int) -> int:
    """Nanoseconds for the fastest of three first ``invalidate_tag`` calls, on a cache with
    three tags carrying ``per_tag`` entries each (every call has its own entries to kill)."""
    cache = kata.TaggedCache(clock=FakeClock())
    tags = ["hot0", "hot1", "hot2"]
    for i in range(per_tag * len(tags)):
        cache.set(i, i, tags=(tags[i % len(tags)],))
    times = []
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        for tag in tags:
            start = time.perf_counter_ns()
            cache.invalidate_tag(tag)
            times.append(time.perf_counter_ns() - start)
    finally:
        if gc_was_enabled:
            gc.enable()
    last = len(tags) * per_tag - 1
    assert cache.get(0, MISSING) is MISSING and cache.get(last, MISSING) is MISSING
    return min(times)


@pytest.mark.part(2)
def test_invalidate_tag_is_constant_time(kata: Any) -> None:
    """~100 vs ~100,000 tagged entries: an O(1) invalidate_tag costs about the same (the
    bound is 20x, with a 1 microsecond floor); a walk over 33,000 entries costs ~1000x."""
    small = min(_time_invalidations(kata, 33) for _ in range(10))
    big = _time_invalidations(kata, 33_334)
    limit = 20 * max(small, 1_000)
    assert big < limit, (
        f"invalidate_tag took {big / 1000:.1f} us with 33,334 entries per tag but "
        f"{small / 1000:.1f} us with 33: its work grows with the entries (it must be O(1): "
        "bump a per-tag generation, check it on read)"
    )


TAGS = ["t1", "t2", "t3"]


@dataclass
class _ModelEntry:
    value: Any
    tags: frozenset[str]
    expires_at: float

    def __repr__(self) -> str:
        tags = ",".join(sorted(self.tags))
        return f"({self.value!r}, tags={{{tags}}}, expires_at={self.expires_at})"


class TaggedMachine(RuleBasedStateMachine):
    """TaggedCache against a model that removes invalidated and expired entries eagerly."""

    def __init__(self) -> None:
        super().__init__()
        self.clock = FakeClock()
        self.cache = load(KATA).TaggedCache(clock=self.clock)
        self.model: dict[str, _ModelEntry] = {}

    def __repr__(self) -> str:
        return f"model(now={self.clock.now}, entries={self.model})"

    def _expire(self) -> None:
        for key in [k for k, e in self.model.items() if self.clock.now >= e.expires_at]:
            del self.model[key]

    @rule(
        key=st.sampled_from(["a", "b", "c", "d"]),
        value=st.integers(0, 9) | st.none(),
        tags=st.lists(st.sampled_from(TAGS), max_size=3),
        ttl=st.sampled_from([None, 1, 2.5, 5]),
    )
    def set(self, key: str, value: Any, tags: list[str], ttl: float | None) -> None:
        self.cache.set(key, value, tags=tags, ttl=ttl)
        expires_at = math.inf if ttl is None else self.clock.now + ttl
        self.model[key] = _ModelEntry(value, frozenset(tags), expires_at)

    @rule(tag=st.sampled_from([*TAGS, "unused"]))
    def invalidate_tag(self, tag: str) -> None:
        self.cache.invalidate_tag(tag)
        for key in [k for k, e in self.model.items() if tag in e.tags]:
            del self.model[key]

    @rule(seconds=st.sampled_from([0.5, 1, 2.5]))
    def advance(self, seconds: float) -> None:
        self.clock.advance(seconds)
        self._expire()

    @rule(key=st.sampled_from(["a", "b"]), tags=st.sampled_from(["t1", "t2"]))
    def set_bare_str_tags(self, key: str, tags: str) -> None:
        with pytest.raises(TypeError, match="tags"):
            self.cache.set(key, "rejected", tags=tags)

    @rule(key=st.sampled_from(["a", "b"]), ttl=st.sampled_from([0, -1, math.nan, math.inf]))
    def set_bad_ttl(self, key: str, ttl: float) -> None:
        with pytest.raises(ValueError, match="ttl"):
            self.cache.set(key, "rejected", ttl=ttl)

    @invariant()
    def matches_model(self) -> None:
        for key in ["a", "b", "c", "d"]:
            got = self.cache.get(key, MISSING)
            entry = self.model.get(key)
            want = MISSING if entry is None else entry.value
            assert got == want, f"get({key!r}) returned {got!r}, expected {want!r} ({self})"


TestPart2Machine = pytest.mark.part(2)(TaggedMachine.TestCase)


# ======================================================================================
# Part 3: CacheAside
# ======================================================================================


class CountingBackend:
    """A dict-backed store of record that counts ``get`` calls per key.

    ``gate(key)`` makes the NEXT ``get(key)`` slow: it reads the stored value, sets
    ``arrived``, waits for ``release``, then returns the value it read (by then, maybe
    an old one). ``gate_set(key)`` does the same to the next ``set(key, ...)``, after
    storing the value.
    """

    def __init__(self, data: dict[Any, Any] | None = None, *, slow: bool = False) -> None:
        self.data: dict[Any, Any] = dict(data or {})
        self.slow = slow  # let other threads run between reading and returning
        self.gets: Counter[Any] = Counter()
        self._gates: dict[Any, tuple[threading.Event, threading.Event]] = {}
        self._set_gates: dict[Any, tuple[threading.Event, threading.Event]] = {}
        self._lock = threading.Lock()

    def gate(self, key: Any) -> tuple[threading.Event, threading.Event]:
        arrived, release = threading.Event(), threading.Event()
        self._gates[key] = (arrived, release)
        return arrived, release

    def gate_set(self, key: Any) -> tuple[threading.Event, threading.Event]:
        arrived, release = threading.Event(), threading.Event()
        self._set_gates[key] = (arrived, release)
        return arrived, release

    @staticmethod
    def _wait_at(gate: tuple[threading.Event, threading.Event] | None, what: str) -> None:
        if gate is not None:
            arrived, release = gate
            arrived.set()
            if not release.wait(2 * WAIT):  # longer than any wait of the test itself
                raise TimeoutError(f"test backend: nobody released the gated {what}")

    def get(self, key: Any) -> Any:
        with self._lock:
            self.gets[key] += 1
            value = self.data.get(key)
            gate = self._gates.pop(key, None)
        if self.slow:
            time.sleep(0)
        # The value was read above: the load happened before the wait.
        self._wait_at(gate, "get")
        return value

    def set(self, key: Any, value: Any) -> None:
        with self._lock:
            self.data[key] = value
            gate = self._set_gates.pop(key, None)
        self._wait_at(gate, "set")

    def delete(self, key: Any) -> None:
        with self._lock:
            self.data.pop(key, None)


class BackendError(Exception):
    """What a store of record raises: a lost connection, a timeout."""


class LandedThenFailed(CountingBackend):
    """A store whose ``set`` and ``delete`` take effect and then raise (a timeout after the
    change landed), and whose first ``failing_gets`` reads raise before reading."""

    def __init__(self, data: dict[Any, Any], *, failing_gets: int = 0) -> None:
        super().__init__(data)
        self.failing_gets = failing_gets

    def get(self, key: Any) -> Any:
        if self.failing_gets:
            self.failing_gets -= 1
            raise BackendError(f"connection lost during get({key!r})")
        return super().get(key)

    def set(self, key: Any, value: Any) -> None:
        super().set(key, value)
        raise BackendError(f"timed out after set({key!r}, {value!r}) landed")

    def delete(self, key: Any) -> None:
        super().delete(key)
        raise BackendError(f"timed out after delete({key!r}) landed")


@pytest.mark.part(3)
class TestPart3Examples:
    def test_read_loads_once_then_serves_from_cache(self, kata: Any) -> None:
        backend = CountingBackend({"k": "v1"})
        cache = kata.CacheAside(backend)
        assert cache.read("k") == "v1"
        assert cache.read("k") == "v1"
        assert backend.gets["k"] == 1, "the second read must be served from the cache"

    @pytest.mark.parametrize("value", [0, "", [], False, 0.0, {}], ids=repr)
    def test_falsy_values_are_cached(self, kata: Any, value: Any) -> None:
        backend = CountingBackend({"k": value})
        cache = kata.CacheAside(backend)
        first, second = cache.read("k"), cache.read("k")
        assert backend.gets["k"] == 1, (
            f"a cached {value!r} was taken for a miss and loaded again: only None means "
            "absent; a cached copy is a hit whatever its value (`if cached:` is the wrong test)"
        )
        for got in (first, second):
            assert type(got) is type(value) and got == value, f"read('k') returned {got!r}"

    def test_none_from_backend_is_not_cached(self, kata: Any) -> None:
        backend = CountingBackend()
        cache = kata.CacheAside(backend)
        assert cache.read("k") is None
        backend.data["k"] = "arrived later"  # written to the store by someone else
        assert cache.read("k") == "arrived later", (
            "None from the backend means absent: it must not be cached"
        )
        assert backend.gets["k"] == 2

    def test_write_invalidates_instead_of_setting(self, kata: Any) -> None:
        backend = CountingBackend({"k": "v1"})
        cache = kata.CacheAside(backend)
        assert cache.read("k") == "v1"
        cache.write("k", "v2")
        assert backend.data["k"] == "v2", "write must write the backend"
        assert cache.read("k") == "v2"
        assert backend.gets["k"] == 2, (
            "after write(), the next read must load from the backend: write invalidates the "
            "cached copy, it never sets it"
        )
        assert cache.read("k") == "v2" and backend.gets["k"] == 2

    def test_write_of_an_uncached_key(self, kata: Any) -> None:
        backend = CountingBackend()
        cache = kata.CacheAside(backend)
        cache.write("k", 0)
        assert backend.data == {"k": 0}
        assert cache.read("k") == 0 and backend.gets["k"] == 1

    def test_delete_invalidates(self, kata: Any) -> None:
        backend = CountingBackend({"k": "v1", "other": 1})
        cache = kata.CacheAside(backend)
        assert cache.read("k") == "v1" and cache.read("other") == 1
        cache.delete("k")
        assert "k" not in backend.data, "delete must delete from the backend"
        assert cache.read("k") is None, "delete must invalidate the cached copy"
        backend.data["k"] = "v3"
        assert cache.read("k") == "v3"
        assert cache.read("other") == 1 and backend.gets["other"] == 1

    def test_stale_set_race(self, kata: Any) -> None:
        """A reader loads "old", a write lands, then the reader finishes: no stale fill."""
        backend = CountingBackend({"k": "old"})
        cache = kata.CacheAside(backend)
        arrived, release = backend.gate("k")
        reader_result: dict[str, Any] = {}
        reader = Background(lambda: reader_result.update(value=cache.read("k")), "read('k')")
        try:
            assert arrived.wait(WAIT), "read('k') on an empty cache never called backend.get"
            run_bounded(
                lambda: cache.write("k", "new"),
                "write() while a read was waiting on the backend (is a lock held during "
                "backend calls?)", CALL,
            )
        finally:
            release.set()
        reader.join(WAIT)
        assert reader_result.get("value") in ("old", "new")
        got = cache.read("k")
        assert got == "new", (
            f"read('k') returned {got!r} after write('k', 'new'): a read that loaded the old "
            "value before the write put it back into the cache (the stale-set race; use a "
            "lease or version check)"
        )

    def test_stale_set_race_with_delete(self, kata: Any) -> None:
        backend = CountingBackend({"k": "old"})
        cache = kata.CacheAside(backend)
        arrived, release = backend.gate("k")
        reader = Background(lambda: cache.read("k"), "read('k')")
        try:
            assert arrived.wait(WAIT), "read('k') on an empty cache never called backend.get"
            run_bounded(lambda: cache.delete("k"), "delete() while a read was loading", CALL)
        finally:
            release.set()
        reader.join(WAIT)
        backend.data["k"] = "recreated"  # by another process: only the backend knows
        got = cache.read("k")
        assert got == "recreated", f"read('k') returned {got!r}: the deleted value came back"

    def test_a_slow_backend_write_blocks_no_other_call(self, kata: Any) -> None:
        backend = CountingBackend({"k": "v1", "other": "o1"})
        cache = kata.CacheAside(backend)
        assert cache.read("other") == "o1"
        arrived, release = backend.gate_set("k")
        writer = Background(lambda: cache.write("k", "v2"), "write('k', 'v2')")
        try:
            assert arrived.wait(WAIT), "write('k', 'v2') never called backend.set"
            for what, call in (("read('other')", lambda: cache.read("other")),
                               ("read('new')", lambda: cache.read("new")),
                               ("write('other', 'o2')", lambda: cache.write("other", "o2"))):
                run_bounded(call, f"{what} while write('k', 'v2') was waiting in backend.set "
                            "(is a lock held during backend calls?)", CALL)
        finally:
            release.set()
        writer.join(WAIT)
        assert cache.read("k") == "v2" and cache.read("other") == "o2"

    def test_write_of_none_is_rejected_before_anything(self, kata: Any) -> None:
        backend = CountingBackend({"k": "v1"})
        cache = kata.CacheAside(backend)
        assert cache.read("k") == "v1"
        rejects(lambda: cache.write("k", None), "write('k', None)", ValueError, "value",
                "None means absent in the backend; delete('k') removes a key")
        assert backend.data == {"k": "v1"}, (
            f"write('k', None) was rejected, but the backend now holds {backend.data}: reject "
            "it before doing anything")
        assert cache.read("k") == "v1" and backend.gets["k"] == 1, (
            "write('k', None) was rejected, but the cached copy of 'k' is gone: reject it "
            "before doing anything")

    def test_a_failed_backend_write_still_invalidates(self, kata: Any) -> None:
        backend = LandedThenFailed({"k": "v1", "d": "doomed"})
        cache = kata.CacheAside(backend)
        assert cache.read("k") == "v1" and cache.read("d") == "doomed"
        for what, call in (("write('k', 'v2')", lambda: cache.write("k", "v2")),
                           ("delete('d')", lambda: cache.delete("d"))):
            try:
                call()
            except BackendError:
                continue
            pytest.fail(f"{what} returned although the backend raised BackendError: an "
                        "exception from the backend propagates to the caller", pytrace=False)
        got = cache.read("k")
        assert got == "v2", (
            f"read('k') returned {got!r} after write('k', 'v2') raised in backend.set, which "
            "had stored 'v2' (a timeout after the write landed): invalidate the cached copy "
            "even when the backend call raises (try/finally)")
        got = cache.read("d")
        assert got is None, (
            f"read('d') returned {got!r} after delete('d') raised in backend.delete, which had "
            "deleted it: invalidate the cached copy even when the backend call raises")

    def test_a_failed_load_propagates_and_caches_nothing(self, kata: Any) -> None:
        backend = LandedThenFailed({"k": "v1"}, failing_gets=1)
        cache = kata.CacheAside(backend)
        try:
            got = cache.read("k")
        except BackendError:
            pass
        else:
            pytest.fail(f"read('k') returned {got!r} although backend.get raised BackendError: "
                        "an exception from the backend propagates to the caller", pytrace=False)
        assert cache.read("k") == "v1"
        assert cache.read("k") == "v1"
        assert backend.gets["k"] == 1, (
            f"after a read whose backend.get raised, the next read loaded 'k' but did not cache "
            f"it (backend.get answered {backend.gets['k']} times for 2 reads): a failed read "
            "must leave nothing behind (a lease, a flag) that blocks later fills")


class PausingKey:
    """A key whose hash is a pause point: the thread that loaded it stops at its ``n``-th
    use of the key after the load (any dict lookup, store or delete hashes the key), and
    the test runs a write right there.

    So a write's invalidation can be placed between any two steps of a read's fill, in
    whatever cache code: the interleavings a thread switch could produce, made certain.
    """

    # How long the paused read waits for the write to finish. It finishes in microseconds,
    # unless the read holds a lock the write needs: then it goes on after this.
    BLOCKED = 0.25

    def __init__(self, name: str, pause_at: int) -> None:
        self.name = name
        self.pause_at = pause_at
        self.loader: int | None = None  # the thread that loaded the key
        self.uses = 0  # the loader's uses of the key since the load
        self.write_may_go = threading.Event()
        self.write_done = threading.Event()

    def __hash__(self) -> int:
        if threading.get_ident() == self.loader:
            self.uses += 1
            if self.uses == self.pause_at:
                self.write_may_go.set()
                self.write_done.wait(self.BLOCKED)
        return hash(self.name)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, PausingKey) and other.name == self.name

    def __repr__(self) -> str:
        return repr(self.name)


class PausingBackend:
    """The store of record for one ``PausingKey``: ``get`` marks its caller as the loader;
    ``set`` waits until the loader pauses (or its read is over) before returning."""

    def __init__(self, key: PausingKey, value: Any) -> None:
        self.key = key
        self.data = {key.name: value}

    def get(self, key: PausingKey) -> Any:
        value = self.data.get(key.name)
        self.key.loader = threading.get_ident()
        return value

    def set(self, key: PausingKey, value: Any) -> None:
        self.data[key.name] = value
        if not self.key.write_may_go.wait(WAIT):
            raise TimeoutError("test backend: the read never reached its fill")

    def delete(self, key: PausingKey) -> None:
        self.data.pop(key.name, None)


@pytest.mark.part(3)
def test_an_invalidation_between_any_two_steps_of_a_fill(kata: Any) -> None:
    """Thread safety, forced: read('k') loads "old" while write('k', 'new') is under way,
    and the write's invalidation is run at the read's 1st, 2nd, 3rd... use of the key
    after its load. Wherever it lands, the cache must not keep "old" afterwards: the
    read's "may I fill?" check and its fill must be one step for an invalidation."""
    for n in itertools.count(1):
        key = PausingKey("k", pause_at=n)
        backend = PausingBackend(key, "old")
        cache = kata.CacheAside(backend)
        where = f"with the invalidation at the read's use #{n} of the key after its load"

        def read(key: PausingKey = key, cache: Any = cache) -> None:
            try:
                cache.read(key)
            finally:
                key.write_may_go.set()  # fewer than n uses: the write goes after the read

        def write(key: PausingKey = key, cache: Any = cache) -> None:
            try:
                cache.write(key, "new")
            finally:
                key.write_done.set()

        reader = Background(read, "read('k')")
        writer = Background(write, "write('k', 'new')")
        errors = []
        for thread in (reader, writer):
            try:
                thread.join(WAIT)
            except Exception as exc:  # reported below, in the cache's terms
                errors.append(exc)
        if errors:
            pytest.fail(
                f"read('k') racing write('k', 'new') raised {type(errors[0]).__name__}: "
                f"{errors[0]!r}, {where} (is every change to the cache's state made under "
                "its lock?)", pytrace=False)
        got = cache.read(key)
        assert got == "new", (
            f"read('k') returned {got!r} after write('k', 'new') finished, {where}: the "
            "read filled the cache with the old value after the write's invalidation. Make "
            "the lease check and the fill one step under the lock that invalidation takes"
        )
        if key.uses < n:
            break  # no use of the key left to pause at


@pytest.mark.part(3)
def test_threads_hammering_settle_to_the_backend(kata: Any) -> None:
    """Real threads read, write and delete three keys at random; once they are done,
    every key reads as the backend holds it (no stale value survived any interleaving)."""

    backend = CountingBackend({"k0": 0, "k1": 0, "k2": 0}, slow=True)
    cache = kata.CacheAside(backend)
    keys = ["k0", "k1", "k2"]

    def worker(seed: int) -> None:
        rnd = random.Random(seed)
        for i in range(300):
            key = rnd.choice(keys)
            action = rnd.random()
            if action < 0.5:
                cache.read(key)
            elif action < 0.9:
                cache.write(key, seed * 1_000 + i)
            else:
                cache.delete(key)
        cache.write(keys[seed % 3], -seed)  # the threads finish together: the last
        for key in keys:  # writes race with the last reads
            cache.read(key)

    # Switch threads as often as possible: more interleavings.
    run_together(worker, 6, timeout=4 * WAIT, switch_interval=1e-6)
    for key in keys:
        for attempt in ("first", "second"):
            got, want = cache.read(key), backend.data.get(key)
            assert got == want, (
                f"{attempt} read({key!r}) after all threads finished returned {got!r}, but the "
                f"backend holds {want!r}"
            )


class YieldingKey:
    """A key whose hash lets other threads run: a switch point inside every dict
    operation of the cache (its check-and-fill included), wherever the cache does it."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __hash__(self) -> int:
        time.sleep(0)
        return hash(self.name)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, YieldingKey) and other.name == self.name

    def __repr__(self) -> str:
        return repr(self.name)




@dataclass
class _Reader:
    """One ``cache.read(key)`` in its own thread, stopped inside ``backend.get``."""

    number: int
    key: str
    progress: threading.Event = field(default_factory=threading.Event)  # arrived or done
    arrived: threading.Event = field(default_factory=threading.Event)
    go_load: threading.Event = field(default_factory=threading.Event)
    loaded: threading.Event = field(default_factory=threading.Event)
    go_finish: threading.Event = field(default_factory=threading.Event)
    done: threading.Event = field(default_factory=threading.Event)
    loaded_value: Any = None
    result: Any = None
    error: BaseException | None = None

    def __repr__(self) -> str:
        return f"reader#{self.number}({self.key!r})"

    def release_all(self) -> None:
        self.go_load.set()
        self.go_finish.set()


class SteppedBackend:
    """A store of record where each controlled reader's ``get`` runs in two steps.

    A reader thread registered here stops on entering ``get`` (``arrived``); ``load``
    reads the store; ``finish`` returns the value read. Other threads' calls run at once.
    """

    def __init__(self, timeout: float) -> None:
        self.data: dict[str, Any] = {}
        self.timeout = timeout
        self.readers: dict[int, _Reader] = {}
        self._lock = threading.Lock()

    def get(self, key: str) -> Any:
        reader = self.readers.pop(threading.get_ident(), None)
        if reader is None:
            with self._lock:
                return self.data.get(key)
        reader.arrived.set()
        reader.progress.set()
        if not reader.go_load.wait(self.timeout):
            raise TimeoutError(f"{reader}: never told to load")
        with self._lock:
            value = reader.loaded_value = self.data.get(key)
        reader.loaded.set()
        if not reader.go_finish.wait(self.timeout):
            raise TimeoutError(f"{reader}: never told to finish")
        return value

    def set(self, key: str, value: Any) -> None:
        with self._lock:
            self.data[key] = value

    def delete(self, key: str) -> None:
        with self._lock:
            self.data.pop(key, None)


ASIDE_KEYS = ["x", "y"]  # both exist at first; a delete makes one absent


class CacheAsideMachine(RuleBasedStateMachine):
    """Reads, writes and deletes interleaved by hand, each read split into three steps:
    start (the read misses and calls backend.get, or is served from the cache), load (the
    backend reads its data) and finish (backend.get returns, the read completes).

    Checked: a read served from the cache returns the backend's current value (a stale
    fill would show here), and once every read has finished, every key reads as the
    backend's current value.
    """

    TIMEOUT = 2.0  # every step takes microseconds; only a deadlock reaches this
    deadlock_seen = False  # then shrinking replays the deadlock: wait less for it
    IN_FLIGHT = 60.0  # a read may stay stopped in backend.get this long (teardown frees it)

    def __init__(self) -> None:
        super().__init__()
        self.backend = SteppedBackend(self.IN_FLIGHT)
        self.cache = load(KATA).CacheAside(self.backend)
        self.readers: list[_Reader] = []  # started, not finished
        self.count = 0
        self.version = 0

    def __repr__(self) -> str:
        return f"backend={self.backend.data}, in flight={self.readers}"

    @property
    def timeout(self) -> float:
        return 0.25 if CacheAsideMachine.deadlock_seen else self.TIMEOUT

    def _deadlock(self, message: str) -> None:
        CacheAsideMachine.deadlock_seen = True
        for reader in self.readers:
            reader.release_all()
        pytest.fail(message)

    def _unblocked(self, fn: Callable[[], Any], what: str) -> Any:
        """Call ``fn()`` here, while reads may be stopped inside ``backend.get``. If they
        hold a lock that ``fn`` waits for, a watchdog lets them go after TIMEOUT (so
        ``fn`` returns) and the step fails."""
        if not self.readers:
            return fn()
        rescued = threading.Event()

        def rescue() -> None:
            rescued.set()
            for reader in self.readers:
                reader.release_all()

        watchdog = threading.Timer(self.timeout, rescue)
        watchdog.daemon = True
        watchdog.start()
        try:
            result = fn()
        finally:
            watchdog.cancel()
        if rescued.is_set():
            self._deadlock(
                f"{what} waited for a read that was stopped in backend.get: never hold a "
                "lock while calling the backend"
            )
        return result

    @initialize()
    def seed(self) -> None:
        self.backend.data.update({"x": "x0", "y": "y0"})

    @rule(key=st.sampled_from(ASIDE_KEYS), load_now=st.booleans())
    def start_read(self, key: str, load_now: bool) -> None:
        self.count += 1
        reader = _Reader(self.count, key)

        def run() -> None:
            self.backend.readers[threading.get_ident()] = reader
            try:
                reader.result = self.cache.read(key)
            except BaseException as exc:  # re-raised by the machine
                reader.error = exc
            finally:
                self.backend.readers.pop(threading.get_ident(), None)
                reader.done.set()
                reader.progress.set()

        threading.Thread(target=run, daemon=True, name=repr(reader)).start()
        if not reader.progress.wait(self.timeout):
            reader.release_all()
            self._deadlock(f"{reader}: read() neither returned nor called backend.get (deadlock?)")
        if reader.done.is_set():
            if reader.error is not None:
                raise reader.error
            want = self.backend.data.get(key)
            note(f"{reader} served from the cache: {reader.result!r}")
            assert reader.result == want, (
                f"read({key!r}) served {reader.result!r} from the cache, but the backend "
                f"holds {want!r}: a stale value was cached ({self})"
            )
        else:
            self.readers.append(reader)
            if load_now:
                self._load(reader)

    def _pick(self, i: int, ready: Callable[[_Reader], bool]) -> _Reader | None:
        candidates = [r for r in self.readers if ready(r)]
        return candidates[i % len(candidates)] if candidates else None

    @precondition(lambda self: any(not r.loaded.is_set() for r in self.readers))
    @rule(i=st.integers(0, 3))
    def load(self, i: int) -> None:
        reader = self._pick(i, lambda r: not r.loaded.is_set())
        assert reader is not None
        self._load(reader)

    def _load(self, reader: _Reader) -> None:
        reader.go_load.set()
        assert reader.loaded.wait(self.timeout), f"{reader} did not load"
        note(f"{reader} loaded {reader.loaded_value!r}")

    @precondition(lambda self: any(r.loaded.is_set() for r in self.readers))
    @rule(i=st.integers(0, 3))
    def finish(self, i: int) -> None:
        reader = self._pick(i, lambda r: r.loaded.is_set())
        assert reader is not None
        self._finish(reader)

    def _finish(self, reader: _Reader) -> None:
        reader.go_finish.set()
        if not reader.done.wait(self.timeout):
            self._deadlock(f"{reader}: read() did not return after backend.get did (deadlock?)")
        self.readers.remove(reader)
        if reader.error is not None:
            raise reader.error
        note(f"{reader} returned {reader.result!r}")
        stale = reader.loaded_value != self.backend.data.get(reader.key)
        if stale and not any(r.key == reader.key for r in self.readers):
            self._check_settled(reader.key)  # it must not have cached what it loaded

    def _check_settled(self, key: str) -> None:
        """No read of ``key`` is in flight: reading it twice gives the backend's value."""
        for attempt in ("first", "second"):
            got = self._unblocked(lambda: self.cache.read(key), f"read({key!r})")
            want = self.backend.data.get(key)
            assert got == want, (
                f"{attempt} read({key!r}) after every read of it finished returned {got!r}, "
                f"but the backend holds {want!r}: a stale value stayed in the cache ({self})"
            )

    @rule(key=st.sampled_from(ASIDE_KEYS))
    def write(self, key: str) -> None:
        self.version += 1
        value = f"{key}{self.version}"
        self._unblocked(lambda: self.cache.write(key, value), f"write({key!r}, {value!r})")

    @rule(key=st.sampled_from(ASIDE_KEYS))
    def delete(self, key: str) -> None:
        self._unblocked(lambda: self.cache.delete(key), f"delete({key!r})")

    @rule(key=st.sampled_from(ASIDE_KEYS))
    def create_elsewhere(self, key: str) -> None:
        """Another process creates an absent key in the backend, without this cache.

        Nothing can be cached for an absent key (None is never cached, and a delete
        fences reads in flight), so no invalidation is needed for the cache to see it."""
        if key not in self.backend.data:
            self.version += 1
            self.backend.set(key, f"{key}{self.version}-elsewhere")

    @rule()
    def settle(self) -> None:
        """Let every read in flight load and finish, then every key reads as stored."""
        for reader in list(self.readers):
            if not reader.loaded.is_set():
                self._load(reader)
            self._finish(reader)
        for key in ASIDE_KEYS:
            self._check_settled(key)

    def teardown(self) -> None:
        for reader in self.readers:
            reader.release_all()


TestPart3Machine = pytest.mark.part(3)(CacheAsideMachine.TestCase)


# -- Linearizability -------------------------------------------------------------------------
# Last in the file: the tests above name each race; this one finds any race, and a learner
# whose code has one should read the named one first.


@pytest.mark.part(3)
def test_concurrent_calls_are_linearizable(kata: Any) -> None:
    """Three threads read, write and delete two keys at once: some order of their calls,
    one at a time, explains every value each read returned (a read never returns a value
    overwritten before it started, and no stale fill outlives a write)."""
    initial = {"k0": 0, "k1": 0}
    for seed in range(30):
        keys = {name: YieldingKey(name) for name in initial}
        cache = kata.CacheAside(CountingBackend({keys[k]: v for k, v in initial.items()},
                                                slow=True))
        history = key_value_history(cache.read, cache.write, cache.delete, keys, seed)
        assert_linearizable(history.operations, KeyValueModel(initial),
                            "CacheAside shared by 3 threads")
