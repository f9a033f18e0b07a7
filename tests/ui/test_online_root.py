"""An instance running only the Online Desktop answers its root address with the Online Desktop."""

from __future__ import annotations

import httpx

from tests.live_server import ServerFactory


def test_the_root_of_an_online_instance_leads_to_the_online_desktop(start_server: ServerFactory) -> None:
    server = start_server("--role", "online")
    first = httpx.get(f"{server.url}/", follow_redirects=False, timeout=30)
    assert first.status_code in (302, 307) and first.headers["location"] == "/online"
    landed = httpx.get(f"{server.url}/", follow_redirects=True, timeout=30)
    assert landed.status_code == 200 and "/online" in str(landed.url)
