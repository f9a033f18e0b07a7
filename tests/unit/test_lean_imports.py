"""A library imported lean: the packages it names lazy load at first use, those named absent not at all."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from services.lean_imports import lean_imports, loaded


@pytest.fixture
def packages(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Two packages that write a line into ``ran.txt`` when their code runs."""
    for name in ("lean_probe_lazy", "lean_probe_absent"):
        folder = tmp_path / name
        folder.mkdir()
        (folder / "__init__.py").write_text(
            f"from pathlib import Path\n"
            f"with open(Path({str(tmp_path)!r}) / 'ran.txt', 'a') as f:\n"
            f"    f.write({name!r} + '\\n')\n"
            "VALUE = 42\n"
        )
        (folder / "part.py").write_text("PART = 'part'\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    importlib.invalidate_caches()
    yield tmp_path
    for name in list(sys.modules):
        if name.startswith(("lean_probe_lazy", "lean_probe_absent")):
            del sys.modules[name]


def ran(folder: Path) -> list[str]:
    path = folder / "ran.txt"
    return path.read_text().split() if path.exists() else []


def test_a_lazy_package_runs_its_code_only_when_first_used(packages: Path) -> None:
    with lean_imports(lazy=["lean_probe_lazy"]):
        import lean_probe_lazy  # type: ignore[import-not-found]

    assert ran(packages) == [] and not loaded("lean_probe_lazy")
    assert lean_probe_lazy.VALUE == 42
    assert ran(packages) == ["lean_probe_lazy"] and loaded("lean_probe_lazy")


def test_a_submodule_of_a_lazy_package_loads_it_at_once(packages: Path) -> None:
    with lean_imports(lazy=["lean_probe_lazy"]):
        from lean_probe_lazy import part  # type: ignore[import-not-found]

    assert part.PART == "part" and ran(packages) == ["lean_probe_lazy"]


def test_an_absent_package_cannot_be_imported_inside_the_block_and_can_after(packages: Path) -> None:
    with lean_imports(absent=["lean_probe_absent"]):
        with pytest.raises(ImportError):
            import lean_probe_absent  # type: ignore[import-not-found]
        with pytest.raises(ImportError):
            import lean_probe_absent.part  # type: ignore[import-not-found]
    assert ran(packages) == []

    import lean_probe_absent

    assert lean_probe_absent.VALUE == 42 and ran(packages) == ["lean_probe_absent"]


def test_packages_imported_before_stay_as_they_are() -> None:
    import json

    with lean_imports(lazy=["json"], absent=["json"]):
        import json as again

    assert again is json and loaded("json")
    assert json.loads("[1]") == [1]
