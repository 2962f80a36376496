"""redis_cache: a Redis caching decorator (the contract: katas/redis_cache.py).

Part 1: keys and caching (canonical keys, falsy results, TTL set with SET PX, JSON values,
        cache_info, at most two commands per hit, argument checks).
Part 2: serializers, corrupt entries, invalidate / invalidate_all (generation), cache_key.
Part 3: fail open when Redis is unavailable; invalidations raise.

Every key a test writes contains its backend's namespace (``prefix=redis_backend.key(..)``).
"""

from __future__ import annotations

import copy
import enum
import json
import logging
import math
import os
import pickle
import re
import subprocess
import sys
import zlib
from collections import namedtuple
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import redis
from hypothesis import given, note, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from tests.support import targets
from tests.support.recording import record
from tests.support.redis_backends import (
    REDIS_URL,
    RedisBackend,
    RedisProcess,
    closed_port_client,
    describe_slots,
    key_slot,
    keys_of,
    start_servers,
)
from tests.support.sentinels import MISSING
from tests.support.targets import load
from tests.support.threads import run_together
from tests.support.waiting import wait_until

KATA = "redis_cache"

# What "Redis is unavailable" means in the contract (Part 3).
REDIS_DOWN = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError)

FALSY = [None, 0, "", [], False, {}]


# --------------------------------------------------------------------------- helpers


class Counted:
    """A function that counts its calls and returns ``result(*args, **kwargs)``."""

    def __init__(self, result: Callable[..., Any] = lambda *a, **k: [a, k]) -> None:
        self.calls = 0
        self.result = result

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        self.calls += 1
        return self.result(*args, **kwargs)


def counted(
    kata: Any, client: redis.Redis, prefix: str, result: Callable[..., Any] | None = None, **kw: Any
) -> tuple[Any, Counted]:
    """``f(x, y="d")`` decorated with ``redis_cache``; returns (wrapper, call counter)."""
    counter = Counted(result) if result is not None else Counted(lambda x, y: [x, y])

    def f(x: Any = 1, y: Any = "d") -> Any:
        return counter(x, y)

    return kata.redis_cache(client, prefix=prefix, **kw)(f), counter


def text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


# Commands whose arguments after the name are all keys, and the script calls (keys_of).
MULTI_KEY = ("MGET", "DEL", "UNLINK", "EXISTS", "TOUCH", "WATCH",
             "EVAL", "EVALSHA", "EVAL_RO", "EVALSHA_RO", "FCALL")
ONE_TAG = ("Redis Cluster refuses a command or script whose keys are in different hash "
           "slots (CROSSSLOT), and a hit reads the generation with the entry: give every "
           "key the prefix as its hash tag, '{<prefix>}:generation' and "
           "'{<prefix>}:<generation>:<digest>'")


def in_one_slot(keys: list[str]) -> bool:
    return len({key_slot(key) for key in keys}) <= 1


def tagged(prefix: str) -> str:
    """How every key of ``prefix`` begins: the prefix as a hash tag, ``{prefix}``."""
    return "{" + prefix + "}"


def raw(backend: RedisBackend, key: str) -> bytes | None:
    """The stored bytes of ``key``, read with a decode_responses=False client."""
    value: bytes | None = backend.client().get(key)
    return value


def as_bytes(payload: str | bytes) -> bytes:
    return payload.encode() if isinstance(payload, str) else payload


def other_keys(backend: RedisBackend, client: redis.Redis) -> list[str]:
    """This test's keys, leaving out at most one integer-valued key (the generation)."""
    keys = backend.keys()
    plain = [k for k in keys if client.pttl(k) == -1]
    assert len(plain) <= 1, f"keys without a TTL: {plain} (only the generation may have none)"
    for k in plain:
        value = text(client.get(k))
        assert value.lstrip("-").isdigit(), f"key {k} has no TTL but holds {value!r}, not a number"
    return [k for k in keys if k not in plain]


def warned(caplog: pytest.LogCaptureFixture) -> bool:
    return any(r.levelno >= logging.WARNING for r in caplog.records)


def warning_naming(caplog: pytest.LogCaptureFixture, *parts: str) -> str | None:
    """The first warning logged whose text contains every one of ``parts``, or None."""
    for message in warnings_logged(caplog):
        if all(part in message for part in parts):
            return message
    return None


def warnings_logged(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]


def fails_open(call: Callable[[], Any], what: str) -> Any:
    """``call()``'s result; a Redis outage escaping from it fails the test in cache terms."""
    try:
        return call()
    except REDIS_DOWN as exc:
        error = exc
    # Failed outside the except block, so the outage is not printed before the diagnosis.
    pytest.fail(
        f"{what} raised {type(error).__name__} while Redis was unavailable: a cache call "
        f"must fail open (run the function, return its result, log a warning): {error}",
        pytrace=False,
    )


def must_raise(call: Callable[[], Any], what: str,
               why: str = "an invalidation must raise (the caller must know that the stale "
                          "entry may still be there)") -> None:
    """A call with Redis unavailable that must raise a Redis error, never pass silently."""
    try:
        call()
    except redis.exceptions.RedisError:
        return
    pytest.fail(f"{what} returned while Redis was unavailable: {why}", pytrace=False)


# The commands that can read the cache: GETs, or a script reading generation and entry.
READS = ("GET", "MGET", "EVAL", "EVALSHA")


def fail_on(client: redis.Redis, exc: Exception, only: tuple[str, ...] | None = None) -> None:
    """Make ``client`` raise ``exc`` for every command (or only commands named in ``only``)."""
    send = client.execute_command

    def execute_command(*args: Any, **options: Any) -> Any:
        if only is None or text(args[0]).upper() in only:
            raise exc
        return send(*args, **options)

    client.execute_command = execute_command  # type: ignore[method-assign]
    if only is None:

        def pipeline(*args: Any, **kwargs: Any) -> Any:
            raise exc

        client.pipeline = pipeline  # type: ignore[method-assign]


# Encodable argument values, and a test-side notion of "the same argument".
# Lone surrogates are left out: they are str, but no client can send them to Redis as UTF-8.
characters = st.characters(exclude_categories=["Cs"])
scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False)
    | st.text(characters, max_size=6)
)
encodable = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.lists(inner, max_size=3).map(tuple)
        | st.dictionaries(st.text(characters, max_size=3), inner, max_size=3)
    ),
    max_leaves=6,
)


def ident(value: Any) -> Any:
    """Hashable identity of an argument: type-strict (1, 1.0, True, "1" differ), list != tuple."""
    if isinstance(value, float):
        return ("float", value.hex())
    if isinstance(value, (list, tuple)):
        return (type(value).__name__, tuple(ident(v) for v in value))
    if isinstance(value, dict):
        return ("dict", frozenset((k, ident(v)) for k, v in value.items()))
    return (type(value).__name__, value)


def rebuilt(value: Any) -> Any:
    """An equal copy of ``value`` built anew, with every dict in reversed insertion order."""
    if isinstance(value, list):
        return [rebuilt(v) for v in value]
    if isinstance(value, tuple):
        return tuple(rebuilt(v) for v in value)
    if isinstance(value, dict):
        return {k: rebuilt(value[k]) for k in reversed(list(value))}
    return copy.copy(value)


def set_px_calls(log: Any, key: str) -> list[tuple[Any, ...]]:
    return [c for c in log.calls if text(c[0]).upper() == "SET" and text(c[1]) == key]


def px_of(set_call: tuple[Any, ...]) -> int | None:
    """The PX milliseconds of a recorded SET, or None if it has no PX."""
    args = [text(a).upper() for a in set_call[3:]]
    return int(args[args.index("PX") + 1]) if "PX" in args else None


