"""Automatic record numbers, the rule both sides follow ("K10127" -> "K10128").

The Business Software registers number contacts and sales orders left without a number
(``services.local.registers.rules``); the Online Desktop numbers the contacts created online
(``services.online.workspace.numbers``). Each side asks its own database which numbers exist.
"""

from __future__ import annotations

import re
from collections.abc import Callable

TRAILING_DIGITS = re.compile(r"^(.*?)(\d+)$")


def next_free_number(last: str | None, taken: Callable[[str], bool]) -> str:
    """One more than the highest number ``last``, keeping its prefix and width, skipping numbers
    already ``taken``; "10001" when there is none yet."""
    match = TRAILING_DIGITS.match(last or "")
    prefix, digits = (match.group(1), match.group(2)) if match else ("", "10000")
    value = int(digits) + 1
    while taken(_numbered(prefix, value, digits)):
        value += 1
    return _numbered(prefix, value, digits)


def _numbered(prefix: str, value: int, digits: str) -> str:
    return prefix + str(value).zfill(len(digits))
