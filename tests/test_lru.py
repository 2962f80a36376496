"""The ``lru`` suite: LRUCache against a plain model, lru_cache against functools.

Part 1: ``LRUCache`` (a state machine against a list-based model, examples, bad input, and
the "from scratch" rule). Part 2: ``lru_cache`` (a differential test against
``functools.lru_cache`` over hypothesis-chosen call sequences, and the API around it).
Part 3: production grade (real threads on the decorator; O(1) operations at any capacity).
"""

from __future__ import annotations

import ast
import collections
import contextlib
import functools
import gc
import inspect
import random
import time
import typing
from collections.abc import Callable, Hashable
from types import ModuleType
from typing import Any

import pytest
from hypothesis import given, note
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from tests.support.targets import load
from tests.support.threads import run_together

KATA = "lru"


class _Missing:
    """A default no cached value can be, so a miss is told apart from a cached ``None``."""

    def __repr__(self) -> str:
        return "MISSING"


MISSING = _Missing()


# --- Part 1: LRUCache ---------------------------------------------------------------------


class LRUModel:
    """The obvious, slow LRU: a list of [key, value] pairs, least recently used first."""

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self.items: list[list[Any]] = []

    def _find(self, key: Hashable) -> int | None:
        for i, (k, _) in enumerate(self.items):
            if k == key:
                return i
        return None

    def get(self, key: Hashable, default: Any) -> Any:
        i = self._find(key)
        if i is None:
            return default
        item = self.items.pop(i)
        self.items.append(item)
        return item[1]

    def put(self, key: Hashable, value: Any) -> Hashable | None:
        """Insert or replace; return the evicted key, if any."""
        i = self._find(key)
        if i is not None:
            item = self.items.pop(i)
            item[1] = value
            self.items.append(item)
            return None
        evicted = None
        if len(self.items) == self.capacity:
            evicted = self.items.pop(0)[0]
        self.items.append([key, value])
        return evicted

    def delete(self, key: Hashable) -> bool:
        i = self._find(key)
        if i is None:
            return False
        del self.items[i]
        return True

    def keys(self) -> list[Hashable]:
        return [k for k, _ in self.items]

    def __contains__(self, key: Hashable) -> bool:
        return self._find(key) is not None

    def __repr__(self) -> str:
        inside = ", ".join(f"{k!r}: {v!r}" for k, v in self.items)
        return f"capacity {self.capacity}, LRU -> MRU {{{inside}}}"


# 1 and 1.0 are one key (equal and same hash), as in a dict.
KEYS = st.sampled_from([0, 1, 2, 3, 4, 5, 6, 1.0, "a", "b", (1, 2), None])
VALUES = st.one_of(st.none(), st.integers(0, 99))
UNHASHABLE = st.sampled_from([[1], {"a": 1}, {2}, [(1, 2)]])


class LRUMachine(RuleBasedStateMachine):
    """Random operations on a small cache (capacity 1..5): it evicts all the time."""

    def __init__(self) -> None:
        super().__init__()
        self.module = load(KATA)
        self.cache: Any = None
        self.model = LRUModel(1)

    @initialize(capacity=st.integers(1, 5))
    def create(self, capacity: int) -> None:
        self.cache = self.module.LRUCache(capacity)
        self.model = LRUModel(capacity)

    @rule(key=KEYS, value=VALUES)
    def put(self, key: Hashable, value: Any) -> None:
        evicted = self.model.put(key, value)
        self.cache.put(key, value)
        if evicted is not None:
            note(f"put({key!r}) evicted {evicted!r}")

    @rule(key=KEYS)
    def get(self, key: Hashable) -> None:
        want = self.model.get(key, MISSING)
        got = self.cache.get(key, MISSING)
        assert got == want, (
            f"get({key!r}, default) returned {got!r}, expected {want!r} (model: {self.model})"
        )

    @rule(key=KEYS)
    def get_without_default(self, key: Hashable) -> None:
        want = self.model.get(key, None)
        got = self.cache.get(key)
        assert got == want, f"get({key!r}) returned {got!r}, expected {want!r} ({self.model})"

    @rule(key=KEYS)
    def contains(self, key: Hashable) -> None:
        want = key in self.model
        got = key in self.cache
        assert got is want, f"{key!r} in cache is {got!r}, expected {want!r} ({self.model})"

    @rule(key=KEYS)
    def delete(self, key: Hashable) -> None:
        want = self.model.delete(key)
        got = self.cache.delete(key)
        assert got is want, f"delete({key!r}) returned {got!r}, expected {want!r}"

    @precondition(lambda self: len(self.model.items) > 0)
    @rule()
    def clear(self) -> None:
        self.model.items.clear()
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
        # The invariant then checks that nothing changed, nothing was evicted.

    @invariant()
    def same_keys_in_same_order(self) -> None:
        got = self.cache.keys()
        want = self.model.keys()
        assert isinstance(got, list), f"keys() returned a {type(got).__name__}, not a list"
        assert got == want, (
            f"keys() is {got!r}, expected {want!r} (least to most recently used; "
            f"model: {self.model})"
        )
        assert len(self.cache) == len(want), f"len() is {len(self.cache)}, expected {len(want)}"
        assert self.cache.capacity == self.model.capacity