# =========================================================================== Part 1


class Color(enum.IntEnum):
    RED = 1


class Name(str):
    """A str subclass: equal to its text, but not the exact type ``str``."""


Point = namedtuple("Point", "x y")


@pytest.mark.part(1)
class TestPart1Keys:
    def test_arguments_are_bound_with_defaults(self, kata, redis_backend):
        client = redis_backend.client()
        f, fn = counted(kata, client, redis_backend.key("f"))
        calls = [((1,), {}), ((), {"x": 1}), ((), {}), ((1, "d"), {}), ((), {"y": "d"}),
                 ((), {"y": "d", "x": 1}), ((1,), {"y": "d"})]
        results = [f(*a, **k) for a, k in calls]
        assert fn.calls == 1, (
            "f(1), f(x=1), f(), f(1, 'd'), f(y='d') ... are the same call of f(x=1, y='d') "
            f"and must share one entry, but the function ran {fn.calls} times (bind each call "
            "to the signature, defaults applied)"
        )
        assert all(r == [1, "d"] for r in results), results
        keys = {f.cache_key(*a, **k) for a, k in calls}
        assert len(keys) == 1, f"cache_key() differs between equivalent calls: {keys}"
        assert f.cache_info() == (len(calls) - 1, 1)

    def test_type_distinct_arguments_never_collide(self, kata, redis_backend):
        client = redis_backend.client()
        values = [1, "1", 1.0, True, [1], (1,), None, {"1": 1}, 0, False, "", [], (), {},
                  0.0, [[1]], [(1,)], ["1"], {"1": "1"}, {"1": [1]}, {"1": (1,)}, "None",
                  "true", "[1]", 2**70, float(2**70), -0.0]

        def describe(x: Any, y: Any) -> str:
            return f"{type(x).__name__}:{x!r}"

        f, fn = counted(kata, client, redis_backend.key("f"), result=describe)
        keys = [f.cache_key(v) for v in values]
        for i, a in enumerate(values):
            for b, kb in zip(values[i + 1 :], keys[i + 1 :], strict=True):
                assert keys[i] != kb, (
                    f"f({a!r}) and f({b!r}) got the same key {kb}: arguments of different "
                    "types (or values) must never share an entry")
        for v in values:
            assert f(v) == describe(v, None), f"f({v!r}) returned another argument's result"
        assert fn.calls == len(values), "distinct arguments must each run the function once"
        for v in values:
            assert f(v) == describe(v, None), f"second f({v!r}) returned {f(v)!r}"
        assert fn.calls == len(values), "second round must be served from the cache"

    def test_distinct_arguments_give_distinct_keys(self, kata, redis_backend):
        f, _ = counted(kata, redis_backend.client(), redis_backend.key("f"))

        @given(pairs=st.lists(st.tuples(encodable, encodable), max_size=5,
                              unique_by=lambda p: (ident(p[0]), ident(p[1]))))
        def check(pairs: list[tuple[Any, Any]]) -> None:
            seen: dict[str, Any] = {}
            for pair in pairs:
                key = f.cache_key(*pair)
                assert key not in seen, f"f{seen[key]!r} and f{pair!r} share the key {key}"
                seen[key] = pair

        check()

    def test_equal_arguments_give_equal_keys(self, kata, redis_backend):
        f, _ = counted(kata, redis_backend.client(), redis_backend.key("f"))

        @given(x=encodable, y=encodable)
        def check(x: Any, y: Any) -> None:
            x2, y2 = rebuilt(x), rebuilt(y)
            assert f.cache_key(x, y) == f.cache_key(x2, y2), (
                f"f({x!r}, {y!r}) and f({x2!r}, {y2!r}) got different keys, but their "
                "arguments are equal (built anew, every dict in reverse insertion order)")
            assert f.cache_key(x, y) == f.cache_key(y=y2, x=x2), (
                f"f({x!r}, {y!r}) and f(y={y2!r}, x={x2!r}) got different keys: the same call")

        check()

    def test_kwargs_order_is_irrelevant(self, kata, redis_backend):
        client = redis_backend.client()
        fn = Counted()

        def g(*args: Any, **kwargs: Any) -> Any:
            return fn(*args, **kwargs)

        g = kata.redis_cache(client, prefix=redis_backend.key("g"))(g)
        assert g.cache_key(a=1, b=2) == g.cache_key(b=2, a=1)
        assert g.cache_key(1, a=[1], b={"p": 1, "q": 2}) == g.cache_key(
            1, b={"q": 2, "p": 1}, a=[1]
        )
        assert g.cache_key(a=1, b=2) != g.cache_key(a=2, b=1)
        assert g.cache_key(1, 2) != g.cache_key((1, 2))
        assert g.cache_key(1, 2) != g.cache_key(2, 1)
        assert g.cache_key(a=1) != g.cache_key(1)
        g(a=1, b=2)
        g(b=2, a=1)
        assert fn.calls == 1, "g(a=1, b=2) and g(b=2, a=1) must share one entry"

    def test_keys_start_with_the_prefix(self, kata, redis_backend):
        client = redis_backend.client()
        prefix = redis_backend.key("f")
        f, _ = counted(kata, client, prefix)
        begins = f"{tagged(prefix)}:"
        assert f.cache_key(1).startswith(begins), (
            f"cache_key(1) is {f.cache_key(1)!r}; keys begin with the prefix in a hash tag, "
            f"{begins!r}")
        f(1)
        f(2, y=[3])
        keys = redis_backend.keys()
        assert keys, "calling f wrote nothing to Redis"
        for key in keys:
            assert key.startswith(begins), f"key {key} does not start with {begins}"
        assert client.exists(f.cache_key(1)), "cache_key(1) is not the key f(1) wrote"

    def test_default_prefix_is_module_and_qualname(self, kata, redis_backend):
        client = redis_backend.client()

        def f(x: int) -> int:
            return x

        f.__qualname__ = f"f_{redis_backend.namespace}"  # keeps the test's keys namespaced
        wrapped = kata.redis_cache(client)(f)
        prefix = f"{tagged(f'cache:{f.__module__}.{f.__qualname__}')}:"
        assert wrapped.cache_key(1).startswith(prefix), wrapped.cache_key(1)
        assert wrapped(1) == 1
        assert client.exists(wrapped.cache_key(1))
        written = redis_backend.keys()
        assert all(k.startswith(prefix) for k in written), written

    def test_keys_are_stable_across_processes(self, kata, redis_backend):
        """Two interpreters with different hash seeds compute the same keys."""
        prefix = redis_backend.key("stable")
        cases = [
            (("abc",), {}),
            (("a", ("b", 1)), {}),
            ((1.5, {"k": "v", "w": ["x"]}), {"z": [1, "x"], "q": ("r",)}),
            ((None, True), {}),
            (((), [[]]), {"s": "", "t": {"u": None}}),
        ]
        url = REDIS_URL if redis_backend.kind == "real" else ""
        client = redis.Redis.from_url(url) if url else RedisBackend.fake().client()
        try:
            here = [self._key(kata, client, prefix, a, k) for a, k in cases]
        finally:
            client.close()
        path = targets.current().module_path(KATA)
        assert path is not None
        script = (
            "import ast, importlib.util, json, sys\n"
            "path, prefix, url, cases = sys.argv[1:]\n"
            "spec = importlib.util.spec_from_file_location('_redis_cache_subprocess', path)\n"
            "mod = importlib.util.module_from_spec(spec)\n"
            "sys.modules[spec.name] = mod\n"
            "spec.loader.exec_module(mod)\n"
            "if url:\n"
            "    import redis\n"
            "    client = redis.Redis.from_url(url)\n"
            "else:\n"
            "    import fakeredis\n"
            "    client = fakeredis.FakeRedis()\n"
            "def f(x, y=None, *args, **kwargs):\n"
            "    return None\n"
            "f = mod.redis_cache(client, prefix=prefix)(f)\n"
            "print(json.dumps([f.cache_key(*a, **k) for a, k in ast.literal_eval(cases)]))\n"
        )
        procs = []
        for seed in ("1", "2"):
            env = dict(os.environ, PYTHONHASHSEED=seed)
            procs.append(subprocess.Popen(
                [sys.executable, "-c", script, str(path), prefix, url, repr(cases)],
                env=env, cwd=targets.ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                text=True,
            ))
        for seed, proc in zip(("1", "2"), procs, strict=True):
            out, err = proc.communicate(timeout=60)
            assert proc.returncode == 0, f"subprocess failed:\n{err}"
            there = json.loads(out)
            assert there == here, (
                f"keys differ in a process with PYTHONHASHSEED={seed} (hash() or id() "
                f"in the key?):\nhere:  {here}\nthere: {there}"
            )

    @staticmethod
    def _key(kata: Any, client: redis.Redis, prefix: str, args: Any, kwargs: Any) -> str:
        def f(x: Any, y: Any = None, *args: Any, **kwargs: Any) -> None:
            return None

        return str(kata.redis_cache(client, prefix=prefix)(f).cache_key(*args, **kwargs))

    def test_key_is_prefix_generation_and_sha256_digest(self, kata, redis_backend):
        prefix = redis_backend.key("f")
        f, _ = counted(kata, redis_backend.client(), prefix)
        for args in (("secret-token-123",), (1,), ([{"user": "ada"}], ("x" * 500,))):
            key = f.cache_key(*args)
            assert isinstance(key, str), f"cache_key{args!r} returned {key!r}, not a str"
            begins = f"{tagged(prefix)}:"
            assert key.startswith(begins), (
                f"cache_key{args!r} is {key!r}, expected it to begin with {begins!r}: the "
                "prefix in a hash tag, f'{{{prefix}}}:{generation}:{digest}'")
            generation, _, digest = key.removeprefix(begins).rpartition(":")
            assert generation.isdigit(), (
                f"cache_key{args!r} is {key!r}: after the prefix comes the generation (a "
                f"number, 0 while {begins + 'generation'!r} is absent), then the digest: "
                "f'{{{prefix}}}:{generation}:{digest}'")
            assert re.fullmatch("[0-9a-f]{64}", digest), (
                f"cache_key{args!r} ends with {digest!r}: the digest is the SHA-256 hex (64 "
                "characters) of the canonical text: fixed length, no argument data in keys")

    @pytest.mark.parametrize(
        "bad",
        [object(), {1, 2}, {1: "a"}, [object()], b"bytes", ({"a": {2: 3}},), frozenset(),
         1j, [1, {None: 1}], Color.RED, Name("ada"), [Point(1, 2)]],
        ids=["object", "set", "int-keyed dict", "list of object", "bytes", "nested int key",
             "frozenset", "complex", "dict with None key", "IntEnum", "str subclass",
             "namedtuple"],
    )
    def test_unencodable_argument_raises_type_error_before_the_call(
        self, kata, redis_backend, bad
    ):
        client = redis_backend.client()
        fn = Counted()

        def f(payload: Any) -> Any:
            return fn(payload)

        f = kata.redis_cache(client, prefix=redis_backend.key("f"))(f)
        with pytest.raises(TypeError, match="payload"):
            f(bad)
        assert fn.calls == 0, f"the function ran for the unencodable argument {bad!r}"
        with pytest.raises(TypeError, match="payload"):
            f.cache_key(bad)
        assert other_keys(redis_backend, client) == [], "nothing may be cached"

    @pytest.mark.parametrize("bad", [{1, 2}, b"bytes", object(), 1j],
                             ids=["set", "bytes", "object", "complex"])
    def test_the_type_error_names_the_type(self, kata, redis_backend, bad):
        f, _ = counted(kata, redis_backend.client(), redis_backend.key("f"))
        kind = type(bad).__name__
        with pytest.raises(TypeError) as raised:
            f(bad)
        message = str(raised.value)
        assert kind in message, (
            f"f({bad!r}) raised TypeError({message!r}), which does not say what it cannot use: "
            f"the message names the parameter and the type ({kind!r}), as in \"argument "
            "'user': cannot use a set in a cache key\"")

    def test_a_call_that_does_not_bind_raises_type_error(self, kata, redis_backend):
        f, fn = counted(kata, redis_backend.client(), redis_backend.key("f"))
        with pytest.raises(TypeError):
            f(1, 2, 3)
        with pytest.raises(TypeError):
            f(z=1)
        assert fn.calls == 0

    def test_nan_and_infinities_are_encodable(self, kata, redis_backend):
        f, fn = counted(kata, redis_backend.client(), redis_backend.key("f"),
                        result=lambda x, y: "ok")
        for value in (math.inf, -math.inf, math.nan):
            assert f(value) == "ok"
            assert f(float(str(value))) == "ok"
        assert fn.calls == 3, "inf, -inf and nan are three arguments, each cached once"


