"""Mail rendering (German and English, text + HTML) and the built-in mailbox (outbox backend)."""

from __future__ import annotations

import pytest

from services.container import Services
from services.errors import NotFound
from services.online.mail import MailTemplates


@pytest.mark.parametrize(
    ("kind", "lang", "subject", "spam_word"),
    [
        ("verify", "de", "Bestätigen Sie Ihre Online-ID", "Spam-Ordner"),
        ("verify", "en", "Confirm your Online ID", "spam folder"),
        ("reset", "de", "Passwort Ihrer Online-ID zurücksetzen", "Spam-Ordner"),
        ("reset", "en", "Reset the password of your Online ID", "spam folder"),
        ("account_exists", "de", "Sie haben bereits eine Online-ID", "Spam-Ordner"),
        ("account_exists", "en", "You already have an Online ID", "spam folder"),
    ],
)
def test_every_mail_exists_in_both_languages_with_both_parts_and_the_spam_hint(
    kind: str, lang: str, subject: str, spam_word: str
) -> None:
    link = "https://online.example.com/id/x?token=abc.def"
    rendered_subject, text, html = MailTemplates().render(
        kind, lang, email="a@example.com", link=link, login_link="https://online.example.com/id/login"
    )
    assert rendered_subject == subject
    assert link in text and f'href="{link}"' in html
    assert spam_word in text and spam_word in html
    assert f'<html lang="{lang}">' in html


def test_user_data_in_the_html_part_is_escaped() -> None:
    _subject, text, html = MailTemplates().render(
        "verify", "en", email="<script>alert(1)</script>@example.com", link="https://x.example/?a=1&b=2"
    )
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert 'href="https://x.example/?a=1&amp;b=2"' in html
    assert "<script>alert(1)</script>@example.com" in text


def test_an_unknown_language_falls_back_to_english() -> None:
    subject, _text, _html = MailTemplates().render("verify", "fr", email="a@example.com", link="https://x")
    assert subject == "Confirm your Online ID"


def test_the_outbox_keeps_mail_for_the_mailbox_newest_first(online: Services) -> None:
    identity, mail = online.online.identity, online.online.mail
    identity.sign_up("first@example.com", "en")
    identity.sign_up("second@example.com", "de")
    listed = mail.list_mail()
    assert [m.to for m in listed] == ["second@example.com", "first@example.com"]
    assert all(m.status == "stored" for m in listed)
    opened = mail.get_mail(listed[0].id)
    assert opened.summary.subject == "Bestätigen Sie Ihre Online-ID"
    assert "/id/verify?token=" in opened.html


def test_opening_a_mail_that_does_not_exist_is_not_found(online: Services) -> None:
    with pytest.raises(NotFound):
        online.online.mail.get_mail(999)


@pytest.mark.parametrize(("lang", "subject", "spam_word"), [
    ("de", "Erinnerung: Einladung zu Müller GmbH in Online Desktop", "Spam-Ordner"),
    ("en", "Reminder: invitation to Müller GmbH in Online Desktop", "spam folder"),
])  # fmt: skip
def test_the_invitation_reminder_exists_in_both_languages_with_link_expiry_and_spam_hint(
    lang: str, subject: str, spam_word: str
) -> None:
    link = "https://online.example.com/id/invitation?token=abc.def"
    rendered_subject, text, html = MailTemplates().render(
        "invitation_reminder", lang, email="ben@example.com", link=link, company="Müller GmbH",
        inviter="Anna Berg", role="Standard", expires="1 Jan 2031",
    )  # fmt: skip
    assert rendered_subject == subject
    assert link in text and f'href="{link}"' in html and "Anna Berg" in text
    assert "1 Jan 2031" in text and "1 Jan 2031" in html
    assert spam_word in text and spam_word in html