TestLRUMachine = pytest.mark.part(1)(LRUMachine.TestCase)


def filled(kata: ModuleType, capacity: int, keys: list[Any]) -> Any:
    cache = kata.LRUCache(capacity)
    for key in keys:
        cache.put(key, f"v{key}")
    return cache


@pytest.mark.part(1)
class TestPart1LRUCache:
    def test_evicts_the_least_recently_used_key(self, kata: ModuleType) -> None:
        cache = filled(kata, 3, ["a", "b", "c"])
        cache.put("d", "vd")
        assert cache.keys() == ["b", "c", "d"], "the oldest key 'a' should have been evicted"
        assert cache.get("a") is None
        assert len(cache) == 3

    def test_get_makes_a_key_most_recently_used(self, kata: ModuleType) -> None:
        cache = filled(kata, 3, ["a", "b", "c"])
        assert cache.get("a") == "va"
        assert cache.keys() == ["b", "c", "a"]
        cache.put("d", "vd")
        assert "a" in cache, "'a' was just read: 'b' is the least recently used, not 'a'"
        assert "b" not in cache

    def test_replacing_refreshes_and_evicts_nothing(self, kata: ModuleType) -> None:
        cache = filled(kata, 3, ["a", "b", "c"])
        cache.put("a", "new")
        assert cache.keys() == ["b", "c", "a"], "put of an existing key makes it most recent"
        assert len(cache) == 3
        assert cache.get("a") == "new"
        cache.put("d", "vd")
        assert cache.keys() == ["c", "a", "d"]

    def test_contains_does_not_change_recency(self, kata: ModuleType) -> None:
        cache = filled(kata, 2, ["a", "b"])
        assert "a" in cache
        assert "zz" not in cache
        cache.put("c", "vc")
        assert cache.keys() == ["b", "c"], "'in' must not refresh 'a'"

    def test_get_default_and_falsy_values(self, kata: ModuleType) -> None:
        cache = kata.LRUCache(2)
        assert cache.get("nope") is None
        assert cache.get("nope", 0) == 0
        cache.put("none", None)
        cache.put("zero", 0)
        assert cache.get("none", "default") is None, "a cached None is a hit"
        assert cache.get("zero", "default") == 0
        assert "none" in cache

    def test_delete_clear_len(self, kata: ModuleType) -> None:
        cache = filled(kata, 3, [1, 2, 3])
        assert cache.delete(2) is True
        assert cache.delete(2) is False
        assert cache.keys() == [1, 3]
        assert len(cache) == 2
        cache.put(4, "v4")
        assert cache.keys() == [1, 3, 4], "after a delete there is room: nothing is evicted"
        cache.clear()
        assert len(cache) == 0
        assert cache.keys() == []
        assert cache.get(1) is None
        cache.put(5, "v5")
        assert cache.keys() == [5], "a cleared cache works as a new one"

    def test_capacity_one(self, kata: ModuleType) -> None:
        cache = filled(kata, 1, ["a"])
        cache.put("b", "vb")
        assert cache.keys() == ["b"]
        cache.put("b", "again")
        assert cache.get("b") == "again"
        assert len(cache) == 1

    def test_capacity_is_a_read_only_property(self, kata: ModuleType) -> None:
        cache = kata.LRUCache(7)
        assert cache.capacity == 7
        with pytest.raises(AttributeError):
            cache.capacity = 8
        assert cache.capacity == 7

    @pytest.mark.parametrize("capacity", ["3", 3.0, None, True, False, [3]])
    def test_capacity_of_the_wrong_type(self, kata: ModuleType, capacity: Any) -> None:
        with pytest.raises(TypeError, match="capacity"):
            kata.LRUCache(capacity)

    @pytest.mark.parametrize("capacity", [0, -1, -100])
    def test_capacity_below_one(self, kata: ModuleType, capacity: int) -> None:
        with pytest.raises(ValueError, match="capacity"):
            kata.LRUCache(capacity)

    def test_unhashable_key_changes_nothing(self, kata: ModuleType) -> None:
        cache = filled(kata, 2, ["a", "b"])
        for op in (
            lambda: cache.put(["x"], 1),
            lambda: cache.get(["x"]),
            lambda: cache.delete({"x": 1}),
            lambda: {"x"} in cache,
        ):
            with pytest.raises(TypeError):
                op()
        assert cache.keys() == ["a", "b"], "a failed call must not evict or reorder anything"
        assert cache.get("a") == "va"


