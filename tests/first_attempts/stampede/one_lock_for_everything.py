"""A first attempt that makes thread safety simple: one re-entrant lock around all of
``do()``, the function call included. Written from the stub only.

Its mistakes, in the order a learner meets them:

1. The lock is held while ``fn`` runs: concurrent callers queue behind it, find nothing
   in flight once it is released, and each run ``fn`` in turn.
2. XFetch adds ``delta * beta * log(rand)`` instead of subtracting it (the sign of
   ``log`` below 1 slipped): nobody recomputes early.
3. The Redis lock is taken with ``SET NX`` and no expiry: a winner that dies blocks the
   key for ever.
"""

import json
import math
import random
import secrets
import threading
import time


class SingleFlight:
    def __init__(self):
        self._lock = threading.RLock()
        self._inflight = {}

    def do(self, key, fn):
        if not callable(fn):
            raise TypeError(f"fn is not callable: {fn!r}")
        try:
            hash(key)
        except TypeError:
            raise TypeError(f"key is not hashable: {key!r}") from None
        with self._lock:
            if key in self._inflight:
                done, box = self._inflight[key]
            else:
                done, box = threading.Event(), {}
                self._inflight[key] = (done, box)
                try:
                    box["value"] = fn()
                except BaseException as exc:
                    box["error"] = exc
                finally:
                    del self._inflight[key]
                    done.set()
        done.wait()
        if "error" in box:
            raise box["error"]
        return box["value"]


def _num(name, x):
    if isinstance(x, bool) or not isinstance(x, (int, float)):
        raise TypeError(f"{name} must be an int or float")
    if not math.isfinite(x):
        raise ValueError(f"{name} must be finite")
    return x


def should_recompute_early(expiry, delta, beta, now, rand):
    _num("expiry", expiry)
    _num("now", now)
    if _num("delta", delta) < 0:
        raise ValueError("delta must be >= 0")
    if _num("beta", beta) < 0:
        raise ValueError("beta must be >= 0")
    if not 0 < _num("rand", rand) <= 1:
        raise ValueError("rand must be in (0, 1]")
    return now + delta * beta * math.log(rand) >= expiry


class StampedeCache:
    def __init__(self, client, *, ttl, beta=1.0, lock_ttl=10.0, wait_timeout=5.0,
                 clock=time.time, rand=random.random, prefix="sc"):
        if _num("ttl", ttl) <= 0:
            raise ValueError("ttl must be > 0")
        if _num("beta", beta) < 0:
            raise ValueError("beta must be >= 0")
        if _num("lock_ttl", lock_ttl) <= 0:
            raise ValueError("lock_ttl must be > 0")
        if _num("wait_timeout", wait_timeout) < 0:
            raise ValueError("wait_timeout must be >= 0")
        if not callable(clock):
            raise TypeError("clock must be callable")
        if not callable(rand):
            raise TypeError("rand must be callable")
        if not isinstance(prefix, str):
            raise TypeError("prefix must be a str")
        self.client, self.ttl, self.beta = client, ttl, beta
        self.lock_ttl, self.wait_timeout = lock_ttl, wait_timeout
        self.clock, self.rand, self.prefix = clock, rand, prefix
        self.acquire = client.register_script("""
local cur = redis.call('get', KEYS[1])
if cur and cur ~= ARGV[2] then return {0, cur} end
if redis.call('set', KEYS[2], ARGV[1], 'NX') then return {1, cur} end
return {0, cur}
""")
        self.store = client.register_script("""
redis.call('set', KEYS[1], ARGV[1], 'PX', ARGV[2])
if redis.call('get', KEYS[2]) == ARGV[3] then redis.call('del', KEYS[2]) end
return 1
""")
        self.unlock = client.register_script("""
if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end
return 0
""")

    @staticmethod
    def _decode(raw):
        try:
            e = json.loads(raw)
            return {"v": e["v"], "d": float(e["d"]), "e": float(e["e"])}
        except (TypeError, ValueError, KeyError):
            return None

    def _compute(self, keys, token, compute):
        t0 = self.clock()
        try:
            value = compute()
            t1 = self.clock()
            blob = json.dumps({"v": value, "d": max(0.0, t1 - t0), "e": t1 + self.ttl})
        except BaseException:
            self.unlock(keys=[keys[1]], args=[token])
            raise
        self.store(keys=keys, args=[blob, max(1, math.ceil(self.ttl * 1000)), token])
        return value

    def get_or_compute(self, key, compute):
        if not isinstance(key, str):
            raise TypeError("key must be a str")
        if not callable(compute):
            raise TypeError("compute must be callable")
        keys = [f"{{{self.prefix}:{key}}}:entry", f"{{{self.prefix}:{key}}}:lock"]
        raw = self.client.get(keys[0])
        entry = self._decode(raw) if raw is not None else None
        if entry is not None:
            r = self.rand() or math.ulp(0.0)
            if not should_recompute_early(entry["e"], entry["d"], self.beta, self.clock(), r):
                return entry["v"]
        token = secrets.token_hex(16)
        seen = raw if raw is not None else ""
        won, cur = self.acquire(keys=keys, args=[token, seen])
        if won:
            return self._compute(keys, token, compute)
        if cur is not None and cur != raw and self._decode(cur) is not None:
            return self._decode(cur)["v"]
        if entry is not None:
            return entry["v"]
        give_up = time.monotonic() + self.wait_timeout
        pause = 0.005
        while time.monotonic() < give_up:
            time.sleep(pause)
            pause = min(0.05, pause * 2)
            won, cur = self.acquire(keys=keys, args=[token, seen])
            if won:
                return self._compute(keys, token, compute)
            if cur is not None and cur != raw and self._decode(cur) is not None:
                return self._decode(cur)["v"]
        t0 = self.clock()
        value = compute()
        t1 = self.clock()
        self.client.set(keys[0], json.dumps({"v": value, "d": t1 - t0, "e": t1 + self.ttl}),
                        px=max(1, math.ceil(self.ttl * 1000)))
        return value


# The first failure a learner sees, checked by make verify:
KILLED_BY = "TestPart1SingleFlight::test_concurrent_callers_share_one_execution_and_the_same_object"
KILLED_WITH = "Failed"
KILLED_MATCHING = r"the others were kept out \(a lock held while fn runs\?\)"
LOOKS_LIKE = ("lock_held_during_fn",)
