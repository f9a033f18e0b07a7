"""A server start imports no library that only some requests need (memory and start time)."""

from __future__ import annotations

import subprocess
import sys

from tests.live_server import ROOT

# Loaded by the first use: sealing a token, calling the Online Desktop, sending mail over SMTP.
LATER = ("cryptography.fernet", "httpx", "aiosmtplib", "faker")


def test_the_composition_root_and_the_pages_import_no_library_needed_later() -> None:
    code = (
        "import sys, main, services.container, ui.app\n"
        f"print(','.join(name for name in {LATER!r} if name in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120, check=True
    )
    assert done.stdout.strip() == ""


def test_a_seal_opens_what_it_sealed_and_loads_cryptography_only_then() -> None:
    code = (
        "import sys\n"
        "from services.secrets.sealing import TokenSeal\n"
        "seal = TokenSeal('key')\n"
        "before = 'cryptography.fernet' in sys.modules\n"
        "assert TokenSeal('key').open(seal.seal('token')) == 'token'\n"
        "print(before, 'cryptography.fernet' in sys.modules)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout.split() == ["False", "True"]
