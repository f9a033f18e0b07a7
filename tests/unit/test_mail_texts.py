"""Every e-mail's text starts its sentences with a capital, also right after the salutation."""

from __future__ import annotations

import re

from tests.live_server import ROOT

MAIL = ROOT / "assets" / "mail"


def test_the_first_sentence_after_the_english_salutation_starts_with_a_capital() -> None:
    templates = sorted(MAIL.glob("*.en.*"))
    assert len(templates) > 10
    lowercase = []
    for path in templates:
        text = re.sub(r"<[^>]+>", "", path.read_text())  # the words, without the markup
        for match in re.finditer(r"Hello[^,\n]*,\s*\n\s*(\S)", text):
            if match.group(1).islower():
                lowercase.append(path.name)
    assert lowercase == []
