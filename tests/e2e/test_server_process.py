"""``python main.py`` as a user starts it: answers on its port, keeps its secret, never shows a trace."""

from __future__ import annotations

import stat

import httpx

from tests.live_server import LiveServer


def test_a_started_server_answers_the_start_page(shared_live_server: LiveServer) -> None:
    response = httpx.get(shared_live_server.url + "/", follow_redirects=True)
    assert response.status_code == 200
    assert "<title>" in response.text


def test_the_start_up_prints_the_address(shared_live_server: LiveServer) -> None:
    assert f"on {shared_live_server.url}/" in shared_live_server.log()


def test_the_first_start_creates_a_secret_key_only_the_owner_can_read(shared_live_server: LiveServer) -> None:
    key_file = shared_live_server.data_dir / "secret_key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert len(key_file.read_text().strip()) >= 32


def test_an_unknown_address_gets_the_friendly_page_without_technical_details(
    shared_live_server: LiveServer,
) -> None:
    response = httpx.get(shared_live_server.url + "/no/such/page", headers={"Accept-Language": "de-DE"})
    assert response.status_code == 404
    assert "Diese Seite gibt es nicht." in response.text
    for technical in ("Traceback", "HTTPException", "Not Found"):
        assert technical not in response.text


def test_an_unknown_api_address_gets_a_json_error(shared_live_server: LiveServer) -> None:
    response = httpx.get(shared_live_server.url + "/api/online/v1/no-such-endpoint")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/json")


def test_the_health_check_reports_the_protocol_version(shared_live_server: LiveServer) -> None:
    body = httpx.get(shared_live_server.url + "/api/online/v1/health").json()
    assert body["status"] == "ok"
    assert body["protocol_version"] >= 1
