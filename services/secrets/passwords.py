"""Password hashing (argon2id) and the password policy shared by both logins."""

from __future__ import annotations

import hashlib
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()

# The most common passwords (and obvious variations are caught by the length rule).
COMMON_PASSWORDS = frozenset(
    {
        "password", "password1", "password12", "password123", "passwort", "passwort1", "passwort123",
        "1234567890", "12345678910", "0123456789", "qwertzuiop", "qwertyuiop", "123456789a",
        "iloveyou12", "letmein123", "welcome123", "willkommen", "willkommen1", "administrator",
        "admin12345", "changeme12", "abcdefghij", "aaaaaaaaaa", "1111111111", "sommer2024",
        "sommer2025", "sommer2026", "summer2024", "summer2025", "summer2026", "hallo12345",
        "football12", "monkey1234", "dragon1234", "master1234", "passw0rd12", "p@ssw0rd12",
    }
)  # fmt: skip
MIN_LENGTH = 10


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Check a password; a missing hash still costs one hash so timing reveals nothing."""
    if not password_hash:
        _hasher.hash(password)
        return False
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def password_problem(password: str, *, email: str = "", username: str = "") -> str | None:
    """Return the translation key of what is wrong with a new password, or None."""
    if len(password) < MIN_LENGTH:
        return "password.too_short"
    lowered = password.lower()
    if lowered in COMMON_PASSWORDS or len(set(lowered)) <= 2:
        return "password.too_common"
    for ident in (email, username, email.split("@")[0] if email else ""):
        if ident and lowered == ident.lower():
            return "password.equals_identity"
    return None


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    """Tokens are stored only as SHA-256 hashes."""
    return hashlib.sha256(token.encode()).hexdigest()
