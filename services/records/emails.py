"""What counts as an e-mail address, on both sides (register fields, Online ID, invitations, APIs).

Only the common subset of RFC 5322 that real mailboxes use: a dot-separated local part of
letters, digits and ``_ % + -``, an ``@``, and a host name whose last label has two or more
letters. Quotes, ``=``, spaces, angle brackets, comments and quoted local parts are refused:
an address is shown in many places and must never be able to carry markup or script.
"""

from __future__ import annotations

import re

MAX_EMAIL_LENGTH = 254
_LOCAL = r"[A-Za-z0-9_%+-]+(?:\.[A-Za-z0-9_%+-]+)*"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
EMAIL_RE = re.compile(rf"^(?=[^@]{{1,64}}@){_LOCAL}@(?:{_LABEL}\.)+[A-Za-z]{{2,63}}$")


def is_email(text: str) -> bool:
    """True for an address of the common subset (see the module docstring), at most 254 characters."""
    return len(text) <= MAX_EMAIL_LENGTH and EMAIL_RE.fullmatch(text) is not None