class NotASerializer:
    """No dumps, no loads."""

    def __repr__(self) -> str:
        return "NotASerializer()"


class LoadsNotCallable(NotASerializer):
    """A serializer whose ``loads`` is not a method: the decorator must refuse it."""

    loads = "json"

    def dumps(self, obj: Any) -> str:
        return json.dumps(obj)

    def __repr__(self) -> str:
        return "LoadsNotCallable()"


@pytest.mark.part(1)
class TestPart1Caching:
    def test_the_value_is_json_by_default(self, kata, redis_client, redis_backend):
        result = {"name": "Ada", "tags": ["a", "b"], "n": 3, "f": 0.5, "ok": True, "no": None}
        f, _ = counted(kata, redis_client, redis_backend.key("f"), result=lambda x, y: result)
        f("ada")
        stored = raw(redis_backend, f.cache_key("ada"))
        assert stored is not None, "no entry at cache_key('ada') after f('ada')"
        try:
            decoded = json.loads(stored)
        except ValueError:
            decoded = MISSING
        assert decoded == result, (
            f"the entry is not the result as JSON: {stored[:24]!r}... (the default serializer is "
            "JSON, which any process can read; never pickle, which runs code on load)"
        )

    def test_a_hit_is_served_from_redis_and_counted(self, kata, redis_client, redis_backend):
        f, fn = counted(kata, redis_client, redis_backend.key("f"),
                        result=lambda x, y: {"x": x, "items": [1, 2.5, "s", None]})
        first = f(7)
        second = f(7)
        assert first == second == {"x": 7, "items": [1, 2.5, "s", None]}
        assert fn.calls == 1, "the second f(7) must be a hit"
        info = f.cache_info()
        assert type(info).__name__ == "CacheInfo" and info._fields == ("hits", "misses")
        assert (info.hits, info.misses) == (1, 1), f"cache_info() = {info}"
        f(8)
        assert f.cache_info() == (1, 2)

    @pytest.mark.parametrize("value", FALSY, ids=repr)
    def test_falsy_results_are_cached(self, kata, redis_client, redis_backend, value):
        f, fn = counted(kata, redis_client, redis_backend.key("f"), result=lambda x, y: value)
        assert f(1) == value
        got = f(1)
        assert fn.calls == 1, (
            f"a cached {value!r} was treated as a miss and recomputed: a miss is \"no entry\", "
            "whatever the value")
        assert type(got) is type(value) and got == value, f"hit returned {got!r}"
        assert f.cache_info() == (1, 1)

    def test_written_with_one_set_px(self, kata, redis_client, redis_backend):
        f, _ = counted(kata, redis_client, redis_backend.key("f"), ttl=1.5)
        log = record(redis_client)
        f(1)
        names = log.names()
        key = f.cache_key(1)
        expiring = {"EXPIRE", "PEXPIRE", "EXPIREAT", "PEXPIREAT", "SETEX", "PSETEX", "GETEX"}
        assert not expiring & set(names), f"the TTL must be set by the SET itself: {log}"
        sets = set_px_calls(log, key)
        assert len(sets) == 1, f"the entry must be written by exactly one SET: {log}"
        args = [text(a).upper() for a in sets[0][3:]]
        assert "PX" in args, f"the SET must carry PX: {sets[0]}"
        assert int(args[args.index("PX") + 1]) == 1500, f"PX is milliseconds: {sets[0]}"

    @pytest.mark.parametrize("ttl", [300, 0.25, 1.5, 2])
    def test_the_entry_has_the_ttl(self, kata, redis_client, redis_backend, ttl):
        f, _ = counted(kata, redis_client, redis_backend.key("f"), ttl=ttl)
        f(1)
        pttl = redis_client.pttl(f.cache_key(1))
        assert 0 < pttl <= ttl * 1000, f"ttl={ttl}: PTTL of the entry is {pttl} ms"
        assert pttl >= ttl * 1000 - 2000, f"ttl={ttl}: PTTL {pttl} ms is far too short"

    @pytest.mark.parametrize(
        ("ttl", "px"),
        [(0.0004, 1), (1e-9, 1), (0.0012, 1), (0.0016, 2), (0.25, 250), (2, 2000),
         (1.2344, 1234), (1.2346, 1235)],
        ids=lambda v: repr(v))
    def test_the_ttl_is_rounded_to_whole_milliseconds(self, kata, redis_backend, ttl, px):
        client = redis_backend.client()
        f, fn = counted(kata, client, redis_backend.key("f"), ttl=ttl)
        log = record(client)
        try:
            f(1)
        except redis.exceptions.ResponseError as exc:
            error = exc
        else:
            error = None
        written = [px_of(c) for c in log.calls if text(c[0]).upper() == "SET"]
        if error is not None:
            pytest.fail(
                f"f(1) with ttl={ttl!r} raised ResponseError({error}); it sent {log} (PX "
                f"{written}): the ttl is rounded to the nearest millisecond, and at least 1 "
                "(Redis rejects PX 0)", pytrace=False)
        assert fn.calls == 1
        assert written == [px], (
            f"ttl={ttl!r} was written with PX {written}, expected [{px}]: the nearest whole "
            "millisecond, and at least 1")

    def test_default_ttl_is_300_seconds(self, kata, redis_backend):
        client = redis_backend.client()
        f = kata.redis_cache(client, prefix=redis_backend.key("f"))(lambda: 1)
        f()
        pttl = client.pttl(f.cache_key())
        assert 290_000 < pttl <= 300_000, f"PTTL {pttl} ms, expected about 300 s"

    def test_the_entry_really_expires(self, kata, redis_backend):
        client = redis_backend.client()
        f, fn = counted(kata, client, redis_backend.key("f"), ttl=0.2)
        f(1)
        key = f.cache_key(1)
        wait_until(lambda: not client.exists(key), 5, "the entry with ttl=0.2 to expire")
        f(1)
        assert fn.calls == 2, "after expiry the call must run the function again"

    def test_a_hit_costs_at_most_two_commands(self, kata, redis_client, redis_backend):
        f, fn = counted(kata, redis_client, redis_backend.key("f"))
        f("a", y=[1, 2])
        log = record(redis_client)
        f("a", y=[1, 2])
        assert fn.calls == 1
        assert log.round_trips <= 2, f"a hit sent {log.round_trips} commands: {log}"

    def test_every_key_has_a_ttl_except_the_generation(self, kata, redis_backend):
        client = redis_backend.client()
        f, _ = counted(kata, client, redis_backend.key("f"), ttl=30)
        for x in range(3):
            f(x)
        assert other_keys(redis_backend, client), "the entries are missing"
        for key in other_keys(redis_backend, client):
            assert 0 < client.pttl(key) <= 30_000, f"key {key} has PTTL {client.pttl(key)}"

    def test_concurrent_calls_are_all_counted(self, kata, redis_backend):
        client = redis_backend.client()
        f, _ = counted(kata, client, redis_backend.key("f"), result=lambda x, y: x * 10)
        threads_n, calls_n = 8, 40

        def worker(seed: int) -> None:
            for i in range(calls_n):
                x = (seed + i) % 5
                got = f(x)
                assert got == x * 10, f"f({x}) returned {got!r} in a thread"

        run_together(worker, threads_n)
        info = f.cache_info()
        assert info.hits + info.misses == threads_n * calls_n, (
            f"cache_info() = {info}: {threads_n * calls_n} calls must all be counted"
        )
        assert info.misses >= 5

    @pytest.mark.parametrize(
        ("kwargs", "error", "name"),
        [
            ({"ttl": 0}, ValueError, "ttl"),
            ({"ttl": -1}, ValueError, "ttl"),
            ({"ttl": math.nan}, ValueError, "ttl"),
            ({"ttl": math.inf}, ValueError, "ttl"),
            ({"ttl": "5"}, TypeError, "ttl"),
            ({"ttl": True}, TypeError, "ttl"),
            ({"ttl": None}, TypeError, "ttl"),
            ({"prefix": 5}, TypeError, "prefix"),
            ({"prefix": ""}, ValueError, "prefix"),
            ({"serializer": NotASerializer()}, TypeError, "serializer"),
            ({"serializer": json.dumps}, TypeError, "serializer"),
            ({"serializer": LoadsNotCallable()}, TypeError, "serializer"),
        ],
        ids=lambda v: repr(v) if isinstance(v, dict) else None,
    )
    def test_bad_arguments_fail_at_once(self, kata, redis_backend, kwargs, error, name):
        with pytest.raises(error, match=name):
            kata.redis_cache(redis_backend.client(), **kwargs)
        assert redis_backend.keys() == []

    def test_the_wrapper_carries_the_function_metadata(self, kata, redis_backend):
        def lookup(user_id: int) -> dict[str, int]:
            """Fetch a user."""
            return {"id": user_id}

        wrapped = kata.redis_cache(redis_backend.client(), prefix=redis_backend.key("f"))(lookup)
        for attribute in ("__name__", "__qualname__", "__doc__", "__module__"):
            got, want = getattr(wrapped, attribute, MISSING), getattr(lookup, attribute)
            assert got == want, (
                f"the wrapper's {attribute} is {got!r}, expected {want!r}: it carries the "
                "function's metadata (functools.update_wrapper)")
        assert getattr(wrapped, "__wrapped__", None) is lookup, (
            "the wrapper's __wrapped__ is not the decorated function (functools.update_wrapper)")

    def test_json_serializer(self, kata):
        serializer = kata.JsonSerializer()
        text_form = serializer.dumps({"name": "Ådä", "ids": (1, 2), "none": None})
        assert isinstance(text_form, str), f"JsonSerializer.dumps returned {text_form!r}"
        want = {"name": "Ådä", "ids": [1, 2], "none": None}
        assert json.loads(text_form) == want, f"dumps gave {text_form!r}, not that JSON"
        for data in (text_form, text_form.encode()):
            got = serializer.loads(data)
            assert got == want, f"JsonSerializer.loads({data!r}) returned {got!r}"
        for bad in ({1, 2}, b"bytes", NotASerializer()):
            try:
                got = serializer.dumps(bad)
            except TypeError:
                continue
            pytest.fail(
                f"JsonSerializer().dumps({bad!r}) returned {got!r}: it raises TypeError for "
                "what JSON cannot encode (a fallback such as default=str caches a different "
                "value than the function returned)", pytrace=False)


