"""The Clients screen while the clinic server is down (searching, scrolling, opening a client): the
one sentence, no traceback, and the screen answers by itself once the server is back."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QAbstractSlider

from bench import load_setup
from clinic_app.store.postgres import UNREACHABLE
from tests.server.desktop_helpers import LEFT, a_last_name, crashable, own_server, signed_in
from ui.client_table import ClientTableModel
from ui.pages.matters import MatterTableModel

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


@pytest.fixture
def crowded() -> Iterator[load_setup.LoadServer]:
    """A server of its own with more clients than the Clients screen reads at once (it is
    stopped hard below)."""
    yield from own_server(ClientTableModel.PAGE + 40)


def _first_page_shown(qtbot: Any, window: Any, page: Any, rows: int) -> Any:
    """`page` shown with its first `rows` rows read and laid out (there is somewhere to scroll)."""
    window.show_page(page)
    qtbot.waitUntil(lambda: page.model.rowCount() == rows, timeout=20_000)
    qtbot.waitUntil(lambda: page.table.verticalScrollBar().maximum() > 0)
    return page


def test_scrolling_and_opening_a_client_while_the_server_is_down_say_one_sentence(
    qtbot: Any, tmp_path: Path, crowded: load_setup.LoadServer
) -> None:
    launcher, window = signed_in(qtbot, tmp_path, crowded)
    banner = window.server_link.banner
    page = _first_page_shown(qtbot, window, window.clients, ClientTableModel.PAGE)
    assert page.model.total == ClientTableModel.PAGE + 40

    crowded.cluster.stop("immediate")
    status = window.statusBar()
    status.clearMessage()
    # Opening a client: the one sentence, and no half-shown details (pytest-qt fails the test
    # on any exception that reaches Qt).
    table = page.table
    nothing_shown = page.detail.text()
    first = table.visualRect(page.model.index(0, 0)).center()
    qtbot.mouseClick(table.viewport(), LEFT, pos=first)
    qtbot.waitUntil(lambda: status.currentMessage() == UNREACHABLE, timeout=20_000)
    assert banner.isVisible() and banner.text() == UNREACHABLE
    assert page.detail.text() == nothing_shown

    # Scrolling to the end asks for the next rows: the same sentence, and the rows shown stay.
    status.clearMessage()
    table.verticalScrollBar().triggerAction(QAbstractSlider.SliderAction.SliderToMaximum)
    qtbot.waitUntil(lambda: status.currentMessage() == UNREACHABLE, timeout=20_000)
    assert page.model.rowCount() == ClientTableModel.PAGE
    status.clearMessage()
    table.verticalScrollBar().triggerAction(QAbstractSlider.SliderAction.SliderToMinimum)
    table.verticalScrollBar().triggerAction(QAbstractSlider.SliderAction.SliderToMaximum)
    qtbot.wait(200)
    assert status.currentMessage() == ""  # not tried again on every scroll while it is down

    crowded.cluster.launch()
    # Nobody reconnects: once the server is back the screen reads again, and scrolling works.
    qtbot.waitUntil(lambda: not banner.isVisible(), timeout=60_000)
    qtbot.waitUntil(lambda: page.model.rowCount() == ClientTableModel.PAGE, timeout=20_000)
    qtbot.waitUntil(lambda: table.verticalScrollBar().maximum() > 0)
    table.verticalScrollBar().triggerAction(QAbstractSlider.SliderAction.SliderToMaximum)
    qtbot.waitUntil(lambda: page.model.rowCount() == ClientTableModel.PAGE + 40, timeout=20_000)
    qtbot.mouseClick(table.viewport(), LEFT, pos=first)
    qtbot.waitUntil(lambda: page.detail.text() != nothing_shown, timeout=20_000)
    window.lock_action.trigger()
    launcher.close()


def test_the_matters_screen_while_the_server_is_down_says_one_sentence_and_recovers(
    qtbot: Any, tmp_path: Path, crowded: load_setup.LoadServer
) -> None:
    launcher, window = signed_in(qtbot, tmp_path, crowded)
    banner = window.server_link.banner
    page = _first_page_shown(qtbot, window, window.matters, MatterTableModel.PAGE)
    assert page.model.total > MatterTableModel.PAGE

    crowded.cluster.stop("immediate")
    status = window.statusBar()
    tries = [  # what a person does on the screen, each met with the one sentence
        lambda: qtbot.mouseClick(
            page.table.viewport(),
            LEFT,
            pos=page.table.visualRect(page.model.index(0, 0)).center(),
        ),
        lambda: page.table.verticalScrollBar().triggerAction(
            QAbstractSlider.SliderAction.SliderToMaximum
        ),
        lambda: qtbot.mouseClick(page.stage_buttons["filed"], LEFT),
    ]
    for attempt in tries:
        status.clearMessage()
        attempt()
        qtbot.waitUntil(lambda: status.currentMessage() == UNREACHABLE, timeout=20_000)
        assert banner.isVisible() and banner.text() == UNREACHABLE
        assert page.panel.matter_id is None  # no half-shown matter

    crowded.cluster.launch()
    qtbot.waitUntil(lambda: not banner.isVisible(), timeout=60_000)
    qtbot.mouseClick(page.stage_buttons[None], LEFT)
    qtbot.waitUntil(lambda: page.model.rowCount() == MatterTableModel.PAGE, timeout=20_000)
    bar = page.table.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 0)  # the rows laid out: there is somewhere to scroll
    bar.triggerAction(QAbstractSlider.SliderAction.SliderToMaximum)
    qtbot.waitUntil(lambda: page.model.rowCount() > MatterTableModel.PAGE, timeout=20_000)
    qtbot.mouseClick(
        page.table.viewport(), LEFT, pos=page.table.visualRect(page.model.index(0, 0)).center()
    )
    qtbot.waitUntil(lambda: page.panel.matter_id is not None, timeout=20_000)
    window.lock_action.trigger()
    launcher.close()
