"""Dynamic element attributes, set as values and never parsed.

NiceGUI parses the strings given to ``.props()``, ``.classes()`` and ``.style()``: a value
typed by a person (an e-mail address such as ``a@x.example":x="alert(1)"``) would become a bound
attribute that runs JavaScript. Those calls therefore only ever get string literals; anything
dynamic goes through the element's ``props`` mapping, which takes the value as it is.
"""

from __future__ import annotations

from typing import TypeVar

from nicegui.element import Element

E = TypeVar("E", bound=Element)


def tagged(element: E, testid: str) -> E:
    """Give ``element`` the attribute ``data-testid=<testid>`` (browser tests find it by that)."""
    element.props["data-testid"] = testid
    return element


def with_props(element: E, **values: str) -> E:
    """Set attributes (``with_props(row, **{"data-status": status})``) without parsing them."""
    for name, value in values.items():
        element.props[name] = value
    return element
