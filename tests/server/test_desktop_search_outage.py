"""Searching the Clients screen while the clinic server is down: the one sentence, no traceback,
and the search answers by itself once the server is back."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import psycopg

from bench import load_setup
from clinic_app.store.postgres import UNREACHABLE
from tests.server.test_desktop_server import LEFT, _connect, _launcher, crashable

__all__ = ["crashable"]  # the fixture: a server of this test's own, stopped hard below


def _a_last_name(server: load_setup.LoadServer) -> str:
    with psycopg.connect(
        host="127.0.0.1",
        port=server.cluster.port,
        dbname=load_setup.DB,
        user=server.cluster.user,
        password=server.cluster.password,
    ) as conn:
        row = conn.execute(  # keyClicks types ASCII only
            "SELECT last_name FROM client WHERE last_name ~ '^[A-Za-z]+$' ORDER BY id LIMIT 1"
        ).fetchone()
    assert row is not None
    return str(row[0])


def test_typing_a_search_while_the_server_is_down_says_one_sentence_and_recovers(
    qtbot: Any, tmp_path: Path, crashable: load_setup.LoadServer
) -> None:
    name = _a_last_name(crashable)
    launcher = _launcher(qtbot, tmp_path)
    unlock = launcher.start.unlock
    qtbot.mouseClick(unlock.server_choice, LEFT)
    panel = unlock.server_panel
    qtbot.keyClicks(panel.url, crashable.url)  # on this computer: no CA file needed
    qtbot.keyClicks(panel.user, load_setup.login(0))
    _connect(qtbot, panel, load_setup.PASSWORD)
    qtbot.waitUntil(lambda: launcher.controller is not None, timeout=60_000)
    window = launcher.controller.window
    qtbot.addWidget(window)
    window.server_link.timer.setInterval(200)
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
