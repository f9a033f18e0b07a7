"""Secrets of an installation: password hashing (argon2id) and sealing of stored tokens with the
installation's secret key."""
