"""Redis for the tests: fakeredis by default, a real server when REDIS_URL is set.

Isolation rule: a test may use a server that holds someone else's data, so every key it
writes must contain its backend's ``namespace`` (a random token), and the backend deletes
exactly the keys containing that token when the test ends. Nothing here flushes a server
it did not start.
"""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import suppress
from dataclasses import dataclass, field
from typing import Any

import fakeredis
import pytest
import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

REDIS_URL = os.environ.get("REDIS_URL") or None


def backend_kinds() -> list[str]:
    """``fake`` always; ``real`` too when a server was configured with REDIS_URL."""
    return ["fake", "real"] if REDIS_URL else ["fake"]


@dataclass
class RedisBackend:
    """One test's view of a Redis server: clients on it, and a namespace for its keys."""

    kind: str
    namespace: str = field(default_factory=lambda: f"kt{secrets.token_hex(4)}")
    _server: fakeredis.FakeServer | None = field(default=None, repr=False)
    _url: str | None = None
    _clients: list[redis.Redis] = field(default_factory=list, repr=False)

    @classmethod
    def fake(cls) -> RedisBackend:
        return cls(kind="fake", _server=fakeredis.FakeServer())

    @classmethod
    def real(cls, url: str) -> RedisBackend:
        return cls(kind="real", _url=url)

    def client(self, *, decode_responses: bool = False, **kwargs: Any) -> redis.Redis:
        """A new client on this server. It is used once here, so threads may share it."""
        if self._server is not None:
            client: redis.Redis = fakeredis.FakeRedis(
                server=self._server, decode_responses=decode_responses, **kwargs
            )
        else:
            assert self._url is not None
            client = redis.Redis.from_url(self._url, decode_responses=decode_responses, **kwargs)
        client.ping()  # see KATAS.md: a fakeredis client must connect before threads share it
        self._clients.append(client)
        return client

    def key(self, name: str) -> str:
        """A name that carries this test's namespace, for a key, a lock or a prefix."""
        return f"{self.namespace}:{name}"

    def keys(self) -> list[str]:
        """Every key this test wrote (every key containing its namespace), sorted."""
        admin = self._admin()
        return sorted(
            k.decode() if isinstance(k, bytes) else k
            for k in admin.scan_iter(match=f"*{self.namespace}*", count=1000)
        )

    def set_down(self, down: bool = True) -> None:
        """fakeredis only: make every command fail with ConnectionError, as a dead server."""
        if self._server is None:
            raise RuntimeError("only a fakeredis backend can be taken down in place")
        self._server.connected = not down

    def _admin(self) -> redis.Redis:
        if self._server is not None:
            return fakeredis.FakeRedis(server=self._server)
        assert self._url is not None
        return redis.Redis.from_url(self._url)

    def cleanup(self) -> None:
        if self._server is not None:
            self._server.connected = True
        admin = self._admin()
        with admin:
            doomed = list(admin.scan_iter(match=f"*{self.namespace}*", count=1000))
            if doomed:
                admin.delete(*doomed)
        for client in self._clients:
            with suppress(Exception):
                client.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def no_retry() -> Retry:
    """redis-py retries a failed command by default; a test of a dead server wants it now."""
    return Retry(NoBackoff(), 0)


def closed_port_client(**kwargs: Any) -> redis.Redis:
    """A client for a port where nothing listens: every command raises ConnectionError."""
    kwargs.setdefault("socket_connect_timeout", 0.2)
    kwargs.setdefault("socket_timeout", 0.2)
    kwargs.setdefault("retry", no_retry())
    return redis.Redis(host="127.0.0.1", port=free_port(), **kwargs)


def redis_server_binary() -> str | None:
    return shutil.which("redis-server")


def require_redis_server() -> str:
    """The redis-server binary, or skip (never in CI, where it must exist)."""
    binary = redis_server_binary()
    if binary is None:
        if os.environ.get("CI"):
            pytest.fail("redis-server is required in CI but was not found", pytrace=False)
        pytest.skip("no redis-server binary on this machine")
    return binary


class RedisProcess:
    """A throwaway redis-server on a free loopback port, stopped by its owner."""

    def __init__(self, binary: str) -> None:
        last_error = ""
        for _ in range(5):
            self.port = free_port()
            self.proc = subprocess.Popen(
                [binary, "--port", str(self.port), "--bind", "127.0.0.1",
                 "--save", "", "--appendonly", "no", "--protected-mode", "no"],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
            )
            if self._wait_ready():
                return
            self.stop()
            if self.proc.stderr:
                last_error = self.proc.stderr.read().decode(errors="replace")
        raise RuntimeError(f"could not start redis-server: {last_error}")

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def client(self, **kwargs: Any) -> redis.Redis:
        kwargs.setdefault("socket_timeout", 1.0)
        kwargs.setdefault("socket_connect_timeout", 0.5)
        kwargs.setdefault("retry", no_retry())  # once stopped, fail at once
        return redis.Redis(host="127.0.0.1", port=self.port, **kwargs)

    def _wait_ready(self, limit: float = 5.0) -> bool:
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                return False
            with suppress(redis.exceptions.ConnectionError):
                if redis.Redis(port=self.port, socket_connect_timeout=0.2).ping():
                    return True
            time.sleep(0.02)
        return False

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=5)
        if self.proc.stderr:
            self.proc.stderr.close()


def start_servers(count: int) -> Iterator[list[RedisProcess]]:
    """Start ``count`` throwaway servers; a generator for use in a fixture."""
    binary = require_redis_server()
    servers: list[RedisProcess] = []
    try:
        for _ in range(count):
            servers.append(RedisProcess(binary))
        yield servers
    finally:
        for server in servers:
            server.stop()
