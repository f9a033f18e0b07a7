"""Secrets this installation must keep and present again, stored encrypted with its secret key.

The sync connection's bearer token is one: Business Software sends it on every sync request, so
it cannot be kept as a hash. It is stored sealed (Fernet: AES-128-CBC with an HMAC-SHA256 tag)
under a key derived from the installation's secret key (HKDF-SHA256, one ``purpose`` per kind
of secret), so a copy of the database alone reveals no credential. A sealed value from another
installation or a changed secret key does not open: ``SealBroken``.
"""

from __future__ import annotations

import base64
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cryptography.fernet import Fernet

PREFIX = "sealed1:"


class SealBroken(Exception):
    """The sealed value does not open with this installation's secret key."""


class TokenSeal:
    """Seals and opens with a key derived from ``secret_key`` for ``purpose``.

    The key is derived on first use: cryptography's native library (several MB) is loaded only
    by a process that seals or opens something.
    """

    def __init__(self, secret_key: str, purpose: str = "sync-connection-token") -> None:
        self._secret_key = secret_key
        self._purpose = purpose
        self._cipher: Fernet | None = None

    @property
    def _fernet(self) -> Fernet:
        if self._cipher is None:
            from cryptography.fernet import Fernet
            from cryptography.hazmat.primitives import hashes
            from cryptography.hazmat.primitives.kdf.hkdf import HKDF

            derived = HKDF(
                algorithm=hashes.SHA256(), length=32, salt=None, info=self._purpose.encode()
            ).derive(self._secret_key.encode())
            self._cipher = Fernet(base64.urlsafe_b64encode(derived))
        return self._cipher

    def seal(self, secret: str) -> str:
        """The encrypted form to store ("" stays "": no secret)."""
        return PREFIX + self._fernet.encrypt(secret.encode()).decode() if secret else ""

    def open(self, sealed: str) -> str:
        """The secret back; ``SealBroken`` when it was sealed with another key or altered."""
        if not sealed:
            return ""
        if not sealed.startswith(PREFIX):
            raise SealBroken("not a sealed value")
        fernet = self._fernet
        from cryptography.fernet import InvalidToken

        try:
            return fernet.decrypt(sealed[len(PREFIX) :].encode()).decode()
        except InvalidToken:
            raise SealBroken("sealed with another key, or altered") from None