# =========================================================================== Part 2


class StrSerializer:
    """dumps -> str: a tagged text format."""

    def dumps(self, obj: Any) -> str:
        return "S" + json.dumps(obj)

    def loads(self, data: str | bytes) -> Any:
        data = text(data)
        if not data.startswith("S"):
            raise ValueError("not mine")
        return json.loads(data[1:])


class BytesSerializer:
    """dumps -> bytes; an empty string result is stored as an empty value."""

    def dumps(self, obj: Any) -> bytes:
        if not isinstance(obj, str):
            raise TypeError(f"only str, not {type(obj).__name__}")
        return obj.encode()

    def loads(self, data: str | bytes) -> Any:
        return text(data)


class ReturnsThis:
    """A broken serializer: ``dumps`` returns ``payload`` whatever it is given."""

    def __init__(self, payload: Any) -> None:
        self.payload = payload

    def dumps(self, obj: Any) -> Any:
        return self.payload

    def loads(self, data: Any) -> Any:
        return json.loads(data)


class RecordingSerializer:
    """JSON text, remembering the type of every value ``loads`` is given."""

    def __init__(self) -> None:
        self.loaded: list[type] = []

    def dumps(self, obj: Any) -> str:
        return json.dumps(obj)

    def loads(self, data: Any) -> Any:
        self.loaded.append(type(data))
        return json.loads(data)