# The "from scratch" rule: no OrderedDict, no functools cache, anywhere in the module.
FORBIDDEN_FUNCTOOLS = {"lru_cache", "cache", "_lru_cache_wrapper", "*"}


def forbidden_uses(source: str) -> list[str]:
    """Every place the source imports or touches OrderedDict or a functools cache."""
    tree = ast.parse(source)
    functools_names = set()  # names bound to the functools module: import functools as ft
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name in ("functools", "_functools"):
                    functools_names.add(alias.asname or alias.name)
    found = []
    for node in ast.walk(tree):
        where = f"line {getattr(node, 'lineno', '?')}"
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name in ("_functools", "_collections"):
                    found.append(f"{where}: import {alias.name}")
        elif isinstance(node, ast.ImportFrom):
            names = {alias.name for alias in node.names}
            if "OrderedDict" in names or (node.module in ("collections", "_collections")
                                          and "*" in names):
                found.append(f"{where}: from {node.module} import OrderedDict")
            if node.module in ("functools", "_functools") and names & FORBIDDEN_FUNCTOOLS:
                shown = ", ".join(sorted(names & FORBIDDEN_FUNCTOOLS))
                found.append(f"{where}: from {node.module} import {shown}")
        elif isinstance(node, ast.Name) and node.id == "OrderedDict":
            found.append(f"{where}: OrderedDict")
        elif isinstance(node, ast.Attribute):
            if node.attr in ("OrderedDict", "_lru_cache_wrapper"):
                found.append(f"{where}: .{node.attr}")
            elif (isinstance(node.value, ast.Name) and node.value.id in functools_names
                  and node.attr in FORBIDDEN_FUNCTOOLS):
                found.append(f"{where}: {node.value.id}.{node.attr}")
    return found


def forbidden_objects() -> list[Any]:
    objects: list[Any] = [collections.OrderedDict, typing.OrderedDict, functools.lru_cache,
                          functools.cache, functools._lru_cache_wrapper]
    try:
        import _functools

        objects.append(_functools._lru_cache_wrapper)
    except ImportError:  # pragma: no cover - CPython always has it
        pass
    return objects


def is_forbidden(value: Any) -> bool:
    if isinstance(value, collections.OrderedDict):
        return True
    if isinstance(value, type) and issubclass(value, collections.OrderedDict):
        return True
    if getattr(value, "__origin__", None) is collections.OrderedDict:  # typing.OrderedDict[...]
        return True
    wrapper_type = functools._lru_cache_wrapper
    if isinstance(wrapper_type, type) and isinstance(value, wrapper_type):
        return True
    return any(value is obj for obj in forbidden_objects())


