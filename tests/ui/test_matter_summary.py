"""The matter panel's facts as a person reads them: a terminated grant dated right and marked
urgent, notes dated in the screen's language."""

from __future__ import annotations

import unicodedata
from datetime import date, timedelta

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog

from clinic_app.i18n import format_day
from clinic_app.services import matters
from tests.ui.dialogs import on_next_dialog, type_into
from tests.ui.test_workflows import open_window
from ui.app import apply_language
from ui.deadline_table import DeadlineTableModel
from ui.main_window import MainWindow


def test_a_terminated_grant_shows_when_it_was_granted_and_when_it_ended(
    qtbot, qapp: QApplication, window: MainWindow
) -> None:  # type: ignore[no-untyped-def]
    apply_language(qapp, "en")  # dates as the screen writes them, not ISO
    window.resize(1366, 768)  # a clinic laptop
    open_window(qtbot, window)
    vault = window.vault
    assert vault is not None
    today = date.today()
    granted, ended = today - timedelta(days=400), today - timedelta(days=9)
    matter = next(m for m in matters.list_matters(vault) if m.decision is None)
    matters.add_event(
        vault, matter_id=matter.id, kind="decision", decision="granted", occurred_on=granted
    )
    matters.add_grant(
        vault,
        matter_id=matter.id,
        kind="deferred_action",
        start=granted,
        end=granted + timedelta(days=4 * 365),
    )
    page = window.matters
    window.show_page(page)
    # Typed as a keyboard without accents would (the search ignores them; Qt types ASCII keys).
    folded = unicodedata.normalize("NFKD", matter.client_name).encode("ascii", "ignore")
    everyone = page.model.total
    qtbot.keyClicks(page.search, folded.decode())
    qtbot.waitUntil(lambda: 1 <= page.model.total < everyone, timeout=5000)  # the list filtered
    row = next(r for r in range(page.model.rowCount()) if page.model.record(r).id == matter.id)
    rect = page.table.visualRect(page.model.index(row, 0))
    qtbot.mouseClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    panel = page.panel
    qtbot.waitUntil(lambda: panel.matter_id == matter.id, timeout=5000)
    assert f"Granted {format_day(granted)}" in panel.summary.text()
    # The panel has no room for an Urgency column beside what is due (it was always empty).
    table = panel.deadlines.table
    assert panel.deadlines.model.rowCount() > 0
    assert table.isColumnHidden(DeadlineTableModel.TIER)

    problems: list[str] = []

    def termination(dialog: QDialog) -> None:
        dialog.kind.setCurrentIndex(dialog.kind.findData("termination"))  # type: ignore[attr-defined]
        type_into(qtbot, dialog.occurred, ended.strftime("%m/%d/%Y"))  # type: ignore[attr-defined]

    on_next_dialog(qtbot, termination, problems)
    qtbot.mouseClick(panel.notice_button, Qt.MouseButton.LeftButton)
    assert not problems, problems
    summary = panel.summary.text()
    # Granted on the decision day, ended on the notice's: never "Terminated <day granted>".
    assert f"Granted {format_day(granted)}, terminated {format_day(ended)}" in summary
    assert f"Terminated {format_day(granted)}" not in summary
    # The termination's review is urgent here as on Today: its mark leads what is due, and the
    # table still fits the panel (no sideways scrolling).
    model = panel.deadlines.model
    what = [
        str(model.data(model.index(row, DeadlineTableModel.KIND)))
        for row in range(model.rowCount())
    ]
    assert "‼ Grant terminated: urgent review" in what, what
    assert table.horizontalScrollBar().maximum() == 0

    # A note typed into the panel is dated the way the screen writes dates.
    qtbot.keyClicks(panel.note_field, "Called the worker about the termination")
    qtbot.keyClick(panel.note_field, Qt.Key.Key_Return)
    line = next(t for t in panel.timeline_text().splitlines() if "Called the worker" in t)
    assert line.startswith(f"Note, {format_day(today)}, ")
    assert today.isoformat() not in line
