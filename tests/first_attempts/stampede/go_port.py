"""A first attempt that ports Go's ``singleflight`` and a textbook XFetch. Written from the
stub only; the single-flight keeps Go's order of steps in ``doCall``.

Its mistakes, in the order a learner meets them:

1. The leader wakes the waiters, then removes the call from the table (Go's
   ``c.wg.Done()`` before ``delete(g.m, key)``): a waiter that calls ``do`` again at once
   can join the finished call and get its old result.
2. ``rand()`` returning 0.0 is passed to ``log`` as is: a math domain error on a hit.
3. The lock is released with GET, compare, DEL: two round trips, so the winner can delete
   a lock that has meanwhile expired and been taken by another caller.
"""

import json
import math
import random
import secrets
import threading
import time

import redis


class _Call:
    def __init__(self):
        self.wg = threading.Event()
        self.val = None
        self.err = None


class SingleFlight:
    def __init__(self):
        self.mu = threading.Lock()
        self.m = {}

    def do(self, key, fn):
        if not callable(fn):
            raise TypeError("fn must be callable")
        try:
            hash(key)
        except TypeError:
            raise TypeError("key must be hashable") from None
        self.mu.acquire()
        c = self.m.get(key)
        if c is not None:
            self.mu.release()
            c.wg.wait()
            if c.err is not None:
                raise c.err
            return c.val
        c = _Call()
        self.m[key] = c
        self.mu.release()
        self._do_call(c, key, fn)
        if c.err is not None:
            raise c.err
        return c.val

    def _do_call(self, c, key, fn):
        try:
            c.val = fn()
        except BaseException as e:
            c.err = e
        finally:
            c.wg.set()
            with self.mu:
                if self.m.get(key) is c:
                    del self.m[key]


def should_recompute_early(expiry, delta, beta, now, rand):
    for name, value in (("expiry", expiry), ("delta", delta), ("beta", beta), ("now", now),
                        ("rand", rand)):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise TypeError(f"{name} must be a number")
        if math.isnan(value) or math.isinf(value):
            raise ValueError(f"{name} must be finite")
    if delta < 0:
        raise ValueError("delta must be >= 0")
    if beta < 0:
        raise ValueError("beta must be >= 0")
    if not 0 < rand <= 1:
        raise ValueError("rand must be in (0, 1]")
    return now - delta * beta * math.log(rand) >= expiry


class StampedeCache:
    def __init__(self, client, *, ttl, beta=1.0, lock_ttl=10.0, wait_timeout=5.0,
                 clock=time.time, rand=random.random, prefix="sc"):
        for name, value, zero in (("ttl", ttl, False), ("beta", beta, True),
                                  ("lock_ttl", lock_ttl, False),
                                  ("wait_timeout", wait_timeout, True)):
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise TypeError(f"{name} must be a number")
            if math.isnan(value) or math.isinf(value) or value < 0 or (value == 0 and not zero):
                raise ValueError(f"bad {name}: {value}")
        if not callable(clock) or not callable(rand):
            raise TypeError("clock and rand must be callable")
        if not isinstance(prefix, str):
            raise TypeError("prefix must be a str")
        self.r = client
        self.ttl, self.beta, self.lock_ttl, self.wait_timeout = ttl, beta, lock_ttl, wait_timeout
        self.clock, self.rand, self.prefix = clock, rand, prefix
        self.take = client.register_script("""
local e = redis.call('GET', KEYS[1])
if e and e ~= ARGV[3] then return {0, e} end
if redis.call('SET', KEYS[2], ARGV[1], 'NX', 'PX', ARGV[2]) then return {1, e} end
return {0, e}
""")

    def _read(self, raw):
        if raw is None:
            return None
        try:
            d = json.loads(raw)
            return d["v"], float(d["d"]), float(d["e"])
        except (ValueError, KeyError, TypeError):
            return None

    def _unlock(self, lock, token):
        held = self.r.get(lock)
        if held is not None and (held.decode() if isinstance(held, bytes) else held) == token:
            self.r.delete(lock)

    def _compute(self, entry_key, lock, token, compute):
        start = self.clock()
        try:
            value = compute()
            end = self.clock()
            data = json.dumps({"v": value, "d": end - start, "e": end + self.ttl})
        except BaseException:
            self._unlock(lock, token)
            raise
        self.r.set(entry_key, data, px=max(1, math.ceil(self.ttl * 1000)))
        self._unlock(lock, token)
        return value

    def get_or_compute(self, key, compute):
        if not isinstance(key, str):
            raise TypeError("key must be a str")
        if not callable(compute):
            raise TypeError("compute must be callable")
        entry_key, lock = f"{{{self.prefix}:{key}}}:entry", f"{{{self.prefix}:{key}}}:lock"
        raw = self.r.get(entry_key)
        entry = self._read(raw)
        if entry is not None:
            value, delta, expiry = entry
            if not should_recompute_early(expiry, delta, self.beta, self.clock(), self.rand()):
                return value
        token = secrets.token_hex(16)
        lock_ms = max(1, math.ceil(self.lock_ttl * 1000))
        won, now = self.take(keys=[entry_key, lock], args=[token, lock_ms, raw or ""])
        if won:
            return self._compute(entry_key, lock, token, compute)
        if now is not None and now != raw and self._read(now) is not None:
            return self._read(now)[0]
        if entry is not None:
            return entry[0]
        deadline = time.monotonic() + self.wait_timeout
        while time.monotonic() < deadline:
            time.sleep(0.01)
            won, now = self.take(keys=[entry_key, lock], args=[token, lock_ms, raw or ""])
            if won:
                return self._compute(entry_key, lock, token, compute)
            if now is not None and now != raw and self._read(now) is not None:
                return self._read(now)[0]
        start = self.clock()
        value = compute()
        end = self.clock()
        self.r.set(entry_key, json.dumps({"v": value, "d": end - start, "e": end + self.ttl}),
                   px=max(1, math.ceil(self.ttl * 1000)))
        return value


# The first failure a learner sees, checked by make verify:
KILLED_BY = "TestPart1SingleFlight::test_a_woken_waiter_that_calls_again_runs_its_own_fn"
KILLED_WITH = "AssertionError"
KILLED_MATCHING = r"the finished call was still in flight when its waiters woke"
LOOKS_LIKE = ("wakes_before_forgetting",)
