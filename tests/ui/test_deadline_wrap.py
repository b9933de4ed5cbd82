"""The Deadlines screen at 1366×768: a "What" longer than its column (a Spanish rule, a task)
is read whole on more lines of its own row; every other row keeps one line."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtWidgets import QApplication, QStyle

from clinic_app.services import clients, deadlines, demo, matters, vault_ops
from tests.conftest import FAST_KDF, PASSPHRASE
from tests.ui.launch import unlocked
from ui.deadline_table import DeadlineTableModel
from ui.main_window import MainWindow

TASK = "Llamar al empleador para pedir las colillas de pago de los últimos tres meses de trabajo"


@pytest.fixture(scope="module")
def vault_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small demo vault plus a DACA renewal (its I-765 rule has the longest "What") and a
    long task, both due within the screen's first 90 days."""
    folder = tmp_path_factory.mktemp("wrap") / "vault"
    vault, _code = vault_ops.create_vault(folder, passphrase=PASSPHRASE, kdf=FAST_KDF)
    try:
        demo.fill_demo(vault, clients=20, seed=3)
        client = clients.list_clients(vault, limit=1)[0]
        today = date.today()
        daca = matters.add_matter(vault, client_id=client.id, program="daca", kind="renewal")
        for kind in ("deferred_action", "work_permit"):
            matters.add_grant(
                vault,
                matter_id=daca.record.id,
                kind=kind,
                start=today - timedelta(days=500),
                end=today + timedelta(days=190),
            )
        deadlines.add_task(
            vault, matter_id=daca.record.id, due=today + timedelta(days=5), title=TASK, today=today
        )
    finally:
        vault.close()
    return folder


def _deadlines_screen(qtbot, vault_dir: Path):  # type: ignore[no-untyped-def]
    """The main window at 1366×768, unlocked, on the Deadlines screen as a person goes there:
    its entry in the sidebar."""
    window = MainWindow(vault_dir, "tester")
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    unlocked(qtbot, window)
    page = window.deadlines
    entry = window.sidebar.item(window.pages.index(page))
    qtbot.mouseClick(
        window.sidebar.viewport(),
        Qt.MouseButton.LeftButton,
        pos=window.sidebar.visualItemRect(entry).center(),
    )
    qtbot.waitUntil(page.isVisible)
    QApplication.processEvents()
    return page


def test_a_long_what_is_read_whole_on_its_own_taller_row(qtbot, vault_dir: Path, language: str) -> None:  # type: ignore[no-untyped-def]
    page = _deadlines_screen(qtbot, vault_dir)
    table, model = page.table, page.model
    column = DeadlineTableModel.KIND
    metrics = table.fontMetrics()
    style = table.style()
    margin = 2 * (style.pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, table) + 1)
    one_line = table.verticalHeader().defaultSectionSize()

    long_rows, tall_rows = [], []
    for row in range(model.rowCount()):
        text = str(model.data(model.index(row, column)))
        if metrics.horizontalAdvance(text) + margin > table.columnWidth(column) + 1:
            long_rows.append(row)
        if table.rowHeight(row) > one_line:
            tall_rows.append(row)
    texts = {str(model.data(model.index(row, column))) for row in long_rows}
    assert any(TASK in text for text in texts), texts  # the long task is among them
    # Only the rows whose "What" needs it are taller: as many rows fit as before.
    assert tall_rows == long_rows
    for row in long_rows:
        index = model.index(row, column)
        table.scrollTo(index)
        QApplication.processEvents()
        cell = table.visualRect(index)
        text = str(model.data(index))
        room = QRect(0, 0, cell.width() - margin, 10_000)
        wrapped = metrics.boundingRect(room, Qt.TextFlag.TextWordWrap, text)
        assert wrapped.height() <= cell.height(), (text, wrapped, cell)
        assert wrapped.width() <= room.width(), (text, wrapped, cell)
    assert table.horizontalScrollBar().maximum() == 0  # nothing pushed out sideways
    page.window().lock()


def test_the_urgency_column_says_how_each_group_is_ordered(qtbot, vault_dir: Path, language: str) -> None:  # type: ignore[no-untyped-def]
    """Work-permit stops come nearest to today first, ended and coming mixed: hovering a row's
    urgency says so, in the screen's language, and the column's header says rows follow Today."""
    page = _deadlines_screen(qtbot, vault_dir)
    model = page.model
    tips = {
        model.data(model.index(row, DeadlineTableModel.TIER), Qt.ItemDataRole.DisplayRole): model.data(
            model.index(row, DeadlineTableModel.TIER), Qt.ItemDataRole.ToolTipRole
        )
        for row in range(model.rowCount())
    }
    stop = next(tip for shown, tip in tips.items() if shown.startswith("■"))
    nearest = {
        "en": "Nearest to today first, whether just ended or about to end.",
        "es": "Primero los más cercanos a hoy, ya sea que acaben de terminar o estén por terminar.",
    }[language]
    assert stop.endswith(nearest), stop
    header = model.headerData(
        DeadlineTableModel.TIER, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole
    )
    assert header and ("Today" in header or "Hoy" in header), header
