"""The hand-written sort key orders names as ICU does (German DIN 5007 and the root order agree)."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text

from models.collation import COLLATION_LOCALES, sort_key
from tests.online_db import postgres_server_url

# The order ICU gives (PostgreSQL 15, ICU "de-DE" and "und" alike), checked below where it can be.
ICU_ORDER = [
    "A B", "a_b", "A-B", "A,B", "A.B", "A&B", "A1", "AB", "Aeble", "Æble", "Bar", "Bär", "barer",
    "Barer", "Bärer", "Bauer", "Buchholz", "Çelik", "Cem", "Ore", "Øre", "Österreich", "Ozean",
    "Strasse", "Straße", "Strasser",
    "Über", "Ulm", "Zoë", "Zoe Ziegler",
]  # fmt: skip


def test_baerer_sorts_with_barer_not_after_buchholz() -> None:
    names = ["Buchholz", "Bärer", "Barer", "Bauer"]
    assert sorted(names, key=sort_key) == ["Barer", "Bärer", "Bauer", "Buchholz"]
    assert sorted(names) == ["Barer", "Bauer", "Buchholz", "Bärer"]  # what code point order did


def test_the_key_gives_icus_order_for_accents_case_sharp_s_and_ligatures() -> None:
    shuffled = sorted(ICU_ORDER, key=lambda name: name[::-1])
    assert sorted(shuffled, key=sort_key) == ICU_ORDER
    assert sort_key("") == sort_key(None) == ""
    assert len(sort_key("ä" * 200)) <= 700


@pytest.mark.postgres
@pytest.mark.parametrize("collation", sorted(COLLATION_LOCALES))
def test_the_corpus_order_is_postgresqls_icu_order(collation: str) -> None:
    url = postgres_server_url()
    if url is None:
        pytest.skip("TEST_POSTGRES_URL is not set")
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            locale = COLLATION_LOCALES[collation]
            conn.execute(text(f"CREATE COLLATION pg_temp.{collation} (provider = icu, locale = '{locale}')"))
            values = ", ".join(f"(:n{i})" for i in range(len(ICU_ORDER)))
            rows = conn.execute(
                text(f"SELECT n FROM (VALUES {values}) AS v(n) ORDER BY n COLLATE pg_temp.{collation}"),
                {f"n{i}": name for i, name in enumerate(ICU_ORDER)},
            )
            assert [r[0] for r in rows] == ICU_ORDER
    finally:
        engine.dispose()
