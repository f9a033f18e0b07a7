"""The journey's language check finds the other language, raw keys and traces, not shared words."""

from __future__ import annotations

from tests.e2e.page_language import language_problems


def test_an_english_text_on_a_german_page_is_found() -> None:
    problems = language_problems(["Lizenzen: 5", "All prerequisites are met."], "de")
    assert problems == ["untranslated 'All prerequisites are met.' in 'All prerequisites are met.'"]


def test_the_fixed_part_of_a_text_with_placeholders_is_found() -> None:
    assert language_problems(["Not invited (3)"], "de") == ["untranslated 'Not invited' in 'Not invited (3)'"]


def test_words_both_languages_share_are_not_found() -> None:
    assert language_problems(["OK", "Online Desktop", "Status", "E-Mail", "Start der Sync"], "de") == []
    assert language_problems(["OK", "Online Desktop", "Status"], "en") == []


def test_a_raw_key_and_a_stack_trace_are_found_but_not_an_address() -> None:
    problems = language_problems(
        ["sync.needs_reconnect", "Traceback (most recent call last):", "anna@mueller.example"], "en"
    )
    assert any("raw key 'sync.needs_reconnect'" in p for p in problems)
    assert any("stack trace" in p for p in problems)
    assert not any("mueller" in p for p in problems)
