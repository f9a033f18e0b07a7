"""Each database's Alembic history has one head and produces exactly the schema the models declare;
the start-up's quick "already at head" check agrees with Alembic."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from models.local import LocalBase
from models.online import OnlineBase
from services.db import alembic_config, at_head, head_revision, make_engine, migrate


@pytest.mark.parametrize(("which", "base"), [("local", LocalBase), ("online", OnlineBase)])
def test_migrations_have_one_head_and_match_the_models(tmp_path: Path, which: str, base: type) -> None:
    url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    script = ScriptDirectory.from_config(alembic_config(which, url))  # type: ignore[arg-type]
    assert len(script.get_heads()) == 1
    engine = make_engine(url)
    migrate(which, engine)  # type: ignore[arg-type]
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), base.metadata)
    engine.dispose()
    assert diff == []


@pytest.mark.parametrize("which", ["local", "online"])
def test_the_head_read_from_the_scripts_is_alembics(tmp_path: Path, which: str) -> None:
    url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    script = ScriptDirectory.from_config(alembic_config(which, url))  # type: ignore[arg-type]
    assert head_revision(which) == script.get_current_head()  # type: ignore[arg-type]


def test_a_database_is_at_head_only_after_its_last_migration(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    engine = make_engine(url)
    assert not at_head("local", engine)  # empty: no alembic_version yet
    migrate("local", engine)
    assert at_head("local", engine)
    script = ScriptDirectory.from_config(alembic_config("local", url))
    head = script.get_revision(script.get_current_head() or "")
    assert head is not None
    previous = head.down_revision
    with engine.begin() as conn:
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = ?", (previous,))
    assert not at_head("local", engine)  # one migration behind: migrate() hands it to alembic
    engine.dispose()