class ZlibSerializer:
    """Compressed JSON: binary data that is not UTF-8, as msgpack or pickle would be."""

    def dumps(self, obj: Any) -> bytes:
        return zlib.compress(json.dumps(obj).encode())

    def loads(self, data: bytes) -> Any:
        return json.loads(zlib.decompress(data))


def call_on_corrupt(f: Any, garbage: bytes) -> Any:
    """``f(1)`` whose entry holds ``garbage``; an exception escaping fails in cache terms."""
    try:
        return f(1)
    except Exception as exc:
        error = exc
    pytest.fail(
        f"f(1) raised {type(error).__name__} on an entry that loads() cannot decode "
        f"({garbage[:20]!r}): a corrupt entry is a miss (run the function, overwrite the "
        f"entry, log a warning): {error}", pytrace=False)


@pytest.mark.part(2)
class TestPart2Serializers:
    @pytest.mark.parametrize("serializer", [StrSerializer(), BytesSerializer()],
                             ids=["str", "bytes"])
    @pytest.mark.parametrize("result", ["plain", "", "ünï"])
    def test_the_value_is_exactly_dumps(self, kata, redis_client, redis_backend, serializer,
                                        result):
        f, fn = counted(kata, redis_client, redis_backend.key("f"),
                        result=lambda x, y: result, serializer=serializer)
        assert f(1) == result
        stored = raw(redis_backend, f.cache_key(1))
        assert stored == as_bytes(serializer.dumps(result)), (
            f"the entry holds {stored!r}, expected serializer.dumps({result!r})"
        )
        assert f(1) == result
        assert fn.calls == 1, f"result {result!r}: the second call must be a hit"

    @pytest.mark.parametrize("decoding", [False, True], ids=["bytes", "str"])
    def test_loads_receives_what_the_client_returns(self, kata, redis_backend, decoding):
        serializer = RecordingSerializer()
        client = redis_backend.client(decode_responses=decoding)
        f, fn = counted(kata, client, redis_backend.key("f"), result=lambda x, y: [x],
                        serializer=serializer)
        assert f(1) == [1] and f(1) == [1] and fn.calls == 1
        want = str if decoding else bytes
        got = [t.__name__ for t in serializer.loaded]
        assert got == [want.__name__], (
            f"loads() was given {got} on a decode_responses={decoding} client, expected "
            f"[{want.__name__!r}]: it receives the value as the client returns it (bytes, or "
            "str when the client decodes), unconverted")

    def test_a_binary_serializer_round_trips(self, kata, redis_backend):
        client = redis_backend.client()  # decode_responses=False: the value comes back as bytes
        f, fn = counted(kata, client, redis_backend.key("f"), result=lambda x, y: {"x": x},
                        serializer=ZlibSerializer())
        assert f(1) == {"x": 1}
        got = f(1)
        assert got == {"x": 1} and fn.calls == 1, (
            f"the second f(1) with a compressing serializer returned {got!r} and ran the "
            f"function {fn.calls} times: its entry, zlib bytes that are not UTF-8, must reach "
            "loads() as the client returned it (do not decode it to str)")

    @pytest.mark.parametrize(
        ("serializer", "result"),
        [(None, {1, 2}), (None, object()), (None, b"bytes"), (BytesSerializer(), 5)],
        ids=["json-set", "json-object", "json-bytes", "custom-raises"],
    )
    def test_an_unencodable_result_raises_and_stores_nothing(
        self, kata, redis_client, redis_backend, serializer, result
    ):
        f, fn = counted(kata, redis_client, redis_backend.key("f"),
                        result=lambda x, y: result, serializer=serializer)
        for attempt in ("first", "second"):
            try:
                got = f(1)
            except TypeError:
                pass
            else:
                stored = [raw(redis_backend, k) for k in other_keys(redis_backend, redis_client)]
                pytest.fail(
                    f"{attempt} f(1) returned {got!r} for a result the serializer cannot "
                    f"encode ({result!r}); it must raise TypeError and store nothing (stored: "
                    f"{stored})", pytrace=False)
            assert other_keys(redis_backend, redis_client) == [], "nothing may be stored"
        assert fn.calls == 2

    @pytest.mark.parametrize(
        ("garbage", "decode"),
        [(b"{not json", False), (b"{not json", True), (b"", False), (b"", True),
         (b"[1, 2", True), (b"\xff\xfe\x00", False), (pickle.dumps({"x": 1}), False)],
        ids=["text-bytes", "text-str", "empty-bytes", "empty-str", "truncated-str", "binary",
             "pickle"],
    )
    def test_corrupt_entry_is_a_miss_and_overwritten(self, kata, redis_backend, garbage, decode,
                                                     caplog):
        # (a decode_responses=True client cannot even read non-UTF-8 bytes: not tested there)
        redis_client = redis_backend.client(decode_responses=decode)
        f, fn = counted(kata, redis_client, redis_backend.key("f"),
                        result=lambda x, y: {"fresh": x})
        key = f.cache_key(1)
        redis_backend.client().set(key, garbage, px=60_000)
        with caplog.at_level(logging.WARNING):
            got = call_on_corrupt(f, garbage)
        assert got == {"fresh": 1}, (
            f"a corrupt entry ({garbage!r}) must be a miss; planted data was returned")
        assert fn.calls == 1
        assert warned(caplog), (
            f"f(1) found an entry that loads() cannot decode ({garbage[:20]!r}) and logged "
            "nothing: a corrupt entry is a miss AND a warning (someone wrote that key, or the "
            "format changed: an operator must be able to see it)")
        stored = raw(redis_backend, f.cache_key(1))
        assert stored is not None and json.loads(stored) == {"fresh": 1}, (
            f"the corrupt entry was not overwritten: {stored!r}"
        )
        assert 0 < redis_client.pttl(f.cache_key(1)) <= 300_000
        assert f(1) == {"fresh": 1}
        assert fn.calls == 1, "after the overwrite the call is a hit"

    def test_dumps_returning_neither_str_nor_bytes_raises(self, kata, redis_client,
                                                          redis_backend):
        for payload in (5, 1.5, None, {"v": 1}, ["v"]):
            f, fn = counted(kata, redis_client, redis_backend.key(f"f{type(payload).__name__}"),
                            result=lambda x, y: "r", serializer=ReturnsThis(payload))
            try:
                got = f(1)
            except TypeError:
                pass
            except Exception as exc:
                pytest.fail(
                    f"f(1) raised {type(exc).__name__}({exc}) when serializer.dumps returned "
                    f"{payload!r}: check what dumps returns, and raise TypeError for anything "
                    "but str or bytes, before writing", pytrace=False)
            else:
                stored = [raw(redis_backend, k) for k in other_keys(redis_backend, redis_client)]
                pytest.fail(
                    f"f(1) returned {got!r} although serializer.dumps returned {payload!r}, "
                    f"neither str nor bytes: the call raises TypeError and stores nothing "
                    f"(stored: {stored})", pytrace=False)
            assert other_keys(redis_backend, redis_client) == [], "nothing may be stored"
            assert fn.calls == 1

    def test_the_corrupt_entry_warning_names_the_function_the_key_and_the_error(
        self, kata, redis_backend, caplog
    ):
        client = redis_backend.client()

        def load_profile(user: int) -> list[int]:
            return [user]

        f = kata.redis_cache(client, prefix=redis_backend.key("f"),
                             serializer=StrSerializer())(load_profile)
        key = f.cache_key(1)
        client.set(key, b"X[9]", px=60_000)
        with caplog.at_level(logging.WARNING):
            assert call_on_corrupt(f, b"X[9]") == [1]
        parts = ("load_profile", key, "not mine")
        assert warning_naming(caplog, *parts), (
            f"f(1) found an entry that loads() rejects with ValueError('not mine') and logged "
            f"{warnings_logged(caplog)}: the warning names the function ({parts[0]!r}), the "
            f"key ({key!r}) and the error loads raised, so that an operator can find what wrote "
            "that key")

    def test_corrupt_entry_with_a_custom_serializer(self, kata, redis_client, redis_backend):
        f, fn = counted(kata, redis_client, redis_backend.key("f"),
                        result=lambda x, y: [x], serializer=StrSerializer())
        redis_backend.client().set(f.cache_key(1), b"X[9]", px=60_000)
        assert call_on_corrupt(f, b"X[9]") == [1]
        assert fn.calls == 1
        assert raw(redis_backend, f.cache_key(1)) == b"S[1]"


