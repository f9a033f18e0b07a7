"""Importing a library without the packages it pulls in only for features this process never uses.

A library may import, at its own import, packages that only some of its features need: the
web stack's socket.io layer imports the socket.io *client* and its HTTP libraries (requests,
aiohttp) and the Redis-backed managers (redis), about 16 MB of a server's memory that a server
without Redis never touches. ``lean_imports`` imports such a library with those packages
either *lazy* (their module exists, its code runs at the first attribute read: nothing changes
for a caller but the moment) or *absent* (as if not installed: the library's fallback for an
optional package takes over). Only for the ``with`` block: afterwards every package imports as
usual.
"""

from __future__ import annotations

import contextlib
import importlib.abc
import importlib.machinery
import importlib.util
import sys
from collections.abc import Iterable, Iterator, Sequence
from types import ModuleType


class _LazyFinder(importlib.abc.MetaPathFinder):
    """Finds the top-level packages ``names`` as the other finders do, with a lazy loader."""

    def __init__(self, names: Iterable[str]) -> None:
        self._names = frozenset(names)

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname not in self._names:
            return None
        others = [finder for finder in sys.meta_path if finder is not self]
        for finder in others:
            spec = finder.find_spec(fullname, path, target)
            if spec is not None:
                if spec.loader is None or not hasattr(spec.loader, "exec_module"):
                    return None  # a namespace package or an old-style loader: import as usual
                spec.loader = importlib.util.LazyLoader(spec.loader)
                return spec
        return None


@contextlib.contextmanager
def lean_imports(*, lazy: Iterable[str] = (), absent: Iterable[str] = ()) -> Iterator[None]:
    """Inside the block, importing a top-level package named in ``lazy`` creates its module and
    runs its code only when an attribute is first read (importlib's ``LazyLoader``; importing a
    submodule of it loads it at once); importing one named in ``absent`` (or a submodule of it)
    raises ImportError. Packages imported before are left as they are."""
    blocked = [name for name in absent if name not in sys.modules]
    finder = _LazyFinder(name for name in lazy if name not in sys.modules)
    for name in blocked:
        sys.modules[name] = None  # type: ignore[assignment]  # the import system's "not importable"
    sys.meta_path.insert(0, finder)
    try:
        yield
    finally:
        sys.meta_path.remove(finder)
        for name in blocked:
            if name in sys.modules and sys.modules[name] is None:
                del sys.modules[name]


def loaded(name: str) -> bool:
    """Whether the module ``name`` was imported and its code has run (a lazy one not yet used: False)."""
    module = sys.modules.get(name)
    return module is not None and not isinstance(module, importlib.util._LazyModule)  # type: ignore[attr-defined]
