"""The pages' Tailwind CSS, compiled ahead of time (``ui/styles/build.py``) and served as one
cached stylesheet, instead of NiceGUI compiling the classes in every browser on every page load.

``install()`` serves ``tailwind.css`` under a name that changes with its content (browsers keep
it for a year) and links it from every page; ``main.serve`` turns NiceGUI's in-browser compiler
off (``ui.run(tailwind=False)``). ``candidates()`` are the class candidates of the sources; a
browser test checks that the file is what the compiler makes of them today.
"""

from __future__ import annotations

import ast
import hashlib
import re
from pathlib import Path

HERE = Path(__file__).parent
CSS = HERE.parent.parent / "assets" / "styles" / "tailwind.css"
SOURCES = HERE.parent  # ui/
# NiceGUI adds these rules to its page template only while its in-browser compiler is on.
HEADWIND = """@layer overrides {
  .rotate-45, .rotate-90, .rotate-135, .rotate-180, .rotate-225, .rotate-270, .rotate-315 {
    rotate: 0deg;
  }
}
"""
# Classes Quasar and NiceGUI put on their own elements that are Tailwind classes too: the in-browser
# compiler compiled them because it saw them in the page, so the file has them as well.
ELEMENT_CLASSES = frozenset(
    [
        "absolute",
        "fixed",
        "relative",
        "block",
        "inline",
        "inline-block",
        "flex",
        "inline-flex",
        "hidden",
        "invisible",
        "overflow-hidden",
        "overflow-auto",
        "self-stretch",
        "self-center",
        "self-start",
        "self-end",
        "text-left",
        "text-right",
        "text-center",
        "text-justify",
        "items-start",
        "items-center",
        "items-end",
        "items-stretch",
        "items-baseline",
        "justify-start",
        "justify-center",
        "justify-end",
        "justify-between",
        "justify-around",
        "uppercase",
        "lowercase",
        "capitalize",
        "italic",
        "underline",
    ]
)
# A token that could be a Tailwind class: lower case, variants and arbitrary values allowed; a dot
# only inside brackets or in a number (i18n keys like "online.count" are no classes).
_TOKEN = re.compile(r"!?-?[a-z0-9@][a-z0-9:\-\[\]/%#()_,.'!*&>=+~]*")
_STRAY_DOT = re.compile(r"\.(?!\d)")


def candidates(root: Path = SOURCES) -> set[str]:
    """Every token of every string constant (f-strings' literal parts too, docstrings not) in the
    modules under ``root`` but this package."""
    found: set[str] = set(ELEMENT_CLASSES)
    for path in sorted(root.rglob("*.py")):
        if path.is_relative_to(HERE):
            continue
        tree = ast.parse(path.read_text(), str(path))
        docstrings = {id(node.body[0].value) for node in ast.walk(tree) if _has_docstring(node)}  # type: ignore[attr-defined]
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
                found.update(t for t in node.value.split() if _is_candidate(t))
    return found


def _has_docstring(node: ast.AST) -> bool:
    if not isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
        return False
    first = node.body[0] if node.body else None
    return (
        isinstance(first, ast.Expr)
        and isinstance(first.value, ast.Constant)
        and isinstance(first.value.value, str)
    )


def _is_candidate(token: str) -> bool:
    if len(token) > 80 or not _TOKEN.fullmatch(token):
        return False
    outside = re.sub(r"\[[^\]]*\]", "", token)
    return not _STRAY_DOT.search(outside)


def stylesheet_url() -> str:
    digest = hashlib.sha256(CSS.read_bytes()).hexdigest()[:12]
    return f"/_app/styles/tailwind-{digest}.css"


def install() -> None:
    """Serve the stylesheet and link it from every page (before any page is built)."""
    from nicegui import app, ui

    url = app.add_static_file(local_file=CSS, url_path=stylesheet_url(), max_cache_age=365 * 24 * 3600)
    ui.add_head_html(f'<link rel="stylesheet" href="{url}">', shared=True)