@pytest.mark.part(2)
class TestPart2Invalidation:
    def test_invalidate_returns_whether_an_entry_was_removed(
        self, kata, redis_client, redis_backend
    ):
        f, fn = counted(kata, redis_client, redis_backend.key("f"))
        f(1)
        f(2)
        assert f.invalidate(1) is True
        assert f.invalidate(1) is False, "the second invalidate(1) has nothing to remove"
        assert f.invalidate(3) is False, "f(3) was never cached"
        f(2)
        assert fn.calls == 2, "invalidate(1) must not touch f(2)"
        f(1)
        assert fn.calls == 3, "after invalidate(1), f(1) must run again"

    def test_invalidate_binds_its_arguments(self, kata, redis_backend):
        f, fn = counted(kata, redis_backend.client(), redis_backend.key("f"))
        f(1)
        assert f.invalidate(x=1, y="d") is True, "invalidate(x=1, y='d') is the entry of f(1)"
        f()
        assert f.invalidate(1) is True, "invalidate(1) is the entry of f() (default x=1)"
        with pytest.raises(TypeError):
            f.invalidate({1, 2})
        assert fn.calls == 2

    def test_invalidate_all_forgets_every_entry(self, kata, redis_client, redis_backend):
        f, fn = counted(kata, redis_client, redis_backend.key("f"))
        for x in range(5):
            f(x)
        f.invalidate_all()
        for x in range(5):
            f(x)
        assert fn.calls == 10, "after invalidate_all() every call must be a miss"
        for x in range(5):
            f(x)
        assert fn.calls == 10, "and the new entries are hits"
        log = record(redis_client)
        f(0)
        assert log.round_trips <= 2, f"a hit after invalidate_all() sent {log}"
        assert f.invalidate(0) is True, "invalidate() finds the entry of the new generation"

    def test_only_the_generation_lives_without_a_ttl(self, kata, redis_backend):
        client = redis_backend.client()
        f, _ = counted(kata, client, redis_backend.key("f"), ttl=30)
        for x in range(3):
            f(x)
        f.invalidate_all()
        f(0)
        f.invalidate(1)
        f.invalidate_all()
        f(2)
        assert other_keys(redis_backend, client), "the entries are missing"
        for key in other_keys(redis_backend, client):
            assert 0 < client.pttl(key) <= 30_000, f"key {key} has PTTL {client.pttl(key)}"

    def test_invalidate_all_is_per_function(self, kata, redis_backend):
        client = redis_backend.client()
        f, fn = counted(kata, client, redis_backend.key("f"))
        g, gn = counted(kata, client, redis_backend.key("g"))
        f(1)
        g(1)
        f.invalidate_all()
        g(1)
        f(1)
        assert (fn.calls, gn.calls) == (2, 1), "f.invalidate_all() must not touch g's entries"

    def test_invalidate_all_is_constant_work(self, kata, redis_backend):
        client = redis_backend.client()
        f, _ = counted(kata, client, redis_backend.key("f"))
        f(0)
        f.invalidate_all()  # the first bump may create the generation (or load a script)
        f(0)
        log = record(client)
        f.invalidate_all()
        one = list(log.calls)
        for x in range(60):
            f(x)
        log.clear()
        f.invalidate_all()
        many = list(log.calls)
        for names in (one, many):
            shown = " ".join(text(c[0]).upper() for c in names)
            assert "KEYS" not in shown and "SCAN" not in shown, f"invalidate_all() sent {shown}"
        assert len(many) == len(one), (
            f"invalidate_all() sent {len(one)} commands with 1 entry, {len(many)} with 60"
        )
        assert sum(map(len, many)) == sum(map(len, one)), (
            "invalidate_all() sends more arguments when there are more entries: "
            f"{[c[:4] for c in many]}"
        )

    def test_invalidation_is_seen_by_another_process(self, kata, redis_backend):
        """Two wrappers with one prefix on two clients stand for two processes."""
        here = redis_backend.client()
        there = redis_backend.client(decode_responses=True)
        prefix = redis_backend.key("shared")
        f, fn = counted(kata, here, prefix)
        g, gn = counted(kata, there, prefix)
        f(1)
        f(2)
        assert g(1) == [1, "d"] and gn.calls == 0, "g must hit f's entry (same prefix)"
        g.invalidate_all()
        f(1)
        assert fn.calls == 3, "f must see g's invalidate_all() (read the generation per call)"
        f(2)
        assert fn.calls == 4
        g.invalidate(2)
        f(2)
        assert fn.calls == 5, "f must see g's invalidate(2)"
        f(1)
        assert fn.calls == 5

    def test_an_entry_written_since_another_invalidate_all_is_a_hit(self, kata,
                                                                     redis_backend):
        """f last saw generation 0; g bumped it and wrote the entry of the new generation."""
        prefix = redis_backend.key("shared")
        f, fn = counted(kata, redis_backend.client(), prefix)
        g, gn = counted(kata, redis_backend.client(decode_responses=True), prefix)
        f(1)
        g.invalidate_all()
        assert g(1) == [1, "d"] and gn.calls == 1, "g(1) after g.invalidate_all() is a miss"
        got = f(1)
        assert got == [1, "d"] and fn.calls == 1, (
            f"f(1) ran the function again ({fn.calls} calls) although g(1) had just written "
            "its entry in the generation that g.invalidate_all() started: when the generation "
            "moved, read the entry under the generation read now (it may be there already)")
        assert f.cache_info() == (1, 1)

    def test_cache_key_is_the_key_in_use(self, kata, redis_client, redis_backend):
        f, _ = counted(kata, redis_client, redis_backend.key("f"))
        f(1)
        before = f.cache_key(1)
        assert raw(redis_backend, before) is not None
        f.invalidate_all()
        f(1)
        after = f.cache_key(1)
        assert json.loads(raw(redis_backend, after) or b"null") == [1, "d"], (
            "cache_key(1) after invalidate_all() is not the key f(1) wrote"
        )
        assert isinstance(after, str) and after.startswith(tagged(redis_backend.key("f")) + ":")

    def test_the_generation_and_the_entries_share_a_hash_slot(self, kata, redis_backend):
        """fakeredis does not enforce Redis Cluster's one-slot rule: the keys of every
        multi-key command, and every key written, are checked here, slot by slot."""
        client = redis_backend.client()
        f, _ = counted(kata, client, redis_backend.key("f"))
        log = record(client)
        f(1)
        f(1)
        f.invalidate_all()
        f(2)
        f(2)
        f.invalidate(2)
        for call in log.calls:
            name = text(call[0]).upper()
            keys = [text(key) for key in keys_of(call)] if name in MULTI_KEY else []
            assert in_one_slot(keys), (
                f"f(1), f(2), invalidate_all() and invalidate(2) sent {name} on keys in "
                f"different hash slots: {describe_slots(keys)}. {ONE_TAG}")
        written = redis_backend.keys()
        assert in_one_slot(written), (
            f"f(1), invalidate_all() and f(2) wrote keys in different hash slots: "
            f"{describe_slots(written)}. {ONE_TAG}")

    def test_the_generation_lives_under_prefix_generation(self, kata, redis_backend):
        """Another implementation of the contract, in another process, shares the entries:
        the generation's key and meaning are part of the contract."""
        client = redis_backend.client()
        prefix = redis_backend.key("f")
        generation_key = f"{tagged(prefix)}:generation"
        f, _ = counted(kata, client, prefix)
        assert f.cache_key(1).startswith(f"{tagged(prefix)}:0:"), (
            f"cache_key(1) is {f.cache_key(1)!r} while {generation_key!r} is absent: the "
            "generation is 0 then")
        f.invalidate_all()
        f.invalidate_all()
        stored = client.get(generation_key)
        assert stored == b"2", (
            f"after two invalidate_all() calls, {generation_key!r} holds {stored!r}, expected "
            "2: invalidate_all() is INCR of f'{{{prefix}}}:generation'")
        assert f.cache_key(1).startswith(f"{tagged(prefix)}:2:"), f.cache_key(1)
        client.set(generation_key, 7)  # another process's INCRs
        assert f.cache_key(1).startswith(f"{tagged(prefix)}:7:"), (
            f"cache_key(1) is {f.cache_key(1)!r} after {generation_key!r} was set to 7 "
            "elsewhere: the generation is read from Redis on every call")


