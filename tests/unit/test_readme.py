"""The README stays true: every setting is in its configuration table and its pictures exist."""

from __future__ import annotations

import re

from services.config import Settings
from tests.live_server import ROOT

README = (ROOT / "README.md").read_text()


def test_every_setting_is_documented_in_the_configuration_table() -> None:
    table = README.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    missing = [name.upper() for name in Settings.model_fields if f"`{name.upper()}`" not in table]
    assert missing == [], f"add these variables to the README's configuration table: {missing}"


def test_the_readme_names_the_two_commands() -> None:
    assert "make run" in README
    assert "make test" in README


def test_every_picture_the_readme_shows_exists_and_is_small() -> None:
    pictures = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", README)
    assert pictures, "the README shows at least one screenshot"
    for picture in pictures:
        path = ROOT / picture
        assert path.is_file(), picture
        assert path.stat().st_size < 300_000, f"{picture} is too large for the repository"