def reachable(obj: Any) -> list[Any]:
    """The attribute values of an object (instance dict and slots) and closure cells."""
    values = []
    if hasattr(obj, "__dict__"):
        values += list(vars(obj).values())
    for klass in type(obj).__mro__:
        for slot in getattr(klass, "__slots__", ()):
            if isinstance(slot, str) and hasattr(obj, slot):
                values.append(getattr(obj, slot))
    for cell in getattr(obj, "__closure__", None) or ():
        with contextlib.suppress(ValueError):  # an empty cell has no contents
            values.append(cell.cell_contents)
    return values


@pytest.mark.part(1)
class TestPart1FromScratch:
    def test_source_uses_no_ordereddict_nor_functools_cache(self, kata: ModuleType) -> None:
        cache = kata.LRUCache(2)  # exercise the module too: a stub fails here
        cache.put("a", 1)
        assert cache.get("a") == 1
        source = inspect.getsource(kata)
        found = forbidden_uses(source)
        assert not found, (
            "the kata is an LRU from scratch: no collections.OrderedDict and no functools "
            "cache (lru_cache, cache, _lru_cache_wrapper). Found: " + "; ".join(found)
        )

    def test_module_objects_are_not_borrowed(self, kata: ModuleType) -> None:
        cache = kata.LRUCache(3)
        for key in "abcd":
            cache.put(key, key.upper())
        assert cache.keys() == ["b", "c", "d"]
        square = kata.lru_cache(maxsize=4)(lambda n: n * n)
        assert square(3) == 9
        assert not issubclass(kata.LRUCache, collections.OrderedDict)
        suspects = {
            "module global": list(vars(kata).items()),
            "LRUCache attribute": [(repr(v), v) for v in reachable(cache)],
            "lru_cache wrapper": [("the wrapper", square)]
            + [(repr(v)[:60], v) for v in reachable(square)],
        }
        bad = [f"{where} {name}" for where, pairs in suspects.items()
               for name, value in pairs if is_forbidden(value)]
        assert not bad, "OrderedDict or a functools cache found: " + ", ".join(bad)


# --- Part 2: lru_cache --------------------------------------------------------------------

# Values whose equality and types make keys interesting: 3 == 3.0, 1 == 1.0 == True.
ARG_VALUES = [0, 1, 3, 3.0, 1.0, True, False, "3", "a", None, (1, 2), "boom"]
UNHASHABLE_ARGS = [[1], {"k": 1}]


def twin(value: Any) -> Any:
    """An equal value of another type: 3 -> 3.0 -> 3, 1 -> 1.0 -> True -> 1, (1, 2) -> ..."""
    if type(value) is bool:
        return int(value)
    if type(value) is int:
        return float(value)
    if type(value) is float and value in (0.0, 1.0):
        return bool(value)
    if type(value) is float and value.is_integer():
        return int(value)
    if type(value) is tuple:
        return tuple(twin(v) for v in value)
    return value


Call = tuple[tuple[Any, ...], dict[str, Any]]


@st.composite
def one_call(draw: st.DrawFn) -> Call:
    values = st.sampled_from(ARG_VALUES)
    args = tuple(draw(values) for _ in range(draw(st.integers(0, 2))))
    names = draw(st.permutations("xyz"))[: draw(st.integers(0, 2))]
    return args, {name: draw(values) for name in names}


@st.composite
def call_sequences(draw: st.DrawFn) -> list[tuple[Any, ...]]:
    """Calls drawn from a small pool, so they repeat, plus near twins of each pool call:
    equal values of other types (3 and 3.0) and the same keywords in another order."""
    pool: list[Call] = []
    for args, kwargs in draw(st.lists(one_call(), min_size=1, max_size=4)):
        pool.append((args, kwargs))
        pool.append((tuple(twin(a) for a in args), {k: twin(v) for k, v in kwargs.items()}))
        if len(kwargs) > 1:
            pool.append((args, dict(reversed(kwargs.items()))))
    ops: list[tuple[Any, ...]] = []
    for _ in range(draw(st.integers(0, 30))):
        kind = draw(st.sampled_from(["call"] * 10 + ["clear", "unhashable"]))
        if kind == "clear":
            ops.append(("clear",))
            continue
        args, kwargs = draw(st.sampled_from(pool))
        if kind == "unhashable":
            bad = draw(st.sampled_from(UNHASHABLE_ARGS))
            if kwargs and draw(st.booleans()):
                kwargs = {**kwargs, next(iter(kwargs)): bad}
            else:
                args = (bad, *args)
        ops.append(("call", args, kwargs))
    return ops


