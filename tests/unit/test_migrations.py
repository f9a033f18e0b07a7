"""Each database's Alembic history has one head and produces exactly the schema the models declare."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from models.local import LocalBase
from models.online import OnlineBase
from services.db import alembic_config, make_engine, migrate


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
