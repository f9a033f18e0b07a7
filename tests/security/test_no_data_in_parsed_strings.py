"""No value is ever built into a string that NiceGUI parses (``.props()``, ``.classes()``, ``.style()``).

NiceGUI parses those strings; ``.props()`` even turns ``:name="…"`` into JavaScript. A person's
e-mail address such as ``a@x.example":x="alert(1)"`` built into one of them would run in the
browser of whoever opens the page. The rule is simple enough to check mechanically: the argument
is a string literal (or a choice between literals), never an f-string, ``%``, ``+`` or a call;
dynamic values go through ``element.props[...]`` (``ui.components.attributes``).
"""

from __future__ import annotations

import ast

from tests.live_server import ROOT

PARSED = ("props", "classes", "style")


def _static(node: ast.expr, *, names_allowed: bool) -> bool:
    """A literal, a choice between literals, or (classes/style) a name of a constant."""
    if isinstance(node, ast.Constant):
        return node.value is None or isinstance(node.value, str)
    if isinstance(node, ast.IfExp):
        return _static(node.body, names_allowed=names_allowed) and _static(
            node.orelse, names_allowed=names_allowed
        )
    return (
        names_allowed
        and isinstance(node, ast.Name | ast.Attribute | ast.Subscript)
        and not any(isinstance(inner, ast.JoinedStr | ast.BinOp | ast.Call) for inner in ast.walk(node))
    )


def violations(source: str, filename: str) -> list[str]:
    """Every ``.props/.classes/.style`` call in ``source`` whose argument is built at run time."""
    found = []
    for node in ast.walk(ast.parse(source, filename)):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        if node.func.attr not in PARSED:
            continue
        for arg in [*node.args, *(k.value for k in node.keywords)]:
            if not _static(arg, names_allowed=node.func.attr != "props"):
                found.append(f"{filename}:{node.lineno}: .{node.func.attr}({ast.unparse(arg)})")
    return found


def test_no_props_classes_or_style_string_in_ui_is_built_from_data() -> None:
    files = sorted((ROOT / "ui").rglob("*.py"))
    assert len(files) > 20
    found = [v for path in files for v in violations(path.read_text(), str(path.relative_to(ROOT)))]
    assert found == [], "dynamic values must go through element.props[...]:\n" + "\n".join(found)


def test_the_check_catches_f_strings_percent_plus_format_and_helpers() -> None:
    bad = [
        'chip.props(f"outline dense data-testid=status-{email}")',
        'chip.props("data-testid=%s" % email)',
        'chip.props("data-testid=" + email)',
        'chip.props("data-testid={}".format(email))',
        "chip.props(testid(email))",
        "chip.props(attributes)",
        'chip.classes(f"text-xs {style}")',
        'chip.style("color: " + colour)',
        'chip.classes(add=f"x-{name}")',
    ]
    for line in bad:
        assert violations(line, "example.py"), line


def test_the_check_lets_literals_and_constant_choices_through() -> None:
    good = [
        'chip.props("outline dense")',
        'chip.props("color=negative" if failed else "color=primary")',
        "chip.classes(STYLE_BACKGROUND)",
        'chip.classes("text-red-8" if expired else "text-grey-8")',
        'chip.props["data-testid"] = f"status-{email}"',
    ]
    for line in good:
        assert violations(line, "example.py") == [], line
