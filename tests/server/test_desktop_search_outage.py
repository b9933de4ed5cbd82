"""Searching the Clients screen while the clinic server is down: the one sentence, no traceback,
and the search answers by itself once the server is back."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bench import load_setup
from clinic_app.store.postgres import UNREACHABLE
from tests.server.test_desktop_server import a_last_name, crashable, signed_in

__all__ = ["crashable"]  # the fixture: a server of this test's own, stopped hard below


def test_typing_a_search_while_the_server_is_down_says_one_sentence_and_recovers(
    qtbot: Any, tmp_path: Path, crashable: load_setup.LoadServer
) -> None:
    name = a_last_name(crashable)
    launcher, window = signed_in(qtbot, tmp_path, crashable)
    banner = window.server_link.banner
    window.show_page(window.clients)
    page = window.clients
    qtbot.waitUntil(lambda: page.model.rowCount() > 0, timeout=20_000)

    crashable.cluster.stop("immediate")
    window.statusBar().clearMessage()
    # Typed as a person types, while nothing answers: pytest-qt fails the test on any exception
    # that reaches Qt (what used to print a traceback to the console).
    qtbot.keyClicks(page.search, name)
    qtbot.waitUntil(lambda: window.statusBar().currentMessage() == UNREACHABLE, timeout=20_000)
    assert banner.isVisible() and banner.text() == UNREACHABLE
    assert page.model.rowCount() == 0
    assert page.count.text() == ""  # not "no client matches": nothing was searched

    crashable.cluster.launch()
    # Nobody types again or reconnects: the search answers once the server is back.
    qtbot.waitUntil(lambda: not banner.isVisible(), timeout=60_000)
    qtbot.waitUntil(lambda: page.model.rowCount() >= 1, timeout=20_000)
    assert page.search.text() == name
    assert any(name in str(page.model.record(r)) for r in range(page.model.rowCount()))
    assert not window.is_locked
    window.lock_action.trigger()
    launcher.close()
