"""The cross-site scripting corpus every text field must store and show as plain text."""

from __future__ import annotations

XSS_CORPUS = (
    "<img src=x onerror=alert(1)>",
    '"><svg onload=alert(1)>',
    '":x="alert(1)"',
    "{{constructor.constructor('alert(1)')()}}",
)
# The same payloads as e-mail addresses: every e-mail field must refuse them.
XSS_ADDRESSES = (
    "poc@x.example<img src=x onerror=alert(1)>",
    'poc@x.example"><svg onload=alert(1)>',
    'poc@x.example":x="alert(1)"',
    "poc{{constructor.constructor('alert(1)')()}}@x.example",
    '"poc"@x.example',
    "poc=1@x.example",
    "poc one@x.example",
    "<poc@x.example>",
)
