"""A first attempt in the cache-aside idiom everyone has written: ``if cached: return``.
Written from the stub only; single-flight and XFetch are right.

Its mistakes, in the order a learner meets them:

1. ``if cached:`` tests the value, not its presence: a cached None, 0, "" or [] counts
   as no value, so it is recomputed on every read (and the guard never engages).
2. ``wait_timeout`` and ``lock_ttl`` are compared with 0 only: NaN (which compares false
   with everything) is accepted.
"""

import json
import math
import random
import secrets
import threading
import time
from concurrent.futures import Future


class SingleFlight:
    def __init__(self):
        self._guard = threading.Lock()
        self._futures = {}

    def do(self, key, fn):
        if not callable(fn):
            raise TypeError("fn must be callable")
        try:
            hash(key)
        except TypeError as exc:
            raise TypeError(f"key must be hashable: {exc}") from None
        with self._guard:
            future = self._futures.get(key)
            owner = future is None
            if owner:
                future = self._futures[key] = Future()
        if not owner:
            return future.result()
        try:
            result = fn()
        except BaseException as exc:
            with self._guard:
                del self._futures[key]
            future.set_exception(exc)
            raise
        with self._guard:
            del self._futures[key]
        future.set_result(result)
        return result


def should_recompute_early(expiry, delta, beta, now, rand):
    args = {"expiry": expiry, "delta": delta, "beta": beta, "now": now, "rand": rand}
    for name, value in args.items():
        if type(value) not in (int, float):
            raise TypeError(f"{name} must be a number, got {type(value).__name__}")
        if value != value or value in (math.inf, -math.inf):
            raise ValueError(f"{name} must be finite, got {value}")
    if delta < 0 or beta < 0:
        raise ValueError(f"{'delta' if delta < 0 else 'beta'} must be >= 0")
    if rand <= 0 or rand > 1:
        raise ValueError(f"rand must be in (0, 1], got {rand}")
    return now - delta * beta * math.log(rand) >= expiry


ACQUIRE = """
local current = redis.call('GET', KEYS[1])
if current and current ~= ARGV[3] then return {0, current} end
if redis.call('SET', KEYS[2], ARGV[1], 'NX', 'PX', ARGV[2]) then return {1, current} end
return {0, current}
"""
STORE = """
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
if redis.call('GET', KEYS[2]) == ARGV[3] then redis.call('DEL', KEYS[2]) end
return 1
"""
RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


def _ms(seconds):
    return max(1, math.ceil(seconds * 1000))


class StampedeCache:
    def __init__(self, client, *, ttl, beta=1.0, lock_ttl=10.0, wait_timeout=5.0,
                 clock=time.time, rand=random.random, prefix="sc"):
        for name, value in (("ttl", ttl), ("beta", beta), ("lock_ttl", lock_ttl),
                            ("wait_timeout", wait_timeout)):
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise TypeError(f"{name} must be a number")
        if not 0 < ttl < math.inf:
            raise ValueError("ttl must be > 0 and finite")
        if not 0 <= beta < math.inf:
            raise ValueError("beta must be >= 0 and finite")
        if lock_ttl <= 0:
            raise ValueError("lock_ttl must be > 0")
        if wait_timeout < 0:
            raise ValueError("wait_timeout must be >= 0")
        if not (callable(clock) and callable(rand)):
            raise TypeError("clock and rand must be callable")
        if not isinstance(prefix, str):
            raise TypeError("prefix must be a str")
        self.redis = client
        self.ttl, self.beta, self.lock_ttl, self.wait_timeout = ttl, beta, lock_ttl, wait_timeout
        self.clock, self.rand, self.prefix = clock, rand, prefix
        self.acquire = client.register_script(ACQUIRE)
        self.store = client.register_script(STORE)
        self.release = client.register_script(RELEASE)

    def _load(self, raw):
        if raw is None:
            return None, None, None
        try:
            obj = json.loads(raw)
            return obj["v"], float(obj["d"]), float(obj["e"])
        except (ValueError, TypeError, KeyError):
            return None, None, None

    def _run(self, entry, lock, token, compute):
        started = self.clock()
        try:
            value = compute()
            finished = self.clock()
            raw = json.dumps({"v": value, "d": finished - started, "e": finished + self.ttl})
        except BaseException:
            self.release(keys=[lock], args=[token])
            raise
        self.store(keys=[entry, lock], args=[raw, _ms(self.ttl), token])
        return value

    def get_or_compute(self, key, compute):
        if not isinstance(key, str):
            raise TypeError("key must be a str")
        if not callable(compute):
            raise TypeError("compute must be callable")
        entry, lock = f"{{{self.prefix}:{key}}}:entry", f"{{{self.prefix}:{key}}}:lock"
        raw = self.redis.get(entry)
        cached, delta, expiry = self._load(raw)
        if cached:
            chance = self.rand() or math.ulp(0.0)
            if not should_recompute_early(expiry, delta, self.beta, self.clock(), chance):
                return cached
        token = secrets.token_hex(16)
        seen = "" if raw is None else raw
        won, current = self.acquire(keys=[entry, lock], args=[token, _ms(self.lock_ttl), seen])
        if won:
            return self._run(entry, lock, token, compute)
        if current is not None and current != raw:
            return self._load(current)[0]
        if cached:
            return cached
        deadline = time.monotonic() + self.wait_timeout
        while time.monotonic() < deadline:
            time.sleep(0.02)
            won, current = self.acquire(keys=[entry, lock],
                                        args=[token, _ms(self.lock_ttl), seen])
            if won:
                return self._run(entry, lock, token, compute)
            if current is not None and current != raw:
                return self._load(current)[0]
        started = self.clock()
        value = compute()
        finished = self.clock()
        self.redis.set(entry, json.dumps({"v": value, "d": finished - started,
                                          "e": finished + self.ttl}), px=_ms(self.ttl))
        return value


# The first failure a learner sees, checked by make verify:
KILLED_BY = "TestPart3StampedeCache::test_json_values_round_trip_and_falsy_values_are_hits"
KILLED_WITH = "Failed"
KILLED_MATCHING = r"a cached .* must be a hit"
LOOKS_LIKE = ("falsy_value_is_a_miss",)
