"""The pager of every list: translated words, numbers with the locale's thousands separators.

Quasar's own texts ("Records per page", "1-20 of 100") are English and print numbers bare; the
lists show "Einträge pro Seite" and "1–25 von 100.000" instead. The label is a JavaScript function
(Quasar calls it whenever the page changes, also for lists paged in the browser): the translated
template and the locale go in as JSON literals, never as parsed strings.
"""

from __future__ import annotations

import json

from nicegui import ui

from ui.components.attributes import with_props
from ui.i18n import _, lang

# The locale whose digit grouping the numbers take ("100.000" / "100,000").
NUMBER_LOCALES = {"de": "de-DE", "en": "en-US"}


def pagination_label_js(template: str, locale: str) -> str:
    """A JavaScript arrow function ``(first, last, total) => text`` filling ``template``."""
    return (
        "(a, b, n) => { const f = new Intl.NumberFormat("
        + json.dumps(locale)
        + "); return "
        + json.dumps(template)
        + '.replace("{first}", f.format(a)).replace("{last}", f.format(b)).replace("{total}", f.format(n)); }'
    )


def translate_pager(table: ui.table) -> ui.table:
    """Give ``table`` the pager texts in the user's language."""
    return with_props(
        table,
        **{
            "rows-per-page-label": _("registers.rows_per_page"),
            "no-data-label": _("registers.no_rows"),
            ":pagination-label": pagination_label_js(
                _("lists.pagination"), NUMBER_LOCALES.get(lang(), NUMBER_LOCALES["en"])
            ),
        },
    )
