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

from tests.support import manifest, targets
from tests.support.clock import FakeClock
from tests.support.gallery import test_matches
from tests.support.redis_backends import REDIS_URL, RedisBackend, backend_kinds, cluster_url
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
    # The same examples every run: running again reproduces a failure, no blob needed.
    print_blob=False,
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
# `make soak`: thorough, with the seed the command line gives (a new one every round).
settings.register_profile("soak", parent=settings.get_profile("thorough"), derandomize=False)
# `make verify` against a bug-gallery entry only needs to know that a test fails.
settings.register_profile(
    "gallery", parent=_dev, phases=[Phase.explicit, Phase.generate]
)
# A quick look: is anything failing at all? (make verify's part-by-part checks)
settings.register_profile("quick", parent=_dev, max_examples=10, stateful_step_count=15,
                          phases=[Phase.explicit, Phase.generate])
# `make mutate`: a few hundred runs per kata, each in a process that already ran the suite
# (so hypothesis sees the same test from several executors, which is expected there).
settings.register_profile(
    "mutate", parent=settings.get_profile("quick"), max_examples=25, stateful_step_count=30,
    suppress_health_check=[*_dev.suppress_health_check, HealthCheck.differing_executors],
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
        # The @given wrapper hypothesis generates runs in a namespace of its own: hide its
        # frame there too, so that a failure starts at the learner's step.
        if test.__globals__ is not hypothesis.stateful.__dict__:
            test.__globals__["__tracebackhide__"] = True
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
    group.addoption("--first", action="append", default=[], metavar="TEST",
                    help="run the tests matching TEST (as gallery entries declare them) first")
    group.addoption("--announce", action="store_true",
                    help="say on stderr when each kata's tests start")
    group.addoption("--brief", action="store_true",
                    help="show only the first failure (the one to fix first)")
    group.addoption("--stub-parts-from", type=int, default=None, metavar="N",
                    help="take the names that parts N and later introduce from the stub, "
                         "and run the earlier parts only: each part must be solvable alone")


def pytest_configure(config: pytest.Config) -> None:
    # Loaded here too, not only on import: make verify imports this file once and then
    # runs many sessions, each with its own profile.
    settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))
    target = targets.configure(config.getoption("--target"),
                               stub_parts_from=config.getoption("--stub-parts-from"))
    config.stash[SELECTION] = _checked_selection(config, target)
    report = KataReport(config.getoption("--summary-json"), brief=config.getoption("--brief"),
                        announce=config.getoption("--announce"))
    config.pluginmanager.register(report, "kata-report")
    watchdog = Watchdog(target.code_files)
    if watchdog.install():
        config.stash[WATCHDOG] = watchdog


WATCHDOG = pytest.StashKey[Watchdog]()
SELECTION = pytest.StashKey[tuple[str | None, int | None]]()
# A profile that runs more examples than the learner's gets a longer overall budget per
# test (read when the test runs: make verify imports this file once for many sessions).
DEV_EXAMPLES = _dev.max_examples


def _checked_selection(config: pytest.Config, target: targets.Target) -> tuple[str | None,
                                                                              int | None]:
    """The kata and part asked for, checked: a run that cannot test what was asked for
    stops at once with a message saying why (and a non-zero exit)."""
    kata, part = config.getoption("--kata"), config.getoption("--part")
    if kata is not None and kata not in manifest.NAMES:
        raise pytest.UsageError(f"KATA={kata}: not a kata; the katas are: "
                                f"{', '.join(manifest.NAMES)}")
    if target.path.is_file():
        if target.single_kata is None:
            raise pytest.UsageError(
                f"TARGET={target.spec}: a single file must be named like its kata "
                f"(katas/lru.py) or sit in a folder named like it (gallery/lru/x.py)")
        if kata is not None and kata != target.single_kata:
            raise pytest.UsageError(f"TARGET={target.spec} is a {target.single_kata} module, "
                                    f"but KATA={kata}")
        kata = target.single_kata
    elif kata is not None and target.module_path(kata) is None:
        raise pytest.UsageError(f"TARGET={target.spec} has no {kata}.py: nothing to test")
    if part is not None:
        allowed = (manifest.get(kata).part_numbers if kata else
                   sorted({n for k in manifest.katas().values() for n in k.part_numbers}))
        if part not in allowed:
            where = f"{kata} has" if kata else "the katas have"
            raise pytest.UsageError(f"PART={part}: {where} parts "
                                    f"{', '.join(map(str, allowed))}")
    return kata, part


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    """Watch the test: an endless loop, a deadlock or a runaway allocation in the code
    under test fails this test within seconds (see tests/support/watchdog.py)."""
    watchdog = item.config.stash.get(WATCHDOG, None)
    if watchdog is not None:
        current = settings.default
        scale = max(1.0, current.max_examples / DEV_EXAMPLES) if current else 1.0
        watchdog.arm(kata_of(item) or "?", scale)
    try:
        return (yield)
    finally:
        if watchdog is not None:
            watchdog.disarm()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    kata, part = config.stash[SELECTION]
    below = config.getoption("--stub-parts-from")
    selected: list[pytest.Item] = []
    deselected: list[pytest.Item] = []
    for item in items:
        if kata_of(item) is None or part_of(item) is None:
            raise pytest.UsageError(f"{item.nodeid}: every test needs KATA and a part marker")
        hypothesis_handle = getattr(getattr(item, "obj", None), "hypothesis", None)
        if hypothesis_handle is not None:
            hypothesis_handle.inner_test = stop_at_not_implemented(hypothesis_handle.inner_test)
        wanted = ((kata is None or kata_of(item) == kata)
                  and (part is None or part_of(item) == part)
                  and (below is None or (part_of(item) or 0) < below))
        (selected if wanted else deselected).append(item)
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = selected
    first = config.getoption("--first")
    if first:
        front = [i for i in items if any(test_matches(i.nodeid, p) for p in first)]
        items[:] = front + [i for i in items if i not in front]


@pytest.fixture
def kata(request: pytest.FixtureRequest) -> ModuleType:
    """The module under test for the requesting test file's KATA."""
    return targets.load(request.module.KATA)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture(params=backend_kinds())
def redis_backend(request: pytest.FixtureRequest) -> Iterator[RedisBackend]:
    """fakeredis; the REDIS_URL server and a Redis Cluster when configured; cleaned up."""
    if request.param == "fake":
        backend = RedisBackend.fake()
    elif request.param == "cluster":
        backend = RedisBackend.cluster(cluster_url())
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
