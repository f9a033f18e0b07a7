"""Menu entries from several areas merge into one tree (Functions › Settings › Company › ...)."""

from __future__ import annotations

from ui.layout import MenuItem, merge_items


def noop() -> None:
    return None


def test_submenus_with_the_same_name_are_merged_not_repeated() -> None:
    a = [MenuItem("settings", children=(MenuItem("company", children=(MenuItem("registration", noop),)),))]
    b = [MenuItem("settings", children=(MenuItem("company", children=(MenuItem("online", noop),)),))]
    merged = merge_items(a, b)
    assert len(merged) == 1
    company = merged[0].children[0]
    assert [c.label_key for c in company.children] == ["registration", "online"]


def test_plain_entries_keep_their_order() -> None:
    merged = merge_items([MenuItem("a", noop)], [MenuItem("b", noop), MenuItem("a", noop)])
    assert [m.label_key for m in merged] == ["a", "b", "a"]