def show_call(args: tuple[Any, ...], kwargs: dict[str, Any]) -> str:
    parts = [repr(a) for a in args] + [f"{k}={v!r}" for k, v in kwargs.items()]
    return f"f({', '.join(parts)})"


def make_subject() -> tuple[Callable[..., Any], list[str]]:
    """A function whose result shows which call computed it, and that can raise."""
    ran: list[str] = []

    def f(*args: Any, **kwargs: Any) -> str:
        ran.append(show_call(args, kwargs))
        if "boom" in args or "boom" in kwargs.values():
            raise ValueError(f"boom in {show_call(args, kwargs)}")
        return show_call(args, kwargs)

    return f, ran


def outcome(fn: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    try:
        return ("returned", fn(*args, **kwargs))
    except (TypeError, ValueError) as exc:
        return ("raised", type(exc).__name__)


MAXSIZES = st.sampled_from([None, -1, 0, 1, 2, 3, 128])


@pytest.mark.part(2)
class TestPart2Differential:
    @given(maxsize=MAXSIZES, typed=st.booleans(), ops=call_sequences())
    def test_cache_info_matches_functools(self, maxsize: int | None, typed: bool,
                                          ops: list[tuple[Any, ...]]) -> None:
        kata = load(KATA)
        ours_f, ours_ran = make_subject()
        std_f, std_ran = make_subject()
        ours = kata.lru_cache(maxsize=maxsize, typed=typed)(ours_f)
        std = functools.lru_cache(maxsize=maxsize, typed=typed)(std_f)
        history = [f"@lru_cache(maxsize={maxsize!r}, typed={typed!r})"]
        assert tuple(ours.cache_info()) == tuple(std.cache_info())
        for op in ops:
            if op[0] == "clear":
                ours.cache_clear()
                std.cache_clear()
                history.append("f.cache_clear()")
            else:
                _, args, kwargs = op
                history.append(show_call(args, kwargs))
                got, want = outcome(ours, args, kwargs), outcome(std, args, kwargs)
                assert got == want, (
                    f"{history[-1]} gave {got}, functools gives {want}; calls so far:\n  "
                    + "\n  ".join(history)
                )
                assert ours_ran == std_ran, (
                    f"the function ran for {ours_ran[-3:]}, with functools for {std_ran[-3:]}"
                )
            got_info, want_info = tuple(ours.cache_info()), tuple(std.cache_info())
            assert got_info == want_info, (
                f"cache_info() is {got_info}, functools gives {want_info} "
                "(hits, misses, maxsize, currsize) after:\n  " + "\n  ".join(history)
            )
        assert ours.cache_parameters() == std.cache_parameters()

    @pytest.mark.parametrize("maxsize", [None, 0, 1, 2, 3, 128])
    def test_recursion_through_the_decorated_name(self, kata: ModuleType,
                                                  maxsize: int | None) -> None:
        def build(decorator: Callable[..., Any]) -> Callable[[int], int]:
            @decorator(maxsize=maxsize)
            def fib(n: int) -> int:
                return n if n < 2 else fib(n - 1) + fib(n - 2)

            return fib

        ours, std = build(kata.lru_cache), build(functools.lru_cache)
        assert ours(18) == std(18) == 2584
        assert ours(12) == std(12)
        assert tuple(ours.cache_info()) == tuple(std.cache_info())  # type: ignore[attr-defined]

    def test_recursive_call_with_the_same_key(self, kata: ModuleType) -> None:
        """The key gets cached by an inner call while the outer call computes it."""

        def build(decorator: Callable[..., Any]) -> Callable[[int], str]:
            depth = 0

            @decorator(maxsize=2)
            def f(n: int) -> str:
                nonlocal depth
                depth += 1
                try:
                    if depth == 1:
                        f(n)  # the same key, computed and cached by the inner call
                        f(n + 1)
                    return f"depth {depth}"
                finally:
                    depth -= 1

            return f

        ours, std = build(kata.lru_cache), build(functools.lru_cache)
        assert ours(1) == std(1) == "depth 1"
        assert tuple(ours.cache_info()) == tuple(std.cache_info())  # type: ignore[attr-defined]
        assert ours(1) == std(1), "the entry the inner call stored is the one that stays"
        assert ours(7) == std(7)
        assert tuple(ours.cache_info()) == tuple(std.cache_info())  # type: ignore[attr-defined]


@pytest.mark.part(2)
class TestPart2Decorator:
    def test_bare_and_called_forms(self, kata: ModuleType) -> None:
        @kata.lru_cache
        def bare(x: int) -> int:
            return x + 1

        @kata.lru_cache()
        def called(x: int) -> int:
            return x + 1

        @kata.lru_cache(None, True)
        def positional(x: int) -> int:
            return x + 1

        for f in (bare, called, positional):
            assert f(1) == 2
            assert f(1) == 2
            assert f.cache_info().hits == 1
        assert bare.cache_parameters() == {"maxsize": 128, "typed": False}
        assert called.cache_parameters() == {"maxsize": 128, "typed": False}
        assert positional.cache_parameters() == {"maxsize": None, "typed": True}
        assert kata.lru_cache(maxsize=-5)(lambda: 0).cache_parameters() == {
            "maxsize": 0, "typed": False}

    def test_cache_info_is_a_named_tuple(self, kata: ModuleType) -> None:
        f = kata.lru_cache(maxsize=2)(lambda x: x)
        f(1)
        f(1)
        f(2)
        info = f.cache_info()
        assert info == (1, 2, 2, 2)
        assert info._fields == ("hits", "misses", "maxsize", "currsize")
        assert (info.hits, info.misses, info.maxsize, info.currsize) == (1, 2, 2, 2)
        assert info == functools.lru_cache(maxsize=2)(lambda x: x).cache_info()._replace(
            hits=1, misses=2, currsize=2)

    def test_cache_clear(self, kata: ModuleType) -> None:
        ran = []

        @kata.lru_cache(maxsize=3)
        def f(x: int) -> int:
            ran.append(x)
            return x

        f(1)
        f(2)
        f(1)
        f.cache_clear()
        assert tuple(f.cache_info()) == (0, 0, 3, 0)
        f(1)
        assert ran == [1, 2, 1], "after cache_clear() the function runs again"
        assert tuple(f.cache_info()) == (0, 1, 3, 1)

    def test_wraps_metadata(self, kata: ModuleType) -> None:
        def area(width: float, height: float = 1.0) -> float:
            """Width times height."""
            return width * height

        area.custom = "kept"  # type: ignore[attr-defined]
        for decorated in (kata.lru_cache(area), kata.lru_cache(maxsize=4)(area)):
            assert decorated.__wrapped__ is area
            assert decorated.__name__ == "area"
            assert decorated.__qualname__ == area.__qualname__
            assert decorated.__doc__ == "Width times height."
            assert decorated.__module__ == area.__module__
            assert decorated.__annotations__ == area.__annotations__
            assert decorated.custom == "kept"
            assert decorated(2, 3) == 6

    def test_typed_keeps_int_and_float_apart(self, kata: ModuleType) -> None:
        loose = kata.lru_cache(maxsize=8)(lambda x, y=0: (x, y))
        strict = kata.lru_cache(maxsize=8, typed=True)(lambda x, y=0: (x, y))
        for f in (loose, strict):
            f(3, 0)
            f(3.0, 0)
            f(x=3)
            f(x=3.0)
        assert tuple(loose.cache_info()) == (2, 2, 8, 2), "3 == 3.0: shared when not typed"
        assert tuple(strict.cache_info()) == (0, 4, 8, 4), "typed=True: 3 and 3.0 apart"

    def test_a_lone_int_or_str_argument_is_its_own_key(self, kata: ModuleType) -> None:
        """functools' quirk, which cache_info() parity includes: f(3) and f(3.0) differ.

        A lone positional int or str is used as the key itself, anything else goes in a
        tuple: 3 != (3.0,), while (True,) == (1.0,).
        """
        ours = kata.lru_cache(maxsize=8)(lambda *a: a)
        std = functools.lru_cache(maxsize=8)(lambda *a: a)
        for f in (ours, std):
            for arg in (3, 3.0, 1, True, 1.0, "3", 0, False):
                f(arg)
        assert tuple(std.cache_info()) == (1, 7, 8, 7)
        assert tuple(ours.cache_info()) == (1, 7, 8, 7), (
            "f(3), f(3.0), f(1), f(True), f(1.0), f('3'), f(0), f(False): only f(1.0) is a "
            "hit (it shares (1.0,) == (True,)); f(3) and f(3.0) are two entries")

    def test_keyword_order_distinguishes_calls(self, kata: ModuleType) -> None:
        f = kata.lru_cache(maxsize=8)(lambda **kw: sorted(kw.items()))
        f(a=1, b=2)
        f(b=2, a=1)
        f(a=1, b=2)
        assert tuple(f.cache_info()) == (1, 2, 8, 2), "as in functools, a=1, b=2 and b=2, a=1"

    @pytest.mark.parametrize("maxsize", [0, -1])
    def test_maxsize_zero_or_less_caches_nothing(self, kata: ModuleType, maxsize: int) -> None:
        ran = []

        @kata.lru_cache(maxsize=maxsize)
        def f(x: Any) -> int:
            ran.append(x)
            return len(ran)

        assert f(1) == 1
        assert f(1) == 2
        assert f([1, 2]) == 3, "no key is built: an unhashable argument is fine"
        assert tuple(f.cache_info()) == (0, 3, 0, 0)

    def test_maxsize_none_never_evicts(self, kata: ModuleType) -> None:
        f = kata.lru_cache(maxsize=None)(lambda x: x * 2)
        for x in range(500):
            f(x)
        for x in range(500):
            f(x)
        assert tuple(f.cache_info()) == (500, 500, None, 500)

    def test_exceptions_are_not_cached(self, kata: ModuleType) -> None:
        attempts = []

        @kata.lru_cache(maxsize=4)
        def flaky(x: int) -> int:
            attempts.append(x)
            if len(attempts) == 1:
                raise ValueError("first attempt fails")
            return x

        with pytest.raises(ValueError):
            flaky(5)
        assert flaky(5) == 5, "the failure was not cached: the function runs again"
        assert flaky(5) == 5
        assert attempts == [5, 5]
        assert tuple(flaky.cache_info()) == (1, 2, 4, 1)

    @pytest.mark.parametrize("maxsize", [None, 1, 128])
    def test_unhashable_argument(self, kata: ModuleType, maxsize: int | None) -> None:
        ran = []

        @kata.lru_cache(maxsize=maxsize)
        def f(*args: Any, **kwargs: Any) -> int:
            ran.append(args)
            return 1

        f(0)
        with pytest.raises(TypeError):
            f([1])
        with pytest.raises(TypeError):
            f(1, k={"a"})
        assert ran == [(0,)], "the function must not run for an unhashable argument"
        assert tuple(f.cache_info())[:2] == (0, 1)

    @pytest.mark.parametrize("maxsize", [True, False, "10", 1.5, [3]])
    def test_bad_maxsize(self, kata: ModuleType, maxsize: Any) -> None:
        with pytest.raises(TypeError, match="maxsize"):
            kata.lru_cache(maxsize=maxsize)
        with pytest.raises(TypeError, match="maxsize"):
            kata.lru_cache(maxsize)

    def test_decorated_method(self, kata: ModuleType) -> None:
        class Scaler:
            def __init__(self, factor: int) -> None:
                self.factor = factor

            @kata.lru_cache(maxsize=8)
            def scale(self, x: int) -> int:
                return x * self.factor

            def __hash__(self) -> int:
                return self.factor

        two, three = Scaler(2), Scaler(3)
        assert two.scale(5) == 10
        assert three.scale(5) == 15
        assert two.scale(5) == 10
        assert tuple(Scaler.scale.cache_info()) == (1, 2, 8, 2)


# --- Part 3: thread safety and O(1) -------------------------------------------------------

THREADS = 4
CALLS_PER_THREAD = 8_000


class SlowKey:
    """An argument whose hash and == run Python code, where the interpreter may switch
    threads: in the middle of a dict lookup inside the cache's critical section."""

    __slots__ = ("n",)

    def __init__(self, n: int) -> None:
        self.n = n

    def __hash__(self) -> int:
        return self.n % 3  # collisions, so lookups call __eq__ too

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SlowKey) and self.n == other.n

    def __repr__(self) -> str:
        return f"SlowKey({self.n})"


