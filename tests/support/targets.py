"""Which implementation a suite runs against, and loading it.

A target is ``katas`` (the stubs a learner edits), ``solutions`` (the references), any
directory holding modules named like the katas, or a single file: ``katas/lru.py`` (named
like its kata), ``gallery/lru/mru_evicted.py`` or ``tests/first_attempts/lru/x.py`` (it
stands for the kata named by its folder).

A gallery entry defines only what carries its bug: every public name of the reference
that it does not define is taken from the reference when it is loaded.

Suites never import the module themselves: they call :func:`load` (or use the ``kata``
fixture), so one suite runs against any target.
"""

from __future__ import annotations

import importlib.util
import os
import sys
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

import pytest

from tests.support import manifest

ROOT = Path(__file__).resolve().parents[2]

KATAS = manifest.NAMES


@dataclass
class Target:
    spec: str
    path: Path
    _loaded: dict[str, ModuleType] = field(default_factory=dict)
    _errors: dict[str, str] = field(default_factory=dict)
    # Names that parts >= this one introduce are taken from the stub (see --stub-parts-from).
    stub_parts_from: int | None = None

    @classmethod
    def from_spec(cls, spec: str | None) -> Target:
        spec = spec or os.environ.get("KATA_TARGET") or "katas"
        path = Path(spec)
        if not path.is_absolute():
            path = (ROOT / path) if (ROOT / path).exists() else Path.cwd() / path
        if not path.exists():
            raise pytest.UsageError(f"--target {spec!r}: no such directory or file")
        return cls(spec=spec, path=path.resolve())

    @property
    def single_kata(self) -> str | None:
        """The kata a single-file target stands for (None for a directory, or no kata)."""
        if not self.path.is_file() or self.path.suffix != ".py":
            return None
        for name in (self.path.parent.name, self.path.stem):
            if name in KATAS:
                return name
        return None

    @property
    def is_gallery_entry(self) -> bool:
        return self.path.is_file() and self.path.is_relative_to(ROOT / "gallery")

    def module_path(self, kata: str) -> Path | None:
        """The file that implements ``kata`` in this target, or None if it has none."""
        if self.path.is_file():
            return self.path if self.single_kata == kata else None
        candidate = self.path / f"{kata}.py"
        return candidate if candidate.is_file() else None

    def code_files(self) -> set[str]:
        """The files of the code under test: what a learner wrote (and, for a gallery
        entry, the reference it builds on)."""
        files = {str(Path(m.__file__)) for m in self._loaded.values() if m.__file__}
        if self.is_gallery_entry:
            files |= {str(ROOT / "solutions" / f"{kata}.py") for kata in self._loaded}
        return files

    def display(self, path: Path) -> str:
        try:
            return str(path.relative_to(ROOT))
        except ValueError:
            return str(path)

    def load(self, kata: str) -> ModuleType:
        """The module for ``kata``; a test of a kata the target lacks is skipped, and one
        of a kata whose module does not import fails in one line (the error itself is
        shown once, before the failures: see :meth:`import_error`)."""
        if kata in self._loaded:
            return self._loaded[kata]
        path = self.module_path(kata)
        if path is None:
            pytest.skip(f"missing: target {self.spec} has no {kata}.py")
        if kata not in self._errors:
            self.try_import(kata)
        if kata in self._errors:
            cause = self._errors[kata].splitlines()[-1]
            raise DoesNotImport(f"{kata}: {self.display(path)} does not import ({cause}; "
                                "shown above)")
        return self._loaded[kata]

    def try_import(self, kata: str) -> bool:
        """Import ``kata``'s module now, if the target has one; False if it fails."""
        path = self.module_path(kata)
        if path is None or kata in self._loaded:
            return True
        if kata in self._errors:
            return False
        try:
            module = self._import(kata, path)
            if self.is_gallery_entry:
                _take_the_rest_from_the_reference(module, kata)
            if self.stub_parts_from is not None:
                _stub_later_parts(module, kata, self.stub_parts_from)
        except BaseException as exc:  # any import failure is the learner's to see
            sys.modules.pop(f"_kata_target_{kata}", None)
            sys.modules.pop(f"solutions.{kata}", None)
            self._errors[kata] = self._describe_import_error(path, exc)
            return False
        self._loaded[kata] = module
        return True

    def _import(self, kata: str, path: Path) -> ModuleType:
        if path == ROOT / "solutions" / f"{kata}.py" and self.stub_parts_from is None:
            # The reference keeps its package name: gallery entries build on that module,
            # and mutation testing picks the active mutant by the functions' module name.
            return importlib.import_module(f"solutions.{kata}")
        name = f"_kata_target_{kata}"
        spec = importlib.util.spec_from_file_location(name, path)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module  # dataclasses and typing resolve through sys.modules
        spec.loader.exec_module(module)
        return module

    def import_errors(self) -> dict[str, str]:
        """Each kata whose module failed to import, with the error as Python shows it."""
        return dict(self._errors)

    def _describe_import_error(self, path: Path, exc: BaseException) -> str:
        """The error as Python prints it (file, line, the line itself, a caret, the
        message), keeping only the frames of the learner's file, not the import machinery."""
        frames = traceback.extract_tb(exc.__traceback__)
        own = [f for f in frames if Path(f.filename).resolve() == path]
        if not own and not isinstance(exc, SyntaxError):  # SyntaxError names its own line
            own = frames[-1:]
        where = "".join(traceback.format_list(own))
        what = "".join(traceback.format_exception_only(type(exc), exc))
        head = "Traceback (most recent call last):\n" if where else ""
        return f"{head}{where}{what}".rstrip()


class DoesNotImport(Exception):
    """A test of a kata whose module does not import: the import error is the cause."""


def _take_the_rest_from_the_reference(entry: ModuleType, kata: str) -> None:
    """Give a gallery entry every public name of the reference that it does not define."""
    reference = importlib.import_module(f"solutions.{kata}")
    names = getattr(reference, "__all__", [n for n in vars(reference) if not n.startswith("_")])
    for name in names:
        if name not in vars(entry):
            setattr(entry, name, getattr(reference, name))
    vars(entry)["__all__"] = list(names)


def _stub_later_parts(module: ModuleType, kata: str, first: int) -> None:
    """Replace what parts ``first`` and later introduce with the stub's unimplemented
    versions: what a learner has who solved the earlier parts only. A name is a module
    global (``Redlock``) or a member of a class (``RedisLock.extend``)."""
    spec = importlib.util.spec_from_file_location(f"_kata_stub_{kata}",
                                                  manifest.get(kata).stub)
    assert spec is not None and spec.loader is not None
    stub = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = stub
    spec.loader.exec_module(stub)
    for name in manifest.get(kata).introduced_from(first):
        owner_name, _, member = name.rpartition(".")
        if owner_name:  # a method a later part adds to an earlier part's class
            owner = getattr(module, owner_name)
            setattr(owner, member, vars(getattr(stub, owner_name))[member])
        else:
            setattr(module, name, getattr(stub, name))


_current: Target | None = None


def configure(spec: str | None, stub_parts_from: int | None = None) -> Target:
    global _current
    _current = Target.from_spec(spec)
    _current.stub_parts_from = stub_parts_from
    return _current


def current() -> Target:
    if _current is None:  # imported outside a pytest run (for example by a tool)
        return configure(None)
    return _current


def load(kata: str) -> ModuleType:
    """The module under test for ``kata`` (skips the test if the target lacks it)."""
    return current().load(kata)
