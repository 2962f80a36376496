"""The harness: which target a suite runs against, parts, fixtures, hypothesis profiles.

Options: ``--target`` (or KATA_TARGET), ``--kata NAME``, ``--part N``, ``--summary-json``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from types import ModuleType

import hypothesis.stateful
import pytest
from hypothesis import HealthCheck, Phase, Verbosity, settings

from tests.support import targets
from tests.support.clock import FakeClock
from tests.support.redis_backends import REDIS_URL, RedisBackend, backend_kinds
from tests.support.report import (
    KataReport,
    hide_hypothesis_frames,
    kata_of,
    part_of,
    stop_at_not_implemented,
)
from tests.support.watchdog import Watchdog

# The learner's loop: quick, deterministic (the same examples every run, so a failure
# reproduces by running again), no example database to go stale.
settings.register_profile(
    "dev",
    max_examples=60,
    stateful_step_count=30,
    deadline=None,
    derandomize=True,
    database=None,
    print_blob=True,
    # One failure at a time, the simplest: a learner fixes it and runs again.
    report_multiple_bugs=False,
    # The explain phase costs seconds on every failure, and a learner's failures are many.
    phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.target, Phase.shrink],
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
_dev = settings.get_profile("dev")
# The repository's own check: many more examples, runs long enough to evict and expire.
settings.register_profile("thorough", parent=_dev, max_examples=200, stateful_step_count=60)
settings.register_profile("debug", parent=_dev, verbosity=Verbosity.verbose)
# `make verify` against a bug-gallery entry only needs to know that a test fails.
settings.register_profile(
    "gallery", parent=_dev, phases=[Phase.explicit, Phase.generate]
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))


def _stateful_tests_stop_at_not_implemented() -> None:
    """State machines build their @given test inside hypothesis; wrap it there too."""
    build = getattr(hypothesis.stateful, "get_state_machine_test", None)
    if build is None:  # a hypothesis without this hook: runs are merely slower on stubs
        return

    def get_state_machine_test(*args: object, **kwargs: object) -> object:
        test = build(*args, **kwargs)
        test.hypothesis.inner_test = stop_at_not_implemented(test.hypothesis.inner_test)
        return test

    hypothesis.stateful.get_state_machine_test = get_state_machine_test  # type: ignore[assignment]


_stateful_tests_stop_at_not_implemented()
hide_hypothesis_frames()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("katas")
    group.addoption("--target", default=None,
                    help="katas (default), solutions, a directory of kata modules, or one file")
    group.addoption("--kata", default=None, help="run only this kata's tests")
    group.addoption("--part", type=int, default=None, help="run only this part (1, 2, 3)")
    group.addoption("--summary-json", default=None, help="also write the summary table here")


def pytest_configure(config: pytest.Config) -> None:
    target = targets.configure(config.getoption("--target"))
    config.pluginmanager.register(KataReport(config.getoption("--summary-json")), "kata-report")
    watchdog = Watchdog(target.code_files)
    if watchdog.install():
        config.stash[WATCHDOG] = watchdog


WATCHDOG = pytest.StashKey[Watchdog]()
# The thorough profile runs many more examples per test: a longer overall budget.
BUDGET_SCALE = 3.0 if os.environ.get("HYPOTHESIS_PROFILE") == "thorough" else 1.0


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    """Watch the test: an endless loop, a deadlock or a runaway allocation in the code
    under test fails this test within seconds (see tests/support/watchdog.py)."""
    watchdog = item.config.stash.get(WATCHDOG, None)
    if watchdog is not None:
        watchdog.arm(kata_of(item) or "?", BUDGET_SCALE)
    try:
        return (yield)
    finally:
        if watchdog is not None:
            watchdog.disarm()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    kata, part = config.getoption("--kata"), config.getoption("--part")
    if kata is not None and kata not in targets.KATAS:
        raise pytest.UsageError(f"--kata {kata!r}: not a kata (one of {', '.join(targets.KATAS)})")
    selected: list[pytest.Item] = []
    deselected: list[pytest.Item] = []
    for item in items:
        if kata_of(item) is None or part_of(item) is None:
            raise pytest.UsageError(f"{item.nodeid}: every test needs KATA and a part marker")
        hypothesis_handle = getattr(getattr(item, "obj", None), "hypothesis", None)
        if hypothesis_handle is not None:
            hypothesis_handle.inner_test = stop_at_not_implemented(hypothesis_handle.inner_test)
        wanted = (kata is None or kata_of(item) == kata) and (part is None or part_of(item) == part)
        (selected if wanted else deselected).append(item)
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = selected


@pytest.fixture
def kata(request: pytest.FixtureRequest) -> ModuleType:
    """The module under test for the requesting test file's KATA."""
    return targets.load(request.module.KATA)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture(params=backend_kinds())
def redis_backend(request: pytest.FixtureRequest) -> Iterator[RedisBackend]:
    """fakeredis, and the REDIS_URL server when one is configured; cleaned up after."""
    if request.param == "fake":
        backend = RedisBackend.fake()
    else:
        assert REDIS_URL is not None
        backend = RedisBackend.real(REDIS_URL)
    try:
        yield backend
    finally:
        backend.cleanup()


@pytest.fixture(params=[False, True], ids=["bytes", "str"])
def redis_client(redis_backend: RedisBackend, request: pytest.FixtureRequest):  # type: ignore[no-untyped-def]
    """A client on ``redis_backend``, once with decode_responses=False and once True."""
    return redis_backend.client(decode_responses=request.param)