@pytest.mark.part(3)
@pytest.mark.parametrize("maxsize", [1, 3, 8, None])
def test_decorator_under_real_threads(kata: ModuleType, maxsize: int | None) -> None:
    @kata.lru_cache(maxsize=maxsize)
    def square(key: SlowKey) -> int:
        return key.n * key.n

    def worker(seed: int) -> None:
        rng = random.Random(seed)
        for i in range(CALLS_PER_THREAD):
            n = rng.randrange(12)  # a few keys, shared by every thread
            got = square(SlowKey(n))
            assert got == n * n, f"square({n}) returned {got}"
            if i % 25 == 0:
                size = square.cache_info().currsize
                assert maxsize is None or size <= maxsize, (
                    f"currsize {size} exceeds maxsize {maxsize} while threads run")

    # Switch threads as often as possible, so that races show up.
    run_together(worker, THREADS, switch_interval=1e-6)
    info = square.cache_info()
    assert info.hits + info.misses == THREADS * CALLS_PER_THREAD, (
        f"hits + misses is {info.hits + info.misses}, but there were "
        f"{THREADS * CALLS_PER_THREAD} calls: counters lost updates")
    assert maxsize is None or info.currsize <= maxsize
    assert info.currsize <= 12
    assert all(square(SlowKey(n)) == n * n for n in range(12))


