"""Language-aware sorting of names: "Bärer" sorts with "Barer", not after "Buchholz".

PostgreSQL sorts with ICU collations (``COLLATIONS``, created by the migrations with
``provider = icu``, each with an index on the collated expression): German DIN 5007 order
(ICU locale ``de-DE``) for German, the Unicode root collation (``und``) for English.

SQLite has no ICU, so a derived *sort key* column is kept next to the sorted column and
indexed; its binary order is the collation's. ``sort_key`` is written by hand (PyICU is not
available here and Babel has no collation): it builds the three levels of the Unicode
Collation Algorithm for Latin script --

1. letters without accents or case, ``ß`` = ``ss``, ``æ`` = ``ae``, ``ø`` = ``o`` (DIN 5007-1:
   ``ä`` = ``a``); spaces, then punctuation and symbols (in the root order), then digits, then
   letters;
2. accents (unaccented first: "Barer" before "Bärer", "Strasse" before "Straße");
3. case (lower case first: "barer" before "Barer").

For these letters ICU's German order and the root order agree (checked against PostgreSQL's
ICU in the tests), so one key serves both languages on SQLite.

The key columns are not synchronised: each side derives them from the synced value whenever it
writes a row (ORM writes through the mapper events below, bulk writes call ``sort_key``).
"""

from __future__ import annotations

import unicodedata
from typing import Any

from sqlalchemy import String, event
from sqlalchemy.orm import Mapped, mapped_column

# The ICU collation each language sorts by on PostgreSQL (created by the migrations).
COLLATIONS = {"de": "bs_de", "en": "bs_root"}
COLLATION_LOCALES = {"bs_de": "de-DE", "bs_root": "und"}
KEY_LENGTH = 700  # three levels of a 200-character name, with room for expansions
_SEPARATOR = "\x01"  # below every character a level holds: a shorter name sorts first
_EXPAND = {
    "ß": "ss",
    "ẞ": "ss",
    "æ": "ae",
    "œ": "oe",
    "ø": "o",
    "đ": "d",
    "ð": "d",
    "ł": "l",
    "þ": "th",
    "ı": "i",
}


# Spaces, punctuation and symbols in the root collation's order, all before digits and letters:
# each gets one character below "0" (from "\x02" on, above the level separator).
_PUNCTUATION_ORDER = " _-,;:!?.'\"()[]{}@*/\\&#%`^+<=>|~$"
_RANK = {char: chr(2 + i) for i, char in enumerate(_PUNCTUATION_ORDER)}
_OTHER_SYMBOL = chr(2 + len(_PUNCTUATION_ORDER))  # symbols beyond ASCII (§, €): after "$"
# ASCII letters and digits stay (lower-cased first), the rest takes its rank, control characters go.
_ASCII_PRIMARY = str.maketrans({**{chr(c): None for c in range(32)}, "\x7f": None, **_RANK})


def _rank(char: str) -> str:
    """The primary weight of a character that is neither letter nor digit."""
    if char in _RANK:
        return _RANK[char]
    if char.isspace():
        return _RANK[" "]
    category = unicodedata.category(char)
    if category == "Pd":
        return _RANK["-"]
    if category in ("Pi", "Pf", "Ps", "Pe"):
        return _RANK['"']
    return _RANK["."] if category.startswith("P") else _OTHER_SYMBOL


def sort_key(text: str | None) -> str:
    """The sort key of ``text``: comparing keys as plain strings gives the collation's order."""
    if not text:
        return ""
    if text.isascii():  # the common case, without decomposing
        primary = text.lower().translate(_ASCII_PRIMARY)
        return (primary + _SEPARATOR + text.lower() + _SEPARATOR + text.swapcase())[:KEY_LENGTH]
    return _unicode_key(text)


class _PrimaryWeights(dict[int, str]):
    """``str.translate`` table from a lower-cased, decomposed character to its primary weight
    (filled as characters are met): control characters and accents go, ``ß`` expands, letters
    and digits stay, the rest takes its rank."""

    def __missing__(self, code: int) -> str:
        char = chr(code)
        if char < " " or unicodedata.combining(char):
            weight = ""
        elif char in _EXPAND:
            weight = _EXPAND[char]
        else:
            weight = char if char.isalnum() else _rank(char)
        self[code] = weight
        return weight


_PRIMARY_WEIGHTS = _PrimaryWeights()


def _unicode_key(text: str) -> str:
    primary = unicodedata.normalize("NFKD", text).lower().translate(_PRIMARY_WEIGHTS)
    decomposed = unicodedata.normalize("NFD", text)
    return (primary + _SEPARATOR + decomposed.lower() + _SEPARATOR + decomposed.swapcase())[:KEY_LENGTH]


def sort_key_column(source: str) -> Mapped[str]:
    """A column holding ``sort_key`` of the column ``source`` (marked so the sync leaves it out)."""
    return mapped_column(String(KEY_LENGTH), default="", info={"sort_key_of": source})


def sort_key_columns(table: Any) -> dict[str, str]:
    """The sort key columns of a table: key column -> the column it is derived from."""
    return {c.name: c.info["sort_key_of"] for c in table.columns if "sort_key_of" in c.info}


def keep_sort_keys(model: type) -> None:
    """Keep the model's sort key columns current on every ORM insert and update."""
    keys = sort_key_columns(model.__table__)  # type: ignore[attr-defined]

    def fill(_mapper: Any, _connection: Any, target: Any) -> None:
        for key, source in keys.items():
            setattr(target, key, sort_key(getattr(target, source)))

    event.listen(model, "before_insert", fill)
    event.listen(model, "before_update", fill)
