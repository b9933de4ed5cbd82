"""The Clients screen's search as you type: the count and the first page in one read."""

from __future__ import annotations

from typing import Any

from clinic_app.services import clients, demo


def test_search_page_is_the_count_and_the_first_page_of_the_list(vault: Any) -> None:
    demo.fill_demo(vault, clients=300, seed=3)
    # A common prefix (a full page and more), a rarer one (a short page) and no match at all.
    for typed in ("a", "garc", "zzzz"):
        total, rows = clients.search_page(vault, search_text=typed, limit=20)
        assert total == clients.count_clients(vault, search_text=typed)
        assert rows == clients.list_clients(vault, search_text=typed, limit=20)
        assert len(rows) == min(total, 20)
    assert clients.count_clients(vault, search_text="a") > 20  # the count was asked for
    assert 0 < clients.count_clients(vault, search_text="garc") < 20  # it was not needed


def test_search_page_without_text_is_the_whole_list(vault: Any) -> None:
    demo.fill_demo(vault, clients=30, seed=3)
    total, rows = clients.search_page(vault, search_text="  ", limit=10)
    assert total == 30
    assert rows == clients.list_clients(vault, limit=10)
