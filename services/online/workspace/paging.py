"""One page of a synced register's list: its keys and the number of matches, read along indexes.

Every list is a query of record keys (``uuid``) over the live rows of one account, ordered by an
index (``models.online.company_data._list_index``: tenant, live rows, sorted column, uuid), so
the count and the page's keys come from the index alone and only the page's rows are read after.

A search on SQLite goes through a trigram index (``search_index``) and gives a set of matching
rows. How to read its page depends on how many there are: a few hundred are read and sorted;
of many (a common fragment such as "mann"), the first page is found faster by walking the sort
index and keeping the matching entries, as a list without search does (``walk``). The count
comes first, from the trigram index alone where it can tell (``search_index.Matches``), else from
the matching rows, and decides.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

WALK_FROM = 1_000  # matches from which a page is read along the sort index
WALK_SHARE = 4  # ... while the page lies in the first quarter of the matches


def page_keys(
    s: Session,
    query: Any,
    order: Sequence[Any],
    *,
    page: int,
    page_size: int,
    walk: Any = None,
    total: int | None = None,
) -> tuple[list[str], int, int]:
    """The keys of one page, the number of matches and the page shown (the last one when ``page``
    lies beyond it).

    ``query`` selects the keys. ``walk``, for a search through a trigram index, is the same query
    with the index's condition written so that SQLite cannot start from it (it then reads along
    the sort index); ``total``, the number of matches if the index counted them already.

    The count and the page are two queries, so that each has its own plan: a count of the matches
    of a trigram index (PostgreSQL: a bitmap of the matching rows, SQLite: ``search_index``), and
    a page that stops after its rows, along the sort index when the matches are many (one count
    alongside every row would have to visit every match in the sort order, row by row)."""
    if total is None:
        total = s.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    page = max(1, min(page, max(1, -(-total // page_size))))
    if not total:
        return [], 0, page
    if walk is not None and total >= WALK_FROM and page * page_size * WALK_SHARE <= total:
        query = walk
    keys = s.scalars(query.order_by(*order).offset((page - 1) * page_size).limit(page_size)).all()
    return list(keys), total, page