POOL = [1, 1.0, True, "1", [1], (1,), None, 0, False, "", [], {"k": 1}, {"k": 1.0}]
RESULTS = [0, None, "", [], False, {}]


def result_number(k: int) -> Any:
    """The k-th computed result: the falsy ones first, then distinct ints."""
    return RESULTS[k] if k < len(RESULTS) else k


class CacheMachine(RuleBasedStateMachine):
    """Calls, invalidations and corruptions from two "processes" against a plain dict.

    The function returns a new value each time it runs, so a stale hit shows as a wrong value.
    """

    def __init__(self) -> None:
        super().__init__()
        self.mod = load(KATA)
        self.backend = RedisBackend.fake()
        self.computed = 0
        self.model: dict[Any, Any] = {}  # ident of the bound call -> cached result
        self.corrupted: set[Any] = set()  # calls whose entry holds garbage
        self.info = {"f": [0, 0], "g": [0, 0]}  # expected (hits, misses) per wrapper
        prefix = self.backend.key("m")
        self.admin = self.backend.client()

        def func(x: Any, flag: bool = False) -> Any:
            value = result_number(self.computed)
            self.computed += 1
            return value

        self.wrappers = {
            "f": self.mod.redis_cache(self.backend.client(), prefix=prefix)(func),
            "g": self.mod.redis_cache(self.backend.client(decode_responses=True),
                                      prefix=prefix)(func),
        }

    def teardown(self) -> None:
        self.backend.cleanup()

    @staticmethod
    def _call(fn: Callable[..., Any], i: int, style: str) -> tuple[Any, Any, str]:
        x = POOL[i]
        if style == "pos":
            return fn(x), (ident(x), False), f"({x!r})"
        if style == "kw":
            return fn(x=x), (ident(x), False), f"(x={x!r})"
        if style == "default":
            return fn(x, False), (ident(x), False), f"({x!r}, False)"
        return fn(x, flag=True), (ident(x), True), f"({x!r}, flag=True)"

    styles = st.sampled_from(["pos", "kw", "default", "flag"])
    indexes = st.integers(0, len(POOL) - 1)
    who = st.sampled_from(["f", "g"])

    @rule(w=who, i=indexes, style=styles)
    def call(self, w: str, i: int, style: str) -> None:
        before = self.computed
        got, call_id, shown = self._call(self.wrappers[w], i, style)
        self.corrupted.discard(call_id)
        if call_id in self.model:
            want = self.model[call_id]
            self.info[w][0] += 1
            assert self.computed == before, f"{w}{shown} should be a hit but the function ran"
        else:
            want = result_number(before)
            self.info[w][1] += 1
            assert self.computed == before + 1, f"{w}{shown} should be a miss"
            self.model[call_id] = want
        assert (type(got), got) == (type(want), want), (
            f"{w}{shown} returned {got!r}, expected {want!r} (model: {self.model})"
        )

    @rule(w=who, i=indexes, style=styles)
    def invalidate(self, w: str, i: int, style: str) -> None:
        got, call_id, shown = self._call(self.wrappers[w].invalidate, i, style)
        want = call_id in self.model or call_id in self.corrupted
        self.model.pop(call_id, None)
        self.corrupted.discard(call_id)
        assert got is want, f"{w}.invalidate{shown} returned {got!r}, expected {want!r}"

    @rule(w=who)
    def invalidate_all(self, w: str) -> None:
        self.wrappers[w].invalidate_all()
        self.model.clear()
        self.corrupted.clear()

    @rule(i=indexes, style=styles)
    def corrupt(self, i: int, style: str) -> None:
        key, call_id, shown = self._call(self.wrappers["f"].cache_key, i, style)
        if call_id in self.model:
            self.admin.set(key, b"{corrupt", px=60_000)
            del self.model[call_id]
            self.corrupted.add(call_id)
            note(f"corrupted the entry of f{shown}")

    @invariant()
    def counts(self) -> None:
        for w, fn in self.wrappers.items():
            got = tuple(fn.cache_info())
            assert got == tuple(self.info[w]), f"{w}.cache_info() = {got}, expected {self.info[w]}"


