"""UUIDs drawn in batches for bulk inserts."""

from __future__ import annotations

import time
import uuid

from models.types import new_uuids


def test_a_batch_holds_distinct_version_7_uuids_in_ascending_order_stamped_now() -> None:
    before = int(time.time() * 1000)
    texts = new_uuids(5_000)
    after = int(time.time() * 1000)
    parsed = [uuid.UUID(text) for text in texts]
    assert [str(u) for u in parsed] == texts
    assert {(u.version, u.variant) for u in parsed} == {(7, uuid.RFC_4122)}
    assert len(set(texts)) == len(texts)
    assert [u.int for u in parsed] == sorted(u.int for u in parsed)
    assert all(before <= u.int >> 80 <= after for u in parsed)


def test_every_variant_digit_occurs() -> None:
    assert {text[19] for text in new_uuids(1_000)} == {"8", "9", "a", "b"}