def _time_mix(cache: Any, keys: list[int], fresh: int, budget: float) -> float:
    """Seconds per operation over a get / replace / insert (evicting) / delete mix.

    Stops early once ``budget`` seconds are spent (a slow cache has shown it is slow).
    """
    get, put, delete = cache.get, cache.put, cache.delete
    done = 0
    start = time.perf_counter()
    for i, key in enumerate(keys):
        get(key)
        put(key, i)
        new_key = fresh - i
        put(new_key, i)  # a new key: evicts the least recently used one when full
        if i % 2:
            delete(new_key)
        done += 4
        if i % 16 == 0 and time.perf_counter() - start > budget:
            break
    return (time.perf_counter() - start) / done


@pytest.mark.part(3)
def test_operations_stay_constant_time_as_the_cache_grows(kata: ModuleType) -> None:
    small_n, large_n, steps, rounds, limit = 1_000, 100_000, 1_000, 5, 20.0
    rng = random.Random(5)
    gc_was_enabled = gc.isenabled()
    gc.disable()  # 100k objects: keep the collector's pauses out of the timings
    try:
        small, large = kata.LRUCache(small_n), kata.LRUCache(large_n)
        for key in range(small_n):
            small.put(key, key)
        for key in range(large_n):
            large.put(key, key)
        best_small = best_large = float("inf")
        for r in range(rounds):
            fresh = -1 - r * steps  # new keys: negative, never used before
            small_keys = [rng.randrange(small_n) for _ in range(steps)]
            large_keys = [rng.randrange(large_n) for _ in range(steps)]
            best_small = min(best_small, _time_mix(small, small_keys, fresh, 1.0))
            budget = limit * 2 * best_small * 4 * steps
            best_large = min(best_large, _time_mix(large, large_keys, fresh, budget))
    finally:
        if gc_was_enabled:
            gc.enable()
    ratio = best_large / best_small
    assert ratio < limit, (
        f"an operation takes {ratio:.0f}x longer with {large_n:,} keys than with "
        f"{small_n:,} ({best_large * 1e6:.2f} us vs {best_small * 1e6:.2f} us): every "
        f"operation must be O(1), but something scans the entries (limit {limit:.0f}x)"
    )
