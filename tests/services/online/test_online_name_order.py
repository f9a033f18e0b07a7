"""The Online Desktop's contacts sort names in the reader's language, along an index: the sort key
on SQLite, ICU collations on PostgreSQL."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event

from models.collation import COLLATIONS
from services.container import Services
from tests.services.online.test_online_workspace import company, contacts, person, workspace

NAMES = ["Buchholz", "Bärer", "Barer", "Bauer"]
ORDER = ["Barer", "Bärer", "Bauer", "Buchholz"]


def test_umlauts_sort_with_their_letter_in_both_languages(online: Services) -> None:
    owner = person(online, "anna@example.com")
    account = company(online, owner, "Müller GmbH")
    contacts(online, account.tenant_id, *({"name": name} for name in NAMES))
    lists = workspace(online).lists
    for language in ("de", "en"):
        page = lists.contacts(owner, account.tenant_uuid, sort="name", language=language)
        assert [row.values["name"] for row in page.rows] == ORDER
    page = lists.contacts(owner, account.tenant_uuid, sort="name", descending=True, language="de")
    assert [row.values["name"] for row in page.rows] == ORDER[::-1]


def test_the_sorted_page_is_read_along_an_index(online: Services) -> None:
    owner = person(online, "anna@example.com")
    account = company(online, owner, "Müller GmbH")
    contacts(online, account.tenant_id, *({"name": name} for name in NAMES))
    engine = online.db.online_engine
    assert engine is not None
    statements: list[tuple[str, Any]] = []

    def remember(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_args: Any) -> None:
        if "ORDER BY" in statement:
            statements.append((statement, parameters))

    for language in ("de", "en"):
        event.listen(engine, "before_cursor_execute", remember)
        try:
            workspace(online).lists.contacts(owner, account.tenant_uuid, sort="name", language=language)
        finally:
            event.remove(engine, "before_cursor_execute", remember)
        statement, parameters = statements[-1]
        with engine.connect() as conn:
            if engine.dialect.name == "postgresql":
                # Four rows are read faster without an index: forbid sorting to see which index fits.
                conn.exec_driver_sql("SET enable_sort = off")
                conn.exec_driver_sql("SET enable_seqscan = off")
                plan = " | ".join(r[0] for r in conn.exec_driver_sql("EXPLAIN " + statement, parameters))
                assert f"ix_online_contacts_list_name_{COLLATIONS[language]}" in plan
                assert "Sort" not in plan.replace("Sort Key", "")
            else:
                explain = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters)
                plan = " | ".join(r[-1] for r in explain)
                assert "INDEX ix_online_contacts_list_name " in plan, plan
                assert "TEMP B-TREE" not in plan, plan
