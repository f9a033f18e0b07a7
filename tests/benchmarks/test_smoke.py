"""The benchmark scripts still run, at size S: right counts and consistent data, no timing asserted."""

from __future__ import annotations

from pathlib import Path

from services.config import Settings
from services.db import open_databases
from services.local.demo_data import DemoDataService
from tests.benchmarks import (
    contacts_search,
    dashboard,
    demo_data,
    initial_sync,
    latency,
    load,
    online_contacts,
    online_sales,
)
from tests.benchmarks.consistency import broken_references, orders_with_wrong_total


def test_the_demo_data_benchmark_reports_the_rows_it_wrote_and_they_hang_together(tmp_path: Path) -> None:
    result = demo_data.main(["--size", "S", "--locale", "en", "--data-dir", str(tmp_path)])
    assert set(result) >= {"size", "rows", "seconds", "rows_per_second"}
    assert result["size"] == "S" and 900 <= result["rows"] <= 1_100
    assert result["rows"] == sum(result["counts"].values())
    db = open_databases(
        local_url=Settings(data_dir=tmp_path).local_db_url, online_url=None, migrate_now=False
    )
    assert db.local is not None
    try:
        assert DemoDataService(db.local).count_rows(result["company_id"]) == result["counts"]
        assert broken_references(db.local, result["company_id"]) == {}
        assert orders_with_wrong_total(db.local, result["company_id"]) == []
    finally:
        db.dispose()


def test_the_contacts_search_benchmark_times_every_case_and_finds_what_it_searches(tmp_path: Path) -> None:
    result = contacts_search.main(["--size", "S", "--repeat", "2", "--data-dir", str(tmp_path)])
    cases = result["cases"]
    assert result["contacts"] == 200
    assert all(case["median_ms"] >= 0 and case["p95_ms"] >= case["median_ms"] for case in cases.values())
    assert cases["contact_number"]["matches"] == 1
    assert cases["rare_name"]["matches"] >= 1 and cases["postal_code"]["matches"] >= 1
    assert cases["no_search_sorted_by_name"]["matches"] == 200
    assert cases["deep_page_by_name"]["shown"] == 25
    again = contacts_search.main(["--size", "S", "--repeat", "1", "--data-dir", str(tmp_path), "--reuse"])
    assert again["fill_seconds"] is None and again["contacts"] == 200


def test_the_initial_sync_benchmark_moves_every_row_through_http_and_verifies_it() -> None:
    # fails unless verify matches
    result = initial_sync.main(["--size", "S", "--page-rows", "300", "--repeat", "1"])
    assert 900 <= result["rows"] <= 1_100
    assert result["bytes_sent"] > 0 and result["seconds"] > 0 and result["raw_copy_seconds"] >= 0
    assert result["peak_rss_mb"] >= result["client_peak_rss_mb"] > 0


def test_the_latency_benchmark_sees_every_edit_arrive_on_the_other_side() -> None:
    result = latency.main(["--edits", "3", "--repeat", "1"])  # exits unless every edit arrives within 30 s
    for direction in ("local_to_online", "online_to_local"):
        figures = result[direction]
        assert figures["n"] == 3
        assert 0 < figures["p50_ms"] <= figures["p95_ms"] <= figures["max_ms"] < 30_000


def test_the_online_contacts_benchmark_lists_the_synchronised_contacts() -> None:
    result = online_contacts.main(["--size", "S", "--repeat", "1"])
    cases = result["cases"]
    assert result["contacts"] == 200 and cases["first_page_by_name"]["matches"] == 200
    assert cases["no_match"]["matches"] == 0 and cases["postal_code"]["matches"] >= 1
    assert cases["deep_page_by_name"]["shown"] == 25  # asked beyond the end: the last page


def test_the_online_sales_benchmark_lists_filters_and_searches_the_documents() -> None:
    result = online_sales.main(["--size", "S", "--repeat", "3"])
    cases = result["cases"]
    assert result["sales_orders"] == 1_000 and cases["first_page_newest"]["matches"] == 1_000
    assert 0 < cases["orders_only"]["matches"] < 1_000 and cases["no_match"]["matches"] == 0
    assert cases["customer_fragment"]["matches"] >= 1 and cases["deep_page_newest"]["shown"] == 25
    assert result["worst_p95_ms"] == max(case["p95_ms"] for case in cases.values())


def test_the_load_benchmark_syncs_every_company_and_measures_the_probe() -> None:
    result = load.main(["--companies", "2", "--edits", "2", "--size", "S"])  # exits unless all verify
    assert result["companies"] == 2 and result["verify_failures"] == 0
    assert result["local_to_online"]["n"] == 2 and result["online_to_local"]["n"] == 2
    assert result["server_rss_mb_after"] > 0


def test_the_dashboard_benchmark_builds_the_dashboard_of_the_synchronised_company() -> None:
    result = dashboard.main(["--size", "S", "--repeat", "3", "--online-db", "sqlite"])
    figures = result["backends"]["sqlite"]
    assert figures["sales_orders"] > 0 and figures["invoiced_last_12_months"] > 0
    assert (
        0
        < figures["dashboard"]["min_ms"]
        <= figures["dashboard"]["median_ms"]
        <= figures["dashboard"]["p95_ms"]
    )
    assert figures["ratio_to_reference"] > 0
