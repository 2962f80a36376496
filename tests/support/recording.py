"""Count and name the commands a client sends, to check how code talks to Redis.

``record(client)`` patches that one client object: every ``execute_command`` (which all
redis-py commands and script calls go through) is logged, and a pipeline's ``execute`` is
logged as one round trip. Pub/sub reads use their own connection and are not commands.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import redis


def _name(part: Any) -> str:
    return (part.decode() if isinstance(part, bytes) else str(part)).upper()


@dataclass
class CommandLog:
    calls: list[tuple[Any, ...]] = field(default_factory=list)

    @property
    def round_trips(self) -> int:
        return len(self.calls)

    def names(self) -> list[str]:
        """Command names in order; a pipeline shows as ``PIPELINE[GET,SET]``."""
        return [_name(call[0]) for call in self.calls]

    def clear(self) -> None:
        self.calls.clear()

    def __str__(self) -> str:
        return " ".join(self.names()) or "(no commands)"


def record(client: redis.Redis) -> CommandLog:
    log = CommandLog()
    send: Any = client.execute_command

    def execute_command(*args: Any, **options: Any) -> Any:
        log.calls.append(args)
        return send(*args, **options)

    make_pipeline = client.pipeline

    def pipeline(*args: Any, **kwargs: Any) -> Any:
        pipe = make_pipeline(*args, **kwargs)
        run = pipe.execute

        def execute(*eargs: Any, **ekwargs: Any) -> Any:
            inner = ",".join(_name(_args_of(c)[0]) for c in pipe.command_stack)
            log.calls.append((f"PIPELINE[{inner}]",))
            return run(*eargs, **ekwargs)

        pipe.execute = execute  # type: ignore[method-assign]
        return pipe

    client.execute_command = execute_command  # type: ignore[method-assign]
    client.pipeline = pipeline  # type: ignore[method-assign]
    return log


def _args_of(queued: Any) -> tuple[Any, ...]:
    args = getattr(queued, "args", None)
    if args is not None:
        return tuple(args)
    return tuple(queued[0])
