"""Is a page entirely in one language? Its visible text checked against the other language's catalogue.

``visible_texts`` reads the text nodes a person sees (icon ligatures such as ``check_circle``
left out, button captions in their own case rather than Quasar's upper case). ``language_problems``
names what should not be there:

- a catalogue text of the *other* language whose translation differs (the same words in both,
  such as "OK" or "Online Desktop", cannot tell): whole texts of four characters or more (a
  single word only where it stands alone, since "Start" is a word of both), and the fixed parts
  (twelve characters or more) of texts with placeholders;
- a raw translation key (``sync.needs_reconnect``: a dotted word of a catalogue namespace);
- a stack trace.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from playwright.async_api import Page

from services.i18n import LANGUAGES, catalogue

MIN_WHOLE = 4  # a whole catalogue text this long or longer
MIN_FRAGMENT = 12  # the fixed part of a text with placeholders this long or longer
PLACEHOLDER = re.compile(r"\{[^{}]*\}")
DOTTED = re.compile(r"(?<![\w@./-])[a-z][a-z0-9_]*(?:\.[a-z0-9_-]+)+(?![\w@/-])")
TRACES = ("Traceback (most recent call last)", "Traceback", 'File "/')

_VISIBLE_TEXTS = """() => {
  const hidden = '.q-icon, .material-icons, script, style, noscript, [aria-hidden=true]';
  const seen = {visibilityProperty: true, opacityProperty: true};
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    if (!parent || parent.closest(hidden)) continue;
    if (parent.checkVisibility && !parent.checkVisibility(seen)) continue;
    const text = node.textContent.replace(/\\s+/g, ' ').trim();
    if (text) out.push(text);
  }
  for (const field of document.querySelectorAll('input[placeholder], textarea[placeholder]')) {
    if (field.checkVisibility && field.checkVisibility()) out.push(field.placeholder);
  }
  return out;
}"""


@dataclass(frozen=True, slots=True)
class Foreign:
    """What betrays the other language: whole texts (matched as whole words) and fragments."""

    whole: tuple[tuple[str, re.Pattern[str]], ...]
    fragments: tuple[str, ...]


@cache
def foreign_texts(lang: str) -> Foreign:
    """The other language's texts that differ from every text of ``lang``."""
    (other,) = (code for code in LANGUAGES if code != lang)
    own = {texts.get(lang, "") for texts in catalogue().values()}
    whole: dict[str, re.Pattern[str]] = {}
    fragments: set[str] = set()
    for texts in catalogue().values():
        theirs, ours = texts.get(other, ""), texts.get(lang, "")
        if not theirs or theirs == ours or theirs in own:
            continue
        if PLACEHOLDER.search(theirs):
            for part in PLACEHOLDER.split(theirs):
                part = part.strip(" ,.:;()–-")
                if len(part) >= MIN_FRAGMENT and not any(part in text for text in own):
                    fragments.add(part)
        elif len(theirs) >= MIN_WHOLE:
            whole[theirs] = re.compile(rf"(?<!\w){re.escape(theirs)}(?!\w)")
    return Foreign(whole=tuple(sorted(whole.items())), fragments=tuple(sorted(fragments)))


@cache
def _namespaces() -> frozenset[str]:
    return frozenset(key.split(".", 1)[0] for key in catalogue())


def language_problems(texts: list[str], lang: str) -> list[str]:
    """Everything in ``texts`` (a page's visible text) that is not in ``lang``."""
    foreign = foreign_texts(lang)
    keys, namespaces = catalogue(), _namespaces()
    problems: list[str] = []
    for text in texts:
        for theirs, pattern in foreign.whole:
            # A single word may be a word of both languages ("Start"): only a text of its own.
            if theirs == text or (" " in theirs and theirs in text and pattern.search(text)):
                problems.append(f"untranslated {theirs!r} in {text!r}")
        problems.extend(f"untranslated {part!r} in {text!r}" for part in foreign.fragments if part in text)
        for dotted in DOTTED.findall(text):
            if dotted in keys or dotted.split(".", 1)[0] in namespaces:
                problems.append(f"raw key {dotted!r} in {text!r}")
        problems.extend(f"stack trace in {text!r}" for trace in TRACES if trace in text)
    return problems


async def visible_texts(page: Page) -> list[str]:
    texts: list[str] = await page.evaluate(_VISIBLE_TEXTS)
    return texts


async def assert_in_language(page: Page, lang: str, step: str) -> None:
    problems = language_problems(await visible_texts(page), lang)
    assert not problems, f"{step} ({lang}, {page.url}):\n" + "\n".join(sorted(set(problems)))