TestPart2Machine = pytest.mark.part(2)(CacheMachine.TestCase)
# Each step talks to fakeredis: fewer examples than the profile, still scaled with it.
TestPart2Machine.settings = settings(max_examples=max(10, settings().max_examples // 2))


# =========================================================================== Part 3


@pytest.fixture
def fake_backend() -> Iterator[RedisBackend]:
    backend = RedisBackend.fake()
    try:
        yield backend
    finally:
        backend.cleanup()


@pytest.fixture
def throwaway() -> Iterator[RedisProcess]:
    for servers in start_servers(1):
        yield servers[0]


@pytest.mark.part(3)
class TestPart3FailOpen:
    @pytest.mark.parametrize("decode", [False, True], ids=["bytes", "str"])
    def test_closed_port_fails_open(self, kata, caplog, decode):
        client = closed_port_client(decode_responses=decode)
        f, fn = counted(kata, client, "kt-closed:f", result=lambda x, y: {"x": x})
        with caplog.at_level(logging.WARNING):
            assert fails_open(lambda: f(1), "f(1)") == {"x": 1}
            assert fails_open(lambda: f(1), "a second f(1)") == {"x": 1}
        assert fn.calls == 2, "with Redis down every call runs the function"
        assert warned(caplog), "a call that fails open must log a warning (nothing was logged)"

    def test_closed_port_invalidations_raise(self, kata):
        f, _ = counted(kata, closed_port_client(), "kt-closed:f")
        must_raise(lambda: f.invalidate(1), "f.invalidate(1)")
        must_raise(f.invalidate_all, "f.invalidate_all()")

    def test_closed_port_cache_key_raises(self, kata):
        f, _ = counted(kata, closed_port_client(), "kt-closed:f")
        must_raise(lambda: f.cache_key(1), "f.cache_key(1)",
                   "cache_key does not fail open (the key depends on the generation stored in "
                   "Redis: without it there is no right answer)")

    def test_unencodable_argument_still_raises_when_down(self, kata):
        f, fn = counted(kata, closed_port_client(), "kt-closed:f")
        with pytest.raises(TypeError):
            f(object())
        assert fn.calls == 0

    def test_fake_server_goes_away_mid_run(self, kata, fake_backend, caplog):
        client = fake_backend.client()
        f, fn = counted(kata, client, fake_backend.key("f"), result=lambda x, y: [x])
        assert f(1) == [1]
        assert f(1) == [1] and fn.calls == 1
        fake_backend.set_down()
        with caplog.at_level(logging.WARNING):
            got = fails_open(lambda: f(1), "f(1)")
            assert got == [1], "with Redis down the function's result is returned"
            assert fails_open(lambda: f(2), "f(2)") == [2]
        assert fn.calls == 3, "with Redis down the function runs"
        assert warned(caplog), "a call that fails open must log a warning (nothing was logged)"
        must_raise(lambda: f.invalidate(1), "f.invalidate(1)")
        must_raise(f.invalidate_all, "f.invalidate_all()")
        fake_backend.set_down(False)
        assert f(1) == [1]
        assert fn.calls == 3, "once Redis is back, the entry written before is a hit again"

    def test_real_server_goes_away_mid_run(self, kata, throwaway, caplog):
        client = throwaway.client()
        f, fn = counted(kata, client, "kt-throwaway:f", result=lambda x, y: x * 2)
        assert f(21) == 42
        assert f(21) == 42 and fn.calls == 1
        throwaway.stop()
        with caplog.at_level(logging.WARNING):
            assert fails_open(lambda: f(21), "f(21)") == 42
            assert fails_open(lambda: f(5), "f(5)") == 10
        assert fn.calls == 3
        assert warned(caplog), "a call that fails open must log a warning (nothing was logged)"
        must_raise(f.invalidate_all, "f.invalidate_all()")

    def test_write_failure_fails_open(self, kata, redis_backend, caplog):
        client = redis_backend.client()
        f, fn = counted(kata, client, redis_backend.key("f"), result=lambda x, y: [x, y])
        fail_on(client, redis.exceptions.ConnectionError("write refused"), only=("SET",))
        with caplog.at_level(logging.WARNING):
            got = fails_open(lambda: f(1), "f(1), whose cache write failed,")
            assert got == [1, "d"]
        assert fn.calls == 1
        assert warned(caplog), "a failed cache write must log a warning (nothing was logged)"
        assert other_keys(redis_backend, client) == []

    @pytest.mark.parametrize(("failing", "doing"), [(READS, "reading"), (("SET",), "writing")],
                             ids=["read", "write"])
    def test_the_outage_warning_names_the_function_and_the_error(self, kata, redis_backend,
                                                                 caplog, failing, doing):
        client = redis_backend.client()

        def load_profile(user: int) -> list[int]:
            return [user]

        f = kata.redis_cache(client, prefix=redis_backend.key("f"))(load_profile)
        error = f"Redis refused {doing} the cache"
        fail_on(client, redis.exceptions.ConnectionError(error), only=failing)
        with caplog.at_level(logging.WARNING):
            assert fails_open(lambda: f(1), f"f(1), {doing} the cache failing,") == [1]
        assert warning_naming(caplog, "load_profile", "ConnectionError", error), (
            f"f(1) failed open while {doing} the cache raised ConnectionError({error!r}) and "
            f"logged {warnings_logged(caplog)}: the warning names the function "
            "('load_profile') and the Redis error, its type and its message, so that an "
            "operator sees what broke where")

    def test_timeout_fails_open(self, kata, redis_backend, caplog):
        client = redis_backend.client()
        f, fn = counted(kata, client, redis_backend.key("f"), result=lambda x, y: "v")
        f(1)
        fail_on(client, redis.exceptions.TimeoutError("timed out"))
        with caplog.at_level(logging.WARNING):
            assert fails_open(lambda: f(1), "f(1)") == "v"
        assert fn.calls == 2, "a timed-out read is a miss: the function runs"
        assert warned(caplog), "a call that fails open must log a warning (nothing was logged)"
        with pytest.raises(redis.exceptions.TimeoutError):
            f.invalidate(1)

    def test_calls_that_fail_open_count_as_misses(self, kata, redis_backend):
        client = redis_backend.client()
        f, fn = counted(kata, client, redis_backend.key("f"))
        f(1)
        f(1)
        fail_on(client, redis.exceptions.ConnectionError("Redis is down"))
        fails_open(lambda: f(1), "f(1)")
        fails_open(lambda: f(2), "f(2)")
        assert fn.calls == 3, "with Redis down every call runs the function"
        got = tuple(f.cache_info())
        assert got == (1, 3), (
            f"cache_info() is {got} after a miss, a hit, then two calls with Redis down, "
            "expected (1, 3): a call that fails open ran the function, so it is a miss")

    def test_after_a_failed_read_nothing_is_written(self, kata, redis_backend, caplog):
        client = redis_backend.client()
        f, fn = counted(kata, client, redis_backend.key("f"), result=lambda x, y: {x, "set"})
        fail_on(client, redis.exceptions.ConnectionError("read refused"), only=READS)
        log = record(client)
        with caplog.at_level(logging.WARNING):
            try:
                got = fails_open(lambda: f(1), "f(1), whose cache read failed,")
            except TypeError as exc:
                pytest.fail(
                    f"f(1) raised TypeError({exc}) after its cache read failed: then the "
                    "result is returned as is, never serialized nor written", pytrace=False)
        assert got == {1, "set"} and fn.calls == 1
        sent = [name for name in log.names() if name not in READS]
        assert not sent, (
            f"after its read failed (Redis unavailable), f(1) still sent {sent} ({log}): do "
            "not try to write, the server is gone (and the call would wait for it twice)")

    def test_other_redis_errors_propagate(self, kata, redis_backend):
        client = redis_backend.client()
        prefix = redis_backend.key("f")
        f, fn = counted(kata, client, prefix)
        for where, key in (("the entry", f.cache_key(1)), ("the generation",
                                                          f"{tagged(prefix)}:generation")):
            client.delete(key)
            client.rpush(key, "someone else's list")
            client.pexpire(key, 60_000)
            try:
                got = f(1)
            except redis.exceptions.ResponseError:
                client.delete(key)
                continue
            pytest.fail(
                f"f(1) returned {got!r} although Redis answered WRONGTYPE for {where} ({key}, "
                "a list): only ConnectionError and TimeoutError mean Redis is unavailable; any "
                "other Redis error is a bug and propagates", pytrace=False)
        assert fn.calls == 0
