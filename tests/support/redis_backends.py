"""Redis for the tests: fakeredis by default, a real server when REDIS_URL is set, and a
Redis Cluster when REDIS_CLUSTER_URL names a node of one or REDIS_CLUSTER=1 asks for a
throwaway cluster of three masters (started once per test session from redis-server).

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
from redis.cluster import RedisCluster
from redis.exceptions import RedisClusterException
from redis.retry import Retry

REDIS_URL = os.environ.get("REDIS_URL") or None
REDIS_CLUSTER_URL = os.environ.get("REDIS_CLUSTER_URL") or None
START_CLUSTER = os.environ.get("REDIS_CLUSTER", "") not in ("", "0")


def backend_kinds() -> list[str]:
    """``fake`` always; ``real`` when REDIS_URL names a server; ``cluster`` when a cluster
    was named (REDIS_CLUSTER_URL) or asked for (REDIS_CLUSTER=1)."""
    kinds = ["fake"]
    if REDIS_URL:
        kinds.append("real")
    if REDIS_CLUSTER_URL or START_CLUSTER:
        kinds.append("cluster")
    return kinds


class SlotCheckingCluster(RedisCluster):
    """A cluster client whose cross-slot errors name the keys and the slot of each: the
    message a learner needs, where the server only says CROSSSLOT."""

    def execute_command(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().execute_command(*args, **kwargs)  # type: ignore[no-untyped-call]
        except (redis.exceptions.ResponseError, RedisClusterException) as exc:
            if "CROSSSLOT" not in str(exc) and "same key slot" not in str(exc):
                raise
            keys = keys_of(args)
            slots = describe_slots(keys)
            raise redis.exceptions.ResponseError(
                f"{args[0]} touches keys in different hash slots, which Redis Cluster "
                f"refuses: {slots}. Keys that one command or script uses together must "
                "share a hash tag, e.g. '{user:1}:a' and '{user:1}:b'.") from exc


def key_slot(key: Any) -> int:
    """The cluster slot of ``key`` (CRC16 of the key or of its hash tag, mod 16384)."""
    from redis.crc import key_slot as crc_slot

    return int(crc_slot(key.encode() if isinstance(key, str) else key))


def describe_slots(keys: Any) -> str:
    """``'a' (slot 15495), 'b' (slot 3300)``: keys with the cluster slot of each."""
    return ", ".join(f"{k!r} (slot {key_slot(k)})" for k in keys)


def keys_of(args: tuple[Any, ...]) -> list[Any]:
    """The keys of a command as sent: EVAL/EVALSHA name them after the key count."""
    name = str(args[0]).upper()
    if name in ("EVAL", "EVALSHA", "EVAL_RO", "EVALSHA_RO", "FCALL") and len(args) > 2:
        return list(args[3:3 + int(args[2])])
    return list(args[1:])


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

    @classmethod
    def cluster(cls, url: str) -> RedisBackend:
        return cls(kind="cluster", _url=url)

    def client(self, *, decode_responses: bool = False, **kwargs: Any) -> redis.Redis:
        """A new client on this server. It is used once here, so threads may share it."""
        if self._server is not None:
            client: redis.Redis = fakeredis.FakeRedis(
                server=self._server, decode_responses=decode_responses, **kwargs
            )
        elif self.kind == "cluster":
            assert self._url is not None
            client = SlotCheckingCluster.from_url(  # type: ignore[assignment]
                self._url, decode_responses=decode_responses, **kwargs)
        else:
            assert self._url is not None
            client = redis.Redis.from_url(self._url, decode_responses=decode_responses, **kwargs)
        # Connect now: a fakeredis client connects lazily, and threads sharing one that has
        # not connected yet race to do it.
        client.ping()
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
        if self.kind == "cluster":
            return RedisCluster.from_url(self._url)  # type: ignore[return-value]
        return redis.Redis.from_url(self._url)

    def cleanup(self) -> None:
        if self._server is not None:
            self._server.connected = True
        admin = self._admin()
        with admin:
            doomed = list(admin.scan_iter(match=f"*{self.namespace}*", count=1000))
            for key in doomed:  # one by one: on a cluster they live in many slots
                admin.delete(key)
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
        self.binary = binary
        last_error = ""
        for _ in range(5):
            self.port = free_port()
            self.proc = self._spawn()
            if self._wait_ready():
                return
            self.stop()
            if self.proc.stderr:
                last_error = self.proc.stderr.read().decode(errors="replace")
        raise RuntimeError(f"could not start redis-server: {last_error}")

    def _spawn(self) -> subprocess.Popen[bytes]:
        return subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1",
             "--save", "", "--appendonly", "no", "--protected-mode", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )

    def restart(self) -> None:
        """Start redis-server again on the same port after ``stop()`` (its data is lost)."""
        self.stop()
        self.proc = self._spawn()
        if not self._wait_ready():
            self.stop()
            raise RuntimeError(f"redis-server did not come back on port {self.port}")

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


def free_cluster_port() -> int:
    """A free port whose cluster bus port (port + 10000) is free too."""
    for _ in range(50):
        port = free_port()
        if port + 10000 > 65535:
            continue
        with socket.socket() as s, suppress(OSError):
            s.bind(("127.0.0.1", port + 10000))
            return port
    raise RuntimeError("no free port pair for a cluster node")


class LocalCluster:
    """A throwaway Redis Cluster of ``masters`` nodes on loopback (no replicas): slots
    split evenly, every node told of the others, ready when each reports state ok."""

    SLOTS = 16384

    def __init__(self, binary: str, masters: int = 3, workdir: str | None = None) -> None:
        import tempfile

        self._tmp = tempfile.TemporaryDirectory(prefix="kata-cluster-", dir=workdir)
        self.nodes: list[subprocess.Popen[bytes]] = []
        self.ports: list[int] = []
        try:
            for _ in range(masters):
                port = free_cluster_port()
                self.nodes.append(subprocess.Popen(
                    [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                     "--appendonly", "no", "--protected-mode", "no",
                     "--cluster-enabled", "yes", "--cluster-node-timeout", "2000",
                     "--cluster-config-file", f"{self._tmp.name}/nodes-{port}.conf",
                     "--dir", self._tmp.name],
                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
                self.ports.append(port)
            self._form()
        except BaseException:
            self.stop()
            raise

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.ports[0]}/0"

    def _node(self, port: int) -> redis.Redis:
        return redis.Redis(port=port, socket_connect_timeout=0.5, socket_timeout=2.0,
                           retry=no_retry())

    def _command(self, port: int, *args: Any) -> Any:
        return self._node(port).execute_command(*args)  # type: ignore[no-untyped-call]

    def _form(self, limit: float = 20.0) -> None:
        deadline = time.monotonic() + limit
        for port in self.ports:
            while True:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"cluster node on port {port} did not start")
                with suppress(redis.exceptions.ConnectionError):
                    if self._node(port).ping():
                        break
                time.sleep(0.02)
        share = self.SLOTS // len(self.ports)
        for i, port in enumerate(self.ports):
            first = i * share
            last = self.SLOTS - 1 if i == len(self.ports) - 1 else first + share - 1
            self._command(port, "CLUSTER", "ADDSLOTSRANGE", first, last)
        for port in self.ports[1:]:
            self._command(port, "CLUSTER", "MEET", "127.0.0.1", self.ports[0])
        while True:
            states = []
            for port in self.ports:
                info = self._command(port, "CLUSTER", "INFO")
                text = info.decode() if isinstance(info, bytes) else str(info)
                states.append("cluster_state:ok" in text and
                              f"cluster_known_nodes:{len(self.ports)}" in text)
            if all(states):
                return
            if time.monotonic() > deadline:
                raise RuntimeError("the cluster did not reach state ok")
            time.sleep(0.05)

    def stop(self) -> None:
        for proc in self.nodes:
            if proc.poll() is None:
                proc.kill()
                proc.wait(timeout=5)
        self._tmp.cleanup()


_cluster: LocalCluster | None = None


def cluster_url() -> str:
    """REDIS_CLUSTER_URL, or a throwaway cluster started on first use (stopped at exit)."""
    global _cluster
    if REDIS_CLUSTER_URL:
        return REDIS_CLUSTER_URL
    if _cluster is None:
        import atexit

        _cluster = LocalCluster(require_redis_server())
        atexit.register(_cluster.stop)
    return _cluster.url
